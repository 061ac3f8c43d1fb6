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
/// <param name="BackwardReadsInput">
/// The derivative is a function of the input, not of the output (GELU, SiLU, ELU, softplus): the backward kernel
/// takes the activation's input x where the others take y.
/// </param>
/// <param name="TakesAlpha">ELU: the kernel takes alpha.</param>
internal sealed record ActivationInfo(ActivationKind Kind, string Kernel, bool TakesFeatures = false, bool TakesSlope = false, bool BackwardReadsInput = false, bool TakesAlpha = false)
{
    /// <summary>The activation of a kind, or null for Linear (nothing to apply).</summary>
    public static ActivationInfo? Of(ActivationKind kind) => kind switch
    {
        ActivationKind.ReLU => new(kind, "Relu"),
        ActivationKind.Tanh => new(kind, "Tanh"),
        ActivationKind.Sigmoid => new(kind, "Sigmoid"),
        ActivationKind.Softmax => new(kind, "Softmax", TakesFeatures: true),
        ActivationKind.LeakyReLU => new(kind, "LeakyRelu", TakesSlope: true),
        ActivationKind.Gelu => new(kind, "Gelu", BackwardReadsInput: true),
        ActivationKind.GeluTanh => new(kind, "GeluTanh", BackwardReadsInput: true),
        ActivationKind.Silu => new(kind, "Silu", BackwardReadsInput: true),
        ActivationKind.Elu => new(kind, "Elu", BackwardReadsInput: true, TakesAlpha: true),
        ActivationKind.Softplus => new(kind, "Softplus", BackwardReadsInput: true),
        _ => null,
    };

    /// <summary>Whether the activation's backward pass needs its input (so a fused layer keeps its pre-activations).</summary>
    public static bool ReadsInput(ActivationKind kind) => Of(kind)?.BackwardReadsInput == true;

    /// <summary>The slope of a layer's leaky ReLU: the [LeakyReLU] attribute's, or PyTorch's default 0.01 when fused.</summary>
    public static double Slope(LayerPlan layer) => layer.Spec.Kind == LayerKind.LeakyReLU ? layer.Spec.Alpha : 0.01;

    /// <summary>The alpha of a layer's ELU: the [Elu] attribute's, or 1 (PyTorch's default) when fused.</summary>
    public static double Alpha(LayerPlan layer) => layer.Spec.Kind == LayerKind.Elu ? layer.Spec.Alpha : 1.0;

    /// <summary>The layer's activation from <paramref name="x"/> into <paramref name="y"/>, or in place on y when x is null.</summary>
    public static void EmitForward(LayerStep step, string? x, string y)
    {
        if (x is null && IsRelu(step)) x = y; // in place through the two-array kernel, which splits over the threads
        Emit(step, "Forward", x is null ? y : $"{x}, {y}", "", separate: x is not null);
    }

    /// <summary>
    /// The layer's activation backward: dX from <paramref name="source"/> (Y, or X for the activations whose
    /// derivative reads the input) and dY, or in place over dY when dx is null.
    /// </summary>
    public static void EmitBackward(LayerStep step, string source, string dy, string? dx, string accumulate = "")
    {
        if (dx is null && accumulate.Length > 0)
            throw new System.InvalidOperationException("An activation's backward pass in place cannot accumulate into dY.");
        if (dx is null && IsRelu(step)) dx = dy; // in place through the two-array kernel, which splits over the threads
        Emit(step, "Backward", dx is null ? $"{source}, {dy}" : $"{source}, {dy}, {dx}", accumulate, separate: dx is not null);
    }

    /// <summary>Whether the layer's activation is ReLU, whose kernels split over the threads (from one array into another, or the same one twice).</summary>
    private static bool IsRelu(LayerStep step) => Of(step.Layer.Activation)?.Kernel == "Relu";

    /// <summary>The kernel call; ReLU's (<paramref name="separate"/>: two arrays, or one twice) is split over the model's threads.</summary>
    private static void Emit(LayerStep step, string direction, string args, string accumulate, bool separate)
    {
        if (Of(step.Layer.Activation) is not { } activation) return;
        string extra = activation.TakesFeatures ? ", " + Int(step.Layer.Output.Size)
            : activation.TakesSlope ? ", " + step.Lit(Slope(step.Layer))
            : activation.TakesAlpha ? ", " + step.Lit(Alpha(step.Layer)) : "";
        string threads = separate && activation.Kernel == "Relu" ? ", " + step.Threads : "";
        step.W.Line($"{LayerStep.Kernels}.Activations.{activation.Kernel}{direction}<{step.T}>({args}{extra}{accumulate}{threads});");
    }
}
