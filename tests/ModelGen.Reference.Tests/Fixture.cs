using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace ModelGen.Reference.Tests;

/// <summary>
/// One PyTorch reference run, as written by generate_fixtures.py. Every tensor is flattened row-major; parameters are
/// keyed by ModelGen's names ("dense0.weight" [out, in], "dense0.bias"). Numbers are the doubles PyTorch computed
/// (for single-precision fixtures, float32 values, which doubles hold exactly). The settings (loss, optimizer,
/// penalties, clipping) are the ones the script trained with; the harness checks them against the model's attributes.
/// </summary>
public sealed class Fixture
{
    public required string Name { get; init; }
    public required string Precision { get; init; }
    public required int BatchSize { get; init; }
    public required int InputSize { get; init; }
    public required int OutputSize { get; init; }
    public required int Samples { get; init; }
    public required string Loss { get; init; }
    /// <summary>The loss's settings beyond its kind ("delta" of Huber, "label_smoothing" of cross-entropy), absent when none.</summary>
    public Dictionary<string, double>? LossSettings { get; init; }
    public required OptimizerSettings Optimizer { get; init; }
    /// <summary>L1/L2 penalties by weight name ("dense0.weight"); weights not listed have none.</summary>
    public required Dictionary<string, PenaltySettings> Penalties { get; init; }
    /// <summary>Gradient clipping, or null for none.</summary>
    public required ClippingSettings? Clipping { get; init; }
    public required List<string> ParameterNames { get; init; }
    public required Dictionary<string, int[]> ParameterShapes { get; init; }
    public required Dictionary<string, double[]> InitialParameters { get; init; }
    public required double[] Inputs { get; init; }
    public double[]? Targets { get; init; }
    public int[]? Labels { get; init; }
    public required double[] PredictInputs { get; init; }
    public required double[] PredictOutputs { get; init; }
    public required List<FixtureStep> Steps { get; init; }
    /// <summary>The loss (with the penalties) on the training batch after the last step, in inference mode.</summary>
    public required double FinalLoss { get; init; }
    public required double[] FinalPredictOutputs { get; init; }

    // Fixtures of models with convolution, pooling, normalization or flatten layers, and of graph models, also carry the
    // following (null in the dense-only fixtures, whose models have no buffers and compute the same function in training
    // and inference).

    /// <summary>The input shape of one sample ([features] or [channels, height, width]), as the [Input] attribute declares it.</summary>
    public int[]? InputShape { get; init; }
    /// <summary>
    /// The layers in declaration order, in the terms of ModelGen's attributes: <c>"kind"</c> ("Conv2D", "BatchNorm", ...)
    /// and the settings the script built the PyTorch module with ("filters", "padding", "momentum", ...). In the graph
    /// fixtures each layer also has <c>"name"</c> (its Name, or the default <c>&lt;kind&gt;&lt;index per kind&gt;</c>),
    /// <c>"from"</c> (the layer it reads, <c>"input"</c> for the model's input; null: the previous layer) and, for Add
    /// and Concat, <c>"operands"</c> (the names of the layers merged with the first operand, in order).
    /// </summary>
    public List<Dictionary<string, JsonElement>>? Layers { get; init; }
    /// <summary>The non-trainable buffers by ModelGen's names ("batchnorm0.running_mean", "batchnorm0.running_var"), in order.</summary>
    public List<string>? BufferNames { get; init; }
    /// <summary>The buffers the run started from (loaded into the model through Buffer(name) with the initial parameters).</summary>
    public Dictionary<string, double[]>? InitialBuffers { get; init; }
    /// <summary>The loss on the training batch before training in inference mode (running statistics), as Evaluate computes it.</summary>
    public double? InitialLoss { get; init; }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
    };

    /// <summary>Reads Fixtures/<paramref name="name"/>.json from the test output directory.</summary>
    public static Fixture Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json");
        if (!File.Exists(path))
            throw new FileNotFoundException($"Fixture {name} not found at {path}; run generate_fixtures.py.", path);
        Fixture fixture = Parse(File.ReadAllText(path));
        if (fixture.Name != name)
            throw new InvalidDataException($"Fixture file {name}.json names itself {fixture.Name}.");
        return fixture;
    }

    /// <summary>Reads a fixture from its JSON text.</summary>
    public static Fixture Parse(string json) =>
        JsonSerializer.Deserialize<Fixture>(json, Options) ?? throw new InvalidDataException("The fixture is empty.");

    /// <summary>The JSON text of Fixtures/<paramref name="name"/>.json.</summary>
    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json"));
}

/// <summary>The torch.optim class (<c>"SGD"</c>, <c>"Adam"</c>, ...) and every keyword argument it was built with.</summary>
public sealed class OptimizerSettings
{
    public required string Class { get; init; }
    public required Dictionary<string, JsonElement> Settings { get; init; }

    /// <summary>The learning rate, <c>lr</c>.</summary>
    public double Lr => Settings.TryGetValue("lr", out JsonElement lr) ? lr.GetDouble()
        : throw new InvalidDataException($"The {Class} settings have no lr.");
}

/// <summary>The penalty <c>L1·Σ|w| + L2·Σw²</c> on one weight tensor.</summary>
public sealed class PenaltySettings
{
    public required double L1 { get; init; }
    public required double L2 { get; init; }
}

/// <summary><c>clip_grad_norm_(max_norm)</c> and then <c>clip_grad_value_(clip_value = max_value)</c>; null: not applied.</summary>
public sealed class ClippingSettings
{
    public required double? MaxNorm { get; init; }
    public required double? MaxValue { get; init; }
}

/// <summary>
/// One training step on the fixture's batch: the loss (mean data loss plus penalties) and the gradients (of parameters,
/// after the penalties' gradients and clipping, and of the inputs) before the optimizer step, the running statistics the
/// training pass left, and the parameters and the optimizer's per-parameter state after the step. <see cref="OptimizerState"/> maps each torch.optim state key
/// ("exp_avg", ...) to the values of all parameters, concatenated in parameter order (like ModelGen's OptimizerState).
/// </summary>
public sealed class FixtureStep
{
    public required double Loss { get; init; }
    public required Dictionary<string, double[]> Gradients { get; init; }
    public required double[] InputGradient { get; init; }
    public required Dictionary<string, double[]> Parameters { get; init; }
    public required Dictionary<string, double[]> OptimizerState { get; init; }
    /// <summary>The buffers (batch norm's running statistics) after this step's training pass; null when the fixture has none.</summary>
    public Dictionary<string, double[]>? Buffers { get; init; }
}
