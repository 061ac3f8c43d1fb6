using System.IO;
using System.Runtime.CompilerServices;
using ModelGen.Onnx.Import;
using Xunit;

namespace ModelGen.Tool.Tests;

/// <summary>The OnnxImport sample's committed declaration and weights are what the importer writes from its .onnx file
/// (CI checks the same through the installed command).</summary>
public sealed class SampleImportTests
{
    private static string Sample([CallerFilePath] string testFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(testFile)!, "..", "..", "samples", "OnnxImport"));

    [Fact]
    public void CommittedFiles_AreWhatTheImporterWrites_ByteForByte()
    {
        string sample = Sample();
        ImportResult result = OnnxImporter.Import(Path.Combine(sample, "fashion_resnet.onnx"),
            new OnnxImportOptions { ClassName = "FashionResNet", Namespace = "OnnxImport" });
        string folder = TempFolder.Create();
        (string source, string weights) = result.WriteTo(folder);
        Assert.Equal(File.ReadAllText(Path.Combine(sample, "Models", "FashionResNet.cs")), File.ReadAllText(source));
        Assert.Equal(File.ReadAllBytes(Path.Combine(sample, "Models", "FashionResNet.safetensors")), File.ReadAllBytes(weights));
    }

    [Fact]
    public void ImportingTwice_GivesTheSameSourceAndWeights()
    {
        string onnx = Path.Combine(Sample(), "fashion_resnet.onnx");
        var options = new OnnxImportOptions { ClassName = "Twice" };
        ImportResult first = OnnxImporter.Import(onnx, options), second = OnnxImporter.Import(onnx, options);
        Assert.Equal(first.Source, second.Source);
        using MemoryStream a = new(), b = new();
        first.WriteWeights(a);
        second.WriteWeights(b);
        Assert.Equal(a.ToArray(), b.ToArray());
    }
}
