using System;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Sdk;

namespace ModelGen.Reference.Tests;

/// <summary>
/// The harness's checks for the layer fixtures must bite: a running statistic, a layer setting or the input shape that
/// differs from the fixture is reported by name, so that a passing MatchesPyTorch means the buffers and the declaration
/// were really compared.
/// </summary>
public sealed class LayerHarnessTests
{
    private static Fixture Edited(string name, Action<JsonNode> edit)
    {
        JsonNode json = JsonNode.Parse(Fixture.Text(name))!;
        edit(json);
        return Fixture.Parse(json.ToJsonString());
    }

    [Fact]
    public void RunningStatisticThatDiffersFromPyTorchIsReported()
    {
        IReferenceCase reference = ReferenceCase.Targets<BatchNormVectorDouble, double>();
        reference.Replay(Fixture.Load("batchnorm_vector_double"));

        // One running variance after step 3 off by 1e-7: far below anything the loss or gradients would show.
        var error = Assert.Throws<XunitException>(() => reference.Replay(Edited("batchnorm_vector_double", json =>
        {
            JsonNode value = json["steps"]![2]!["buffers"]!["batchnorm0.running_var"]![4]!;
            json["steps"]![2]!["buffers"]!["batchnorm0.running_var"]![4] = value.GetValue<double>() + 1e-7;
        })));
        Assert.Contains("step 3 of 6, ComputeGradients: buffer batchnorm0.running_var[4]", error.Message);

        // Inference before training reads the initial running statistics the fixture loads through Buffer(name).
        error = Assert.Throws<XunitException>(() => reference.Replay(Edited("batchnorm_vector_double", json =>
            json["initial_buffers"]!["batchnorm0.running_mean"]![0] = 0.0)));
        Assert.Contains("Predict before training", error.Message);
    }

    [Fact]
    public void LayerDeclarationThatDriftedFromTheScriptIsReported()
    {
        Declarations.CheckMatches(typeof(MixedDouble), Fixture.Load("mixed_double"));

        string Refusal(Type model, string fixture, Action<JsonNode> edit) =>
            Assert.ThrowsAny<XunitException>(() => Declarations.CheckMatches(model, Edited(fixture, edit))).Message;

        Assert.Contains("layer 1 (Conv2D) has padding=\"Same\"; the fixture's layer 1 has padding=\"Valid\"",
            Refusal(typeof(MixedDouble), "mixed_double", json => json["layers"]![0]!["padding"] = "Valid"));
        Assert.Contains("layer 7 (BatchNorm) has momentum=0.2",
            Refusal(typeof(MixedDouble), "mixed_double", json => json["layers"]![6]!["momentum"] = 0.1));
        Assert.Contains("layer 3 (MaxPool2D) has stride=2",
            Refusal(typeof(MixedDouble), "mixed_double", json => json["layers"]![2]!["stride"] = 1));
        Assert.Contains("declares 9 layers",
            Refusal(typeof(MixedDouble), "mixed_double", json => json["layers"]!.AsArray().RemoveAt(8)));
        Assert.Contains("is declared with [Input(2, 8, 8)]; the fixture's input shape is (2, 8, 7)",
            Refusal(typeof(MixedDouble), "mixed_double", json => json["input_shape"]![2] = 7));
        Assert.Contains("layer 2 (Conv2D) has use_bias=false",
            Refusal(typeof(ConvValidDouble), "conv_valid_double", json => json["layers"]![1]!["use_bias"] = true));
    }
}
