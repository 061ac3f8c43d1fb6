using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Reflection;
using Xunit;
using Xunit.Sdk;

namespace ModelGen.Reference.Tests;

/// <summary>How close a ModelGen value must be to PyTorch's: <c>|actual − expected| ≤ Relative · max(Floor, |expected|)</c>.</summary>
public readonly record struct Tolerance(double Relative, double Floor)
{
    /// <summary>
    /// Double precision: |a − b| ≤ 1e-9 · max(1, |b|), relative error 1e-9 for values beyond 1, absolute 1e-9 below.
    /// Both sides compute in float64 (unit roundoff 1.1e-16) with at most a few dozen rounding steps between fixture
    /// values, so honest differences in summation order stay below 1e-13; 1e-9 leaves ample room for that and still
    /// catches any wrong formula, a wrong constant or a single-precision shortcut (float32 error is ~1e-7). The
    /// normalizing optimizers can amplify a difference: in rmsprop_centered a gradient plus weight decay cancels to
    /// 1.6e-6 from terms of 0.024 and is then divided by its own root mean square, which brings the worst value to
    /// 0.009 of this tolerance; every other fixture stays under 4e-6 of it (the convolution, pooling and normalization
    /// fixtures included).
    /// </summary>
    public static Tolerance Double { get; } = new(1e-9, 1.0);

    /// <summary>
    /// Single precision: |a − b| ≤ 1e-5 · max(0.1, |b|), relative error 1e-5 (about 80 float32 ulps) with an absolute
    /// floor of 1e-6 for values below 0.1. Both ModelGen and PyTorch round every product, sum and activation to float32
    /// (unit roundoff 6e-8) but in different orders (PyTorch's BLAS blocks and fuses, ModelGen vectorizes its own
    /// way), and the rounding compounds through three or four layers forward and back and through six to eight
    /// optimizer steps whose momentum and moment buffers carry earlier errors forward; each side can be tens of ulps off
    /// the exact value. Gradients that are sums of cancelling terms carry an absolute error proportional to the terms
    /// (order 0.1 to 1), not to their small result, hence the floor. Adaptive optimizers divide by a root mean square
    /// of the gradient, which amplifies relative errors where that root is small; generate_fixtures.py therefore only
    /// keeps a single-precision fixture whose PyTorch float32 run stays within 0.5 of this tolerance of its float64
    /// run (measured: at most 0.44, adam_amsgrad), and leaves centered RMSProp, which fails that on a fixed batch, to
    /// double precision. ModelGen float32 measured at most 0.27 of this tolerance from PyTorch float32 on the dense
    /// models (the test output prints the worst ratio per fixture), a margin of almost 4x; a wrong formula or constant
    /// (1e-3 relative or more) still fails by orders of magnitude. The batch-normalized CNN (mixed_single) is the
    /// tightest: its float32 gradients carry an error of about 5e-7 of their largest value, PyTorch's own float32 run
    /// stays within 0.23 of this tolerance of its float64 run, and ModelGen's float32 within 0.51 of PyTorch's float32
    /// (and 0.51 of PyTorch's float64: ModelGen sums in float32 where PyTorch's CPU kernels accumulate some sums in
    /// double), a margin of 2x.
    /// </summary>
    public static Tolerance Single { get; } = new(1e-5, 0.1);

    public double Allowed(double expected) => Relative * Math.Max(Floor, Math.Abs(expected));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"|actual - expected| <= {Relative:G3} * max({Floor:G3}, |expected|)");
}

/// <summary>The closest any value of a run came to its tolerance (1 = at the limit), and where.</summary>
public sealed class ReferenceReport(string fixture, Tolerance tolerance)
{
    public string Fixture { get; } = fixture;
    public Tolerance Tolerance { get; } = tolerance;
    public int ValuesCompared { get; private set; }
    public double WorstRatio { get; private set; }
    public string WorstPlace { get; private set; } = "(nothing compared)";

    internal void Record(double ratio, string place)
    {
        ValuesCompared++;
        if (ratio >= WorstRatio)
        {
            WorstRatio = ratio;
            WorstPlace = place;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Fixture}: {ValuesCompared} values within {Tolerance}; worst at {WorstRatio:G3} of the tolerance, {WorstPlace}");
}

/// <summary>
/// Replays a PyTorch fixture on a generated model: loads the initial parameters (and buffers), checks inference and
/// Evaluate before training, then for every recorded step checks the loss, every parameter gradient, the input gradient
/// and every buffer (batch norm's running statistics) after ComputeGradients, and every parameter and every optimizer
/// state tensor after ApplyGradients, and finally Evaluate and inference after training (and that inference left the
/// buffers alone). Resuming instead starts from PyTorch's parameters, buffers and optimizer state after a given step (a
/// checkpoint written by PyTorch, restored through Parameter, Buffer, OptimizerState and RestoreStep).
/// </summary>
public static class ReferenceHarness
{
    /// <summary>
    /// Replays <paramref name="batch"/>'s fixture on a new <typeparamref name="TModel"/>: from the initial parameters
    /// when <paramref name="resumeAfter"/> is 0, else from PyTorch's parameters and optimizer state after step
    /// <paramref name="resumeAfter"/>, checking the steps after it.
    /// </summary>
    public static ReferenceReport Replay<TModel, T>(FixtureBatch<TModel, T> batch, int resumeAfter = 0)
        where TModel : IReferenceModel<T>, new()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Fixture fixture = batch.Fixture;
        Tolerance tolerance = ToleranceFor<T>(fixture);
        var report = new ReferenceReport(resumeAfter == 0 ? fixture.Name : $"{fixture.Name} resumed after step {resumeAfter}", tolerance);
        CheckDeclarationMatches<TModel, T>(fixture);
        Assert.True(resumeAfter >= 0 && resumeAfter < fixture.Steps.Count,
            $"{fixture.Name}: cannot resume after step {resumeAfter} of {fixture.Steps.Count}.");

        var model = new TModel();
        Assert.True(model.LearningRate == T.CreateChecked(fixture.Optimizer.Lr),
            $"{fixture.Name}: the model's learning rate {model.LearningRate} is not the fixture's {fixture.Optimizer.Lr}.");
        if (resumeAfter == 0)
        {
            CheckFreshBuffers<TModel, T>(model, fixture);
            Load(model, fixture, fixture.InitialParameters);
            LoadBuffers(model, fixture, fixture.InitialBuffers);
            CheckPredict(model, fixture, fixture.PredictOutputs, "Predict before training", tolerance, report);
            // Evaluate works in inference mode: with batch norm that is the running statistics, a loss of its own; in a
            // model without buffers it is the training loss of the first step, penalties included.
            Compare([batch.Evaluate(model)], [fixture.InitialLoss ?? fixture.Steps[0].Loss], fixture.Name, "Evaluate before training", "loss", 0, tolerance, report);
            CompareBuffers(model, fixture, fixture.InitialBuffers, "after Predict and Evaluate before training (inference leaves them alone)", tolerance, report);
        }
        else
        {
            FixtureStep checkpoint = fixture.Steps[resumeAfter - 1];
            Load(model, fixture, checkpoint.Parameters);
            LoadBuffers(model, fixture, checkpoint.Buffers);
            foreach (string name in TModel.OptimizerStateNames)
                Convert<T>(checkpoint.OptimizerState[name]).CopyTo(model.OptimizerState(name));
            model.RestoreStep(resumeAfter);
            Assert.True(model.Step == resumeAfter, $"{fixture.Name}: Step is {model.Step} after RestoreStep({resumeAfter}).");
        }

        for (int s = resumeAfter; s < fixture.Steps.Count; s++)
        {
            FixtureStep step = fixture.Steps[s];
            string where = $"step {s + 1} of {fixture.Steps.Count}";

            T loss = batch.ComputeGradients(model);
            Compare([loss], [step.Loss], fixture.Name, $"{where}, ComputeGradients", "loss", 0, tolerance, report);
            foreach (string name in fixture.ParameterNames)
                Compare(model.Gradient(name), step.Gradients[name], fixture.Name, $"{where}, ComputeGradients",
                    $"gradient of {name}", Columns(fixture, name), tolerance, report);
            Compare(model.InputGradient, step.InputGradient, fixture.Name, $"{where}, ComputeGradients",
                "input gradient", fixture.InputSize, tolerance, report);
            CompareBuffers(model, fixture, step.Buffers, $"{where}, ComputeGradients", tolerance, report);

            model.ApplyGradients();
            Assert.True(model.Step == s + 1, $"{fixture.Name}: {where}: Step is {model.Step} after ApplyGradients.");
            foreach (string name in fixture.ParameterNames)
                Compare(model.Parameter(name), step.Parameters[name], fixture.Name, $"{where}, after ApplyGradients",
                    $"parameter {name}", Columns(fixture, name), tolerance, report);
            foreach (string name in TModel.OptimizerStateNames)
                Compare(model.OptimizerState(name), step.OptimizerState[name], fixture.Name, $"{where}, after ApplyGradients",
                    $"optimizer state {name}", 0, tolerance, report);
        }

        Compare([batch.Evaluate(model)], [fixture.FinalLoss], fixture.Name, "Evaluate after training", "loss", 0, tolerance, report);
        CheckPredict(model, fixture, fixture.FinalPredictOutputs, "Predict after training", tolerance, report);
        CompareBuffers(model, fixture, fixture.Steps[^1].Buffers, "after Evaluate and Predict after training (inference leaves them alone)", tolerance, report);
        return report;
    }

    /// <summary>
    /// A new model's buffers must be PyTorch's fresh ones: running_mean 0 and running_var 1, exactly. (The fixtures start
    /// from other values, loaded through Buffer, so that inference before training depends on them.)
    /// </summary>
    private static void CheckFreshBuffers<TModel, T>(TModel model, Fixture fixture)
        where TModel : IReferenceModel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (string name in TModel.BufferNames)
        {
            T expected = name.EndsWith(".running_var", StringComparison.Ordinal) ? T.One
                : name.EndsWith(".running_mean", StringComparison.Ordinal) ? T.Zero
                : throw new XunitException($"{fixture.Name}: buffer {name} is neither a running mean nor a running variance.");
            Span<T> values = model.Buffer(name);
            for (int i = 0; i < values.Length; i++)
                Assert.True(values[i] == expected, $"{fixture.Name}: a new {typeof(TModel).Name} has {name}[{i}] = {values[i]}; PyTorch starts at {expected}.");
        }
    }

    /// <summary>Copies <paramref name="values"/> (by buffer name) into the model's buffers; nothing when the fixture has none.</summary>
    private static void LoadBuffers<T>(IReferenceModel<T> model, Fixture fixture, Dictionary<string, double[]>? values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (fixture.BufferNames is not { Count: > 0 } names) return;
        Assert.True(values is not null, $"{fixture.Name}: the fixture names buffers but records no values for them.");
        foreach (string name in names)
        {
            Span<T> buffer = model.Buffer(name);
            double[] value = values[name];
            Assert.True(buffer.Length == value.Length, $"{fixture.Name}: buffer {name} holds {buffer.Length} values; the fixture has {value.Length}.");
            Convert<T>(value).CopyTo(buffer);
        }
    }

    /// <summary>Compares every buffer with the fixture's values (recorded after a training pass); nothing when the fixture has none.</summary>
    private static void CompareBuffers<T>(IReferenceModel<T> model, Fixture fixture, Dictionary<string, double[]>? expected, string where,
        Tolerance tolerance, ReferenceReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (fixture.BufferNames is not { Count: > 0 } names) return;
        Assert.True(expected is not null, $"{fixture.Name}: {where}: the fixture records no buffers.");
        foreach (string name in names)
            Compare<T>(model.Buffer(name), expected[name], fixture.Name, where, $"buffer {name}", 0, tolerance, report);
    }

    /// <summary>Copies <paramref name="values"/> (by parameter name) into the model's parameters.</summary>
    private static void Load<T>(IReferenceModel<T> model, Fixture fixture, Dictionary<string, double[]> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (string name in fixture.ParameterNames)
        {
            Span<T> parameter = model.Parameter(name);
            double[] value = values[name];
            Assert.True(parameter.Length == value.Length && value.Length == fixture.ParameterShapes[name].Aggregate(1, (a, b) => a * b),
                $"{fixture.Name}: parameter {name} holds {parameter.Length} values; the fixture has {value.Length}, shape [{string.Join(", ", fixture.ParameterShapes[name])}].");
            Convert<T>(value).CopyTo(parameter);
        }
    }

    /// <summary>
    /// Fails unless every value of <paramref name="actual"/> is within <paramref name="tolerance"/> of
    /// <paramref name="expected"/>. The message names the fixture, the step, the tensor and the first bad index
    /// (with its row and column when <paramref name="columns"/> is positive), and counts the bad values.
    /// </summary>
    public static void Compare<T>(ReadOnlySpan<T> actual, ReadOnlySpan<double> expected, string fixture, string where,
        string tensor, int columns, Tolerance tolerance, ReferenceReport? report = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (actual.Length != expected.Length)
            throw new XunitException($"{fixture}: {where}: {tensor} has {actual.Length} values; PyTorch has {expected.Length}.");
        int bad = 0, first = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double a = double.CreateChecked(actual[i]), e = expected[i], allowed = tolerance.Allowed(e);
            double difference = Math.Abs(a - e);
            if (!(difference <= allowed)) // also catches NaN
            {
                if (bad++ == 0) first = i;
            }
            else
            {
                report?.Record(difference / allowed, $"{where}, {tensor}{Index(i, columns)}");
            }
        }
        if (bad == 0) return;
        double fa = double.CreateChecked(actual[first]), fe = expected[first];
        throw new XunitException(string.Create(CultureInfo.InvariantCulture,
            $"{fixture}: {where}: {tensor}{Index(first, columns)}: expected (PyTorch) {fe:R}, actual (ModelGen) {fa:R}, " +
            $"|difference| {Math.Abs(fa - fe):E3} > allowed {tolerance.Allowed(fe):E3} ({tolerance}); " +
            $"{bad} of {actual.Length} values of {tensor} are out of tolerance."));
    }

    private static void CheckPredict<T>(IReferenceModel<T> model, Fixture fixture, double[] expected, string where,
        Tolerance tolerance, ReferenceReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = fixture.PredictInputs.Length / fixture.InputSize;
        Assert.True(rows > fixture.BatchSize,
            $"{fixture.Name}: the prediction set has {rows} rows, no more than BatchSize {fixture.BatchSize}, so it does not exercise chunking.");
        var outputs = new T[rows * fixture.OutputSize];
        outputs.AsSpan().Fill(T.NaN); // a row Predict skipped would show up as NaN
        model.Predict(Convert<T>(fixture.PredictInputs), outputs);
        Compare<T>(outputs, expected, fixture.Name, $"{where} ({rows} rows, BatchSize {fixture.BatchSize})", "output",
            fixture.OutputSize, tolerance, report);
    }

    /// <summary>The model's generated constants and parameter names must be the ones the fixture was made for.</summary>
    private static void CheckDeclarationMatches<TModel, T>(Fixture fixture)
        where TModel : IReferenceModel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach ((string constant, int expected) in new[]
                 {
                     ("InputSize", fixture.InputSize), ("OutputSize", fixture.OutputSize), ("BatchSize", fixture.BatchSize),
                 })
        {
            object? value = typeof(TModel).GetField(constant, BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue();
            Assert.True(value is int actual && actual == expected,
                $"{fixture.Name}: {typeof(TModel).Name}.{constant} is {value ?? "missing"}; the fixture has {expected}.");
        }
        Assert.True(TModel.ParameterNames.SequenceEqual(fixture.ParameterNames),
            $"{fixture.Name}: {typeof(TModel).Name}.ParameterNames is [{string.Join(", ", TModel.ParameterNames)}]; " +
            $"the fixture has [{string.Join(", ", fixture.ParameterNames)}].");
        IReadOnlyList<string> buffers = fixture.BufferNames ?? [];
        Assert.True(TModel.BufferNames.SequenceEqual(buffers),
            $"{fixture.Name}: {typeof(TModel).Name}.BufferNames is [{string.Join(", ", TModel.BufferNames)}]; " +
            $"the fixture has [{string.Join(", ", buffers)}].");
        if (buffers.Count > 0)
            Assert.True(fixture.InitialBuffers is not null && fixture.InitialLoss is not null && fixture.Steps.All(s => s.Buffers is not null),
                $"{fixture.Name}: a fixture with buffers must record the initial buffers, the initial inference loss and the buffers of every step.");
        Assert.True(fixture.Samples >= 1 && fixture.Samples <= fixture.BatchSize && fixture.Inputs.Length == fixture.Samples * fixture.InputSize,
            $"{fixture.Name}: {fixture.Inputs.Length} input values for {fixture.Samples} samples of {fixture.InputSize} (BatchSize {fixture.BatchSize}).");
        Assert.True(fixture.Steps.Count >= 6, $"{fixture.Name}: only {fixture.Steps.Count} steps.");
        Declarations.CheckMatches(typeof(TModel), fixture);
        foreach (FixtureStep step in fixture.Steps)
        {
            Assert.True(TModel.OptimizerStateNames.Order(StringComparer.Ordinal).SequenceEqual(step.OptimizerState.Keys.Order(StringComparer.Ordinal)),
                $"{fixture.Name}: {typeof(TModel).Name}.OptimizerStateNames is [{string.Join(", ", TModel.OptimizerStateNames)}]; " +
                $"torch.optim.{fixture.Optimizer.Class} keeps [{string.Join(", ", step.OptimizerState.Keys)}].");
            foreach ((string name, double[] values) in step.OptimizerState)
                Assert.True(values.Length == fixture.InitialParameters.Values.Sum(p => p.Length),
                    $"{fixture.Name}: optimizer state {name} has {values.Length} values, not one per parameter.");
        }
    }

    private static Tolerance ToleranceFor<T>(Fixture fixture)
    {
        string precision = typeof(T) == typeof(double) ? "double" : typeof(T) == typeof(float) ? "single" : typeof(T).Name;
        Assert.True(fixture.Precision == precision,
            $"{fixture.Name}: a {fixture.Precision}-precision fixture run on a {precision}-precision model.");
        return precision == "double" ? Tolerance.Double : Tolerance.Single;
    }

    private static int Columns(Fixture fixture, string parameter) =>
        fixture.ParameterShapes[parameter] is [_, int columns] ? columns : 0;

    private static string Index(int i, int columns) =>
        columns > 0 ? $"[{i}] (row {i / columns}, column {i % columns})" : $"[{i}]";

    /// <summary>The values in the model's precision (exact for single-precision fixtures, whose values are float32).</summary>
    public static T[] Convert<T>(IReadOnlyList<double> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[values.Count];
        for (int i = 0; i < result.Length; i++) result[i] = T.CreateChecked(values[i]);
        return result;
    }
}
