using System.Linq;
using Xunit;

namespace ModelGen.Tool.Tests;

/// <summary>
/// GELU (PyTorch 1.13's Div/Erf/Add/Mul/Mul), SiLU (Mul(x, Sigmoid(x))), ELU and Softplus map onto the activations of
/// ModelGen 0.2 (CONTRACT "More activations and losses"). These tests check the declarations; NewActivationImportTests
/// checks the numbers against PyTorch.
/// </summary>
public sealed class NewActivationDeclarationTests
{
    private static string[] Declarations(string name) =>
        Imported.Import(Fixture.Load(name).OnnxPath).Layers.Select(l => l.Declaration).ToArray();

    [Theory]
    [InlineData("act_gelu_opset13", "[Dense(6, Activation.Gelu)]")]
    [InlineData("act_gelu_opset17", "[Dense(6, Activation.Gelu)]")]
    [InlineData("act_silu_opset13", "[Dense(6, Activation.Silu)]")]
    [InlineData("act_silu_opset17", "[Dense(6, Activation.Silu)]")]
    [InlineData("act_elu_opset13", "[Dense(6, Activation.Elu)]")]
    [InlineData("act_elu_opset17", "[Dense(6, Activation.Elu)]")]
    [InlineData("act_softplus_opset13", "[Dense(6, Activation.Softplus)]")]
    [InlineData("act_softplus_opset17", "[Dense(6, Activation.Softplus)]")]
    public void ActivationAfterALinearLayer_IsFused(string name, string dense) =>
        Assert.Equal(new[] { dense, "[Dense(3)]" }, Declarations(name));

    [Theory]
    [InlineData("act_gelu_unfused", "[Gelu]")]
    [InlineData("act_silu_unfused", "[Silu]")]
    [InlineData("act_elu_unfused", "[Elu]")]
    public void ActivationWhoseInputIsAlsoAdded_IsALayer(string name, string layer) =>
        Assert.Equal(new[] { "[Dense(6)]", layer, "[Add(\"dense0\")]", "[Dense(3)]" }, Declarations(name));

    [Fact]
    public void EluWithAnotherAlpha_IsALayerWithItsAlpha() =>
        Assert.Equal(new[] { "[Dense(6)]", "[Elu(0.5)]", "[Dense(3)]" }, Declarations("act_elu05_opset13"));

    [Fact]
    public void GeluPattern_NamesItsFiveNodes()
    {
        var layer = Imported.Import(Fixture.Load("act_gelu_unfused").OnnxPath).Layers[1];
        Assert.Equal(5, layer.Nodes.Count);
        Assert.EndsWith("/Div", layer.Nodes[0]);
        Assert.EndsWith("/Erf", layer.Nodes[1]);
    }
}
