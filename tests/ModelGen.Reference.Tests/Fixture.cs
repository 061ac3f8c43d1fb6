using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace ModelGen.Reference.Tests;

/// <summary>
/// One PyTorch reference run, as written by generate_fixtures.py. Every tensor is flattened row-major; parameters are
/// keyed by ModelGen's names ("dense0.weight" [out, in], "dense0.bias"). Numbers are the doubles PyTorch computed
/// (for single-precision fixtures, float32 values, which doubles hold exactly).
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
    public required SgdSettings Sgd { get; init; }
    public required List<string> ParameterNames { get; init; }
    public required Dictionary<string, int[]> ParameterShapes { get; init; }
    public required Dictionary<string, double[]> InitialParameters { get; init; }
    public required double[] Inputs { get; init; }
    public double[]? Targets { get; init; }
    public int[]? Labels { get; init; }
    public required double[] PredictInputs { get; init; }
    public required double[] PredictOutputs { get; init; }
    public required List<FixtureStep> Steps { get; init; }
    public required double[] FinalPredictOutputs { get; init; }

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
        Fixture fixture = JsonSerializer.Deserialize<Fixture>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"Fixture {name} is empty.");
        if (fixture.Name != name)
            throw new InvalidDataException($"Fixture file {name}.json names itself {fixture.Name}.");
        return fixture;
    }
}

/// <summary>The torch.optim.SGD settings the fixture was trained with.</summary>
public sealed class SgdSettings
{
    public required double Lr { get; init; }
    public required double Momentum { get; init; }
    public required double Dampening { get; init; }
    public required bool Nesterov { get; init; }
    public required double WeightDecay { get; init; }
}

/// <summary>
/// One training step on the fixture's batch: the mean loss and the gradients (of parameters and of the inputs) before
/// the optimizer step, and the parameters after it.
/// </summary>
public sealed class FixtureStep
{
    public required double Loss { get; init; }
    public required Dictionary<string, double[]> Gradients { get; init; }
    public required double[] InputGradient { get; init; }
    public required Dictionary<string, double[]> Parameters { get; init; }
}
