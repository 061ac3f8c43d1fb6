using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGen.Onnx.Import;
using Xunit;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// Export then import (<see cref="OnnxImporter"/>): the declaration the importer writes is the model's own and the
/// weights it reads back are the model's, bit for bit. Two things do not survive the trip, by design: a layer's
/// <c>Name</c> (the importer names layers by kind, <c>conv2d0</c>, and writes <c>From</c> with those names), and an
/// <c>[Add]</c> of three values, which ONNX's two-input <c>Add</c> carries as two.
/// </summary>
public class RoundTripTests
{
    private static ImportResult RoundTrip(IClassifier<float> model)
    {
        Agreement.Train(model); // weights and running statistics away from their initial values
        using var file = new MemoryStream(OnnxExporter.Export(model));
        return OnnxImporter.Import(file, new OnnxImportOptions { ClassName = "RoundTrip", Namespace = "Tests" });
    }

    /// <summary>Every parameter and buffer of the model equals the imported tensor of the same (or renamed) layer.</summary>
    private static void AssertSameWeights(IModel<float> model, ImportResult result, Dictionary<string, string>? renamed = null)
    {
        var imported = result.Weights.ToDictionary(w => w.Name);
        var names = model.ParameterNames.Concat(model.BufferNames).ToArray();
        Assert.Equal(names.Length, imported.Count);
        foreach (string name in names)
        {
            string layer = name[..name.IndexOf('.')], tensor = name[(layer.Length + 1)..];
            string importedName = (renamed is not null && renamed.TryGetValue(layer, out string? other) ? other : layer) + "." + tensor;
            float[] expected = model.ParameterNames.Contains(name) ? model.Parameter(name).ToArray() : model.Buffer(name).ToArray();
            Assert.True(imported.TryGetValue(importedName, out ImportedTensor? weights), $"{importedName} (the model's {name}) was not imported");
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), weights!.Values.Select(BitConverter.SingleToInt32Bits));
        }
    }

    private static string[] Declarations(ImportResult result) => result.Layers.Select(l => l.Declaration).ToArray();

    [Fact]
    public void Mlp_ComesBackAsDeclared()
    {
        var model = new Mlp();
        ImportResult result = RoundTrip(model);
        Assert.Equal(new[] { "[Dense(16, Activation.ReLU)]", "[Dense(8, Activation.Tanh)]", "[Dense(3)]" }, Declarations(result));
        Assert.Contains("[Input(6)]", result.Source);
        AssertSameWeights(model, result);
    }

    [Fact]
    public void Cnn_ComesBackAsDeclared_WithBatchNormRunningStatistics_AndWithoutItsDropout()
    {
        var model = new Cnn();
        ImportResult result = RoundTrip(model);
        Assert.Equal(new[]
        {
            "[Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same)]", "[BatchNorm(Momentum = 0.3, Epsilon = 0.001)]",
            "[MaxPool2D(2)]", "[Conv2D(6, 2, Padding = Padding.Same, UseBias = false)]", "[BatchNorm]", "[LeakyReLU(0.1)]",
            "[MaxPool2D(3, Stride = 2)]", "[Conv2D(5, 2, Activation.Tanh, Stride = 2)]", "[AvgPool2D(1)]", "[Flatten]",
            "[Dense(10, Activation.ReLU)]", "[BatchNorm]", "[Dense(3)]",
        }, Declarations(result)); // [Dropout(0.25)] is an inference no-op: export drops it
        Assert.Contains("[Input(2, 12, 12)]", result.Source);
        AssertSameWeights(model, result);
    }

    [Fact]
    public void Residual_ComesBackWithItsSkipConnections_UnderTheDefaultNames()
    {
        var model = new Residual();
        ImportResult result = RoundTrip(model);
        Assert.Equal(new[]
        {
            "[Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same)]", "[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]",
            "[BatchNorm]", "[ReLU]", "[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]", "[BatchNorm]",
            "[Add(\"conv2d0\")]", "[ReLU]", "[Conv2D(4, 1)]", "[Add(\"conv2d0\")]", "[Add(\"relu1\")]", "[GlobalAvgPool2D]", "[Dense(3)]",
        }, Declarations(result)); // [Add("stem", "relu_block1")] of side, stem and relu_block1 is two Adds
        AssertSameWeights(model, result, new() { ["stem"] = "conv2d0", ["side"] = "conv2d3" });
    }

    [Fact]
    public void Concatenation_ComesBackWithItsBranches_UnderTheDefaultNames()
    {
        var model = new Concatenation();
        ImportResult result = RoundTrip(model);
        Assert.Equal(new[]
        {
            "[Conv2D(3, 3, Activation.ReLU, Padding = Padding.Same)]", "[Conv2D(2, 1, From = \"input\")]", "[Concat(\"conv2d0\")]",
            "[MaxPool2D(2)]", "[Flatten]", "[Dense(5, Activation.Tanh)]", "[Dense(4, From = \"flatten0\")]", "[Concat(\"dense0\")]", "[Dense(3)]",
        }, Declarations(result));
        AssertSameWeights(model, result, new() { ["left"] = "conv2d0", ["right"] = "conv2d1", ["a"] = "dense0", ["b"] = "dense1" });
    }

    [Fact]
    public void LayerNorm_OverImagesAndVectors_ComesBackAsDeclared()
    {
        var model = new LayerNormModel();
        ImportResult result = RoundTrip(model);
        Assert.Equal(new[]
        {
            "[Conv2D(4, 3, Activation.Tanh)]", "[LayerNorm(Epsilon = 0.0001)]", "[Flatten]", "[Dense(10)]", "[LayerNorm]", "[ReLU]", "[Dense(3)]",
        }, Declarations(result));
        AssertSameWeights(model, result);
    }
}
