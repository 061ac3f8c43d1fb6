using System.Collections.Generic;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using static ModelGen.Generator.Diagnostics.Problems;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>[Conv2D(filters, kernelSize, activation)]: a 2-D convolution of an image, weights [filters x channels x k x k].</summary>
internal sealed class Conv2D : LayerModule
{
    public override LayerKind Kind => LayerKind.Conv2D;
    public override string Label => "convolution";
    public override bool HasUnitWeights => true;
    public override ActivationKind ActivationOf(LayerSpec layer) => layer.Activation;

    /// <summary>The weights [filters x channels x k x k] as the matrix [filters x channels·k·k].</summary>
    public override (int Inputs, int Outputs)? PackedWeights(LayerPlan layer) =>
        (layer.Input.Dims[0] * layer.Spec.KernelSize * layer.Spec.KernelSize, layer.Spec.Filters);

    /// <summary>im2col of one sample, for the input gradient's GEMM path.</summary>
    public override long ScratchLength(LayerSpec layer, Shape input, Shape output) =>
        Sizes.Product(input.Dims[0], layer.KernelSize, layer.KernelSize, output.Dims[1], output.Dims[2]);

    public override LayerSpec Read(LayerSpec layer, ArgumentReader arguments) => layer with
    {
        Filters = arguments.Positional(0, 0),
        KernelSize = arguments.Positional(1, 0),
        Activation = (ActivationKind)arguments.Positional(2, 0),
        Stride = arguments.Named("Stride", 1),
        Padding = (PaddingKind)arguments.Named("Padding", 0),
        UseBias = arguments.Named("UseBias", true),
        WeightInit = (InitKind)arguments.Named("WeightInit", (int)InitKind.GlorotUniform),
        L1 = arguments.Named("L1", 0.0),
        L2 = arguments.Named("L2", 0.0),
    };

    public override void CheckHyperparameters(LayerSpec layer, List<Problem> problems)
    {
        if (layer.Filters < 1) problems.Add(OutOfRange(layer.Ordinal, "Conv2D.filters", layer.Filters, "at least 1"));
        if (layer.KernelSize < 1) problems.Add(OutOfRange(layer.Ordinal, "Conv2D.kernelSize", layer.KernelSize, "at least 1"));
        if (layer.Stride < 1) problems.Add(OutOfRange(layer.Ordinal, "Conv2D.Stride", layer.Stride, "at least 1"));
        Checks.Activation(layer, "Conv2D", problems);
        Checks.Init(layer, "Conv2D.WeightInit", layer.WeightInit, problems);
        if (!System.Enum.IsDefined(typeof(PaddingKind), layer.Padding))
            problems.Add(OutOfRange(layer.Ordinal, "Conv2D.Padding", (int)layer.Padding, "Padding.Valid or Padding.Same"));
        Checks.Penalties(layer, "Conv2D", problems);
    }

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems)
    {
        Shape input = inputs[0];
        if (!Checks.NeedsImage(layer, input, label, "a convolution", problems)) return null;
        if (layer.Filters < 1 || layer.KernelSize < 1 || layer.Stride < 1) return null; // reported as out of range
        if (layer.Padding == PaddingKind.Same && layer.Stride != 1)
        {
            problems.Add(Problem.Create(DiagnosticDescriptors.NotSupportedYetId, layer.Ordinal, $"Padding.Same with Stride = {Format(layer.Stride)} on {label} (PyTorch allows 'same' only with stride 1)"));
            return null;
        }
        long pad = Padding(layer);
        long height = input.Dims[1] + pad, width = input.Dims[2] + pad; // 64-bit: a huge kernel's padding must not wrap
        if (layer.KernelSize > height || layer.KernelSize > width)
        {
            problems.Add(ShapeMismatch(layer, label, input,
                $"its {Format(layer.KernelSize)}x{Format(layer.KernelSize)} kernel is larger than its {(pad > 0 ? "padded " : "")}input of {height.ToString(System.Globalization.CultureInfo.InvariantCulture)}x{width.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
            return null;
        }
        return new Shape(layer.Filters, (int)((height - layer.KernelSize) / layer.Stride + 1), (int)((width - layer.KernelSize) / layer.Stride + 1));
    }

    /// <summary>Zero rows (and columns) added in all: k − 1 for Padding.Same.</summary>
    private static int Padding(LayerSpec layer) => layer.Padding == PaddingKind.Same ? layer.KernelSize - 1 : 0; // kernel ≥ 1: no overflow

    public override long ParameterCount(LayerSpec layer, Shape input) =>
        Sizes.Sum(new[] { Sizes.Product(layer.Filters, input.Dims[0], layer.KernelSize, layer.KernelSize), layer.UseBias ? layer.Filters : 0L });

    public override LayerPlan WithTensors(LayerPlan layer, TensorAllocator tensors)
    {
        LayerSpec spec = layer.Spec;
        int channels = layer.Input.Dims[0], receptive = spec.KernelSize * spec.KernelSize;
        TensorPlan weight = tensors.Parameter(".weight", new[] { spec.Filters, channels, spec.KernelSize, spec.KernelSize },
            spec.WeightInit, channels * receptive, spec.Filters * receptive);
        TensorPlan? bias = spec.UseBias ? tensors.Parameter(".bias", new[] { spec.Filters }, InitKind.Zeros, spec.Filters, spec.Filters) : null;
        int before = Padding(spec) / 2; // PyTorch's padding='same': the extra row/column goes below/right
        return layer with { Weight = weight, Bias = bias, PadTop = before, PadLeft = before };
    }

    public override IEnumerable<(string Name, string Value)> Hyperparameters(LayerSpec layer) => new[]
    {
        ("filters", Int(layer.Filters)), ("kernelSize", Int(layer.KernelSize)), ("activation", layer.Activation.ToString()),
        ("Stride", Int(layer.Stride)), ("Padding", layer.Padding.ToString()), ("UseBias", Bool(layer.UseBias)),
        ("WeightInit", layer.WeightInit.ToString()), ("L1", Number(layer.L1)), ("L2", Number(layer.L2)),
    };

    public override string Describe(LayerPlan layer) =>
        $"conv2d {layer.Input} -> {layer.Output}, {layer.Spec.KernelSize}x{layer.Spec.KernelSize}, stride {layer.Spec.Stride}, {layer.Spec.Padding}"
        + (layer.Spec.UseBias ? "" : ", no bias") + Weighted.DescribeTail(layer);

    public override string StepComment(LayerPlan layer) =>
        $"convolution {LayerStep.Batched(layer.Input)} -> {LayerStep.Batched(layer.Output)}, {Int(layer.Spec.KernelSize)}x{Int(layer.Spec.KernelSize)} kernels, stride {Int(layer.Spec.Stride)}"
        + (layer.PadTop > 0 ? $", zero padding {Int(layer.PadTop)}" : "") + (layer.Activation == ActivationKind.Linear ? "" : ", then " + layer.Activation);

    /// <summary>The batch and input image arguments of an image kernel call: <c>n, channels: …, height: …, width: …</c>.</summary>
    public static string InGeometry(LayerPlan layer) =>
        $"n, channels: {Int(layer.Input.Dims[0])}, height: {Int(layer.Input.Dims[1])}, width: {Int(layer.Input.Dims[2])}";

    /// <summary>The output image arguments of an image kernel call: <c>outHeight: …, outWidth: …</c>.</summary>
    public static string OutGeometry(LayerPlan layer) => $"outHeight: {Int(layer.Output.Dims[1])}, outWidth: {Int(layer.Output.Dims[2])}";

    /// <summary>Every geometry argument of a <c>Conv2D</c> kernel call, from <c>n</c> to <c>outWidth</c>.</summary>
    private static string Geometry(LayerPlan layer) =>
        $"{InGeometry(layer)}, filters: {Int(layer.Spec.Filters)}, kernel: {Int(layer.Spec.KernelSize)}, stride: {Int(layer.Spec.Stride)}, " +
        $"padTop: {Int(layer.PadTop)}, padLeft: {Int(layer.PadLeft)}, {OutGeometry(layer)}";

    public override void EmitForward(LayerStep s)
    {
        LayerPlan layer = s.Layer;
        // A ReLU is applied to each register tile (the same values as a separate pass).
        bool fusedRelu = layer.Activation == ActivationKind.ReLU;
        s.W.Line($"{LayerStep.Kernels}.Conv2D.Forward<{s.T}>({s.Input()}, {LayerStep.Tensor(layer.Weight!)}, {Weighted.PackedField(layer)}, _weightVersion, {s.TensorOrEmpty(layer.Bias)}, {Weighted.ProductTarget(s)},");
        s.W.Line($"    {Geometry(layer)}, {s.Threads}{(fusedRelu ? ", relu: true" : "")});");
        if (!fusedRelu) Weighted.EmitActivation(s);
    }

    public override void DeclareScratch(LayerStep s) => Weighted.DeclarePreActivation(s);

    /// <summary>
    /// The inference pass of this convolution, the batch norm <paramref name="norm"/> reading it, when
    /// <paramref name="relu"/> a ReLU after that and when <paramref name="pool"/> is set that max pooling, written into
    /// <paramref name="output"/> (the group's last layer's array): the running statistics and the ReLU applied to each
    /// register tile, each sample pooled by the thread that computed it, with the bits of the separate passes.
    /// </summary>
    public static void EmitNormalizedInference(LayerStep s, LayerPlan norm, string output, bool relu, LayerPlan? pool)
    {
        LayerPlan conv = s.Layer;
        string kernel = pool is null ? "ForwardNormalized" : "ForwardNormalizedMaxPooled";
        s.W.Line($"{LayerStep.Kernels}.Conv2D.{kernel}<{s.T}>({s.Input()}, {LayerStep.Tensor(conv.Weight!)}, {Weighted.PackedField(conv)}, _weightVersion, {s.TensorOrEmpty(conv.Bias)},");
        s.W.Line($"    {LayerStep.Tensor(norm.Weight!)}, {LayerStep.Tensor(norm.Bias!)}, {LayerStep.Tensor(norm.RunningMean!)}, {LayerStep.Tensor(norm.RunningVar!)}, {output},");
        s.W.Line($"    {Geometry(conv)},");
        string window = pool is null ? ""
            : $"pool: {Int(pool.Spec.PoolSize)}, poolStride: {Int(pool.Spec.Stride)}, pooledHeight: {Int(pool.Output.Dims[1])}, pooledWidth: {Int(pool.Output.Dims[2])}, ";
        s.W.Line($"    epsilon: {Number(norm.Spec.Epsilon)}, {window}{s.Threads}{(conv.Activation == ActivationKind.ReLU ? ", reluBeforeNorm: true" : "")}{(relu ? ", relu: true" : "")});");
    }

    /// <summary>
    /// The inference pass of two fused groups in a row (convolution, batch norm, ReLU, max pooling each), the second
    /// reading the first's output: one <c>Conv2D.ForwardNormalizedMaxPooledPair</c> call, the first group's output written
    /// to <paramref name="between"/> and the second's to <paramref name="output"/>, with the bits of two
    /// <see cref="EmitNormalizedInference"/> calls. Unless <paramref name="keepBetween"/> (another layer reads the first
    /// group's output), a single sample split over the threads need not leave the first group's output there.
    /// </summary>
    public static void EmitNormalizedPairInference(LayerStep first, (LayerPlan Norm, bool Relu, LayerPlan? Pool) a, string between,
        LayerStep second, (LayerPlan Norm, bool Relu, LayerPlan? Pool) b, string output, bool keepBetween)
    {
        first.W.Line($"{LayerStep.Kernels}.Conv2D.ForwardNormalizedMaxPooledPair<{first.T}>({first.Input()},");
        EmitBlock(first, a);
        first.W.Line($"    {between},");
        EmitBlock(second, b);
        first.W.Line($"    {output}, n, _weightVersion, {first.Threads}{(keepBetween ? "" : ", keepBetween: false")});");
    }

    /// <summary>One group as a <c>NormalizedConvolution</c> argument, its shapes spelled out.</summary>
    private static void EmitBlock(LayerStep s, (LayerPlan Norm, bool Relu, LayerPlan? Pool) group)
    {
        LayerPlan conv = s.Layer, norm = group.Norm;
        LayerPlan? pool = group.Pool;
        s.W.Line($"    new {LayerStep.Kernels}.NormalizedConvolution<{s.T}>");
        s.W.Line("    {");
        s.W.Line($"        Weights = {LayerStep.Tensor(conv.Weight!)}, Packed = {Weighted.PackedField(conv)}, Bias = {s.TensorOrEmpty(conv.Bias)},");
        s.W.Line($"        Gamma = {LayerStep.Tensor(norm.Weight!)}, Beta = {LayerStep.Tensor(norm.Bias!)}, RunningMean = {LayerStep.Tensor(norm.RunningMean!)}, RunningVar = {LayerStep.Tensor(norm.RunningVar!)},");
        s.W.Line($"        Channels = {Int(conv.Input.Dims[0])}, Height = {Int(conv.Input.Dims[1])}, Width = {Int(conv.Input.Dims[2])}, Filters = {Int(conv.Spec.Filters)}, "
            + $"Kernel = {Int(conv.Spec.KernelSize)}, Stride = {Int(conv.Spec.Stride)}, PadTop = {Int(conv.PadTop)}, PadLeft = {Int(conv.PadLeft)},");
        s.W.Line($"        OutHeight = {Int(conv.Output.Dims[1])}, OutWidth = {Int(conv.Output.Dims[2])}, Epsilon = {Number(norm.Spec.Epsilon)},");
        if (pool is not null)
            s.W.Line($"        Pool = {Int(pool.Spec.PoolSize)}, PoolStride = {Int(pool.Spec.Stride)}, PooledHeight = {Int(pool.Output.Dims[1])}, PooledWidth = {Int(pool.Output.Dims[2])},");
        s.W.Line($"        ReluBeforeNorm = {Bool(conv.Activation == ActivationKind.ReLU)}, Relu = {Bool(group.Relu)},");
        s.W.Line("    },");
    }

    public override void EmitBackward(LayerStep s)
    {
        LayerPlan layer = s.Layer;
        string weight = LayerStep.Tensor(layer.Weight!);
        string db = Weighted.EmitBackwardPrologue(s);
        s.W.Line($"{LayerStep.Kernels}.Conv2D.Backward<{s.T}>({s.Input()}, {weight}, {s.OutputGradient}, {weight}Gradient, {db}, {s.InputGradient()}, _columns,");
        s.W.Line($"    {Geometry(layer)}, {s.Threads}{s.AccumulateArgument()});");
    }
}
