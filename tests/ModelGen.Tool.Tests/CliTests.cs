using System;
using System.IO;
using System.Linq;
using Xunit;

namespace ModelGen.Tool.Tests;

/// <summary>The modelgen command line: exit codes, help, version, progress on stderr, nothing written on error.</summary>
public sealed class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Import_WritesTheClassAndItsWeights_AndReportsProgressOnStandardError()
    {
        string folder = Path.Combine(TempFolder.Create(), "Models");
        var (code, output, error) = Run("import", Fixture.Load("resnet_opset13").OnnxPath, "--class", "FashionResNet", "--namespace", "MyApp", "--output", folder);
        Assert.True(code == ExitCodes.Success, error);
        string source = Path.Combine(folder, "FashionResNet.cs"), weights = Path.Combine(folder, "FashionResNet.safetensors");
        Assert.Equal(new[] { source, weights }, output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("namespace MyApp;", File.ReadAllText(source));
        Assert.Contains("public partial class FashionResNet;", File.ReadAllText(source));
        Assert.True(new FileInfo(weights).Length > 615 * 4);
        Assert.Contains("Reading ", error);
        Assert.Contains("Checking the declaration with the ModelGen generator", error);
        Assert.Equal(new[] { "FashionResNet.cs", "FashionResNet.safetensors" }, Directory.GetFiles(folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Import_WithoutClass_NamesTheClassAfterTheFile()
    {
        string folder = TempFolder.Create();
        var (code, _, error) = Run("import", Fixture.Load("mlp_opset17").OnnxPath, "--output", folder);
        Assert.True(code == ExitCodes.Success, error);
        Assert.True(File.Exists(Path.Combine(folder, "MlpOpset17.cs")));
    }

    [Fact]
    public void UnsupportedModel_ExitsWith1_NamesTheNodes_AndWritesNothing()
    {
        string folder = Path.Combine(TempFolder.Create(), "out");
        var (code, output, error) = Run("import", Fixture.Load("unsupported").OnnxPath, "--output", folder);
        Assert.Equal(ExitCodes.ImportErrors, code);
        Assert.Equal("", output);
        Assert.Contains("/dil/Conv (Conv): dilations [2, 2]", error);
        Assert.Contains("/Abs (Abs)", error);
        Assert.Contains("Nothing was written.", error);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void CorruptFile_ExitsWith3_AndWritesNothing()
    {
        string folder = TempFolder.Create();
        string path = Path.Combine(folder, "broken.onnx");
        byte[] good = File.ReadAllBytes(Fixture.Load("mlp_opset13").OnnxPath);
        File.WriteAllBytes(path, good.AsSpan(0, good.Length / 2).ToArray());
        var (code, _, error) = Run("import", path, "--output", Path.Combine(folder, "out"));
        Assert.Equal(ExitCodes.FileError, code);
        Assert.Contains("broken.onnx", error);
        Assert.False(Directory.Exists(Path.Combine(folder, "out")));
    }

    [Fact]
    public void MissingFile_ExitsWith3()
    {
        var (code, _, error) = Run("import", "/nonexistent/model.onnx");
        Assert.Equal(ExitCodes.FileError, code);
        Assert.Contains("no such file", error);
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "export" }, "unknown command 'export'")]
    [InlineData(new[] { "import" }, "which ONNX file?")]
    [InlineData(new[] { "import", "a.onnx", "--colour", "red" }, "unknown option '--colour'")]
    [InlineData(new[] { "import", "a.onnx", "--class" }, "option --class needs a value")]
    [InlineData(new[] { "import", "a.onnx", "--class", "2Fast" }, "'2Fast' is not a C# class name")]
    [InlineData(new[] { "import", "a.onnx", "--namespace", "My..App" }, "'My..App' is not a C# namespace")]
    [InlineData(new[] { "import", "a.onnx", "--batch-size", "0" }, "--batch-size must be a whole number of at least 1")]
    [InlineData(new[] { "import", "a.onnx", "b.onnx" }, "one model file at a time")]
    public void UsageErrors_ExitWith2(string[] args, string message)
    {
        var (code, _, error) = Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_ListsTheCommand_TheOptions_AndTheExitCodes(string flag)
    {
        var (code, output, _) = Run(flag);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("modelgen import <model.onnx>", output);
        Assert.Contains("--namespace", output);
        Assert.Contains("3  the file cannot be read or written", output);
        Assert.Equal((0, output), (Run("import", "--help").Code, Run("import", "--help").Out));
    }

    [Fact]
    public void Version_IsTheToolsVersion()
    {
        var (code, output, _) = Run("--version");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Matches(@"^modelgen \d+\.\d+\.\d+", output);
    }

    [Theory]
    [InlineData("fashion_resnet.onnx", "FashionResnet")]
    [InlineData("/tmp/my-model.v2.onnx", "MyModelV2")]
    [InlineData("3layers.onnx", "Model3layers")]
    public void ClassNameFor_IsTheFileNameInPascalCase(string path, string expected) => Assert.Equal(expected, Cli.ClassNameFor(path));
}
