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
/// argument, the L1/L2 penalty of each Dense weight and the clipping thresholds, and, where the fixture records them
/// (the convolution, pooling, normalization and graph fixtures), the input shape and every layer with its settings,
/// and, where the fixture records them too (the graph fixtures), every layer's name, the layer it reads (From) and a
/// merge's operands. A declaration that drifted from generate_fixtures.py fails here, by name, instead of being
/// compared with numbers of another model.
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
        LossFunction.Hinge => "hinge",
        LossFunction.Huber => "huber",
        LossFunction.MeanAbsoluteError => "l1",
        _ => throw new NotSupportedException(loss.ToString()),
    };

    /// <summary>
    /// A layer attribute in the terms of generate_fixtures.py's "layers": the attribute's name without "Attribute" as
    /// "kind", and every setting that changes what the layer computes (weight initializers do not: the fixtures
    /// overwrite every parameter).
    /// </summary>
    public static Dictionary<string, object> TorchLayer(LayerAttribute layer) => layer switch
    {
        DenseAttribute a => new() { ["kind"] = "Dense", ["units"] = a.Units, ["activation"] = a.Activation.ToString(), ["use_bias"] = a.UseBias },
        Conv2DAttribute a => new()
        {
            ["kind"] = "Conv2D", ["filters"] = a.Filters, ["kernel_size"] = a.KernelSize, ["activation"] = a.Activation.ToString(),
            ["stride"] = a.Stride, ["padding"] = a.Padding.ToString(), ["use_bias"] = a.UseBias, ["l1"] = a.L1, ["l2"] = a.L2,
        },
        MaxPool2DAttribute a => new() { ["kind"] = "MaxPool2D", ["pool_size"] = a.PoolSize, ["stride"] = a.Stride },
        AvgPool2DAttribute a => new() { ["kind"] = "AvgPool2D", ["pool_size"] = a.PoolSize, ["stride"] = a.Stride },
        BatchNormAttribute a => new() { ["kind"] = "BatchNorm", ["momentum"] = a.Momentum, ["epsilon"] = a.Epsilon },
        LayerNormAttribute a => new() { ["kind"] = "LayerNorm", ["epsilon"] = a.Epsilon },
        LeakyReLUAttribute a => new() { ["kind"] = "LeakyReLU", ["alpha"] = a.Alpha },
        EluAttribute a => new() { ["kind"] = "Elu", ["alpha"] = a.Alpha },
        GeluAttribute a => new() { ["kind"] = "Gelu", ["approximate"] = a.Approximate },
        DropoutAttribute a => new() { ["kind"] = "Dropout", ["rate"] = a.Rate },
        AddAttribute a => new() { ["kind"] = "Add", ["operands"] = a.Operands },
        ConcatAttribute a => new() { ["kind"] = "Concat", ["operands"] = a.Operands },
        FlattenAttribute or ReLUAttribute or TanhAttribute or SigmoidAttribute or SoftmaxAttribute or GlobalAvgPool2DAttribute or SiluAttribute or SoftplusAttribute =>
            new() { ["kind"] = layer.GetType().Name[..^"Attribute".Length] },
        _ => throw new NotSupportedException($"No description known for {layer.GetType().Name}."),
    };

    /// <summary>
    /// The layers of <paramref name="model"/> in declaration order, each as <see cref="TorchLayer"/> describes it plus
    /// where its values come from, as the graph fixtures record it: <c>"name"</c>, the attribute's Name or ModelGen's
    /// default <c>&lt;kind&gt;&lt;index per kind&gt;</c> (<c>dense1</c>, <c>add0</c>, <c>globalavgpool2d0</c>; a layer
    /// with a Name still counts), and <c>"from"</c>, the attribute's From (null: the previous layer's output).
    /// </summary>
    public static List<(LayerAttribute Attribute, Dictionary<string, object?> Description)> TorchLayers(Type model)
    {
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var layers = new List<(LayerAttribute, Dictionary<string, object?>)>();
        foreach (LayerAttribute layer in model.GetCustomAttributes<LayerAttribute>(inherit: false))
        {
            var description = TorchLayer(layer).ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
            string kind = ((string)description["kind"]!).ToLowerInvariant();
            counters.TryGetValue(kind, out int index);
            counters[kind] = index + 1;
            description["name"] = layer.Name ?? kind + index.ToString(CultureInfo.InvariantCulture);
            description["from"] = layer.From;
            layers.Add((layer, description));
        }
        return layers;
    }

    /// <summary>Fails unless the attributes of <paramref name="model"/> declare what <paramref name="fixture"/> was trained with.</summary>
    public static void CheckMatches(Type model, Fixture fixture)
    {
        string who = $"{fixture.Name}: {model.Name}";

        LossAttribute loss = Assert.Single(model.GetCustomAttributes<LossAttribute>(inherit: false));
        Assert.True(TorchLoss(loss.Function) == fixture.Loss, $"{who} is declared with {loss.Function}; the fixture's loss is {fixture.Loss}.");
        // The loss's settings as the torch loss's keyword arguments: Huber's delta, cross-entropy's label_smoothing.
        var lossSettings = new Dictionary<string, double>(StringComparer.Ordinal);
        if (loss.Function == LossFunction.Huber) lossSettings["delta"] = loss.Delta;
        if (loss.Function == LossFunction.CrossEntropy && loss.LabelSmoothing != 0) lossSettings["label_smoothing"] = loss.LabelSmoothing;
        var fixtureLossSettings = fixture.LossSettings ?? new Dictionary<string, double>();
        if (fixture.Loss == "huber" && !fixtureLossSettings.ContainsKey("delta")) fixtureLossSettings["delta"] = 1.0; // HuberLoss()
        Assert.True(lossSettings.Count == fixtureLossSettings.Count && lossSettings.All(p => fixtureLossSettings.TryGetValue(p.Key, out double v) && v == p.Value),
            $"{who} declares the loss settings ({string.Join(", ", lossSettings.Select(p => $"{p.Key} {p.Value}"))}); the fixture used ({string.Join(", ", fixtureLossSettings.Select(p => $"{p.Key} {p.Value}"))}).");

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

        if (fixture.InputShape is not null)
        {
            int[] shape = Assert.Single(model.GetCustomAttributes<InputAttribute>(inherit: false)).Shape;
            Assert.True(shape.SequenceEqual(fixture.InputShape),
                $"{who} is declared with [Input({string.Join(", ", shape)})]; the fixture's input shape is ({string.Join(", ", fixture.InputShape)}).");
        }
        if (fixture.Layers is not null)
        {
            var declared = TorchLayers(model);
            Assert.True(declared.Count == fixture.Layers.Count,
                $"{who} declares {declared.Count} layers ({string.Join(", ", declared.Select(l => l.Description["kind"]))}); " +
                $"the fixture has {fixture.Layers.Count} ({string.Join(", ", fixture.Layers.Select(l => l["kind"].GetString()))}).");
            for (int i = 0; i < declared.Count; i++)
            {
                (LayerAttribute attribute, Dictionary<string, object?> layer) = declared[i];
                Dictionary<string, JsonElement> used = fixture.Layers[i];
                // Fixtures of sequential models record no names and sources: there a layer must have neither a Name nor
                // a From (either would make the key sets differ below), and the default name is left to ParameterNames.
                bool graph = used.ContainsKey("name");
                if (!used.ContainsKey("name") && attribute.Name is null) layer.Remove("name");
                if (!used.ContainsKey("from") && attribute.From is null) layer.Remove("from");
                string what = graph ? $"{who}: layer {i + 1} ({layer["kind"]} '{layer["name"]}')" : $"{who}: layer {i + 1} ({layer["kind"]})";
                Assert.True(layer.Keys.Order(StringComparer.Ordinal).SequenceEqual(used.Keys.Order(StringComparer.Ordinal)),
                    $"{what} has the settings ({string.Join(", ", layer.Keys)}); the fixture's layer {i + 1} has ({string.Join(", ", used.Keys)}).");
                foreach ((string key, object? value) in layer)
                    Assert.True(SameValue(value, used[key]), $"{what} has {key}={Show(value)}; the fixture's layer {i + 1} has {key}={used[key].GetRawText()}.");
            }
        }

        GradientClippingAttribute? clipping = model.GetCustomAttribute<GradientClippingAttribute>(inherit: false);
        (double maxNorm, double maxValue) declaredClipping = (clipping?.MaxNorm ?? 0, clipping?.MaxValue ?? 0);
        (double maxNorm, double maxValue) fixtureClipping = (fixture.Clipping?.MaxNorm ?? 0, fixture.Clipping?.MaxValue ?? 0);
        Assert.True(declaredClipping == fixtureClipping,
            $"{who} clips with (MaxNorm, MaxValue) = {declaredClipping} (0: off); the fixture clipped with {fixtureClipping}.");
    }

    private static bool SameValue(object? declared, JsonElement used) => declared switch
    {
        null => used.ValueKind == JsonValueKind.Null,
        int i => used.ValueKind == JsonValueKind.Number && used.TryGetInt32(out int u) && u == i,
        string t => used.ValueKind == JsonValueKind.String && used.GetString() == t,
        double d => used.ValueKind == JsonValueKind.Number && used.GetDouble() == d,
        bool b => used.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False),
        double[] a => used.ValueKind == JsonValueKind.Array && used.GetArrayLength() == a.Length
            && used.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.Number && e.GetDouble() == a[i]).All(x => x),
        string[] a => used.ValueKind == JsonValueKind.Array && used.GetArrayLength() == a.Length
            && used.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String && e.GetString() == a[i]).All(x => x),
        _ => false,
    };

    private static string Show(object? value) => value switch
    {
        null => "null",
        string[] a => "[" + string.Join(", ", a.Select(t => JsonSerializer.Serialize(t))) + "]",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double[] a => "[" + string.Join(", ", a.Select(d => d.ToString("R", CultureInfo.InvariantCulture))) + "]",
        int i => i.ToString(CultureInfo.InvariantCulture),
        string t => JsonSerializer.Serialize(t),
        _ => value.ToString() ?? "null",
    };

    private static string ShowPenalties(Dictionary<string, (double L1, double L2)> penalties) => penalties.Count == 0 ? "(none)"
        : string.Join(", ", penalties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} L1 {p.Value.L1} L2 {p.Value.L2}")));
}
