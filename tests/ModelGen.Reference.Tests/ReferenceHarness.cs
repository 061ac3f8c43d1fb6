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
    /// catches any wrong formula, a wrong constant or a single-precision shortcut (float32 error is ~1e-7).
    /// </summary>
    public static Tolerance Double { get; } = new(1e-9, 1.0);

    /// <summary>
    /// Single precision: |a − b| ≤ 1e-5 · max(0.1, |b|), relative error 1e-5 (about 80 float32 ulps) with an absolute
    /// floor of 1e-6 for values below 0.1. Both ModelGen and PyTorch round every product, sum and activation to float32
    /// (unit roundoff 6e-8) but in different orders (PyTorch's BLAS blocks and fuses, ModelGen vectorizes its own
    /// way), and the rounding compounds through three or four layers forward and back and through six SGD steps whose
    /// momentum buffers carry earlier errors forward; each side can be tens of ulps off the exact value. Gradients that
    /// are sums of cancelling terms carry an absolute error proportional to the terms (order 0.1 to 1), not to their
    /// small result, hence the floor. Measured on these fixtures: PyTorch float32 differs from PyTorch float64 by at
    /// most 4e-7 (0.26 of this tolerance), and ModelGen float32 from PyTorch float32 by at most 0.21 of it (the test
    /// output prints the worst ratio per fixture), a margin of about 5x; a wrong formula or constant (1e-3 relative
    /// or more) still fails by orders of magnitude. Double precision measured at under 1e-6 of its tolerance.
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
/// Replays a PyTorch fixture on a generated model: loads the initial parameters, checks inference before training,
/// then for every recorded step checks the loss, every parameter gradient and the input gradient after
/// ComputeGradients, and every parameter after ApplyGradients, and finally inference after training.
/// </summary>
public static class ReferenceHarness
{
    /// <summary>Runs a fixture with real-valued targets (MeanSquaredError, BinaryCrossEntropy).</summary>
    public static ReferenceReport CheckTargets<TModel, T>(string fixtureName)
        where TModel : ITargetModel<T>, new()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Fixture fixture = Fixture.Load(fixtureName);
        Assert.True(fixture.Targets is not null && fixture.Labels is null,
            $"{fixture.Name}: a {fixture.Loss} fixture for a model with targets must have targets and no labels.");
        T[] targets = Convert<T>(fixture.Targets);
        Assert.True(targets.Length == fixture.Samples * fixture.OutputSize,
            $"{fixture.Name}: {targets.Length} targets for {fixture.Samples} samples of {fixture.OutputSize} outputs.");
        return Run<TModel, T>(fixture, (model, inputs) => model.ComputeGradients(inputs, targets));
    }

    /// <summary>Runs a fixture with integer class labels (CrossEntropy).</summary>
    public static ReferenceReport CheckLabels<TModel, T>(string fixtureName)
        where TModel : ILabelModel<T>, new()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Fixture fixture = Fixture.Load(fixtureName);
        Assert.True(fixture.Labels is not null && fixture.Targets is null,
            $"{fixture.Name}: a {fixture.Loss} fixture for a model with labels must have labels and no targets.");
        int[] labels = fixture.Labels;
        Assert.True(labels.Length == fixture.Samples, $"{fixture.Name}: {labels.Length} labels for {fixture.Samples} samples.");
        return Run<TModel, T>(fixture, (model, inputs) => model.ComputeGradients(inputs, labels));
    }

    private static ReferenceReport Run<TModel, T>(Fixture fixture, Func<TModel, T[], T> computeGradients)
        where TModel : IReferenceModel<T>, new()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tolerance tolerance = ToleranceFor<T>(fixture);
        var report = new ReferenceReport(fixture.Name, tolerance);
        CheckDeclarationMatches<TModel, T>(fixture);

        var model = new TModel();
        Assert.True(model.LearningRate == T.CreateChecked(fixture.Sgd.Lr),
            $"{fixture.Name}: the model's learning rate {model.LearningRate} is not the fixture's {fixture.Sgd.Lr}.");
        foreach (string name in fixture.ParameterNames)
        {
            Span<T> parameter = model.Parameter(name);
            double[] initial = fixture.InitialParameters[name];
            Assert.True(parameter.Length == initial.Length && initial.Length == fixture.ParameterShapes[name].Aggregate(1, (a, b) => a * b),
                $"{fixture.Name}: parameter {name} holds {parameter.Length} values; the fixture has {initial.Length}, shape [{string.Join(", ", fixture.ParameterShapes[name])}].");
            Convert<T>(initial).CopyTo(parameter);
        }

        CheckPredict(model, fixture, fixture.PredictOutputs, "Predict before training", tolerance, report);

        T[] inputs = Convert<T>(fixture.Inputs);
        for (int s = 0; s < fixture.Steps.Count; s++)
        {
            FixtureStep step = fixture.Steps[s];
            string where = $"step {s + 1} of {fixture.Steps.Count}";

            T loss = computeGradients(model, inputs);
            Compare([loss], [step.Loss], fixture.Name, $"{where}, ComputeGradients", "loss", 0, tolerance, report);
            foreach (string name in fixture.ParameterNames)
                Compare(model.Gradient(name), step.Gradients[name], fixture.Name, $"{where}, ComputeGradients",
                    $"gradient of {name}", Columns(fixture, name), tolerance, report);
            Compare(model.InputGradient, step.InputGradient, fixture.Name, $"{where}, ComputeGradients",
                "input gradient", fixture.InputSize, tolerance, report);

            model.ApplyGradients();
            Assert.True(model.Step == s + 1, $"{fixture.Name}: {where}: Step is {model.Step} after {s + 1} ApplyGradients.");
            foreach (string name in fixture.ParameterNames)
                Compare(model.Parameter(name), step.Parameters[name], fixture.Name, $"{where}, after ApplyGradients",
                    $"parameter {name}", Columns(fixture, name), tolerance, report);
        }

        CheckPredict(model, fixture, fixture.FinalPredictOutputs, "Predict after training", tolerance, report);
        return report;
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
        Assert.True(fixture.Samples >= 1 && fixture.Samples <= fixture.BatchSize && fixture.Inputs.Length == fixture.Samples * fixture.InputSize,
            $"{fixture.Name}: {fixture.Inputs.Length} input values for {fixture.Samples} samples of {fixture.InputSize} (BatchSize {fixture.BatchSize}).");
        Assert.True(fixture.Steps.Count >= 5, $"{fixture.Name}: only {fixture.Steps.Count} steps.");
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

    private static T[] Convert<T>(IReadOnlyList<double> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[values.Count];
        for (int i = 0; i < result.Length; i++) result[i] = T.CreateChecked(values[i]);
        return result;
    }
}
