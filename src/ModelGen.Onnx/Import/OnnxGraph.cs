using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Import;

/// <summary>
/// An index over a graph: which node produces and which nodes read each value, the initializers, which values are
/// static (computable without the input: weights, constants, shape arithmetic) and which nodes compute on the data
/// (live: the graph's output depends on them through their data inputs). Checks the graph's structure on the way.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>The batch dimension in evaluated shape tensors (<c>Shape</c> of a data value).</summary>
    public const double Batch = -9.0e15;

    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _static = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConstantTensor?> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeProto, int> _index = new(ReferenceEqualityComparer.Instance);
    private readonly string _source;

    public OnnxGraph(ModelProto model, string source)
    {
        _source = source;
        Model = model;
        Graph = model.Graph;
        Opset = ModelReader.Opset(model);
        foreach (TensorProto t in Graph.Initializer)
        {
            if (string.IsNullOrEmpty(t.Name)) throw new OnnxFormatException($"{source}: an initializer has no name.");
            _initializers[t.Name] = t;
        }
        Inputs = Graph.Input.Where(i => !_initializers.ContainsKey(i.Name)).ToList();
        var defined = new HashSet<string>(_initializers.Keys, StringComparer.Ordinal);
        foreach (ValueInfoProto input in Graph.Input) defined.Add(input.Name);
        for (int i = 0; i < Graph.Node.Count; i++)
        {
            NodeProto node = Graph.Node[i];
            _index[node] = i;
            CheckArity(node, source);
            foreach (string input in node.Input)
            {
                if (input.Length == 0) continue; // an optional input left out
                if (!defined.Contains(input))
                    throw new OnnxFormatException($"{source}: node {Label(node)} reads '{input}', which no earlier node, initializer or graph input defines (the graph is truncated, corrupt, or not in topological order).");
                if (!_consumers.TryGetValue(input, out List<NodeProto>? list)) _consumers[input] = list = new List<NodeProto>();
                if (!list.Contains(node)) list.Add(node);
            }
            foreach (string output in node.Output)
            {
                if (output.Length == 0) continue;
                if (!defined.Add(output))
                    throw new OnnxFormatException($"{source}: value '{output}' of node {Label(node)} is defined twice.");
                _producers[output] = node;
            }
        }
        if (Graph.Output.Count == 0) throw new OnnxFormatException($"{source}: the graph has no outputs.");
        foreach (ValueInfoProto output in Graph.Output)
        {
            if (!defined.Contains(output.Name))
                throw new OnnxFormatException($"{source}: the graph's output '{output.Name}' is produced by no node (the graph is truncated or corrupt).");
        }
    }

    /// <summary>How many inputs (at least, at most) the operators import looks into take; outputs: at least one.</summary>
    private static (int Min, int Max) Arity(string op) => op switch
    {
        "Add" or "Sub" or "Mul" or "Div" or "Pow" or "MatMul" or "Gather" or "Reshape" => (2, 2),
        "Gemm" or "Conv" => (2, 3),
        "LayerNormalization" => (2, 3),
        "BatchNormalization" => (5, 5),
        "Relu" or "Tanh" or "Sigmoid" or "Softmax" or "LeakyRelu" or "Elu" or "Softplus" or "Erf" or "Sqrt" or "Identity"
            or "Flatten" or "MaxPool" or "AveragePool" or "GlobalAveragePool" or "Shape" or "Cast" => (1, 1),
        "Constant" => (0, 0),
        _ => (1, int.MaxValue), // Dropout, Pad, ReduceMean, Unsqueeze, Squeeze, Concat, and any other
    };

    private void CheckArity(NodeProto node, string source)
    {
        (int min, int max) = Arity(node.OpType);
        if (node.Domain is not ("" or "ai.onnx")) (min, max) = (0, int.MaxValue);
        int inputs = node.Input.Count;
        if (inputs < min || inputs > max || (min > 0 && node.Input[0].Length == 0))
            throw new OnnxFormatException($"{source}: node {Label(node)} ({node.OpType}) has {inputs} inputs{(inputs > 0 && node.Input[0].Length == 0 ? " (the first empty)" : "")}; the operator takes {(min == max ? min.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{min} to {max}")}.");
        if (node.Output.Count == 0 || node.Output[0].Length == 0)
            throw new OnnxFormatException($"{source}: node {Label(node)} ({node.OpType}) has no output.");
    }

    public ModelProto Model { get; }
    public GraphProto Graph { get; }
    public long Opset { get; }

    /// <summary>The graph inputs that are not initializers (older exporters list the weights as inputs too).</summary>
    public IReadOnlyList<ValueInfoProto> Inputs { get; }

    public NodeProto? Producer(string value) => _producers.TryGetValue(value, out NodeProto? node) ? node : null;

    public IReadOnlyList<NodeProto> Consumers(string value) =>
        _consumers.TryGetValue(value, out List<NodeProto>? list) ? list : Array.Empty<NodeProto>();

    public bool IsGraphOutput(string value) => Graph.Output.Any(o => o.Name == value);

    public bool IsInitializer(string value) => _initializers.ContainsKey(value);

    /// <summary>A node's name, or (for an unnamed node) its position, operator and first output.</summary>
    public string Label(NodeProto node) =>
        node.Name.Length > 0 ? node.Name
        : $"node #{(_index.TryGetValue(node, out int i) ? i : -1)} '{node.OutputAt(0)}'";

    /// <summary>True for a value computable without the model's input (a weight, a constant, shape arithmetic).</summary>
    public bool IsStatic(string value)
    {
        if (value.Length == 0) return true;
        if (_static.TryGetValue(value, out bool known)) return known;
        _static[value] = false; // a cycle (in a corrupt graph) is not static
        bool result = _initializers.ContainsKey(value)
            || (Producer(value) is { } node && (node.OpType is "Constant" or "Shape" || (node.Input.Count > 0 && node.Input.All(IsStatic))));
        _static[value] = result;
        return result;
    }

    /// <summary>
    /// The nodes the output depends on through data (not through weights or shape arithmetic), in the graph's order:
    /// the nodes import maps onto layers.
    /// </summary>
    public IReadOnlyList<NodeProto> LiveNodes()
    {
        var live = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<string>(Graph.Output.Select(o => o.Name));
        while (stack.Count > 0)
        {
            string value = stack.Pop();
            if (IsStatic(value) || Producer(value) is not { } node || !live.Add(node)) continue;
            foreach (string input in node.Input) stack.Push(input);
        }
        return Graph.Node.Where(live.Contains).ToList();
    }

    /// <summary>
    /// The value of a static input: an initializer, a <c>Constant</c>, or shape arithmetic over them and over the shapes
    /// of data values (<paramref name="shapeOf"/> gives a data value's dims without the batch axis). Null when it cannot
    /// be evaluated.
    /// </summary>
    public ConstantTensor? Constant(string value, Func<string, int[]?> shapeOf)
    {
        if (_constants.TryGetValue(value, out ConstantTensor? known)) return known;
        _constants[value] = null; // cycles evaluate to null
        ConstantTensor? result = Evaluate(value, shapeOf);
        _constants[value] = result;
        return result;
    }

    private ConstantTensor? Evaluate(string value, Func<string, int[]?> shapeOf)
    {
        if (_initializers.TryGetValue(value, out TensorProto? tensor)) return Tensors.Decode(tensor, $"{_source}: initializer '{value}'");
        if (Producer(value) is not { } node) return null;
        ConstantTensor? In(int i) => i < node.Input.Count && node.Input[i].Length > 0 ? Constant(node.Input[i], shapeOf) : null;
        switch (node.OpType)
        {
            case "Constant":
                AttributeProto? a = node.Attribute.FirstOrDefault();
                if (a is null) return null;
                return a.Name switch
                {
                    "value" when a.T is not null => Tensors.Decode(a.T, $"{_source}: constant of node {Label(node)}"),
                    "value_float" => ConstantTensor.Scalar(a.F, false),
                    "value_int" => ConstantTensor.Scalar(a.I, true),
                    "value_floats" => new ConstantTensor(new long[] { a.Floats.Count }, a.Floats.Select(f => (double)f).ToArray(), false),
                    "value_ints" => new ConstantTensor(new long[] { a.Ints.Count }, a.Ints.Select(i => (double)i).ToArray(), true),
                    _ => null,
                };
            case "Identity":
                return In(0);
            case "Cast":
            {
                ConstantTensor? x = In(0);
                long to = Attributes.Int(node, "to", 1);
                bool integer = to is not (1 or 10 or 11 or 16);
                return x is null ? null : x with { Values = integer ? x.Values.Select(Math.Truncate).ToArray() : x.Values, IsInteger = integer };
            }
            case "Shape":
            {
                int[]? dims = shapeOf(node.Input[0]);
                if (dims is null) return null;
                double[] shape = new[] { Batch }.Concat(dims.Select(d => (double)d)).ToArray();
                long start = Attributes.Int(node, "start", 0), end = Attributes.Int(node, "end", shape.Length);
                (int s, int e) = Range(start, end, shape.Length);
                double[] slice = shape[s..e];
                return new ConstantTensor(new long[] { slice.Length }, slice, true);
            }
            case "Gather":
            {
                ConstantTensor? data = In(0), indices = In(1);
                if (data is null || indices is null || data.Dims.Length != 1 || Attributes.Int(node, "axis", 0) != 0) return null;
                var picked = new double[indices.Count];
                for (int i = 0; i < picked.Length; i++)
                {
                    long index = (long)indices.Values[i];
                    if (index < 0) index += data.Count;
                    if (index < 0 || index >= data.Count) return null;
                    picked[i] = data.Values[index];
                }
                return new ConstantTensor(indices.Dims, picked, data.IsInteger);
            }
            case "Unsqueeze":
            {
                ConstantTensor? x = In(0);
                return x is null || x.Dims.Length != 0 ? null : new ConstantTensor(new long[] { 1 }, x.Values, x.IsInteger);
            }
            case "Squeeze":
            {
                ConstantTensor? x = In(0);
                return x is null || x.Count != 1 ? null : new ConstantTensor(Array.Empty<long>(), x.Values, x.IsInteger);
            }
            case "Concat":
            {
                var parts = new List<ConstantTensor>();
                for (int i = 0; i < node.Input.Count; i++)
                {
                    ConstantTensor? part = In(i);
                    if (part is null || part.Dims.Length > 1) return null;
                    parts.Add(part);
                }
                double[] joined = parts.SelectMany(p => p.Values).ToArray();
                return new ConstantTensor(new long[] { joined.Length }, joined, parts.All(p => p.IsInteger));
            }
            default:
                return null;
        }
    }

    private static (int Start, int End) Range(long start, long end, int length)
    {
        if (start < 0) start += length;
        if (end < 0) end += length;
        return ((int)Math.Clamp(start, 0, length), (int)Math.Clamp(end, Math.Clamp(start, 0, length), length));
    }
}

/// <summary>Reads node attributes with their ONNX defaults.</summary>
internal static class Attributes
{
    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long Int(NodeProto node, string name, long fallback) => Find(node, name) is { } a ? a.I : fallback;

    public static float Float(NodeProto node, string name, float fallback) => Find(node, name) is { } a ? a.F : fallback;

    public static long[]? Ints(NodeProto node, string name) => Find(node, name) is { } a ? a.Ints.ToArray() : null;

    public static string? String(NodeProto node, string name) => Find(node, name) is { } a ? a.S.ToStringUtf8() : null;

    public static string OutputAt(this NodeProto node, int index) => index < node.Output.Count ? node.Output[index] : "";
}
