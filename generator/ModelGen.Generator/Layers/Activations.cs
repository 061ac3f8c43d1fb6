using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>
/// An activation as data: its kernel in <c>Kernels.Activations</c>, the extra argument it takes, and what its
/// backward pass reads. Every layer that applies an activation (Dense, Conv2D, the activation layers) emits it from here.
/// </summary>
/// <param name="Kernel">Kernel name stem: <c>Relu</c> → <c>ReluForward</c>, <c>ReluBackward</c>.</param>
/// <param name="TakesFeatures">Softmax: the kernel takes the features of a sample.</param>
/// <param name="TakesSlope">Leaky ReLU: the kernel takes the negative slope.</param>
/// <param name="BackwardReadsInput">The derivative is a function of the input, not of the output (none of today's).</param>
internal sealed record ActivationInfo(ActivationKind Kind, string Kernel, bool TakesFeatures = false, bool TakesSlope = false, bool BackwardReadsInput = false)
{
    /// <summary>The activation of a kind, or null for Linear (nothing to apply).</summary>
    public static ActivationInfo? Of(ActivationKind kind) => kind switch
    {
        ActivationKind.ReLU => new(kind, "Relu"),
        ActivationKind.Tanh => new(kind, "Tanh"),
        ActivationKind.Sigmoid => new(kind, "Sigmoid"),
        ActivationKind.Softmax => new(kind, "Softmax", TakesFeatures: true),
        ActivationKind.LeakyReLU => new(kind, "LeakyRelu", TakesSlope: true),
        _ => null,
    };

    /// <summary>The slope of a layer's leaky ReLU: the [LeakyReLU] attribute's, or PyTorch's default 0.01 when fused.</summary>
    public static double Slope(LayerPlan layer) => layer.Spec.Kind == LayerKind.LeakyReLU ? layer.Spec.Alpha : 0.01;

    /// <summary>The layer's activation from <paramref name="x"/> into <paramref name="y"/>, or in place on y when x is null.</summary>
    public static void EmitForward(LayerStep step, string? x, string y) =>
        Emit(step, "Forward", x is null ? y : $"{x}, {y}", "");

    /// <summary>The layer's activation backward: dX from Y and dY, or in place over dY when dx is null.</summary>
    public static void EmitBackward(LayerStep step, string y, string dy, string? dx, string accumulate = "") =>
        Emit(step, "Backward", dx is null ? $"{y}, {dy}" : $"{y}, {dy}, {dx}", accumulate);

    private static void Emit(LayerStep step, string direction, string args, string accumulate)
    {
        if (Of(step.Layer.Activation) is not { } activation) return;
        string extra = activation.TakesFeatures ? ", " + Int(step.Layer.Output.Size)
            : activation.TakesSlope ? ", " + step.Lit(Slope(step.Layer)) : "";
        step.W.Line($"{LayerStep.Kernels}.Activations.{activation.Kernel}{direction}<{step.T}>({args}{extra}{accumulate});");
    }
}
