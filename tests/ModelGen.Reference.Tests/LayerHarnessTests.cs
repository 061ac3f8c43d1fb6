using System;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Sdk;

namespace ModelGen.Reference.Tests;

/// <summary>
/// The harness's checks for the layer fixtures must bite: a running statistic, a layer setting, the input shape, or a
/// graph layer's name, source (From) or merge operands that differ from the fixture are reported by name, so that a
/// passing MatchesPyTorch means the buffers and the declaration were really compared.
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

    [Fact]
    public void GraphDeclarationThatDriftedFromTheScriptIsReported()
    {
        Declarations.CheckMatches(typeof(ConcatVectorsDouble), Fixture.Load("concat_vectors_double"));
        Declarations.CheckMatches(typeof(ThreeReadersImageSingle), Fixture.Load("three_readers_image_single"));

        string Refusal(Type model, string fixture, Action<JsonNode> edit) =>
            Assert.ThrowsAny<XunitException>(() => Declarations.CheckMatches(model, Edited(fixture, edit))).Message;

        // The layer it reads: another layer, the input, or the previous layer (null).
        Assert.Contains("layer 4 (Concat 'concat0') has from=\"a\"; the fixture's layer 4 has from=\"b\"",
            Refusal(typeof(ConcatVectorsDouble), "concat_vectors_double", json => json["layers"]![3]!["from"] = "b"));
        Assert.Contains("layer 2 (Dense 'b') has from=\"input\"; the fixture's layer 2 has from=null",
            Refusal(typeof(ConcatVectorsDouble), "concat_vectors_double", json => json["layers"]![1]!["from"] = null));
        Assert.Contains("layer 5 (Flatten 'flatten0') has from=\"add0\"; the fixture's layer 5 has from=\"h\"",
            Refusal(typeof(ThreeReadersImageDouble), "three_readers_image_double", json => json["layers"]![4]!["from"] = "h"));
        Assert.Contains("layer 2 (Dense 'dense1') has from=null; the fixture's layer 2 has from=\"input\"",
            Refusal(typeof(ResidualMlpSingle), "residual_mlp_single", json => json["layers"]![1]!["from"] = "input"));
        // A merge's operands: one renamed, one missing, their order.
        Assert.Contains("layer 4 (Concat 'concat0') has operands=[\"b\", \"c\"]; the fixture's layer 4 has operands=[\"b\",\"a\"]",
            Refusal(typeof(ConcatVectorsDouble), "concat_vectors_double", json => json["layers"]![3]!["operands"]![1] = "a"));
        Assert.Contains("layer 4 (Add 'add0') has operands=[\"h\", \"dense1\"]; the fixture's layer 4 has operands=[\"h\"]",
            Refusal(typeof(ThreeReadersDouble), "three_readers_double", json => json["layers"]![3]!["operands"]!.AsArray().RemoveAt(1)));
        Assert.Contains("layer 4 (Concat 'concat0') has operands=[\"b\", \"c\"]",
            Refusal(typeof(ConcatVectorsSingle), "concat_vectors_single", json => json["layers"]![3]!["operands"] = new JsonArray("c", "b")));
        // Names: the Name given, and the default name, whose index counts the named layers of the same kind.
        Assert.Contains("layer 1 (Dense 'h') has name=\"h\"; the fixture's layer 1 has name=\"dense0\"",
            Refusal(typeof(ResidualMlpDouble), "residual_mlp_double", json => json["layers"]![0]!["name"] = "dense0"));
        Assert.Contains("layer 2 (Dense 'dense1') has name=\"dense1\"; the fixture's layer 2 has name=\"dense0\"",
            Refusal(typeof(ResidualMlpDouble), "residual_mlp_double", json => json["layers"]![1]!["name"] = "dense0"));
        Assert.Contains("layer 4 (GlobalAvgPool2D 'pooled') has name=\"pooled\"",
            Refusal(typeof(ThreeReadersImageDouble), "three_readers_image_double", json => json["layers"]![3]!["name"] = "globalavgpool2d0"));
        // A From or a Name cannot hide in a fixture that records neither: the layer's keys differ.
        Assert.Contains("layer 2 (Dense 'b') has the settings (kind, units, activation, use_bias, name, from)",
            Refusal(typeof(ConcatVectorsDouble), "concat_vectors_double", json => json["layers"]![1]!.AsObject().Remove("from")));
    }
}
