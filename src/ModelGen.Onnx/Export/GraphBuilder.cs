using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Export;

/// <summary>
/// The ONNX graph under construction: nodes in topological order, initializers (weights and constants), and the names
/// already taken (every value and node name in an ONNX graph is unique).
/// </summary>
internal sealed class GraphBuilder
{
    private readonly HashSet<string> _valueNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<double, string> _scalars = new();

    /// <param name="graphName">The graph's name (the model class's).</param>
    /// <param name="elementType">The ONNX element type of every floating-point tensor: FLOAT or DOUBLE.</param>
    public GraphBuilder(string graphName, TensorProto.Types.DataType elementType)
    {
        Graph = new GraphProto { Name = graphName };
        ElementType = elementType;
    }

    public GraphProto Graph { get; }

    /// <summary>FLOAT for a <c>Precision.Single</c> model, DOUBLE for a <c>Precision.Double</c> one.</summary>
    public TensorProto.Types.DataType ElementType { get; }

    /// <summary>Reserves <paramref name="name"/> as a value name (the graph's input and output).</summary>
    public void Reserve(string name)
    {
        if (!_valueNames.Add(name)) throw new InvalidOperationException($"The value name '{name}' is taken.");
    }

    /// <summary>A value name not taken yet: <paramref name="wanted"/>, else it with <c>_1</c>, <c>_2</c>, ... appended.</summary>
    public string NewValue(string wanted) => Unique(_valueNames, wanted);

    /// <summary>Adds a node; its name is made unique from <paramref name="name"/>.</summary>
    public NodeProto Node(string opType, string name, IEnumerable<string> inputs, string output, string docString, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(_nodeNames, name), DocString = docString };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node;
    }

    /// <summary>A weight or buffer of the model as an initializer named <paramref name="name"/> (ModelGen's tensor name).</summary>
    public string Initializer<T>(string name, ReadOnlySpan<T> values, IReadOnlyList<long> dims) where T : unmanaged
    {
        string unique = NewValue(name);
        var tensor = new TensorProto { Name = unique, DataType = (int)ElementType };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(LittleEndianBytes(values));
        Graph.Initializer.Add(tensor);
        return unique;
    }

    /// <summary>A scalar constant of the element type (<c>0.5</c> of GELU), one initializer per value.</summary>
    public string Scalar(double value)
    {
        if (_scalars.TryGetValue(value, out string? name)) return name;
        name = NewValue("const_" + value.ToString("R", CultureInfo.InvariantCulture));
        var tensor = new TensorProto { Name = name, DataType = (int)ElementType };
        tensor.RawData = ElementType == TensorProto.Types.DataType.Double
            ? ByteString.CopyFrom(LittleEndianBytes<double>(new[] { value }))
            : ByteString.CopyFrom(LittleEndianBytes<float>(new[] { (float)value }));
        Graph.Initializer.Add(tensor);
        _scalars.Add(value, name);
        return name;
    }

    /// <summary>A 1-D INT64 constant (the target shape of a Reshape).</summary>
    public string Int64s(string name, IReadOnlyList<long> values)
    {
        string unique = NewValue(name);
        var tensor = new TensorProto { Name = unique, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Count);
        tensor.RawData = ByteString.CopyFrom(LittleEndianBytes<long>(values.ToArray()));
        Graph.Initializer.Add(tensor);
        return unique;
    }

    /// <summary>A graph input or output of the element type: <c>[batch, ...sample]</c> with the batch axis dynamic.</summary>
    public ValueInfoProto BatchedValue(string name, IReadOnlyList<int> sampleShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = OnnxExporter.BatchAxis });
        foreach (int d in sampleShape) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)ElementType, Shape = shape } },
        };
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static string Unique(HashSet<string> taken, string wanted)
    {
        if (taken.Add(wanted)) return wanted;
        for (int i = 1; ; i++)
        {
            string candidate = wanted + "_" + i.ToString(CultureInfo.InvariantCulture);
            if (taken.Add(candidate)) return candidate;
        }
    }

    /// <summary>The values as ONNX stores raw data: little-endian, row-major.</summary>
    private static byte[] LittleEndianBytes<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            int size = Marshal.SizeOf<T>();
            for (int i = 0; i < bytes.Length; i += size) Array.Reverse(bytes, i, size);
        }
        return bytes;
    }
}
