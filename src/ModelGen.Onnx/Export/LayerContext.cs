using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Export;

/// <summary>
/// What a layer mapping works with: the layer's description, the graph values it reads (with their per-sample
/// shapes), the name its result must take, and the model's weights.
/// </summary>
internal sealed class LayerContext
{
    private readonly IWeightSource _weights;

    public LayerContext(GraphBuilder graph, IWeightSource weights, LayerDescription layer, IReadOnlyList<string> inputs,
        IReadOnlyList<IReadOnlyList<int>> inputShapes, string output)
    {
        Graph = graph;
        _weights = weights;
        Layer = layer;
        Inputs = inputs;
        InputShapes = inputShapes;
        Output = output;
    }

    public GraphBuilder Graph { get; }
    public LayerDescription Layer { get; }

    /// <summary>The graph values the layer reads, in operand order.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>The per-sample shapes of <see cref="Inputs"/> (no batch axis).</summary>
    public IReadOnlyList<IReadOnlyList<int>> InputShapes { get; }

    /// <summary>The value the layer's last node must write (the layer's name, or <c>output</c> for the model's last layer).</summary>
    public string Output { get; }

    /// <summary>The first operand.</summary>
    public string Input => Inputs[0];

    /// <summary>The first operand's per-sample shape.</summary>
    public IReadOnlyList<int> InputShape => InputShapes[0];

    /// <summary>The layer's per-sample output shape, as the generator planned it.</summary>
    public IReadOnlyList<int> OutputShape => Layer.OutputShape;

    /// <summary>An export error naming this layer.</summary>
    public OnnxExportException Fail(string reason) => new(Layer.Name, Layer.Kind, reason);

    /// <summary>A fresh value name for an intermediate result of this layer: <c>dense0/gemm</c>.</summary>
    public string Temporary(string what) => Graph.NewValue(Layer.Name + "/" + what);

    /// <summary>A node of this layer, named after it (<c>dense0</c>, or <c>dense0/Relu</c> for a second node).</summary>
    public void Node(string opType, IEnumerable<string> inputs, string output, params AttributeProto[] attributes) =>
        Graph.Node(opType, Graph.Graph.Node.Any(n => n.Name == Layer.Name) ? Layer.Name + "/" + opType : Layer.Name,
            inputs, output, $"ModelGen layer {Layer.Name} ({Layer.Kind})", attributes);

    /// <summary>The layer's parameter <c>&lt;layer&gt;&lt;suffix&gt;</c> (<c>.weight</c>) as an initializer; its name in the graph.</summary>
    public string Parameter(string suffix, params long[] dims) => _weights.Add(Graph, Layer.Name + suffix, buffer: false, dims);

    /// <summary>The layer's buffer <c>&lt;layer&gt;&lt;suffix&gt;</c> (<c>.running_mean</c>) as an initializer.</summary>
    public string Buffer(string suffix, params long[] dims) => _weights.Add(Graph, Layer.Name + suffix, buffer: true, dims);

    /// <summary>Whether the model has the parameter <c>&lt;layer&gt;&lt;suffix&gt;</c> (a bias that <c>UseBias = false</c> leaves out).</summary>
    public bool HasParameter(string suffix) => _weights.HasParameter(Layer.Name + suffix);

    /// <summary>A hyperparameter's text, or <paramref name="fallback"/> when the description does not give it.</summary>
    public string Setting(string name, string fallback) =>
        Layer.Hyperparameters.TryGetValue(name, out string? value) ? value : fallback;

    /// <summary>A hyperparameter's text; the description must give it.</summary>
    public string Setting(string name) =>
        Layer.Hyperparameters.TryGetValue(name, out string? value) ? value
            : throw Fail($"has no hyperparameter '{name}' in its description (it has: {string.Join(", ", Layer.Hyperparameters.Keys)}).");

    /// <summary>A numeric hyperparameter (invariant-culture text in the description).</summary>
    public double Number(string name, double? fallback = null)
    {
        string? text = fallback is null ? Setting(name) : Layer.Hyperparameters.TryGetValue(name, out string? v) ? v : null;
        if (text is null) return fallback!.Value;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value : throw Fail($"has hyperparameter {name} = '{text}', which is not a finite number.");
    }

    /// <summary>An integer hyperparameter (kernel and pool sizes, strides).</summary>
    public int Integer(string name)
    {
        string text = Setting(name);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 1
            ? value : throw Fail($"has hyperparameter {name} = '{text}', which is not a positive integer.");
    }

    /// <summary>The operand's rank must be <paramref name="rank"/> (1: a vector, 3: an image [c, h, w]).</summary>
    public void RequireRank(int rank, string what)
    {
        if (InputShape.Count != rank)
            throw Fail($"reads a value of shape [{string.Join(" x ", InputShape)}], but {what}.");
    }
}
