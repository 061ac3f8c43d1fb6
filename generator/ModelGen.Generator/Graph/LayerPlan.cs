using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>
/// One node of the graph: a layer with the values it reads, their shapes, its output shape and its tensors.
/// </summary>
/// <param name="Index">Position among the layers, in declaration order (the order the forward pass runs them).</param>
/// <param name="Name"><c>dense0</c>, <c>relu1</c>, or the Name the attribute gives.</param>
/// <param name="Sources">The values it reads, in operand order: -1 is the model input, k ≥ 0 the output of layer k.</param>
/// <param name="Inputs">The shapes of those values.</param>
internal sealed record LayerPlan(LayerSpec Spec, int Index, string Name, EquatableArray<int> Sources, EquatableArray<Shape> Inputs, Shape Output)
{
    public TensorPlan? Weight { get; init; }
    public TensorPlan? Bias { get; init; }
    /// <summary>Batch norm's running mean, in the buffer array.</summary>
    public TensorPlan? RunningMean { get; init; }
    /// <summary>Batch norm's running variance, in the buffer array.</summary>
    public TensorPlan? RunningVar { get; init; }
    /// <summary>Zero padding above and left of a convolution's input (below and right follow from the output size).</summary>
    public int PadTop { get; init; }
    public int PadLeft { get; init; }

    /// <summary>The names of the values it reads, in operand order (<c>input</c> for the model input).</summary>
    public EquatableArray<string> SourceNames { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The shape of the first (for most layers, the only) value it reads.</summary>
    public Shape Input => Inputs[0];

    /// <summary>What ModelGen knows about the layer's kind.</summary>
    public LayerModule Module => LayerModules.Of(Spec.Kind);

    /// <summary>True for layers with trainable weights that units of the next layer see (Dense, Conv2D).</summary>
    public bool HasUnitWeights => Module.HasUnitWeights;

    /// <summary>True for layers that behave differently in training (Dropout, BatchNorm).</summary>
    public bool DependsOnMode => Module.DependsOnMode;

    /// <summary>The activation this layer applies, fused (Dense, Conv2D) or as its whole job (ReLU, Tanh, ...).</summary>
    public ActivationKind Activation => Module.ActivationOf(Spec);

    /// <summary>True for layers that only reinterpret their input's memory (Flatten).</summary>
    public bool IsView => Module.IsView;

    /// <summary>"dense layer 'dense0'": how diagnostics name it.</summary>
    public string Label => $"{Module.Label} '{Name}'";
}
