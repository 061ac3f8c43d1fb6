using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Xunit;

namespace ModelGen.Reference.Tests;

/// <summary>
/// Reads a model declaration's attributes (they are ordinary runtime attributes) in the terms of the PyTorch script,
/// and checks that they are the settings the fixture was made with: the loss, the torch.optim class with every keyword
/// argument, the L1/L2 penalty of each Dense weight and the clipping thresholds. A declaration that drifted from
/// generate_fixtures.py fails here, by name, instead of being compared with numbers of another model.
/// </summary>
public static class Declarations
{
    /// <summary>The torch.optim class and keyword arguments (values: double, bool or double[]) of an optimizer attribute.</summary>
    public static (string Class, Dictionary<string, object> Settings) TorchOptimizer(OptimizerAttribute optimizer) => optimizer switch
    {
        SgdAttribute a => ("SGD", new()
        {
            ["lr"] = a.LearningRate, ["momentum"] = a.Momentum, ["dampening"] = a.Dampening, ["nesterov"] = a.Nesterov,
            ["weight_decay"] = a.WeightDecay,
        }),
        AdamAttribute a => ("Adam", new()
        {
            ["lr"] = a.LearningRate, ["betas"] = new[] { a.Beta1, a.Beta2 }, ["eps"] = a.Epsilon, ["weight_decay"] = a.WeightDecay,
            ["amsgrad"] = a.Amsgrad,
        }),
        AdamWAttribute a => ("AdamW", new()
        {
            ["lr"] = a.LearningRate, ["betas"] = new[] { a.Beta1, a.Beta2 }, ["eps"] = a.Epsilon, ["weight_decay"] = a.WeightDecay,
            ["amsgrad"] = a.Amsgrad,
        }),
        RmsPropAttribute a => ("RMSprop", new()
        {
            ["lr"] = a.LearningRate, ["alpha"] = a.Alpha, ["eps"] = a.Epsilon, ["weight_decay"] = a.WeightDecay,
            ["momentum"] = a.Momentum, ["centered"] = a.Centered,
        }),
        AdaGradAttribute a => ("Adagrad", new()
        {
            // ModelGen's AdaGrad has no learning-rate decay: torch's lr_decay must be 0.
            ["lr"] = a.LearningRate, ["lr_decay"] = 0.0, ["weight_decay"] = a.WeightDecay,
            ["initial_accumulator_value"] = a.InitialAccumulator, ["eps"] = a.Epsilon,
        }),
        AdaDeltaAttribute a => ("Adadelta", new()
        {
            ["lr"] = a.LearningRate, ["rho"] = a.Rho, ["eps"] = a.Epsilon, ["weight_decay"] = a.WeightDecay,
        }),
        AdamaxAttribute a => ("Adamax", new()
        {
            ["lr"] = a.LearningRate, ["betas"] = new[] { a.Beta1, a.Beta2 }, ["eps"] = a.Epsilon, ["weight_decay"] = a.WeightDecay,
        }),
        NAdamAttribute a => ("NAdam", new()
        {
            ["lr"] = a.LearningRate, ["betas"] = new[] { a.Beta1, a.Beta2 }, ["eps"] = a.Epsilon, ["weight_decay"] = a.WeightDecay,
            ["momentum_decay"] = a.MomentumDecay,
        }),
        _ => throw new NotSupportedException($"No torch.optim counterpart known for {optimizer.GetType().Name}."),
    };

    /// <summary>The script's name of a loss: "mse", "cross_entropy", "bce".</summary>
    public static string TorchLoss(LossFunction loss) => loss switch
    {
        LossFunction.MeanSquaredError => "mse",
        LossFunction.CrossEntropy => "cross_entropy",
        LossFunction.BinaryCrossEntropy => "bce",
        _ => throw new NotSupportedException(loss.ToString()),
    };

    /// <summary>Fails unless the attributes of <paramref name="model"/> declare what <paramref name="fixture"/> was trained with.</summary>
    public static void CheckMatches(Type model, Fixture fixture)
    {
        string who = $"{fixture.Name}: {model.Name}";

        LossAttribute loss = Assert.Single(model.GetCustomAttributes<LossAttribute>(inherit: false));
        Assert.True(TorchLoss(loss.Function) == fixture.Loss, $"{who} is declared with {loss.Function}; the fixture's loss is {fixture.Loss}.");

        OptimizerAttribute optimizer = Assert.Single(model.GetCustomAttributes<OptimizerAttribute>(inherit: false));
        (string torchClass, Dictionary<string, object> settings) = TorchOptimizer(optimizer);
        Assert.True(torchClass == fixture.Optimizer.Class,
            $"{who} declares {optimizer.GetType().Name} (torch.optim.{torchClass}); the fixture used torch.optim.{fixture.Optimizer.Class}.");
        Assert.True(settings.Keys.Order(StringComparer.Ordinal).SequenceEqual(fixture.Optimizer.Settings.Keys.Order(StringComparer.Ordinal)),
            $"{who}: the declaration maps to torch.optim.{torchClass}({string.Join(", ", settings.Keys)}); the fixture passed ({string.Join(", ", fixture.Optimizer.Settings.Keys)}).");
        foreach ((string key, object declared) in settings)
        {
            JsonElement used = fixture.Optimizer.Settings[key];
            Assert.True(SameValue(declared, used),
                $"{who}: {optimizer.GetType().Name} gives torch.optim.{torchClass} {key}={Show(declared)}; the fixture used {key}={used.GetRawText()}.");
        }

        var declaredPenalties = new Dictionary<string, (double L1, double L2)>();
        int index = 0;
        foreach (DenseAttribute dense in model.GetCustomAttributes<DenseAttribute>(inherit: false))
        {
            string weight = (dense.Name ?? $"dense{index}") + ".weight";
            index++;
            if (dense.L1 != 0 || dense.L2 != 0) declaredPenalties[weight] = (dense.L1, dense.L2);
        }
        var fixturePenalties = fixture.Penalties.ToDictionary(p => p.Key, p => (p.Value.L1, p.Value.L2));
        Assert.True(declaredPenalties.Count == fixturePenalties.Count && declaredPenalties.All(p => fixturePenalties.TryGetValue(p.Key, out var f) && f == p.Value),
            $"{who} declares the penalties {ShowPenalties(declaredPenalties)}; the fixture has {ShowPenalties(fixturePenalties)}.");

        GradientClippingAttribute? clipping = model.GetCustomAttribute<GradientClippingAttribute>(inherit: false);
        (double maxNorm, double maxValue) declaredClipping = (clipping?.MaxNorm ?? 0, clipping?.MaxValue ?? 0);
        (double maxNorm, double maxValue) fixtureClipping = (fixture.Clipping?.MaxNorm ?? 0, fixture.Clipping?.MaxValue ?? 0);
        Assert.True(declaredClipping == fixtureClipping,
            $"{who} clips with (MaxNorm, MaxValue) = {declaredClipping} (0: off); the fixture clipped with {fixtureClipping}.");
    }

    private static bool SameValue(object declared, JsonElement used) => declared switch
    {
        double d => used.ValueKind == JsonValueKind.Number && used.GetDouble() == d,
        bool b => used.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False),
        double[] a => used.ValueKind == JsonValueKind.Array && used.GetArrayLength() == a.Length
            && used.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.Number && e.GetDouble() == a[i]).All(x => x),
        _ => false,
    };

    private static string Show(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double[] a => "[" + string.Join(", ", a.Select(d => d.ToString("R", CultureInfo.InvariantCulture))) + "]",
        _ => value.ToString() ?? "null",
    };

    private static string ShowPenalties(Dictionary<string, (double L1, double L2)> penalties) => penalties.Count == 0 ? "(none)"
        : string.Join(", ", penalties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} L1 {p.Value.L1} L2 {p.Value.L2}")));
}
