using System;
using System.IO;
using System.Linq;
using ModelGen.Onnx.Import;
using Xunit;

namespace ModelGen.Tool.Tests;

/// <summary>Truncated, corrupt and foreign files give an <see cref="OnnxFormatException"/> (or, when the damage leaves a
/// well-formed graph, an import error or a model), never another exception.</summary>
public sealed class CorruptFileTests
{
    private static readonly byte[] Good = File.ReadAllBytes(Fixture.Load("resnet_opset17").OnnxPath);

    /// <summary>Imports the bytes; returns what happened, failing the test on any exception but the two of import.</summary>
    private static string Outcome(byte[] bytes)
    {
        try
        {
            OnnxBuilder.Import(bytes);
            return "imported";
        }
        catch (OnnxFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return "format";
        }
        catch (OnnxImportException e)
        {
            Assert.NotEmpty(e.Problems);
            return "import";
        }
    }

    [Fact]
    public void EveryTruncation_IsAFormatError()
    {
        // Every prefix of the file misses at least the graph's inputs and outputs (written last) or part of a message.
        int checkedCount = 0;
        for (int length = 0; length < Good.Length; length += length < 64 ? 1 : 13)
        {
            Assert.Equal("format", Outcome(Good.AsSpan(0, length).ToArray()));
            checkedCount++;
        }
        Assert.True(checkedCount > 400);
    }

    [Fact]
    public void RandomByteFlips_NeverCrash()
    {
        var random = new Random(15);
        int formats = 0, imports = 0, models = 0;
        for (int trial = 0; trial < 1500; trial++)
        {
            byte[] bytes = (byte[])Good.Clone();
            int flips = 1 + random.Next(4);
            for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            switch (Outcome(bytes))
            {
                case "format": formats++; break;
                case "import": imports++; break;
                default: models++; break;
            }
        }
        // Most flips land in weight data (the model still imports, with other weights); the rest are caught as format
        // or import errors.
        Assert.True(formats > 0 && models > 0, $"format errors {formats}, import errors {imports}, imported {models}");
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00 })] // a zip file's start
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // a varint that never ends
    [InlineData(new byte[] { 0x08, 0x08 })] // ir_version 8 and nothing else
    public void ForeignOrEmptyBytes_AreFormatErrors(byte[] bytes)
    {
        var e = Assert.Throws<OnnxFormatException>(() => OnnxBuilder.Import(bytes));
        Assert.Contains("model.onnx", e.Message);
    }

    [Fact]
    public void TextFile_IsAFormatError()
    {
        Assert.Throws<OnnxFormatException>(() => OnnxBuilder.Import(System.Text.Encoding.UTF8.GetBytes("{\"not\": \"onnx\"}\n")));
    }

    [Fact]
    public void WeightWhoseDataDoesNotMatchItsShape_IsAFormatErrorNamingIt()
    {
        var b = new OnnxBuilder(17, 4);
        string w = b.Weight(new long[] { 3, 4 });
        b.Graph.Initializer[0].Dims[0] = 5; // 12 stored values for [5, 4]
        var e = Assert.Throws<OnnxFormatException>(() => OnnxBuilder.Import(b.Build(b.Node("Gemm", "fc", new[] { "input", w }, OnnxBuilder.Int("transB", 1)))));
        Assert.Contains("initializer 'w0'", e.Message);
        Assert.Contains("12 stored values for shape [5, 4]", e.Message);
    }

    [Fact]
    public void NodeReadingAnUndefinedValue_IsAFormatErrorNamingBoth()
    {
        var b = new OnnxBuilder(17, 4);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxBuilder.Import(b.Build(b.Node("Relu", "relu", new[] { "missing" }))));
        Assert.Contains("node relu reads 'missing'", e.Message);
    }
}

/// <summary>Nodes whose input count the operator does not allow are format errors, before any mapping looks at them.</summary>
public sealed class ArityTests
{
    [Theory]
    [InlineData("Identity", 0)]
    [InlineData("MatMul", 1)]
    [InlineData("BatchNormalization", 3)]
    [InlineData("Relu", 2)]
    public void NodeWithTheWrongNumberOfInputs_IsAFormatError(string op, int inputs)
    {
        var b = new OnnxBuilder(17, 4);
        string output = b.Node(op, "bad", Enumerable.Repeat("input", inputs).ToArray());
        var e = Assert.Throws<OnnxFormatException>(() => OnnxBuilder.Import(b.Build(output)));
        Assert.Contains($"node bad ({op}) has {inputs} inputs", e.Message);
    }
}
