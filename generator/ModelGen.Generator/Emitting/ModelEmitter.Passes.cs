using System.Linq;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Emitting;

// The forward pass (layers in declaration order) and the backward pass (live layers in reverse), printed from the
// execution plan: each step is written by its layer kind's module.
internal sealed partial class ModelEmitter
{
    /// <summary>What a layer's module sees while it writes a step.</summary>
    private LayerStep Step(LayerPlan layer, bool inTrainingBranch = false) => new(_w, _plan, _exec, layer, inTrainingBranch);

    private void EmitForward()
    {
        _w.Line("/// <summary>Runs every layer on the first n samples of <paramref name=\"inputs\"/>; the result is left in the last layer's buffer.</summary>");
        _w.Open($"private void Forward({ReadOnlySpan}<{_t}> inputs, int n, bool training)");
        bool usesMode = _layers.Any(l => l.DependsOnMode) && Trainable;
        if (Trainable && DeferredInputLayer is LayerPlan deferred)
        {
            _w.Line($"// InputGradient waits for the weights of the last backward pass as {deferred.Name}'s forward pass packed them: computed");
            _w.Line("// now if packing the current weights would write over them (the second packing since, without a backward pass)");
            _w.Line($"if (_inputGradientPending && {Weighted.PackedField(deferred)}.WouldOverwrite(_inputGradientVersion, _weightVersion)) ComputeDeferredInputGradient();");
            _w.Line("if (training) _forwardVersion = _weightVersion; // the weights this pass packs, which its backward pass uses");
            _w.Line();
        }
        if (!usesMode)
            _w.Line("// (training: no layer of this model behaves differently in training)");
        for (int i = 0; i < _layers.Count; i++)
        {
            if (i > 0 || !usesMode) _w.Line();
            if (!_exec.Live[i])
            {
                // Its output is never read (MG1006): it would change nothing but its own state (running statistics, masks).
                _w.Line($"// {_layers[i].Name}: skipped, the output does not depend on it");
                continue;
            }
            int fused = _exec.FusedGroup[i];
            if (fused == 0)
            {
                EmitForwardStep(_layers[i], inTrainingBranch: false);
                continue;
            }
            // Convolution, batch norm (ReLU, max pooling): at inference, one pass; in training, batch norm needs the batch's
            // statistics. Two such groups in a row, the second reading the first's output: at inference, one call for both.
            int paired = PairedGroup(i, fused);
            int layers = fused + paired;
            string names = string.Join(" -> ", _layers.Skip(i).Take(layers).Select(l => l.Name));
            if (Trainable)
            {
                _w.Line($"// {names}: in training, layer by layer; at inference, {(paired > 0 ? "one call" : "one pass")} (see below)");
                _w.Open("if (training)");
                for (int j = i; j < i + layers; j++)
                {
                    if (j > i) _w.Line();
                    EmitForwardStep(_layers[j], inTrainingBranch: true);
                }
                _w.Close();
                _w.Open("else");
                EmitFusedInference(i, fused, paired);
                _w.Close();
            }
            else
            {
                EmitFusedInference(i, fused, paired);
            }
            i += layers - 1;
        }
        _w.Close();
        _w.Line();
    }

    /// <summary>The forward step of one layer, under a comment with what it does and its shapes.</summary>
    private void EmitForwardStep(LayerPlan layer, bool inTrainingBranch)
    {
        _w.Line($"// {layer.Name}: {layer.Module.StepComment(layer)}");
        layer.Module.EmitForward(Step(layer, inTrainingBranch));
    }

    /// <summary>
    /// The inference pass of a convolution, its batch norm, ReLU and max pooling (a group the planner fused), written
    /// where the group's last layer writes; with <paramref name="paired"/> layers of a second group after it that reads
    /// its output (<see cref="PairedGroup"/>), both groups in one call.
    /// </summary>
    private void EmitFusedInference(int i, int fused, int paired)
    {
        if (paired > 0)
        {
            var (a, b) = (Group(i, fused), Group(i + fused, paired));
            string steps = (a.Relu || b.Relu ? " (and the ReLUs)" : "") + (a.Pool is not null || b.Pool is not null ? ", then max-pooled" : "");
            _w.Line($"// {string.Join(" -> ", _layers.Skip(i).Take(fused + paired).Select(l => l.Name))} at inference: both convolutions");
            _w.Line($"// with running statistics{steps} per register tile, in one call; a single sample is split over the threads so");
            _w.Line("// that each computes the rows of the first group's output that its share of the second group reads");
            string between = Output(i + fused - 1);
            Conv2D.EmitNormalizedPairInference(Step(_layers[i]), a, between, Step(_layers[i + fused]), b, Output(i + fused + paired - 1),
                keepBetween: ReadByOthers(between, i + fused));
            return;
        }
        (LayerPlan norm, bool relu, LayerPlan? pool) = Group(i, fused);
        _w.Line($"// {string.Join(" -> ", _layers.Skip(i).Take(fused).Select(l => l.Name))} at inference: the convolution with running statistics{(relu ? " and the ReLU" : "")} applied per register tile"
            + (pool is null ? "" : ", then max-pooled sample by sample"));
        Conv2D.EmitNormalizedInference(Step(_layers[i]), norm, Output(i + fused - 1), relu, pool);
    }

    /// <summary>
    /// Whether a live layer other than <paramref name="reader"/> reads the buffer <paramref name="buffer"/> (directly or
    /// through a view such as Flatten, which reads it as its source).
    /// </summary>
    private bool ReadByOthers(string buffer, int reader)
    {
        for (int k = 0; k < _layers.Count; k++)
        {
            if (k == reader || !_exec.Live[k]) continue;
            LayerStep step = Step(_layers[k]);
            for (int operand = 0; operand < _layers[k].Sources.Count; operand++)
                if (step.Input(operand) == buffer) return true;
        }
        return false;
    }

    /// <summary>The batch norm of the fused group of <paramref name="fused"/> layers at <paramref name="i"/>, whether a ReLU follows it, and its max pooling if any.</summary>
    private (LayerPlan Norm, bool Relu, LayerPlan? Pool) Group(int i, int fused) =>
        (_layers[i + 1], fused > 2 && _layers[i + 2].Spec.Kind == LayerKind.ReLU,
            _layers[i + fused - 1].Spec.Kind == LayerKind.MaxPool2D ? _layers[i + fused - 1] : null);

    /// <summary>
    /// The layers of the fused group right after the one of <paramref name="fused"/> layers at <paramref name="i"/> when
    /// its convolution reads that group's output and every layer of it runs (then both run as one call at inference),
    /// else 0.
    /// </summary>
    private int PairedGroup(int i, int fused)
    {
        int j = i + fused;
        if (j >= _layers.Count || _exec.FusedGroup[j] == 0) return 0;
        int paired = _exec.FusedGroup[j];
        for (int k = j; k < j + paired; k++)
            if (!_exec.Live[k]) return 0;
        return Step(_layers[j]).Input() == Output(j - 1) ? paired : 0;
    }

    private void EmitBackward()
    {
        _w.Line("/// <summary>");
        _w.Line("/// Backpropagates the loss gradient left in the last layer's gradient buffer through every layer, last to first,");
        _w.Line("/// writing parameter gradients into _gradients and dLoss/dInputs into _inputGradient.");
        _w.Line("/// </summary>");
        _w.Open($"private void Backward({ReadOnlySpan}<{_t}> inputs, int n)");
        bool first = true;
        if (_exec.ClearsInputGradient)
        {
            _w.Line("// No layer that the output depends on reads the input: dLoss/dInputs is 0.");
            _w.Line($"{Rows("_inputGradient", InputSize)}.Clear();");
            first = false;
        }
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            LayerPlan layer = _layers[i];
            if (!first) _w.Line();
            first = false;
            if (_exec.Live[i])
            {
                layer.Module.EmitBackward(Step(layer));
                EmitGradientsReady(layer);
                continue;
            }
            _w.Line($"// {layer.Name}: the output does not depend on it (its own output is never read): no gradient");
            foreach (TensorPlan? tensor in new[] { layer.Weight, layer.Bias })
                if (tensor is not null) _w.Line($"{TensorProperty(tensor)}Gradient.Clear();");
            EmitGradientsReady(layer);
        }
        _w.Close();
        _w.Line();
    }

    /// <summary>
    /// Tells the gradient observer that a layer's parameter gradients are final, so that their all-reduce can start
    /// while the layers below still compute. Not when L1/L2 penalties change gradients after the backward pass: the
    /// observer then hears only BackwardCompleted.
    /// </summary>
    private void EmitGradientsReady(LayerPlan layer)
    {
        if (Regularized.Any()) return;
        TensorPlan[] tensors = new[] { layer.Weight, layer.Bias }.Where(t => t is not null).Select(t => t!).ToArray();
        if (tensors.Length == 0) return;
        int offset = tensors.Min(t => t.Offset), end = tensors.Max(t => t.Offset + t.Length);
        if (end - offset != tensors.Sum(t => t.Length)) return; // not one range (never so today: a layer's tensors lie together)
        _w.Line($"_gradientObserver?.GradientsReady({Int(offset)}, {Int(end - offset)}); // {string.Join(", ", tensors.Select(t => t.Name))} {(tensors.Length == 1 ? "is" : "are")} final");
    }
}
