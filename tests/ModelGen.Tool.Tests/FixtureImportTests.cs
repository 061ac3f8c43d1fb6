using System.Linq;
using ModelGen.Onnx.Import;
using Xunit;

namespace ModelGen.Tool.Tests;

/// <summary>
/// Every PyTorch fixture whose layers ModelGen has: imported, compiled with the generator in memory, its weights loaded
/// from the written safetensors file, and Predict compared with PyTorch's outputs to 1e-5.
/// </summary>
public sealed class FixtureImportTests
{
    public static TheoryData<string> Supported => new()
    {
        "mlp_opset13", "mlp_opset17", "matmul_add", "resnet_opset13", "resnet_opset17", "resnet_bn", "pools", "gap",
        "concat_opset13", "concat_opset17", "layernorm_opset13", "layernorm_opset17",
        "act_relu_opset13", "act_relu_opset17", "act_tanh_opset13", "act_tanh_opset17", "act_sigmoid_opset13",
        "act_sigmoid_opset17", "act_softmax_opset13", "act_softmax_opset17", "act_leakyrelu_opset13",
        "act_leakyrelu_opset17", "act_leakyrelu02_opset13", "act_leakyrelu02_opset17", "act_relu_unfused",
        "act_softmax_unfused", "softmax_head",
    };

    [Theory]
    [MemberData(nameof(Supported))]
    public void Predict_OfTheImportedModel_EqualsPyTorch(string name)
    {
        Fixture fixture = Fixture.Load(name);
        ImportResult result = Imported.Import(fixture.OnnxPath, "M" + name.Replace("_", ""));
        Assert.Equal(fixture.InputShape, result.InputShape);
        Assert.Equal(fixture.Opset, result.Opset);
        IModel<float> model = Imported.Load(result);
        Assert.Equal(fixture.InputShape.Aggregate(1, (a, b) => a * b), model.InputSize);
        float[] outputs = Imported.Predict(model, fixture.Inputs);
        Imported.AssertClose(fixture.Outputs, outputs, name);
    }

    [Theory]
    [MemberData(nameof(Supported))]
    public void Weights_AreEveryParameterAndBufferOfTheModel(string name)
    {
        ImportResult result = Imported.Import(Fixture.Load(name).OnnxPath, "W" + name.Replace("_", ""));
        IModel<float> model = Imported.Load(result);
        Assert.Equal(model.ParameterNames.Concat(model.BufferNames).OrderBy(n => n, System.StringComparer.Ordinal),
            result.Weights.Select(w => w.Name).OrderBy(n => n, System.StringComparer.Ordinal));
        foreach (ImportedTensor tensor in result.Weights)
        {
            float[] live = model.ParameterNames.Contains(tensor.Name) ? model.Parameter(tensor.Name).ToArray() : model.Buffer(tensor.Name).ToArray();
            Assert.Equal(tensor.Values, live);
        }
    }
}
