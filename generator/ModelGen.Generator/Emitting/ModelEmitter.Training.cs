using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Emitting;

// Predict, the training API (ComputeGradients, TrainStep, Evaluate, LearningRate, InputGradient), penalties, clipping
// and the optimizer step.
internal sealed partial class ModelEmitter
{
    /// <summary>
    /// Opens a public member whose body runs under the model's <c>ExclusiveUse</c> guard: a call from a second thread
    /// while one is inside throws instead of corrupting the pass in progress (nested calls on one thread pass).
    /// </summary>
    private void OpenGuarded(string signature)
    {
        _w.Open(signature);
        _w.Line($"bool entered = _exclusiveUse.Enter({String(Spec.Type.Name)});");
        _w.Open("try");
    }

    /// <summary>Closes what <see cref="OpenGuarded"/> opened, releasing the guard.</summary>
    private void CloseGuarded()
    {
        _w.Close();
        _w.Open("finally");
        _w.Line("_exclusiveUse.Exit(entered);");
        _w.Close();
        _w.Close();
    }

    /// <summary>Layers with an L1 or L2 penalty on their weights.</summary>
    private IEnumerable<LayerPlan> Regularized => _layers.Where(l => l.Weight is not null && (l.Spec.L1 > 0 || l.Spec.L2 > 0));

    private void EmitPredict()
    {
        _w.Line("/// <summary>");
        _w.Line("/// Runs the network in inference mode on <c>n</c> samples (any n ≥ 0), in chunks of <see cref=\"BatchSize\"/>.");
        if (Spec.Loss?.Kind == LossKind.CrossEntropy)
            _w.Line("/// The outputs are logits: the cross-entropy loss applies the softmax itself.");
        if (Spec.Loss?.Kind == LossKind.BinaryCrossEntropy)
            _w.Line("/// The outputs are logits: the binary cross-entropy loss applies the sigmoid itself.");
        _w.Line("/// </summary>");
        _w.Line("/// <param name=\"inputs\">n · InputSize values, one sample after another.</param>");
        _w.Line("/// <param name=\"outputs\">Receives n · OutputSize values.</param>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">A length is not a whole number of samples, or the two disagree.</exception>");
        OpenGuarded($"public void Predict({ReadOnlySpan}<{_t}> inputs, {Span}<{_t}> outputs)");
        _w.Line($"int total = inputs.IsEmpty ? 0 : {Kernels}.Check.Samples(inputs.Length, InputSize, 0, \"inputs\"); // no samples: nothing to do");
        _w.Line($"{Kernels}.Check.ExactLength(outputs.Length, total * OutputSize, \"outputs\", \"OutputSize values for each input sample\");");
        _w.Open("for (int start = 0; start < total; start += BatchSize)");
        _w.Line("int n = global::System.Math.Min(BatchSize, total - start);");
        _w.Line("Forward(inputs.Slice(start * InputSize, n * InputSize), n, training: false);");
        _w.Line($"{Rows(Output(_layers.Count - 1), OutputSize)}.CopyTo(outputs.Slice(start * OutputSize, n * OutputSize));");
        _w.Close();
        CloseGuarded();
        _w.Line();
    }

    private bool UsesLabels => LossSettings.TakesLabels(Spec.Loss!.Kind);

    private string LossName => Spec.Loss!.Kind switch
    {
        LossKind.MeanSquaredError => "mean squared error",
        LossKind.CrossEntropy => LossSettings.LabelSmoothingOf(Spec.Loss!) > 0 ? "cross-entropy with label smoothing" : "cross-entropy",
        LossKind.Hinge => "multi-class hinge loss",
        LossKind.Huber => "Huber loss",
        LossKind.MeanAbsoluteError => "mean absolute error",
        _ => "binary cross-entropy",
    };

    private string TargetParameter => UsesLabels ? $"{ReadOnlySpan}<int> labels" : $"{ReadOnlySpan}<{_t}> targets";

    private string TargetName => UsesLabels ? "labels" : "targets";

    private string TargetDoc => UsesLabels
        ? "<param name=\"labels\">One class index in 0..OutputSize-1 per sample.</param>"
        : "<param name=\"targets\">n · OutputSize target values.</param>";

    private void EmitTargetChecks(string samples)
    {
        if (UsesLabels)
        {
            _w.Line($"{Kernels}.Check.ExactLength(labels.Length, {samples}, \"labels\", \"one label for each input sample\");");
            _w.Line($"{Kernels}.Check.Labels(labels, OutputSize, \"labels\");");
        }
        else
        {
            _w.Line($"{Kernels}.Check.ExactLength(targets.Length, {samples} * OutputSize, \"targets\", \"OutputSize values for each input sample\");");
        }
    }

    /// <summary>The loss kernel call on the last layer's output for <c>n</c> samples, writing the gradient into <paramref name="gradient"/>.</summary>
    private string LossCall(string targets, string gradient)
    {
        string output = Rows(Output(_layers.Count - 1), OutputSize);
        return Spec.Loss!.Kind switch
        {
            LossKind.MeanSquaredError => $"{Kernels}.Losses.MeanSquaredError<{_t}>({output}, {targets}, {gradient})",
            LossKind.CrossEntropy when LossSettings.LabelSmoothingOf(Spec.Loss!) > 0 =>
                $"{Kernels}.Losses.CrossEntropy<{_t}>({output}, {targets}, {gradient}, OutputSize, labelSmoothing: {Lit(LossSettings.LabelSmoothingOf(Spec.Loss!))})",
            LossKind.CrossEntropy => $"{Kernels}.Losses.CrossEntropy<{_t}>({output}, {targets}, {gradient}, OutputSize)",
            LossKind.Hinge => $"{Kernels}.Losses.Hinge<{_t}>({output}, {targets}, {gradient}, OutputSize)",
            LossKind.Huber => $"{Kernels}.Losses.Huber<{_t}>({output}, {targets}, {gradient}, delta: {Lit(LossSettings.DeltaOf(Spec.Loss!))})",
            LossKind.MeanAbsoluteError => $"{Kernels}.Losses.MeanAbsoluteError<{_t}>({output}, {targets}, {gradient})",
            _ => $"{Kernels}.Losses.BinaryCrossEntropy<{_t}>({output}, {targets}, {gradient})",
        };
    }

    private void EmitTrainingMembers()
    {
        string lossName = LossName;
        // ComputeGradients
        _w.Line("/// <summary>");
        _w.Line($"/// Forward and backward pass in training mode on n ≤ BatchSize samples: fills the gradients of the {lossName}");
        _w.Line("/// (mean over the batch; see <see cref=\"Gradient\"/> and <see cref=\"InputGradient\"/>) and returns it. Parameters are not changed.");
        _w.Line("/// </summary>");
        _w.Line("/// <param name=\"inputs\">n · InputSize values, 1 ≤ n ≤ BatchSize.</param>");
        _w.Line("/// " + TargetDoc);
        _w.Line(UsesLabels
            ? "/// <exception cref=\"global::System.ArgumentException\">Bad lengths, too many samples or a label out of range; nothing is changed.</exception>"
            : "/// <exception cref=\"global::System.ArgumentException\">Bad lengths or too many samples; nothing is changed.</exception>");
        OpenGuarded($"public {_t} ComputeGradients({ReadOnlySpan}<{_t}> inputs, {TargetParameter})");
        _w.Line($"int n = {Kernels}.Check.Samples(inputs.Length, InputSize, BatchSize, \"inputs\");");
        EmitTargetChecks("n");
        if (_layers.FirstOrDefault(l => _exec.Live[l.Index] && l.Module.NeedsTwoSamples(l) is not null) is LayerPlan needsTwo)
        {
            _w.Line($"if (n < 2) // {needsTwo.Name} {needsTwo.Module.NeedsTwoSamples(needsTwo)}");
            _w.Line($"    throw new global::System.ArgumentException(\"A training step of this model needs at least 2 samples: {needsTwo.Module.Label} '{needsTwo.Name}' normalizes over the batch.\", \"inputs\");");
        }
        _w.Line("Forward(inputs, n, training: true);");
        int last = _layers.Count - 1;
        _w.Line($"{_t} loss = {LossCall(TargetName, Rows(OutputGradient(last), OutputSize))};");
        _w.Line("Backward(inputs, n);");
        if (Regularized.Any())
            _w.Line("loss += ApplyRegularization(); // the penalty is part of the loss: its gradient joins the weights' gradients");
        _w.Line("_gradientObserver?.BackwardCompleted(); // a data-parallel trainer completes its all-reduce here" + (Spec.Clipping is null ? "" : ", before clipping"));
        EmitClipping();
        _w.Line("_inputGradientSamples = n;");
        _w.Line("return loss;");
        CloseGuarded();
        _w.Line();

        // TrainStep
        _w.Line("/// <summary>One training step: <see cref=\"ComputeGradients\"/> then <see cref=\"ApplyGradients\"/>. Returns the loss before the update.</summary>");
        _w.Line("/// <param name=\"inputs\">n · InputSize values, 1 ≤ n ≤ BatchSize.</param>");
        _w.Line("/// " + TargetDoc);
        OpenGuarded($"public {_t} TrainStep({ReadOnlySpan}<{_t}> inputs, {TargetParameter})");
        _w.Line($"{_t} loss = ComputeGradients(inputs, {TargetName});");
        _w.Line("ApplyGradients();");
        _w.Line("return loss;");
        CloseGuarded();
        _w.Line();

        // Evaluate
        _w.Line($"/// <summary>The {lossName} (mean over n samples, any n ≥ 1) in inference mode; gradients and parameters are untouched.</summary>");
        _w.Line("/// <param name=\"inputs\">n · InputSize values.</param>");
        _w.Line("/// " + TargetDoc);
        OpenGuarded($"public {_t} Evaluate({ReadOnlySpan}<{_t}> inputs, {TargetParameter})");
        _w.Line($"int total = {Kernels}.Check.Samples(inputs.Length, InputSize, 0, \"inputs\");");
        EmitTargetChecks("total");
        _w.Line("double sum = 0;");
        _w.Open("for (int start = 0; start < total; start += BatchSize)");
        _w.Line("int n = global::System.Math.Min(BatchSize, total - start);");
        _w.Line("Forward(inputs.Slice(start * InputSize, n * InputSize), n, training: false);");
        string chunk = UsesLabels ? "labels.Slice(start, n)" : "targets.Slice(start * OutputSize, n * OutputSize)";
        _w.Line($"sum += (double){LossCall(chunk, $"{Span}<{_t}>.Empty")} * n;");
        _w.Close();
        _w.Line(Regularized.Any() ? $"return ({_t})(sum / total) + RegularizationPenalty();" : $"return ({_t})(sum / total);");
        CloseGuarded();
        _w.Line();

        // LearningRate, Step, InputGradient
        _w.Line("/// <summary>The learning rate of the next optimizer step; starts at the optimizer attribute's, and schedules set it.</summary>");
        _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">Set to a negative or non-finite value.</exception>");
        _w.Open($"public {_t} LearningRate");
        _w.Line("get => _learningRate;");
        _w.Open("set");
        _w.Line($"if (!{_t}.IsFinite(value) || value < 0)");
        _w.Line("    throw new global::System.ArgumentOutOfRangeException(\"value\", value, \"The learning rate must be finite and at least 0.\");");
        _w.Line("_learningRate = value;");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line("/// <summary>Optimizer steps taken so far.</summary>");
        _w.Line("public long Step => _step;");
        _w.Line();
        _w.Line("/// <summary>dLoss/dInputs from the last <see cref=\"ComputeGradients\"/>: n · InputSize values (empty before the first call).</summary>");
        if (DeferredInputLayer is LayerPlan deferred)
        {
            _w.Open($"public {ReadOnlySpan}<{_t}> InputGradient");
            OpenGuarded("get");
            _w.Line("ComputeDeferredInputGradient();");
            _w.Line($"return {SpanOf("_inputGradient", "0", "_inputGradientSamples * InputSize")};");
            CloseGuarded();
            _w.Close();
            _w.Line();
            _w.Line("/// <summary>Computes <see cref=\"InputGradient\"/> if the last backward pass left it for later.</summary>");
            _w.Open("private void ComputeDeferredInputGradient()");
            _w.Line("if (!_inputGradientPending) return;");
            _w.Line($"// {deferred.Name}: dX = dY · W, deferred from Backward (training never needs it), with the weights of that pass as the forward pass packed them");
            _w.Line($"{Kernels}.Dense.InputGradient<{_t}>({OutputGradient(deferred.Index)}, {Weighted.PackedField(deferred)}, _inputGradientVersion, _inputGradient, _inputGradientSamples, {Int(deferred.Input.Size)}, {Int(deferred.Output.Size)}, {ThreadsArgument});");
            _w.Line("_inputGradientPending = false;");
            _w.Close();
        }
        else
        {
            _w.Line($"public {ReadOnlySpan}<{_t}> InputGradient => {SpanOf("_inputGradient", "0", "_inputGradientSamples * InputSize")};");
        }
        _w.Line();
    }

    private void EmitClipping()
    {
        ClippingSpec? c = Spec.Clipping;
        if (c is null) return;
        if (c.MaxNorm > 0)
        {
            _w.Line($"// Clip the global L2 norm of all gradients to {Number(c.MaxNorm)}: g *= min(1, max_norm/(‖g‖ + 1e-6)) (clip_grad_norm_).");
            _w.Line($"{Kernels}.Optimizers.GradientClipping.ClipByNorm<{_t}>(_gradients, {Number(c.MaxNorm)});");
        }
        if (c.MaxValue > 0)
        {
            _w.Line($"// Clamp every gradient to ±{Number(c.MaxValue)} (clip_grad_value_).");
            _w.Line($"{Kernels}.Optimizers.GradientClipping.ClipByValue<{_t}>(_gradients, {Number(c.MaxValue)});");
        }
    }

    private void EmitRegularization()
    {
        if (!Regularized.Any()) return;
        _w.Line("/// <summary>Adds each penalized layer's L1·Σ|w| + L2·Σw² gradient to its weight gradient and returns the total penalty.</summary>");
        _w.Open($"private {_t} ApplyRegularization()");
        _w.Line($"{_t} penalty = 0;");
        foreach (LayerPlan layer in Regularized)
        {
            _w.Line($"// {layer.Name}.weight: L1 {Number(layer.Spec.L1)}, L2 {Number(layer.Spec.L2)}");
            _w.Line($"penalty += {Kernels}.Regularization.Apply<{_t}>({TensorProperty(layer.Weight!)}, {TensorProperty(layer.Weight!)}Gradient, l1: {Number(layer.Spec.L1)}, l2: {Number(layer.Spec.L2)});");
        }
        _w.Line("return penalty;");
        _w.Close();
        _w.Line();
        _w.Line("/// <summary>The total L1/L2 penalty of the current weights (part of the loss Evaluate reports).</summary>");
        _w.Open($"private {_t} RegularizationPenalty()");
        _w.Line($"{_t} penalty = 0;");
        foreach (LayerPlan layer in Regularized)
            _w.Line($"penalty += {Kernels}.Regularization.Penalty<{_t}>({TensorProperty(layer.Weight!)}, l1: {Number(layer.Spec.L1)}, l2: {Number(layer.Spec.L2)});");
        _w.Line("return penalty;");
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// The parameter tensors as rows (first dimension) by the rest, for the optimizer's pass: each thread updates the rows
    /// its layers' products computed (ParameterLayout).
    /// </summary>
    private void EmitParameterLayout()
    {
        var tensors = _plan.Parameters.ToList();
        _w.Line("// The parameter tensors as rows (output units or channels) of values, in storage order: the optimizer's pass updates");
        _w.Line("// on each thread the rows that thread owns, those a dense layer's products computed there (ParameterLayout).");
        _w.Line($"private static readonly global::ModelGen.Kernels.Optimizers.ParameterLayout _parameterLayout = new(new (int, int)[]");
        _w.Line("{");
        foreach (TensorPlan t in tensors)
        {
            int rows = t.Shape.Count > 0 ? t.Shape[0] : 1;
            _w.Line($"    ({Int(rows)}, {Int(t.Length / rows)}), // {t.Name} {Shape(t.Shape)}");
        }
        _w.Line("});");
        _w.Line();
    }

    private void EmitApplyGradients()
    {
        OptimizerSpec o = Spec.Optimizer!;
        _w.Line("/// <summary>One optimizer step with <see cref=\"LearningRate\"/> on the gradients of the last <see cref=\"ComputeGradients\"/>.</summary>");
        OpenGuarded("public void ApplyGradients()");
        _w.Line("_step++;");
        _w.Line("// " + OptimizerEmission.Rule(o));
        _w.Line("// One fused pass over all parameters, their gradients and the optimizer state.");
        foreach (string line in OptimizerEmission.StepCall(o, _t, _double, Spec.Threads)) _w.Line(line);
        if (HasPackedWeights) _w.Line("_weightVersion++; // the packed weights are stale");
        CloseGuarded();
        _w.Line();
        EmitParameterLayout();

        var slots = OptimizerEmission.Slots(o);
        string names = string.Join(", ", slots.Select(x => String(x.Name)));
        _w.Line("/// <summary>");
        _w.Line("/// Names of the optimizer's state tensors (PyTorch's state keys). Each holds one value per parameter, in the order of");
        _w.Line("/// <see cref=\"ParameterNames\"/>; with <see cref=\"Step\"/> they are everything a checkpoint needs to resume training exactly.");
        _w.Line("/// </summary>");
        _w.Line("public static global::System.Collections.Generic.IReadOnlyList<string> OptimizerStateNames { get; } =");
        _w.Line(slots.Count == 0
            ? "    global::System.Array.AsReadOnly(global::System.Array.Empty<string>());"
            : $"    global::System.Array.AsReadOnly(new string[] {{ {names} }});");
        _w.Line();
        _w.Line("/// <summary>The live values of an optimizer state tensor (ParameterCount values); write them to restore a checkpoint.</summary>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">The optimizer has no state of that name.</exception>");
        if (slots.Count == 0)
        {
            _w.Line($"public {Span}<{_t}> OptimizerState(string name) => throw {Kernels}.Check.UnknownName(name, \"optimizer state\", OptimizerStateNames);");
        }
        else
        {
            EmitNameSwitch($"public {Span}<{_t}> OptimizerState(string name)", slots.Select(x => (x.Name, x.Field)), "optimizer state", "OptimizerStateNames");
        }
        _w.Line();
        _w.Line("/// <summary>Sets <see cref=\"Step\"/> when restoring a checkpoint (together with <see cref=\"OptimizerState\"/>).</summary>");
        _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"step\"/> is negative.</exception>");
        _w.Open("public void RestoreStep(long step)");
        _w.Line("if (step < 0) throw new global::System.ArgumentOutOfRangeException(\"step\", step, \"The step count cannot be negative.\");");
        _w.Line("_step = step;");
        if (OptimizerEmission.HasMuProduct(o))
            _w.Line($"_muProduct = {Kernels}.Optimizers.NAdam.MuProduct<{_t}>({Number(o.Beta1)}, {Number(o.MomentumDecay)}, step);");
        _w.Close();
        _w.Line();
    }
}
