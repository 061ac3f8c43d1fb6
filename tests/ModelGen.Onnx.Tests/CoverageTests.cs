using System;
using System.Linq;
using ModelGen.Onnx.Export;
using Xunit;

namespace ModelGen.Onnx.Tests;

/// <summary>Every layer attribute of the runtime, and every member of Activation, has an export mapping.</summary>
public class CoverageTests
{
    [Fact]
    public void EveryLayerAttribute_HasAMapping()
    {
        string[] kinds = typeof(LayerAttribute).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract)
            .Select(t => t.Name.Substring(0, t.Name.Length - "Attribute".Length))
            .ToArray();
        Assert.Contains("Dense", kinds);
        Assert.Contains("GlobalAvgPool2D", kinds);
        Assert.All(kinds, kind => Assert.True(LayerMappings.Find(kind) is not null, $"[{kind}] has no ONNX export mapping"));
    }

    [Fact]
    public void EveryActivation_HasAMapping()
    {
        string[] names = Enum.GetNames<Activation>();
        Assert.Contains("LeakyReLU", names);
        foreach (string name in names)
        {
            var dense = new LayerDescription("dense0", "Dense", new[] { "input" }, new[] { 3 }, 15, 0,
                ("units", "3"), ("activation", name), ("UseBias", "true"));
            var model = new StandInModel<float>(StandInModel.Describe(new[] { 4 }, dense),
                new System.Collections.Generic.Dictionary<string, float[]> { ["dense0.weight"] = new float[12], ["dense0.bias"] = new float[3] });
            Assert.NotEmpty(OnnxExporter.Export(model)); // throws OnnxExportException for an activation without a mapping
            Assert.Contains(name, ActivationOps.Supported);
        }
    }
}
