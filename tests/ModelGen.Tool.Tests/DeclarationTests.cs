using System.Linq;
using ModelGen.Onnx.Import;
using Xunit;

namespace ModelGen.Tool.Tests;

/// <summary>What each ONNX pattern becomes in the declaration, and the comments that say where it came from.</summary>
public sealed class DeclarationTests
{
    private static ImportResult Import(string name) => Imported.Import(Fixture.Load(name).OnnxPath);

    private static string[] Declarations(ImportResult result) => result.Layers.Select(l => l.Declaration).ToArray();

    [Fact]
    public void Mlp_FusesEachActivationIntoItsDense_AndDropsTheDropout()
    {
        ImportResult result = Import("mlp_opset17");
        Assert.Equal(new[] { "[Dense(8, Activation.ReLU)]", "[Dense(8, Activation.Tanh)]", "[Dense(5, Activation.Sigmoid)]", "[Dense(3)]" },
            Declarations(result));
        Assert.Equal(new[] { "/0/Gemm", "/1/Relu" }, result.Layers[0].Nodes);
        Assert.Contains("[Input(6)]", result.Source);
        Assert.Contains("// dense0 -> [8]: /0/Gemm + /1/Relu", result.Source);
        Assert.DoesNotContain(result.Source.Split('\n'), l => l.StartsWith("[Loss", System.StringComparison.Ordinal) || l.StartsWith("[Adam", System.StringComparison.Ordinal));
        Assert.Contains("add a [Loss(...)] and an optimizer attribute", result.Source);
        Assert.Equal(new[] { "dense0.weight", "dense0.bias", "dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias", "dense3.weight", "dense3.bias" },
            result.Weights.Select(w => w.Name));
        Assert.Equal(new[] { 8, 6 }, result.Weights[0].Shape);
    }

    [Fact]
    public void MatMulAndAdd_BecomeADense_AndAMatMulAloneADenseWithoutBias()
    {
        ImportResult result = Import("matmul_add");
        Assert.Equal(new[] { "[Dense(7, Activation.ReLU)]", "[Dense(4, UseBias = false)]" }, Declarations(result));
        Assert.Equal(new[] { 7, 6 }, result.Weights[0].Shape); // PyTorch's [out, in], transposed from MatMul's [in, out]
    }

    [Fact]
    public void ResidualCnn_HasItsSkipConnection_SamePadding_AndTheBatchNormFoldedIntoTheConvolutions()
    {
        ImportResult result = Import("resnet_opset17");
        Assert.Equal(new[]
        {
            "[Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same)]", "[Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same)]",
            "[Conv2D(4, 3, Padding = Padding.Same)]", "[Add(\"conv2d0\")]", "[ReLU]", "[MaxPool2D(2)]", "[Conv2D(6, 3)]",
            "[LeakyReLU(0.1)]", "[AvgPool2D(2)]", "[Flatten]", "[Dense(3)]",
        }, Declarations(result));
        Assert.DoesNotContain(result.Layers, l => l.Declaration.Contains("BatchNorm"));
    }

    [Fact]
    public void StandaloneBatchNormalization_BecomesBatchNorm_WithItsRunningStatisticsAsBuffers()
    {
        ImportResult result = Import("resnet_bn");
        Assert.Equal(4, result.Layers.Count(l => l.Declaration == "[BatchNorm]"));
        Assert.Equal(new[] { "batchnorm0.weight", "batchnorm0.bias", "batchnorm0.running_mean", "batchnorm0.running_var" },
            result.Weights.Where(w => w.Name.StartsWith("batchnorm0.", System.StringComparison.Ordinal)).Select(w => w.Name));
        Assert.DoesNotContain("#pragma", result.Source); // batch norm draws no MG1004 in an inference-only model
    }

    [Fact]
    public void Pools_StridedConvolution_StridedPooling_ViewAsFlatten_AndBatchNormAfterAVector()
    {
        ImportResult result = Import("pools");
        Assert.Equal(new[]
        {
            "[Conv2D(3, 3, Activation.ReLU, Stride = 2)]", "[MaxPool2D(2, Stride = 1)]", "[Conv2D(4, 3, Padding = Padding.Same)]",
            "[AvgPool2D(2)]", "[Flatten]", "[Dense(5)]", "[BatchNorm]", "[Dense(2)]",
        }, Declarations(result));
        Assert.Equal(new[] { "/Reshape" }, result.Layers[4].Nodes);
    }

    [Fact]
    public void GlobalAveragePool_ThenFlatten_IsOneGlobalAvgPool2D()
    {
        Assert.Equal(new[] { "[Conv2D(3, 3, Activation.ReLU, Padding = Padding.Same)]", "[GlobalAvgPool2D]", "[Dense(2)]" },
            Declarations(Import("gap")));
    }

    [Fact]
    public void Concat_OfImagesAndOfVectors_NamesItsOperands_AndBranchesReadThroughFrom()
    {
        Assert.Equal(new[]
        {
            "[Conv2D(3, 3, Activation.ReLU, Padding = Padding.Same)]", "[Conv2D(2, 1, From = \"input\")]",
            "[Concat(\"conv2d1\", From = \"conv2d0\")]", "[Flatten]", "[Dense(4, Activation.Tanh)]",
            "[Dense(3, From = \"flatten0\")]", "[Concat(\"dense1\", From = \"dense0\")]", "[Dense(2)]",
        }, Declarations(Import("concat_opset17")));
    }

    [Theory]
    [InlineData("layernorm_opset13")]
    [InlineData("layernorm_opset17")]
    public void LayerNorm_AndPyTorchsOpset13Decomposition_BecomeLayerNorm(string name)
    {
        ImportResult result = Import(name);
        Assert.Equal(new[] { "[Conv2D(2, 3)]", "[LayerNorm]", "[Flatten]", "[Dense(6)]", "[LayerNorm(Epsilon = 0.001)]", "[ReLU]", "[Dense(2)]" },
            Declarations(result));
        Assert.Equal(new[] { 2, 3, 3 }, result.Weights.Single(w => w.Name == "layernorm0.weight").Shape);
        if (name.EndsWith("13", System.StringComparison.Ordinal))
            Assert.Equal(new[] { "/1/ReduceMean", "/1/Sub", "/1/Pow", "/1/ReduceMean_1", "/1/Add", "/1/Sqrt", "/1/Div", "/1/Mul", "/1/Add_1" },
                result.Layers[1].Nodes);
    }

    [Fact]
    public void LeakyRelu_WithPyTorchsDefaultSlope_Fuses_AndAnotherSlopeIsALayer()
    {
        Assert.Equal(new[] { "[Dense(6, Activation.LeakyReLU)]", "[Dense(3)]" }, Declarations(Import("act_leakyrelu_opset13")));
        Assert.Equal(new[] { "[Dense(6)]", "[LeakyReLU(0.2)]", "[Dense(3)]" }, Declarations(Import("act_leakyrelu02_opset13")));
    }

    [Fact]
    public void AnActivationWhoseInputIsReadTwice_IsALayerOfItsOwn()
    {
        Assert.Equal(new[] { "[Dense(6)]", "[ReLU]", "[Add(\"dense0\")]", "[Dense(3)]" }, Declarations(Import("act_relu_unfused")));
        Assert.Equal(new[] { "[Dense(6)]", "[Softmax]", "[Add(\"dense0\")]", "[Dense(3)]" }, Declarations(Import("act_softmax_unfused")));
    }

    [Fact]
    public void Source_HasTheNamespace_TheClass_AndTheLineOfEveryLayer()
    {
        ImportResult result = OnnxImporter.Import(Fixture.Load("mlp_opset13").OnnxPath, new OnnxImportOptions { ClassName = "Mlp", Namespace = "My.App", BatchSize = 16 });
        Assert.Contains("namespace My.App;", result.Source);
        Assert.Contains("[Model(BatchSize = 16)]", result.Source);
        Assert.Contains("public partial class Mlp;", result.Source);
        string[] lines = result.Source.Split('\n');
        foreach (ImportedLayer layer in result.Layers) Assert.Equal(layer.Declaration, lines[layer.Line - 1]);
    }

    [Theory]
    [InlineData("1Model")]
    [InlineData("class")]
    [InlineData("My-Model")]
    public void InvalidClassName_IsRefused(string name)
    {
        var e = Assert.Throws<System.ArgumentException>(() => OnnxImporter.Import(Fixture.Load("mlp_opset13").OnnxPath, new OnnxImportOptions { ClassName = name }));
        Assert.Contains(name, e.Message);
    }
}
