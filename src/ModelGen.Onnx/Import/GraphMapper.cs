using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Import;

/// <summary>What the importer knows of an ONNX value: the layer whose output it is ("input" for the model's input),
/// its ModelGen shape per sample, and its ONNX shape without the batch axis (they differ after a global average
/// pooling, which ModelGen makes a vector). Null shapes: unknown, after a node that could not be mapped.</summary>
internal sealed record ValueState(string Layer, int[]? Dims, int[]? OnnxDims);

/// <summary>The declaration an ONNX graph maps to, before it is written as C#.</summary>
internal sealed record MappedModel(int[] Input, string InputName, IReadOnlyList<LayerDecl> Layers, long Opset, string Producer);

/// <summary>
/// Maps the live nodes of an ONNX graph, in the graph's (topological) order, onto ModelGen layer attributes: single
/// nodes (Conv, Relu, ...), node patterns (MatMul + Add, PyTorch's GELU and layer norm decompositions, SiLU), and
/// activations fused into the Dense or Conv2D layer before them. Collects a problem for every node it cannot map and
/// carries on, so that one error lists them all.
/// </summary>
internal sealed partial class GraphMapper
{
    private readonly OnnxGraph _g;
    private readonly List<LayerDecl> _layers = new();
    private readonly List<ImportProblem> _problems = new();
    private readonly Dictionary<string, ValueState> _values = new(StringComparer.Ordinal);
    private readonly HashSet<NodeProto> _done = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private readonly List<string> _pendingNotes = new();

    private GraphMapper(OnnxGraph graph) => _g = graph;

    /// <summary>Maps the graph, or throws <see cref="OnnxImportException"/> listing every node it cannot map.</summary>
    public static MappedModel Map(OnnxGraph graph)
    {
        var mapper = new GraphMapper(graph);
        MappedModel? model = mapper.Run();
        if (mapper._problems.Count > 0 || model is null) throw new OnnxImportException(mapper._problems);
        return model;
    }

    private MappedModel? Run()
    {
        if (_g.Opset < OnnxVersions.MinimumImportOpset || _g.Opset > MaximumOpset)
            _problems.Add(new ImportProblem("model", "opset_import", $"operator set {_g.Opset}: import reads opsets {OnnxVersions.MinimumImportOpset} to {MaximumOpset} (export with torch.onnx.export(..., opset_version=17))"));
        (int[]? input, string inputName) = ReadInput();
        foreach (NodeProto node in _g.LiveNodes())
        {
            if (_done.Contains(node)) continue;
            if (node.Domain is not ("" or "ai.onnx"))
            {
                Unsupported(node, $"operator of domain '{node.Domain}': import reads the default ONNX operators only");
                continue;
            }
            MapNode(node);
        }
        if (_g.Graph.Output.Count != 1)
            _problems.Add(new ImportProblem("graph", "output", $"{_g.Graph.Output.Count} outputs: a ModelGen model has one (the last layer's)"));
        string output = _g.Graph.Output[0].Name;
        if (_problems.Count == 0 && input is not null)
        {
            if (_layers.Count == 0)
                _problems.Add(new ImportProblem("graph", "output", "the output is the input itself: the graph has no layers"));
            else if (!_values.TryGetValue(output, out ValueState? state) || state.Layer != _layers[^1].Name)
                _problems.Add(new ImportProblem("graph", "output", $"the output '{output}' is not the last layer's output"));
        }
        if (_pendingNotes.Count > 0 && _layers.Count > 0) _layers[^1].Notes.AddRange(_pendingNotes);
        return input is null ? null : new MappedModel(input, inputName, _layers, _g.Opset,
            (_g.Model.ProducerName + " " + _g.Model.ProducerVersion).Trim());
    }

    /// <summary>The newest operator set whose operators import knows the semantics of.</summary>
    public const long MaximumOpset = 17;

    private (int[]?, string) ReadInput()
    {
        if (_g.Inputs.Count != 1)
        {
            _problems.Add(new ImportProblem("graph", "input", $"{_g.Inputs.Count} inputs ({string.Join(", ", _g.Inputs.Select(i => i.Name))}): a ModelGen model takes one"));
            return (null, "");
        }
        ValueInfoProto info = _g.Inputs[0];
        TypeProto.Types.Tensor? tensor = info.Type?.TensorType;
        if (tensor is null || tensor.Shape is null)
        {
            _problems.Add(new ImportProblem(info.Name, "input", "the input has no tensor type and shape"));
            return (null, info.Name);
        }
        if (tensor.ElemType != (int)TensorProto.Types.DataType.Float)
            _problems.Add(new ImportProblem(info.Name, "input", $"element type {(TensorProto.Types.DataType)tensor.ElemType}: import reads float32 models"));
        var dims = tensor.Shape.Dim;
        if (dims.Count is not (2 or 4))
        {
            _problems.Add(new ImportProblem(info.Name, "input", $"rank {dims.Count}: ModelGen's input is [batch, features] or [batch, channels, height, width]"));
            return (null, info.Name);
        }
        var sample = new int[dims.Count - 1];
        bool known = true;
        for (int i = 1; i < dims.Count; i++)
        {
            TensorShapeProto.Types.Dimension d = dims[i];
            if (d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || d.DimValue < 1 || d.DimValue > int.MaxValue)
            {
                string what = d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? $"dynamic ('{d.DimParam}')" : d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : "unknown";
                _problems.Add(new ImportProblem(info.Name, "input", $"axis {i} is {what}: only the batch axis (0) may be dynamic; export with a fixed sample shape"));
                known = false;
                continue;
            }
            sample[i - 1] = (int)d.DimValue;
        }
        if (!known) return (null, info.Name);
        _values[info.Name] = new ValueState("input", sample, sample);
        return (sample, info.Name);
    }

    private void MapNode(NodeProto node)
    {
        switch (node.OpType)
        {
            case "Gemm": Gemm(node); break;
            case "MatMul": MatMul(node); break;
            case "Conv": Conv(node); break;
            case "BatchNormalization": BatchNormalization(node); break;
            case "LayerNormalization": LayerNormalization(node); break;
            case "ReduceMean": ReduceMean(node); break;
            case "Relu": case "Tanh": case "Sigmoid": case "Softmax": case "LeakyRelu": case "Elu": case "Softplus":
                Activation(node); break;
            case "Div": Div(node); break;
            case "MaxPool": case "AveragePool": Pool(node); break;
            case "GlobalAveragePool": GlobalAveragePool(node); break;
            case "Flatten": Flatten(node); break;
            case "Reshape": Reshape(node); break;
            case "Add": Add(node); break;
            case "Concat": Concat(node); break;
            case "Dropout": Dropout(node); break;
            case "Identity": Alias(node, node.Input[0]); break;
            case "Pad": Pad(node); break;
            default:
                Unsupported(node, $"operator {node.OpType} has no ModelGen layer");
                break;
        }
    }

    // ---- helpers shared by the mappings ----

    /// <summary>Records a problem with a node and makes its outputs unknown, so later nodes are still checked.</summary>
    private void Unsupported(NodeProto node, string reason)
    {
        _problems.Add(new ImportProblem(_g.Label(node), node.OpType, reason));
        _done.Add(node);
        foreach (string output in node.Output)
        {
            if (output.Length > 0) _values[output] = new ValueState("?", null, null);
        }
    }

    /// <summary>The state of a node's data input, or null (with a problem) when the input is a constant or missing.</summary>
    private ValueState? Data(NodeProto node, int index)
    {
        string name = index < node.Input.Count ? node.Input[index] : "";
        if (name.Length > 0 && _values.TryGetValue(name, out ValueState? state)) return state;
        Unsupported(node, name.Length == 0 ? $"input {index} is missing" : $"input {index} ('{name}') is a constant where ModelGen needs the data flowing through the model");
        return null;
    }

    /// <summary>A static input's value, or null (with a problem).</summary>
    private ConstantTensor? Static(NodeProto node, int index, string what)
    {
        string name = index < node.Input.Count ? node.Input[index] : "";
        if (name.Length == 0)
        {
            Unsupported(node, $"its {what} (input {index}) is missing");
            return null;
        }
        if (!_g.IsStatic(name))
        {
            Unsupported(node, $"its {what} ('{name}') is computed from the input; ModelGen needs it as a constant (a weight)");
            return null;
        }
        ConstantTensor? value = _g.Constant(name, ShapeOf);
        if (value is null) Unsupported(node, $"its {what} ('{name}') is computed by operators import does not evaluate");
        return value;
    }

    /// <summary>Evaluates a static input quietly (null when it is missing or cannot be evaluated).</summary>
    private ConstantTensor? TryStatic(string name) =>
        name.Length > 0 && _g.IsStatic(name) ? _g.Constant(name, ShapeOf) : null;

    private int[]? ShapeOf(string value) => _values.TryGetValue(value, out ValueState? s) ? s.OnnxDims : null;

    private string PreviousName => _layers.Count == 0 ? "input" : _layers[^1].Name;

    /// <summary>Adds a layer reading <paramref name="input"/> (with <c>From</c> when it is not the previous layer's output).</summary>
    private LayerDecl NewLayer(string attribute, IEnumerable<NodeProto> nodes, ValueState input, bool canFuse = false)
    {
        string prefix = attribute.ToLowerInvariant();
        _counters.TryGetValue(prefix, out int index);
        _counters[prefix] = index + 1;
        var list = nodes.ToList();
        var layer = new LayerDecl(attribute, prefix + index.ToString(CultureInfo.InvariantCulture), list.Select(_g.Label)) { CanFuse = canFuse };
        if (input.Layer != PreviousName) layer.From = input.Layer;
        layer.Notes.AddRange(_pendingNotes);
        _pendingNotes.Clear();
        _layers.Add(layer);
        foreach (NodeProto n in list) _done.Add(n);
        return layer;
    }

    /// <summary>Sets a layer's output value and shape.</summary>
    private void Output(LayerDecl layer, string value, int[]? dims, int[]? onnxDims = null)
    {
        layer.Output = dims ?? Array.Empty<int>();
        layer.OutputValue = value;
        _values[value] = new ValueState(layer.Name, dims, onnxDims ?? dims);
    }

    /// <summary>The node's output is its input (Identity, Dropout at inference, a zero Pad, a Flatten of a vector).</summary>
    private void Alias(NodeProto node, string input, string? note = null)
    {
        _done.Add(node);
        if (!_values.TryGetValue(input, out ValueState? state))
        {
            Unsupported(node, $"its input '{input}' is a constant where ModelGen needs the data flowing through the model");
            return;
        }
        _values[node.Output[0]] = state;
        if (note is not null) _pendingNotes.Add(note);
    }

    /// <summary>The consumers of a value that read its data (a Shape node reads only its shape).</summary>
    private IEnumerable<NodeProto> DataConsumers(string value) => _g.Consumers(value).Where(c => c.OpType != "Shape");

    /// <summary>The single data consumer of a value, or null.</summary>
    private NodeProto? OnlyConsumer(string value, string opType)
    {
        if (_g.IsGraphOutput(value)) return null;
        var consumers = DataConsumers(value).ToList();
        return consumers.Count == 1 && consumers[0].OpType == opType && !_done.Contains(consumers[0]) ? consumers[0] : null;
    }

    /// <summary>
    /// Fuses an activation into the Dense or Conv2D layer whose output <paramref name="input"/> is, when nothing else
    /// reads that output. Returns false (and changes nothing) otherwise.
    /// </summary>
    private bool TryFuse(string input, IReadOnlyCollection<NodeProto> pattern, string activation, string output)
    {
        if (!_values.TryGetValue(input, out ValueState? state)) return false;
        LayerDecl? layer = _layers.LastOrDefault(l => l.Name == state.Layer);
        if (layer is null || !layer.CanFuse || layer.Activation is not null || layer.OutputValue != input) return false;
        if (_g.IsGraphOutput(input) || DataConsumers(input).Any(c => !pattern.Contains(c))) return false;
        if (activation == "Activation.Softmax" && layer.Attribute != "Dense") return false;
        layer.Activation = activation;
        layer.Nodes.AddRange(pattern.Select(_g.Label));
        foreach (NodeProto n in pattern) _done.Add(n);
        layer.OutputValue = output;
        _values[output] = state;
        return true;
    }

    /// <summary>A float as the shortest C# literal that reads back as the same float: 0.2f → "0.2", 1e-5f → "1E-05".</summary>
    internal static string Number(float value) =>
        double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);

    internal static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Dims(IEnumerable<long> dims) => "[" + string.Join(", ", dims) + "]";

    /// <summary>The ONNX rank (batch axis included) of a value.</summary>
    private static int Rank(ValueState s) => s.OnnxDims is null ? -1 : s.OnnxDims.Length + 1;

    private static int Size(int[] dims) => dims.Aggregate(1, (a, b) => a * b);

    private static bool Near(double value, double expected) => Math.Abs(value - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected));
}
