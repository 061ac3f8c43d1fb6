using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace ModelGen;

/// <summary>
/// One layer of a generated model, as the generator planned it: its name, kind, the values it reads, its output shape,
/// its parameter counts and the hyperparameters its attribute gives. Part of <see cref="ModelDescription"/>.
/// </summary>
public sealed class LayerDescription
{
    /// <summary>Describes one layer; the generated <c>Description</c> property is the only caller that needs to.</summary>
    /// <param name="name">The layer's name: <c>dense0</c>, or the attribute's <c>Name</c>.</param>
    /// <param name="kind">The attribute's name without <c>Attribute</c>: <c>Dense</c>, <c>Conv2D</c>, <c>Add</c>.</param>
    /// <param name="sources">The values it reads, in operand order: earlier layers' names, or <c>input</c>.</param>
    /// <param name="outputShape">The shape of one sample of its output.</param>
    /// <param name="parameterCount">Its trainable scalars (weights and biases).</param>
    /// <param name="bufferCount">Its non-trainable scalars (batch norm's running statistics).</param>
    /// <param name="hyperparameters">Its attribute's settings by name, as invariant-culture text: <c>("units", "64")</c>.</param>
    /// <exception cref="ArgumentNullException">Any argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is given twice.</exception>
    public LayerDescription(string name, string kind, IEnumerable<string> sources, IEnumerable<int> outputShape,
        int parameterCount, int bufferCount, params (string Name, string Value)[] hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(outputShape);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ArgumentOutOfRangeException.ThrowIfNegative(bufferCount);
        Name = name;
        Kind = kind;
        Sources = Array.AsReadOnly(sources.ToArray());
        OutputShape = Array.AsReadOnly(outputShape.ToArray());
        ParameterCount = parameterCount;
        BufferCount = bufferCount;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in hyperparameters)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(hyperparameters));
            ArgumentNullException.ThrowIfNull(value, nameof(hyperparameters));
            if (!settings.TryAdd(key, value)) throw new ArgumentException($"The hyperparameter '{key}' is given twice.", nameof(hyperparameters));
        }
        Hyperparameters = new ReadOnlyDictionary<string, string>(settings);
    }

    /// <summary>The layer's name: <c>dense0</c>, or the attribute's <c>Name</c>.</summary>
    public string Name { get; }

    /// <summary>The attribute's name without <c>Attribute</c>: <c>Dense</c>, <c>Conv2D</c>, <c>Add</c>.</summary>
    public string Kind { get; }

    /// <summary>The values the layer reads, in operand order: earlier layers' names, or <c>input</c> for the model's input.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>The shape of one sample of the layer's output: <c>[64]</c>, or <c>[channels, height, width]</c>.</summary>
    public IReadOnlyList<int> OutputShape { get; }

    /// <summary>The layer's trainable scalars (weights and biases).</summary>
    public int ParameterCount { get; }

    /// <summary>The layer's non-trainable scalars (batch norm's running mean and variance).</summary>
    public int BufferCount { get; }

    /// <summary>
    /// The settings of the layer's attribute, by the attribute's own parameter names (<c>units</c>, <c>activation</c>,
    /// <c>Stride</c>, <c>rate</c>, ...), as invariant-culture text; empty for layers without any (<c>Flatten</c>, <c>Add</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Hyperparameters { get; }

    /// <summary>The layer as one line: <c>dense0 (Dense) [64], 50240 params</c>.</summary>
    public override string ToString() =>
        $"{Name} ({Kind}) {ModelDescription.FormatShape(OutputShape)}, {ModelDescription.FormatCount(ParameterCount + (long)BufferCount)} params";
}
