using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace ModelGen.Onnx.Tests;

/// <summary>What export cannot express gives an <see cref="OnnxExportException"/> naming the layer and why, and writes nothing.</summary>
public class ErrorTests
{
    private static LayerDescription Layer(string name, string kind, string[] sources, int[] shape, params (string, string)[] settings) =>
        new(name, kind, sources, shape, parameterCount: 0, bufferCount: 0, settings);

    private static StandInModel<float> DenseThen(LayerDescription next)
    {
        var dense = new LayerDescription("dense0", "Dense", new[] { "input" }, new[] { 3 }, 15, 0,
            ("units", "3"), ("activation", "Linear"), ("UseBias", "true"));
        var parameters = new Dictionary<string, float[]> { ["dense0.weight"] = new float[12], ["dense0.bias"] = new float[3] };
        return new StandInModel<float>(StandInModel.Describe(new[] { 4 }, dense, next), parameters);
    }

    [Fact]
    public void AnUnknownLayerKind_IsNamedWithItsLayer()
    {
        StandInModel<float> model = DenseThen(Layer("attention0", "Attention", new[] { "dense0" }, new[] { 3 }));
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model));
        Assert.Equal("attention0", error.LayerName);
        Assert.Equal("Attention", error.LayerKind);
        Assert.Contains("layer 'attention0' (Attention) has no ONNX mapping", error.Message);
        Assert.Contains("Dense", error.Message); // the kinds export does map
    }

    [Fact]
    public void AnUnknownActivation_IsNamedWithItsLayer()
    {
        var dense = new LayerDescription("hidden", "Dense", new[] { "input" }, new[] { 3 }, 15, 0,
            ("units", "3"), ("activation", "Mish"), ("UseBias", "true"));
        var parameters = new Dictionary<string, float[]> { ["hidden.weight"] = new float[12], ["hidden.bias"] = new float[3] };
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(new StandInModel<float>(StandInModel.Describe(new[] { 4 }, dense), parameters)));
        Assert.Equal("hidden", error.LayerName);
        Assert.Contains("activation 'Mish'", error.Message);
    }

    [Fact]
    public void AReadOfAnUnknownValue_IsReported()
    {
        StandInModel<float> model = DenseThen(Layer("add0", "Add", new[] { "dense0", "nowhere" }, new[] { 3 }));
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model));
        Assert.Equal("add0", error.LayerName);
        Assert.Contains("reads 'nowhere'", error.Message);
    }

    [Fact]
    public void AnUnknownPadding_IsReported()
    {
        var conv = new LayerDescription("conv", "Conv2D", new[] { "input" }, new[] { 2, 4, 4 }, 20, 0,
            ("filters", "2"), ("kernelSize", "3"), ("activation", "Linear"), ("Stride", "1"), ("Padding", "Reflect"), ("UseBias", "true"));
        var parameters = new Dictionary<string, float[]> { ["conv.weight"] = new float[18], ["conv.bias"] = new float[2] };
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(new StandInModel<float>(StandInModel.Describe(new[] { 1, 4, 4 }, conv), parameters)));
        Assert.Equal("conv", error.LayerName);
        Assert.Contains("Padding = 'Reflect'", error.Message);
    }

    [Fact]
    public void AParameterOfTheWrongSize_IsReported()
    {
        var dense = new LayerDescription("dense0", "Dense", new[] { "input" }, new[] { 3 }, 15, 0, ("units", "3"), ("activation", "Linear"), ("UseBias", "true"));
        var parameters = new Dictionary<string, float[]> { ["dense0.weight"] = new float[11], ["dense0.bias"] = new float[3] };
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(new StandInModel<float>(StandInModel.Describe(new[] { 4 }, dense), parameters)));
        Assert.Contains("'dense0.weight' holds 11 values", error.Message);
        Assert.Contains("[3, 4]", error.Message);
    }

    [Fact]
    public void ADescriptionOfAnotherPrecision_IsReported()
    {
        var dense = new LayerDescription("dense0", "Dense", new[] { "input" }, new[] { 3 }, 15, 0, ("units", "3"), ("activation", "Linear"));
        var description = new ModelDescription("Mixed", Precision.Double, new[] { 4 }, 8, 0, null, null, null, new[] { dense });
        var parameters = new Dictionary<string, float[]> { ["dense0.weight"] = new float[12], ["dense0.bias"] = new float[3] };
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(new StandInModel<float>(description, parameters)));
        Assert.Contains("computes in Single", error.Message);
        Assert.Contains("Precision.Double", error.Message);
    }

    [Fact]
    public void AFailedExport_LeavesTheExistingFileAndNoTemporaryFile()
    {
        string folder = Directory.CreateTempSubdirectory("onnx-export-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.onnx");
            File.WriteAllText(path, "the previous file");
            StandInModel<float> model = DenseThen(Layer("attention0", "Attention", new[] { "dense0" }, new[] { 3 }));
            Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, path));
            Assert.Equal("the previous file", File.ReadAllText(path));
            Assert.Equal(new[] { "model.onnx" }, Directory.GetFiles(folder).Select(Path.GetFileName));

            string absent = Path.Combine(folder, "absent.onnx");
            Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, absent));
            Assert.False(File.Exists(absent));

            using var stream = new MemoryStream();
            Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, stream));
            Assert.Equal(0, stream.Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void NullArguments_AreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => OnnxExporter.Export<float>(null!));
        Assert.Throws<ArgumentNullException>(() => OnnxExporter.Export(new Mlp(), (Stream)null!));
        Assert.ThrowsAny<ArgumentException>(() => OnnxExporter.Export(new Mlp(), ""));
    }
}
