using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ModelGen.Generator.Model;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Shapes;

/// <summary>
/// Pure functions from a <see cref="ModelSpec"/> to a <see cref="ModelPlan"/>: the shape after every layer, the
/// parameter tensors with their offsets and fans, and every problem of the declaration (shapes that do not fit,
/// hyperparameters out of range, known training mistakes). No Roslyn inside, so it is testable on plain data.
/// </summary>
internal static class ShapeInference
{
    /// <summary>Largest buffer (BatchSize × features) the generated code may allocate.</summary>
    private const long MaxBufferLength = int.MaxValue / 2;

    /// <summary>Most elements one .NET array holds (Array.MaxLength): the bound on ParameterCount.</summary>
    private const long MaxArrayLength = 0x7FFFFFC7;

    /// <summary>Most threads a model may ask for (the runtime's own limit).</summary>
    private const int MaxThreads = 64;

    public static ModelPlan Plan(ModelSpec spec)
    {
        var problems = new List<Problem>(spec.Problems);
        string model = spec.Type.Name;

        if (spec.BatchSize < 1)
            problems.Add(OutOfRange(spec.ModelOrdinal, "Model.BatchSize", spec.BatchSize, "at least 1"));
        if (spec.Threads < 0 || spec.Threads > MaxThreads)
            problems.Add(OutOfRange(spec.ModelOrdinal, "Model.Threads", spec.Threads, "between 0 (the process-wide limit) and 64"));
        if (!Enum.IsDefined(typeof(PrecisionKind), spec.Precision))
            problems.Add(OutOfRange(spec.ModelOrdinal, "Model.Precision", (int)spec.Precision, "Precision.Single or Precision.Double"));

        Shape? input = null;
        if (spec.Input is null)
        {
            problems.Add(Problem.Create(D.MissingInputId, spec.ModelOrdinal, model));
        }
        else
        {
            int[] dims = spec.Input.Shape.ToArray();
            string text = "[" + string.Join(", ", dims.Select(Format)) + "]";
            if (dims.Length != 1 && dims.Length != 3)
                problems.Add(Problem.Create(D.InvalidInputShapeId, spec.Input.Ordinal, text,
                    $"a sample must be a vector [features] or an image [channels, height, width], but this has rank {dims.Length}"));
            else if (dims.Any(d => d < 1))
                problems.Add(Problem.Create(D.InvalidInputShapeId, spec.Input.Ordinal, text, "every dimension must be at least 1"));
            else if ((long)dims.Aggregate(1L, (a, b) => a * b) * Math.Max(1, spec.BatchSize) > MaxBufferLength)
                problems.Add(Problem.Create(D.InvalidInputShapeId, spec.Input.Ordinal, text, "a batch of such samples does not fit in one array"));
            else
                input = new Shape(dims);
        }

        if (spec.Layers.Count == 0)
            problems.Add(Problem.Create(D.NoLayersId, spec.ModelOrdinal, model));

        var layers = new List<LayerPlan>();
        if (input is not null)
            InferLayers(spec, input, layers, problems);

        if (GeneratedNames.All(layers).Contains(model))
            problems.Add(Problem.Create(D.UnsupportedTypeId, spec.ModelOrdinal, model,
                $"'{model}' is also the name of a member ModelGen generates into the class; rename the class (or the layer it comes from)"));

        bool shapesKnown = input is not null && layers.Count == spec.Layers.Count && spec.Layers.Count > 0;
        CheckTraining(spec, shapesKnown ? layers : null, problems);
        if (shapesKnown) CheckPitfalls(spec, layers, problems);

        return new ModelPlan(spec, input, layers, problems);
    }

    /// <summary>Walks the layers in order; stops at the first layer whose input shape it cannot accept.</summary>
    private static void InferLayers(ModelSpec spec, Shape input, List<LayerPlan> layers, List<Problem> problems)
    {
        var counters = new Dictionary<LayerKind, int>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int offset = 0, stream = 0, bufferOffset = 0; // offset stays below MaxArrayLength: checked before each layer's tensors are added
        Shape current = input;

        foreach (LayerSpec layer in spec.Layers)
        {
            counters.TryGetValue(layer.Kind, out int index);
            counters[layer.Kind] = index + 1;
            string name = layer.Name ?? layer.Kind.ToString().ToLowerInvariant() + index.ToString(CultureInfo.InvariantCulture);
            if (layer.Name is not null && !IsValidName(layer.Name))
                problems.Add(Problem.Create(D.InvalidLayerNameId, layer.Ordinal, layer.Name,
                    "must start with a letter and hold only letters, digits and underscores"));
            else if (!names.Add(name))
                problems.Add(Problem.Create(D.InvalidLayerNameId, layer.Ordinal, name, "is already the name of another layer (names ignore case)"));

            string label = $"{Label(layer.Kind)} '{name}'";
            CheckHyperparameters(layer, label, problems);

            Shape? output = OutputShape(layer, current, label, problems);
            if (output is null) return;
            if ((long)output.Size * Math.Max(1, spec.BatchSize) > MaxBufferLength)
            {
                problems.Add(Problem.Create(D.ShapeMismatchId, layer.Ordinal, label, current.ToString(),
                    $"its output {output} times BatchSize does not fit in one array"));
                return;
            }

            var plan = new LayerPlan(layer, name, current, output);
            if (layer.Kind == LayerKind.Conv2D)
            {
                int pad = layer.Padding == PaddingKind.Same ? layer.KernelSize - 1 : 0;
                plan.PadTop = plan.PadLeft = pad / 2; // PyTorch's padding='same': the extra row/column goes below/right
            }
            long parameters = ParameterCountOf(layer, current);
            if (offset + parameters > MaxArrayLength)
            {
                problems.Add(Problem.Create(D.ShapeMismatchId, layer.Ordinal, label, current.ToString(),
                    $"its {parameters} parameters bring the model to {offset + parameters}, more than one array holds"));
                return;
            }
            TensorPlan Tensor(string suffix, int[] shape, InitKind init, int fanIn, int fanOut)
            {
                var tensor = new TensorPlan(name + suffix, shape, offset, init, fanIn, fanOut, stream++);
                offset += tensor.Length;
                return tensor;
            }
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                    plan.Weight = Tensor(".weight", new[] { layer.Units, current.Size }, layer.WeightInit, current.Size, layer.Units);
                    // Keras's fans for a 1-D tensor: fan_in = fan_out = its length.
                    if (layer.UseBias) plan.Bias = Tensor(".bias", new[] { layer.Units }, layer.BiasInit, layer.Units, layer.Units);
                    break;
                case LayerKind.Conv2D:
                    int receptive = layer.KernelSize * layer.KernelSize;
                    plan.Weight = Tensor(".weight", new[] { layer.Filters, current.Dims[0], layer.KernelSize, layer.KernelSize },
                        layer.WeightInit, current.Dims[0] * receptive, layer.Filters * receptive);
                    if (layer.UseBias) plan.Bias = Tensor(".bias", new[] { layer.Filters }, InitKind.Zeros, layer.Filters, layer.Filters);
                    break;
                case LayerKind.BatchNorm:
                    int channels = current.Dims[0];
                    plan.Weight = Tensor(".weight", new[] { channels }, InitKind.Ones, channels, channels);
                    plan.Bias = Tensor(".bias", new[] { channels }, InitKind.Zeros, channels, channels);
                    plan.RunningMean = new TensorPlan(name + ".running_mean", new[] { channels }, bufferOffset, InitKind.Zeros, channels, channels, -1);
                    plan.RunningVar = new TensorPlan(name + ".running_var", new[] { channels }, bufferOffset + channels, InitKind.Ones, channels, channels, -1);
                    bufferOffset += 2 * channels;
                    break;
                case LayerKind.LayerNorm:
                    plan.Weight = Tensor(".weight", current.Dims, InitKind.Ones, current.Size, current.Size);
                    plan.Bias = Tensor(".bias", current.Dims, InitKind.Zeros, current.Size, current.Size);
                    break;
            }
            layers.Add(plan);
            current = output;
        }
    }

    /// <summary>Trainable scalars of a layer with the given input (0 when its hyperparameters are out of range).</summary>
    private static long ParameterCountOf(LayerSpec layer, Shape input) => layer.Kind switch
    {
        LayerKind.Dense => (long)layer.Units * input.Size + (layer.UseBias ? layer.Units : 0),
        LayerKind.Conv2D => (long)layer.Filters * input.Dims[0] * layer.KernelSize * layer.KernelSize + (layer.UseBias ? layer.Filters : 0),
        LayerKind.BatchNorm => 2L * input.Dims[0],
        LayerKind.LayerNorm => 2L * input.Size,
        _ => 0,
    };

    private static Shape? OutputShape(LayerSpec layer, Shape input, string label, List<Problem> problems)
    {
        switch (layer.Kind)
        {
            case LayerKind.Dense:
                if (input.Rank != 1)
                {
                    problems.Add(Problem.Create(D.ShapeMismatchId, layer.Ordinal, label, input.ToString(),
                        "a dense layer needs a vector; put [Flatten] before it"));
                    return null;
                }
                return layer.Units >= 1 ? new Shape(layer.Units) : null;
            case LayerKind.Softmax:
                if (input.Rank != 1)
                {
                    problems.Add(Problem.Create(D.ShapeMismatchId, layer.Ordinal, label, input.ToString(),
                        "softmax normalizes over the features of a vector; put [Flatten] before it"));
                    return null;
                }
                return input;
            case LayerKind.ReLU:
            case LayerKind.Tanh:
            case LayerKind.Sigmoid:
            case LayerKind.LeakyReLU:
                return input;
            case LayerKind.Flatten:
                if (input.Rank != 3)
                {
                    problems.Add(Problem.Create(D.ShapeMismatchId, layer.Ordinal, label, input.ToString(),
                        "flatten turns a [channels x height x width] tensor into a vector, and this input is already a vector"));
                    return null;
                }
                return new Shape(input.Size);
            case LayerKind.Dropout:
            case LayerKind.LayerNorm:
                return input;
            case LayerKind.BatchNorm:
                if (input.Rank != 1 && input.Rank != 3)
                {
                    problems.Add(Problem.Create(D.ShapeMismatchId, layer.Ordinal, label, input.ToString(),
                        "batch norm normalizes the features of a vector or the channels of a [channels x height x width] tensor"));
                    return null;
                }
                return input;
            case LayerKind.Conv2D:
            {
                if (!NeedsImage(layer, input, label, "a convolution", problems)) return null;
                if (layer.Filters < 1 || layer.KernelSize < 1 || layer.Stride < 1) return null; // reported as out of range
                if (layer.Padding == PaddingKind.Same && layer.Stride != 1)
                {
                    problems.Add(Problem.Create(D.NotSupportedYetId, layer.Ordinal, $"Padding.Same with Stride = {Format(layer.Stride)} on {label} (PyTorch allows 'same' only with stride 1)"));
                    return null;
                }
                int pad = layer.Padding == PaddingKind.Same ? layer.KernelSize - 1 : 0;
                int height = input.Dims[1] + pad, width = input.Dims[2] + pad;
                if (layer.KernelSize > height || layer.KernelSize > width)
                {
                    problems.Add(Problem.Create(D.ShapeMismatchId, layer.Ordinal, label, input.ToString(),
                        $"its {Format(layer.KernelSize)}x{Format(layer.KernelSize)} kernel is larger than its {(pad > 0 ? "padded " : "")}input of {Format(height)}x{Format(width)}"));
                    return null;
                }
                return new Shape(layer.Filters, (height - layer.KernelSize) / layer.Stride + 1, (width - layer.KernelSize) / layer.Stride + 1);
            }
            case LayerKind.MaxPool2D:
            case LayerKind.AvgPool2D:
            {
                if (!NeedsImage(layer, input, label, "pooling", problems)) return null;
                if (layer.PoolSize < 1 || layer.Stride < 1) return null; // reported as out of range
                if (layer.PoolSize > input.Dims[1] || layer.PoolSize > input.Dims[2])
                {
                    problems.Add(Problem.Create(D.ShapeMismatchId, layer.Ordinal, label, input.ToString(),
                        $"its {Format(layer.PoolSize)}x{Format(layer.PoolSize)} window is larger than its input of {Format(input.Dims[1])}x{Format(input.Dims[2])}"));
                    return null;
                }
                return new Shape(input.Dims[0], (input.Dims[1] - layer.PoolSize) / layer.Stride + 1, (input.Dims[2] - layer.PoolSize) / layer.Stride + 1);
            }
            default:
                problems.Add(Problem.Create(D.NotSupportedYetId, layer.Ordinal, $"[{layer.Kind}]"));
                return null;
        }
    }

    private static bool NeedsImage(LayerSpec layer, Shape input, string label, string what, List<Problem> problems)
    {
        if (input.Rank == 3) return true;
        problems.Add(Problem.Create(D.ShapeMismatchId, layer.Ordinal, label, input.ToString(),
            $"{what} needs a [channels x height x width] tensor, but gets a vector"));
        return false;
    }

    private static void CheckHyperparameters(LayerSpec layer, string label, List<Problem> problems)
    {
        string kind = layer.Kind.ToString();
        if (layer.Kind == LayerKind.Dense)
        {
            if (layer.Units < 1) problems.Add(OutOfRange(layer.Ordinal, $"{kind}.units", layer.Units, "at least 1"));
            if (!Enum.IsDefined(typeof(ActivationKind), layer.Activation))
                problems.Add(OutOfRange(layer.Ordinal, $"{kind}.activation", (int)layer.Activation, "a member of Activation"));
            if (!Enum.IsDefined(typeof(InitKind), layer.WeightInit))
                problems.Add(OutOfRange(layer.Ordinal, $"{kind}.WeightInit", (int)layer.WeightInit, "a member of Init"));
            if (!Enum.IsDefined(typeof(InitKind), layer.BiasInit))
                problems.Add(OutOfRange(layer.Ordinal, $"{kind}.BiasInit", (int)layer.BiasInit, "a member of Init"));
            if (!(layer.L1 >= 0) || double.IsInfinity(layer.L1))
                problems.Add(OutOfRange(layer.Ordinal, $"{kind}.L1", layer.L1, "finite and at least 0"));
            if (!(layer.L2 >= 0) || double.IsInfinity(layer.L2))
                problems.Add(OutOfRange(layer.Ordinal, $"{kind}.L2", layer.L2, "finite and at least 0"));
        }
        if (layer.Kind == LayerKind.Conv2D)
        {
            if (layer.Filters < 1) problems.Add(OutOfRange(layer.Ordinal, "Conv2D.filters", layer.Filters, "at least 1"));
            if (layer.KernelSize < 1) problems.Add(OutOfRange(layer.Ordinal, "Conv2D.kernelSize", layer.KernelSize, "at least 1"));
            if (layer.Stride < 1) problems.Add(OutOfRange(layer.Ordinal, "Conv2D.Stride", layer.Stride, "at least 1"));
            if (!Enum.IsDefined(typeof(ActivationKind), layer.Activation))
                problems.Add(OutOfRange(layer.Ordinal, "Conv2D.activation", (int)layer.Activation, "a member of Activation"));
            if (!Enum.IsDefined(typeof(InitKind), layer.WeightInit))
                problems.Add(OutOfRange(layer.Ordinal, "Conv2D.WeightInit", (int)layer.WeightInit, "a member of Init"));
            if (!Enum.IsDefined(typeof(PaddingKind), layer.Padding))
                problems.Add(OutOfRange(layer.Ordinal, "Conv2D.Padding", (int)layer.Padding, "Padding.Valid or Padding.Same"));
            if (!(layer.L1 >= 0) || double.IsInfinity(layer.L1))
                problems.Add(OutOfRange(layer.Ordinal, "Conv2D.L1", layer.L1, "finite and at least 0"));
            if (!(layer.L2 >= 0) || double.IsInfinity(layer.L2))
                problems.Add(OutOfRange(layer.Ordinal, "Conv2D.L2", layer.L2, "finite and at least 0"));
        }
        if (layer.Kind is LayerKind.MaxPool2D or LayerKind.AvgPool2D)
        {
            if (layer.PoolSize < 1) problems.Add(OutOfRange(layer.Ordinal, $"{kind}.poolSize", layer.PoolSize, "at least 1"));
            // The stride defaults to the pool size: report it only when it was set apart from a valid pool size.
            else if (layer.Stride < 1) problems.Add(OutOfRange(layer.Ordinal, $"{kind}.Stride", layer.Stride, "at least 1"));
        }
        if (layer.Kind == LayerKind.Dropout && !(layer.Rate >= 0 && layer.Rate < 1))
            problems.Add(OutOfRange(layer.Ordinal, "Dropout.rate", layer.Rate, "in [0, 1)"));
        if (layer.Kind == LayerKind.BatchNorm && !(layer.Momentum >= 0 && layer.Momentum <= 1))
            problems.Add(OutOfRange(layer.Ordinal, "BatchNorm.Momentum", layer.Momentum, "in [0, 1]"));
        if (layer.Kind is LayerKind.BatchNorm or LayerKind.LayerNorm && (!(layer.Epsilon > 0) || double.IsInfinity(layer.Epsilon)))
            problems.Add(OutOfRange(layer.Ordinal, $"{kind}.Epsilon", layer.Epsilon, "finite and greater than 0"));
        if (layer.Kind == LayerKind.LeakyReLU && (!(layer.Alpha >= 0) || double.IsInfinity(layer.Alpha)))
            problems.Add(OutOfRange(layer.Ordinal, "LeakyReLU.alpha", layer.Alpha, "finite and at least 0"));
    }

    /// <summary>Loss and optimizer: both or neither, and each sensible for the network's output.</summary>
    private static void CheckTraining(ModelSpec spec, List<LayerPlan>? layers, List<Problem> problems)
    {
        string model = spec.Type.Name;
        LossSpec? loss = spec.Loss;
        OptimizerSpec? optimizer = spec.Optimizer;

        if (loss is not null && optimizer is null)
            problems.Add(Problem.Create(D.LossWithoutOptimizerId, loss.Ordinal, model));
        if (optimizer is not null && loss is null)
            problems.Add(Problem.Create(D.OptimizerWithoutLossId, optimizer.Ordinal, optimizer.Kind.ToString(), model));

        if (loss is not null)
        {
            if (!Enum.IsDefined(typeof(LossKind), loss.Kind))
                problems.Add(OutOfRange(loss.Ordinal, "Loss.loss", (int)loss.Kind, "a member of LossFunction"));
            else if (layers is not null)
            {
                Shape output = layers[layers.Count - 1].Output;
                if (output.Rank != 1)
                    problems.Add(Problem.Create(D.ShapeMismatchId, loss.Ordinal, $"Loss {loss.Kind}", output.ToString(),
                        "a loss compares vectors; put [Flatten] and a [Dense] layer before it"));
                else if (loss.Kind == LossKind.CrossEntropy && output.Size < 2)
                    problems.Add(Problem.Create(D.CrossEntropyClassesId, loss.Ordinal, Format(output.Size)));
            }
        }

        if (optimizer is not null)
            CheckOptimizer(optimizer, problems);

        if (spec.Clipping is not null)
            CheckClipping(spec.Clipping, loss is not null && optimizer is not null, problems);
    }

    /// <summary>Every hyperparameter of the optimizer within the range torch.optim accepts (and some it should).</summary>
    private static void CheckOptimizer(OptimizerSpec o, List<Problem> problems)
    {
        string kind = o.Kind.ToString();
        void Require(bool ok, string property, double value, string expected)
        {
            if (!ok) problems.Add(OutOfRange(o.Ordinal, $"{kind}.{property}", value, expected));
        }
        bool Finite(double v) => !double.IsNaN(v) && !double.IsInfinity(v);
        bool UnitInterval(double v) => v >= 0 && v < 1;

        Require(Finite(o.LearningRate) && o.LearningRate > 0, "LearningRate", o.LearningRate, "finite and greater than 0");
        Require(Finite(o.WeightDecay) && o.WeightDecay >= 0, "WeightDecay", o.WeightDecay, "finite and at least 0");
        switch (o.Kind)
        {
            case OptimizerKind.Sgd:
                Require(Finite(o.Momentum) && o.Momentum >= 0, "Momentum", o.Momentum, "finite and at least 0");
                Require(o.Dampening >= 0 && o.Dampening <= 1, "Dampening", o.Dampening, "in [0, 1]");
                if (o.Nesterov)
                {
                    Require(o.Momentum > 0, "Momentum", o.Momentum, "greater than 0 when Nesterov is true (PyTorch rejects Nesterov without momentum)");
                    Require(o.Dampening == 0, "Dampening", o.Dampening, "0 when Nesterov is true (PyTorch rejects Nesterov with dampening)");
                }
                break;
            case OptimizerKind.Adam:
            case OptimizerKind.AdamW:
            case OptimizerKind.Adamax:
            case OptimizerKind.NAdam:
                Require(UnitInterval(o.Beta1), "Beta1", o.Beta1, "in [0, 1)");
                Require(UnitInterval(o.Beta2), "Beta2", o.Beta2, "in [0, 1)");
                Require(Finite(o.Epsilon) && o.Epsilon > 0, "Epsilon", o.Epsilon, "finite and greater than 0");
                if (o.Kind == OptimizerKind.NAdam)
                    Require(Finite(o.MomentumDecay) && o.MomentumDecay >= 0, "MomentumDecay", o.MomentumDecay, "finite and at least 0");
                break;
            case OptimizerKind.RmsProp:
                Require(UnitInterval(o.Alpha), "Alpha", o.Alpha, "in [0, 1)");
                Require(Finite(o.Epsilon) && o.Epsilon > 0, "Epsilon", o.Epsilon, "finite and greater than 0");
                Require(Finite(o.Momentum) && o.Momentum >= 0, "Momentum", o.Momentum, "finite and at least 0");
                break;
            case OptimizerKind.AdaGrad:
                Require(Finite(o.InitialAccumulator) && o.InitialAccumulator >= 0, "InitialAccumulator", o.InitialAccumulator, "finite and at least 0");
                Require(Finite(o.Epsilon) && o.Epsilon > 0, "Epsilon", o.Epsilon, "finite and greater than 0");
                break;
            case OptimizerKind.AdaDelta:
                Require(UnitInterval(o.Rho), "Rho", o.Rho, "in [0, 1)");
                Require(Finite(o.Epsilon) && o.Epsilon > 0, "Epsilon", o.Epsilon, "finite and greater than 0");
                break;
        }
    }

    private static void CheckClipping(ClippingSpec c, bool trainable, List<Problem> problems)
    {
        if (!(c.MaxNorm >= 0) || double.IsInfinity(c.MaxNorm))
            problems.Add(OutOfRange(c.Ordinal, "GradientClipping.MaxNorm", c.MaxNorm, "finite and at least 0 (0 turns it off)"));
        if (!(c.MaxValue >= 0) || double.IsInfinity(c.MaxValue))
            problems.Add(OutOfRange(c.Ordinal, "GradientClipping.MaxValue", c.MaxValue, "finite and at least 0 (0 turns it off)"));
        if (c.MaxNorm == 0 && c.MaxValue == 0)
            problems.Add(OutOfRange(c.Ordinal, "GradientClipping.MaxNorm", c.MaxNorm, "greater than 0, or MaxValue greater than 0: one of them must be set"));
        if (!trainable)
            problems.Add(Problem.Create(D.NoEffectWhenInferenceOnlyId, c.Ordinal, "[GradientClipping]"));
    }

    /// <summary>Warnings: declarations that compile and run but train badly.</summary>
    private static void CheckPitfalls(ModelSpec spec, List<LayerPlan> layers, List<Problem> problems)
    {
        LayerPlan last = layers[layers.Count - 1];
        string lastLabel = $"{Label(last.Spec.Kind)} '{last.Name}'";
        if (spec.Loss?.Kind == LossKind.CrossEntropy && last.Activation == ActivationKind.Softmax)
            problems.Add(Problem.Create(D.SoftmaxBeforeCrossEntropyId, last.Spec.Ordinal, lastLabel));
        if (spec.Loss?.Kind == LossKind.BinaryCrossEntropy && last.Activation == ActivationKind.Sigmoid)
            problems.Add(Problem.Create(D.SigmoidBeforeBinaryCrossEntropyId, last.Spec.Ordinal, lastLabel));

        if (spec.Loss is not null && last.Spec.Kind == LayerKind.BatchNorm)
            problems.Add(Problem.Create(D.BatchNormBeforeLossId, last.Spec.Ordinal, lastLabel));
        if (spec.Loss is null || spec.Optimizer is null)
            foreach (LayerPlan layer in layers.Where(l => l.DependsOnMode))
                problems.Add(Problem.Create(D.NoEffectWhenInferenceOnlyId, layer.Spec.Ordinal, $"[{layer.Spec.Kind}]"));

        for (int i = 0; i < layers.Count; i++)
        {
            TensorPlan? weight = layers[i].Weight;
            if (!layers[i].HasUnitWeights || weight is null || (weight.Init != InitKind.Zeros && weight.Init != InitKind.Ones)) continue;
            LayerPlan? next = layers.Skip(i + 1).FirstOrDefault(l => l.HasUnitWeights);
            if (next is not null)
                problems.Add(Problem.Create(D.SymmetricInitId, layers[i].Spec.Ordinal,
                    $"{Label(layers[i].Spec.Kind)} '{layers[i].Name}'", weight.Init == InitKind.Zeros ? "0" : "1",
                    $"{Label(next.Spec.Kind)} '{next.Name}'"));
        }
    }

    private static bool IsValidName(string name) =>
        name.Length > 0 && char.IsLetter(name[0]) && name.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '_'));

    private static string Label(LayerKind kind) => kind switch
    {
        LayerKind.Dense => "dense layer",
        LayerKind.Flatten => "flatten layer",
        LayerKind.Conv2D => "convolution",
        LayerKind.BatchNorm => "batch norm",
        LayerKind.LayerNorm => "layer norm",
        _ => kind + " layer",
    };

    private static Problem OutOfRange(int ordinal, string what, double value, string expected) =>
        Problem.Create(D.OutOfRangeId, ordinal, what, Format(value), expected);

    private static Problem OutOfRange(int ordinal, string what, int value, string expected) =>
        Problem.Create(D.OutOfRangeId, ordinal, what, Format(value), expected);

    internal static string Format(double value) => NumberText.Of(value);

    internal static string Format(int value) => NumberText.Of(value);
}
