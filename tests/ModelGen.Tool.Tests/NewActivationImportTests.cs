using ModelGen.Onnx.Import;
using Xunit;

namespace ModelGen.Tool.Tests;

/// <summary>
/// The PyTorch fixtures with GELU, SiLU, ELU and softplus imported, compiled with the generator and run against
/// PyTorch's outputs.
/// </summary>
public sealed class NewActivationImportTests
{
    public static TheoryData<string> Fixtures => new()
    {
        "act_gelu_opset13", "act_gelu_opset17", "act_silu_opset13", "act_silu_opset17", "act_elu_opset13",
        "act_elu_opset17", "act_elu05_opset13", "act_elu05_opset17", "act_softplus_opset13", "act_softplus_opset17",
        "act_gelu_unfused", "act_silu_unfused", "act_elu_unfused",
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Predict_OfTheImportedModel_EqualsPyTorch(string name)
    {
        Fixture fixture = Fixture.Load(name);
        ImportResult result = Imported.Import(fixture.OnnxPath, "N" + name.Replace("_", ""));
        IModel<float> model = Imported.Load(result);
        Imported.AssertClose(fixture.Outputs, Imported.Predict(model, fixture.Inputs), name);
    }
}
