using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;

namespace ModelGen.Generator.Layers;

/// <summary>
/// Everything ModelGen knows about one layer kind, in one place: how its attribute reads, which hyperparameters are in
/// range, what shape it makes of its operands, its tensors, how it describes itself, and the code of its forward and
/// backward steps. One subclass per kind (Layers/Dense.cs, Layers/Conv2D.cs, ...), registered in
/// <see cref="LayerModules"/>. Stateless: plans hold the kind, and look the module up.
/// </summary>
internal abstract class LayerModule
{
    public abstract LayerKind Kind { get; }

    /// <summary>The attribute class: <c>DenseAttribute</c>.</summary>
    public string AttributeName => Kind + "Attribute";

    /// <summary>Default names are this and an index per kind: <c>dense0</c>.</summary>
    public string NamePrefix => Kind.ToString().ToLowerInvariant();

    /// <summary>How diagnostics call the layer: "dense layer", "convolution", "ReLU layer".</summary>
    public virtual string Label => Kind + " layer";

    /// <summary>Layers with trainable weights that the units of the next layer see (Dense, Conv2D).</summary>
    public virtual bool HasUnitWeights => false;

    /// <summary>Layers that behave differently in training (Dropout, BatchNorm).</summary>
    public virtual bool DependsOnMode => false;

    /// <summary>Layers that only reinterpret their input's memory (Flatten): no arrays, no backward step of their own.</summary>
    public virtual bool IsView => false;

    /// <summary>Layers that read several values: the first from <c>From</c> or the previous layer, then the named ones.</summary>
    public virtual bool IsMerge => false;

    /// <summary>Layers that draw random numbers in training (Dropout): the model then keeps a random generator.</summary>
    public virtual bool IsRandom => false;

    /// <summary>The layer's weights as the matrix [outputs x inputs] the forward pass keeps packed, or null (no packed weights).</summary>
    public virtual (int Inputs, int Outputs)? PackedWeights(LayerPlan layer) => null;

    /// <summary>
    /// Scalars of the shared scratch (one copy per thread) the layer's backward pass needs, in saturating 64-bit
    /// arithmetic (shape inference rejects what does not fit an array); 0 for none.
    /// </summary>
    public virtual long ScratchLength(LayerSpec layer, Shape input, Shape output) => 0;

    /// <summary>
    /// Why a training step needs at least two samples (batch norm of a vector normalizes each feature over the batch),
    /// or null when one sample will do.
    /// </summary>
    public virtual string? NeedsTwoSamples(LayerPlan layer) => null;

    /// <summary>The activation the layer applies, fused or as its whole job.</summary>
    public virtual ActivationKind ActivationOf(LayerSpec layer) => ActivationKind.Linear;

    /// <summary>The attribute's own arguments (Name and From are read for every kind).</summary>
    public virtual LayerSpec Read(LayerSpec layer, ArgumentReader arguments) => layer;

    /// <summary>Reports hyperparameters out of range (independent of shapes).</summary>
    public virtual void CheckHyperparameters(LayerSpec layer, List<Problem> problems) { }

    /// <summary>
    /// The output shape for operands of shapes <paramref name="inputs"/> (named <paramref name="operands"/>), or null
    /// after reporting why the layer cannot take them (or when its hyperparameters are out of range, already reported).
    /// </summary>
    public abstract Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems);

    /// <summary>Trainable scalars of the layer on an input of <paramref name="input"/>.</summary>
    public virtual long ParameterCount(LayerSpec layer, Shape input) => 0;

    /// <summary>The layer with its parameter and buffer tensors placed (and anything else shape-dependent, such as padding).</summary>
    public virtual LayerPlan WithTensors(LayerPlan layer, TensorAllocator tensors) => layer;

    /// <summary>
    /// The attribute's settings for the model's run-time description, by the attribute's own parameter names
    /// (<c>units</c>, <c>activation</c>, <c>Stride</c>), as invariant-culture text; none by default.
    /// </summary>
    public virtual IEnumerable<(string Name, string Value)> Hyperparameters(LayerSpec layer) => System.Linq.Enumerable.Empty<(string, string)>();

    /// <summary>One line of the architecture comment at the top of the generated class.</summary>
    public abstract string Describe(LayerPlan layer);

    /// <summary>What the forward step does, with the shapes of n samples (the comment above the step).</summary>
    public abstract string StepComment(LayerPlan layer);

    /// <summary>Fields the layer keeps between its forward and backward pass (masks, argmax, statistics).</summary>
    public virtual void DeclareScratch(LayerStep step) { }

    /// <summary>The forward step, after its comment: operands' arrays to the output's.</summary>
    public abstract void EmitForward(LayerStep step);

    /// <summary>The backward step: the output's gradient to the parameters' gradients and each operand's (written or accumulated).</summary>
    public abstract void EmitBackward(LayerStep step);
}
