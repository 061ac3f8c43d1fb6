using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ModelGen;

/// <summary>
/// The architecture of a generated model, as its generator planned it at compile time: input and output shapes,
/// precision, loss, optimizer and every layer. Each generated model class has one, as its static <c>Description</c>
/// property; <see cref="FormatSummary"/> is the table its <c>Summary()</c> returns.
/// </summary>
public sealed class ModelDescription
{
    /// <summary>Describes a model; the generated <c>Description</c> property is the only caller that needs to.</summary>
    /// <param name="name">The model class's name.</param>
    /// <param name="precision">The scalar type the model computes in.</param>
    /// <param name="inputShape">The shape of one input sample.</param>
    /// <param name="batchSize">The largest batch of one training step.</param>
    /// <param name="seed">The seed of the parameterless constructor.</param>
    /// <param name="loss">The loss, or null for an inference-only model.</param>
    /// <param name="optimizer">The optimizer's attribute name (<c>Adam</c>), or null for an inference-only model.</param>
    /// <param name="optimizerSettings">The optimizer's settings in PyTorch's terms (<c>lr 0.001, betas (0.9, 0.999)</c>), or null.</param>
    /// <param name="layers">The layers in declaration order (the order the forward pass runs them); the last one's output is the model's.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">There are no layers.</exception>
    public ModelDescription(string name, Precision precision, IEnumerable<int> inputShape, int batchSize, int seed,
        LossFunction? loss, string? optimizer, string? optimizerSettings, IEnumerable<LayerDescription> layers)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(layers);
        Name = name;
        Precision = precision;
        InputShape = Array.AsReadOnly(inputShape.ToArray());
        BatchSize = batchSize;
        Seed = seed;
        Loss = loss;
        Optimizer = optimizer;
        OptimizerSettings = optimizerSettings;
        Layers = Array.AsReadOnly(layers.ToArray());
        if (Layers.Count == 0) throw new ArgumentException("A model has at least one layer.", nameof(layers));
        if (Layers.Any(l => l is null)) throw new ArgumentNullException(nameof(layers), "A layer description is null.");
        ParameterCount = Layers.Sum(l => (long)l.ParameterCount);
        BufferCount = Layers.Sum(l => (long)l.BufferCount);
    }

    /// <summary>The model class's name.</summary>
    public string Name { get; }

    /// <summary>The scalar type the model computes in.</summary>
    public Precision Precision { get; }

    /// <summary>The shape of one input sample: <c>[784]</c>, or <c>[channels, height, width]</c>.</summary>
    public IReadOnlyList<int> InputShape { get; }

    /// <summary>The shape of one output sample: the last layer's.</summary>
    public IReadOnlyList<int> OutputShape => Layers[Layers.Count - 1].OutputShape;

    /// <summary>The largest batch of one training step; the chunk size of inference.</summary>
    public int BatchSize { get; }

    /// <summary>The seed of the parameterless constructor.</summary>
    public int Seed { get; }

    /// <summary>The loss, or null for an inference-only model.</summary>
    public LossFunction? Loss { get; }

    /// <summary>
    /// The loss's settings in PyTorch's terms (<c>delta 1</c> for Huber, <c>label_smoothing 0.1</c> for cross-entropy
    /// with label smoothing), or null when the loss has none to show.
    /// </summary>
    public string? LossSettings { get; init; }

    /// <summary>The optimizer's attribute name (<c>Adam</c>, <c>Sgd</c>), or null for an inference-only model.</summary>
    public string? Optimizer { get; }

    /// <summary>The optimizer's settings in PyTorch's terms (<c>lr 0.001, betas (0.9, 0.999), eps 1e-08</c>), or null.</summary>
    public string? OptimizerSettings { get; }

    /// <summary>True when the model has a loss and an optimizer.</summary>
    public bool IsTrainable => Loss is not null && Optimizer is not null;

    /// <summary>The layers in declaration order.</summary>
    public IReadOnlyList<LayerDescription> Layers { get; }

    /// <summary>Trainable scalars over all layers (the model's <c>ParameterCount</c>).</summary>
    public long ParameterCount { get; }

    /// <summary>Non-trainable scalars over all layers (batch norm's running statistics).</summary>
    public long BufferCount { get; }

    /// <summary>
    /// The model as a table in the manner of Keras's <c>model.summary()</c>: one row per layer with its name, kind,
    /// output shape and parameter count (trainable and non-trainable), a column of the values each layer reads when
    /// some layer reads anything but the one before it, then the totals, the loss and the optimizer.
    /// </summary>
    public string FormatSummary() => SummaryTable.Format(this);

    /// <summary>One line: the name, precision, input and output shapes and the parameter count.</summary>
    public override string ToString() =>
        $"{Name} ({Precision}): {FormatShape(InputShape)} -> {FormatShape(OutputShape)}, {Layers.Count} layer{(Layers.Count == 1 ? "" : "s")}, {FormatCount(ParameterCount)} parameters";

    /// <summary>A shape as the generator's comments write it: <c>[784]</c>, <c>[1 x 28 x 28]</c>.</summary>
    internal static string FormatShape(IReadOnlyList<int> shape) =>
        "[" + string.Join(" x ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>A count with thousands separators, whatever the current culture: <c>52,650</c>.</summary>
    internal static string FormatCount(long count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
