using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ModelGen.Onnx.Protocol;
using Xunit;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// The exported file read back with the generated protobuf classes: versions, the input and output with their dynamic
/// batch axis, the operators, attributes and weights; and how the file is written (atomically, or to a stream).
/// </summary>
public class FileTests
{
    private static ModelProto Read(byte[] bytes) => ModelProto.Parser.ParseFrom(bytes);

    private static string[] Dims(ValueInfoProto value) =>
        value.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : d.DimValue.ToString()).ToArray();

    private static NodeProto Only(ModelProto file, string opType, string name) =>
        Assert.Single(file.Graph.Node, n => n.OpType == opType && n.Name == name);

    [Fact]
    public void Cnn_HasOpset17_IrVersion8_TheBatchAxis_AndTheExpectedOperators()
    {
        var model = new Cnn();
        Agreement.Train(model);
        ModelProto file = Read(OnnxExporter.Export(model));

        Assert.Equal(8, file.IrVersion);
        Assert.Equal("ModelGen", file.ProducerName);
        OperatorSetIdProto opset = Assert.Single(file.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);

        ValueInfoProto input = Assert.Single(file.Graph.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        Assert.Equal(new[] { "batch", "2", "12", "12" }, Dims(input));
        ValueInfoProto output = Assert.Single(file.Graph.Output);
        Assert.Equal("output", output.Name);
        Assert.Equal(new[] { "batch", "3" }, Dims(output));

        string[] ops = file.Graph.Node.Select(n => n.OpType).ToArray();
        Assert.Equal(new[]
        {
            "Conv", "Relu", "BatchNormalization", "MaxPool", "Conv", "BatchNormalization", "LeakyRelu", "MaxPool",
            "Conv", "Tanh", "AveragePool", "Flatten", "Gemm", "Relu", "BatchNormalization", "Gemm",
        }, ops);
        Assert.DoesNotContain("Dropout", ops);
        Assert.Equal("output", file.Graph.Node.Last().Output.Single());

        // conv2d0: 3x3, same padding; conv2d1: 2x2 same (the extra row and column after); conv2d2: stride 2, valid.
        NodeProto conv0 = Only(file, "Conv", "conv2d0");
        Assert.Equal(new long[] { 1, 1, 1, 1 }, conv0.Attribute.Single(a => a.Name == "pads").Ints);
        Assert.Equal(new[] { "conv2d0/linear", "conv2d0.weight", "conv2d0.bias" }, conv0.Input.Skip(1).Prepend(conv0.Output[0]));
        NodeProto conv1 = Only(file, "Conv", "conv2d1");
        Assert.Equal(new long[] { 0, 0, 1, 1 }, conv1.Attribute.Single(a => a.Name == "pads").Ints);
        Assert.Equal(2, conv1.Input.Count); // UseBias = false: no bias operand
        NodeProto conv2 = Only(file, "Conv", "conv2d2");
        Assert.Equal(new long[] { 2, 2 }, conv2.Attribute.Single(a => a.Name == "strides").Ints);
        Assert.Equal(new long[] { 0, 0, 0, 0 }, conv2.Attribute.Single(a => a.Name == "pads").Ints);

        NodeProto pool = Only(file, "MaxPool", "maxpool2d1");
        Assert.Equal(new long[] { 3, 3 }, pool.Attribute.Single(a => a.Name == "kernel_shape").Ints);
        Assert.Equal(new long[] { 2, 2 }, pool.Attribute.Single(a => a.Name == "strides").Ints);
        Assert.Equal(0.1f, Only(file, "LeakyRelu", "leakyrelu0").Attribute.Single(a => a.Name == "alpha").F);
        Assert.Equal(0L, Only(file, "AveragePool", "avgpool2d0").Attribute.Single(a => a.Name == "count_include_pad").I);

        // Batch norm: inference with the running statistics; ONNX's momentum is 1 - PyTorch's.
        NodeProto norm = Only(file, "BatchNormalization", "batchnorm0");
        Assert.Equal(new[] { "batchnorm0.weight", "batchnorm0.bias", "batchnorm0.running_mean", "batchnorm0.running_var" }, norm.Input.Skip(1));
        Assert.Equal(1e-3f, norm.Attribute.Single(a => a.Name == "epsilon").F);
        Assert.Equal(0.7f, norm.Attribute.Single(a => a.Name == "momentum").F, 6);

        NodeProto gemm = Only(file, "Gemm", "dense1");
        Assert.Equal(1L, gemm.Attribute.Single(a => a.Name == "transB").I);

        // Every parameter and buffer is an initializer of its ModelGen name, shape and exact values.
        foreach (string name in Cnn.ParameterNames.Concat(Cnn.BufferNames))
        {
            TensorProto tensor = Assert.Single(file.Graph.Initializer, t => t.Name == name);
            Assert.Equal((int)TensorProto.Types.DataType.Float, tensor.DataType);
            float[] values = MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
            float[] live = Cnn.ParameterNames.Contains(name) ? model.Parameter(name).ToArray() : model.Buffer(name).ToArray();
            Assert.Equal(live, values);
            Assert.Equal(live.Length, tensor.Dims.Aggregate(1L, (a, d) => a * d));
        }
        Assert.Equal(new long[] { 6, 4, 2, 2 }, file.Graph.Initializer.Single(t => t.Name == "conv2d1.weight").Dims);
        Assert.Equal(new long[] { 10, 5 }, file.Graph.Initializer.Single(t => t.Name == "dense0.weight").Dims);
    }

    [Fact]
    public void Residual_WritesAddChainsAndGlobalAveragePoolingThenFlatten()
    {
        ModelProto file = Read(OnnxExporter.Export(new Residual()));
        // block1 = batchnorm1 + stem; add1 = side + stem + relu_block1 as two Adds.
        Assert.Equal(3, file.Graph.Node.Count(n => n.OpType == "Add"));
        NodeProto block = Only(file, "Add", "block1");
        Assert.Equal(new[] { "batchnorm1", "stem" }, block.Input);
        NodeProto first = Only(file, "Add", "add1"), second = Only(file, "Add", "add1/Add");
        Assert.Equal(new[] { "side", "stem" }, first.Input);
        Assert.Equal(new[] { first.Output[0], "relu_block1" }, second.Input);
        NodeProto pool = Only(file, "GlobalAveragePool", "globalavgpool2d0");
        NodeProto flatten = Only(file, "Flatten", "globalavgpool2d0/Flatten");
        Assert.Equal(pool.Output[0], flatten.Input.Single());
        Assert.Equal(1L, flatten.Attribute.Single(a => a.Name == "axis").I);
    }

    [Fact]
    public void Concatenation_JoinsOnAxisOne_InOperandOrder()
    {
        ModelProto file = Read(OnnxExporter.Export(new Concatenation()));
        NodeProto images = Only(file, "Concat", "concat0");
        Assert.Equal(new[] { "right", "left" }, images.Input);
        Assert.Equal(1L, images.Attribute.Single(a => a.Name == "axis").I);
        Assert.Equal(new[] { "b", "a" }, Only(file, "Concat", "concat1").Input);
    }

    [Fact]
    public void LayerNorm_NormalizesOverTheWholeSample()
    {
        ModelProto file = Read(OnnxExporter.Export(new LayerNormModel()));
        NodeProto image = Only(file, "LayerNormalization", "layernorm0");
        Assert.Equal(-3L, image.Attribute.Single(a => a.Name == "axis").I);
        Assert.Equal(1e-4f, image.Attribute.Single(a => a.Name == "epsilon").F);
        Assert.Equal(new long[] { 4, 3, 3 }, file.Graph.Initializer.Single(t => t.Name == "layernorm0.weight").Dims);
        Assert.Equal(-1L, Only(file, "LayerNormalization", "layernorm1").Attribute.Single(a => a.Name == "axis").I);
    }

    [Fact]
    public void DoubleModel_IsWrittenWithDoubleTensors_AndItsExactWeights()
    {
        var model = new DoubleCnn();
        Agreement.Train(model);
        ModelProto file = Read(OnnxExporter.Export(model));
        Assert.Equal((int)TensorProto.Types.DataType.Double, file.Graph.Input.Single().Type.TensorType.ElemType);
        Assert.Equal((int)TensorProto.Types.DataType.Double, file.Graph.Output.Single().Type.TensorType.ElemType);
        Assert.All(file.Graph.Initializer, t => Assert.Equal((int)TensorProto.Types.DataType.Double, t.DataType));
        double[] weight = MemoryMarshal.Cast<byte, double>(file.Graph.Initializer.Single(t => t.Name == "stem.weight").RawData.Span).ToArray();
        Assert.Equal(model.Parameter("stem.weight").ToArray(), weight);

        // Precision.Single: the same graph in FLOAT, the weights rounded.
        ModelProto single = Read(OnnxExporter.Export(model, new OnnxExportOptions { Precision = Precision.Single }));
        Assert.All(single.Graph.Initializer, t => Assert.Equal((int)TensorProto.Types.DataType.Float, t.DataType));
        Assert.Equal((int)TensorProto.Types.DataType.Float, single.Graph.Input.Single().Type.TensorType.ElemType);
        float[] rounded = MemoryMarshal.Cast<byte, float>(single.Graph.Initializer.Single(t => t.Name == "stem.weight").RawData.Span).ToArray();
        Assert.Equal(model.Parameter("stem.weight").ToArray().Select(v => (float)v), rounded);
        Assert.Equal(file.Graph.Node.Select(n => n.OpType), single.Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void DropoutLast_EndsInAnIdentity()
    {
        ModelProto file = Read(OnnxExporter.Export(new DropoutLast()));
        Assert.Equal(new[] { "Gemm", "Sigmoid", "Identity" }, file.Graph.Node.Select(n => n.OpType));
        NodeProto identity = file.Graph.Node.Last();
        Assert.Equal("dense0", identity.Input.Single());
        Assert.Equal("output", identity.Output.Single());
    }

    [Fact]
    public void ExportToPath_WritesTheSameBytes_AndLeavesNoTemporaryFile()
    {
        string folder = Directory.CreateTempSubdirectory("onnx-export-").FullName;
        try
        {
            var model = new Mlp();
            string path = Path.Combine(folder, "sub", "mlp.onnx");
            OnnxExporter.Export(model, path);
            Assert.Equal(OnnxExporter.Export(model), File.ReadAllBytes(path));
            // Replacing an existing file.
            Agreement.Train(model, steps: 2);
            OnnxExporter.Export(model, path);
            Assert.Equal(OnnxExporter.Export(model), File.ReadAllBytes(path));
            Assert.Equal(new[] { "mlp.onnx" }, Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));

            using var stream = new MemoryStream();
            stream.WriteByte(42);
            OnnxExporter.Export(model, stream);
            Assert.Equal(new byte[] { 42 }.Concat(OnnxExporter.Export(model)), stream.ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheFileLoadsInOnnxRuntime_WithTheDeclaredNamesAndADynamicBatch()
    {
        using var run = new OnnxRun(OnnxExporter.Export(new Cnn()));
        var input = Assert.Single(run.Session.InputMetadata);
        Assert.Equal("input", input.Key);
        Assert.Equal(new[] { -1, 2, 12, 12 }, input.Value.Dimensions);
        Assert.Equal("batch", input.Value.SymbolicDimensions[0]);
        var output = Assert.Single(run.Session.OutputMetadata);
        Assert.Equal("output", output.Key);
        Assert.Equal(new[] { -1, 3 }, output.Value.Dimensions);
    }
}
