using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Tool.Tests;

/// <summary>Hand-built ONNX graphs for the cases PyTorch does not export (or exports only with effort).</summary>
internal sealed class OnnxBuilder
{
    private readonly ModelProto _model;
    private int _weights;

    /// <summary>A graph with one float input of shape [batch, dims...] (a string dimension is dynamic).</summary>
    public OnnxBuilder(long opset = 17, params object[] inputDims)
    {
        _model = new ModelProto { IrVersion = 8, ProducerName = "tests", Graph = new GraphProto { Name = "g" } };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (object d in inputDims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = (int)d });
        _model.Graph.Input.Add(new ValueInfoProto
        {
            Name = "input",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        });
    }

    public GraphProto Graph => _model.Graph;

    /// <summary>Adds a float initializer with values 0.01·i (or the given ones) and returns its name.</summary>
    public string Weight(long[] dims, float[]? values = null)
    {
        string name = $"w{_weights++}";
        long count = dims.Aggregate(1L, (a, b) => a * b);
        var tensor = new TensorProto { Name = name, DataType = 1 };
        tensor.Dims.Add(dims);
        tensor.FloatData.Add(values ?? Enumerable.Range(0, (int)count).Select(i => 0.01f * (i % 17 - 8)));
        _model.Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 initializer.</summary>
    public string Ints(params long[] values)
    {
        string name = $"w{_weights++}";
        var tensor = new TensorProto { Name = name, DataType = 7 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        _model.Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node named <paramref name="name"/> with output <c>name_out</c>; returns the output.</summary>
    public string Node(string op, string name, string[] inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(name + "_out");
        node.Attribute.Add(attributes);
        _model.Graph.Node.Add(node);
        return name + "_out";
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, I = value, Type = AttributeProto.Types.AttributeType.Int };

    public static AttributeProto Float(string name, float value) => new() { Name = name, F = value, Type = AttributeProto.Types.AttributeType.Float };

    public static AttributeProto IntList(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    /// <summary>Marks the graph's output and returns the file's bytes.</summary>
    public byte[] Build(string output)
    {
        _model.Graph.Output.Add(new ValueInfoProto { Name = output });
        return _model.ToByteArray();
    }

    public static Onnx.Import.ImportResult Import(byte[] bytes) =>
        Onnx.Import.OnnxImporter.Import(new MemoryStream(bytes), new Onnx.Import.OnnxImportOptions { ClassName = "Built", Namespace = "ImportTests" });
}
