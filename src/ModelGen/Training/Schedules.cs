using System;

namespace ModelGen.Training;

/// <summary>A learning rate as a function of the optimizer step (step 0 is the first optimizer step).</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate of optimizer step <paramref name="step"/> (0-based).</summary>
    double LearningRate(long step);
}

/// <summary>Argument checks shared by the schedules.</summary>
internal static class ScheduleArguments
{
    public static double Rate(double value, string name) =>
        double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and at least 0.");

    public static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and greater than 0.");

    public static long Steps(long value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");

    public static long Step(long step) =>
        step >= 0 ? step : throw new ArgumentOutOfRangeException(nameof(step), step, "Steps count from 0.");
}

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantSchedule(double learningRate) : ILearningRateSchedule
{
    private readonly double _learningRate = ScheduleArguments.Rate(learningRate, nameof(learningRate));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        ScheduleArguments.Step(step);
        return _learningRate;
    }
}

/// <summary>PyTorch's <c>StepLR</c>: <c>initial · gamma^⌊step / stepSize⌋</c>.</summary>
public sealed class StepDecay(double initial, long stepSize, double gamma) : ILearningRateSchedule
{
    private readonly double _initial = ScheduleArguments.Rate(initial, nameof(initial));
    private readonly long _stepSize = ScheduleArguments.Steps(stepSize, nameof(stepSize));
    private readonly double _gamma = ScheduleArguments.Rate(gamma, nameof(gamma));

    /// <inheritdoc/>
    public double LearningRate(long step) => _initial * Math.Pow(_gamma, ScheduleArguments.Step(step) / _stepSize);
}

/// <summary>Keras's <c>ExponentialDecay</c>: <c>initial · decayRate^(step / decaySteps)</c>, the exponent floored when <paramref name="staircase"/>.</summary>
public sealed class ExponentialDecay(double initial, long decaySteps, double decayRate, bool staircase = false) : ILearningRateSchedule
{
    private readonly double _initial = ScheduleArguments.Rate(initial, nameof(initial));
    private readonly long _decaySteps = ScheduleArguments.Steps(decaySteps, nameof(decaySteps));
    private readonly double _decayRate = ScheduleArguments.Rate(decayRate, nameof(decayRate));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        double p = (double)ScheduleArguments.Step(step) / _decaySteps;
        return _initial * Math.Pow(_decayRate, staircase ? Math.Floor(p) : p);
    }
}

/// <summary>
/// Keras's <c>PolynomialDecay</c> (without cycling): with <c>s = min(step, decaySteps)</c>,
/// <c>(initial − end) · (1 − s / decaySteps)^power + end</c>.
/// </summary>
public sealed class PolynomialDecay(double initial, long decaySteps, double endLearningRate = 1e-4, double power = 1.0) : ILearningRateSchedule
{
    private readonly double _initial = ScheduleArguments.Rate(initial, nameof(initial));
    private readonly long _decaySteps = ScheduleArguments.Steps(decaySteps, nameof(decaySteps));
    private readonly double _end = ScheduleArguments.Rate(endLearningRate, nameof(endLearningRate));
    private readonly double _power = ScheduleArguments.Positive(power, nameof(power));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        double s = Math.Min(ScheduleArguments.Step(step), _decaySteps);
        return (_initial - _end) * Math.Pow(1 - s / _decaySteps, _power) + _end;
    }
}

/// <summary>Keras's <c>InverseTimeDecay</c>: <c>initial / (1 + decayRate · step / decaySteps)</c>, the ratio floored when <paramref name="staircase"/>.</summary>
public sealed class InverseTimeDecay(double initial, long decaySteps, double decayRate, bool staircase = false) : ILearningRateSchedule
{
    private readonly double _initial = ScheduleArguments.Rate(initial, nameof(initial));
    private readonly long _decaySteps = ScheduleArguments.Steps(decaySteps, nameof(decaySteps));
    private readonly double _decayRate = ScheduleArguments.Rate(decayRate, nameof(decayRate));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        double p = (double)ScheduleArguments.Step(step) / _decaySteps;
        return _initial / (1 + _decayRate * (staircase ? Math.Floor(p) : p));
    }
}

/// <summary>Inverse square-root decay: <c>initial / √max(1, step / warmupSteps)</c>.</summary>
public sealed class InverseSqrtDecay(double initial, long warmupSteps = 1) : ILearningRateSchedule
{
    private readonly double _initial = ScheduleArguments.Rate(initial, nameof(initial));
    private readonly long _warmupSteps = ScheduleArguments.Steps(warmupSteps, nameof(warmupSteps));

    /// <inheritdoc/>
    public double LearningRate(long step) =>
        _initial / Math.Sqrt(Math.Max(1.0, (double)ScheduleArguments.Step(step) / _warmupSteps));
}

/// <summary>
/// Keras's <c>CosineDecay</c>: with <c>s = min(step, decaySteps)</c>,
/// <c>initial · ((1 − alpha) · ½(1 + cos(π · s / decaySteps)) + alpha)</c>.
/// </summary>
public sealed class CosineDecay(double initial, long decaySteps, double alpha = 0) : ILearningRateSchedule
{
    private readonly double _initial = ScheduleArguments.Rate(initial, nameof(initial));
    private readonly long _decaySteps = ScheduleArguments.Steps(decaySteps, nameof(decaySteps));
    private readonly double _alpha = ScheduleArguments.Rate(alpha, nameof(alpha));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        double s = Math.Min(ScheduleArguments.Step(step), _decaySteps);
        return _initial * ((1 - _alpha) * 0.5 * (1 + Math.Cos(Math.PI * s / _decaySteps)) + _alpha);
    }
}

/// <summary>
/// Keras's <c>CosineDecayRestarts</c> (SGDR): cosine cycles whose length grows by <paramref name="tMul"/> and whose
/// height shrinks by <paramref name="mMul"/> at each restart. With <c>f = step / firstDecaySteps</c>: for tMul = 1,
/// <c>i = ⌊f⌋</c> and <c>f ← f − i</c>; otherwise <c>i = ⌊log(1 − f(1 − tMul)) / log(tMul)⌋</c> and
/// <c>f ← (f − (1 − tMul^i)/(1 − tMul)) / tMul^i</c>; the rate is <c>initial · ((1 − alpha) · ½ · mMul^i · (1 + cos(π f)) + alpha)</c>.
/// </summary>
public sealed class CosineDecayRestarts(double initial, long firstDecaySteps, double tMul = 2, double mMul = 1, double alpha = 0) : ILearningRateSchedule
{
    private readonly double _initial = ScheduleArguments.Rate(initial, nameof(initial));
    private readonly long _first = ScheduleArguments.Steps(firstDecaySteps, nameof(firstDecaySteps));
    private readonly double _tMul = ScheduleArguments.Positive(tMul, nameof(tMul));
    private readonly double _mMul = ScheduleArguments.Rate(mMul, nameof(mMul));
    private readonly double _alpha = ScheduleArguments.Rate(alpha, nameof(alpha));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        double f = (double)ScheduleArguments.Step(step) / _first;
        double i;
        if (_tMul == 1.0)
        {
            i = Math.Floor(f);
            f -= i;
        }
        else
        {
            i = Math.Floor(Math.Log(1 - f * (1 - _tMul)) / Math.Log(_tMul));
            double sumOfPrevious = (1 - Math.Pow(_tMul, i)) / (1 - _tMul);
            f = (f - sumOfPrevious) / Math.Pow(_tMul, i);
        }
        double cosine = 0.5 * Math.Pow(_mMul, i) * (1 + Math.Cos(Math.PI * f));
        return _initial * ((1 - _alpha) * cosine + _alpha);
    }
}

/// <summary>
/// Keras's <c>PiecewiseConstantDecay</c>: <c>values[0]</c> while step ≤ boundaries[0], <c>values[i]</c> while
/// boundaries[i−1] &lt; step ≤ boundaries[i], and the last value after the last boundary.
/// </summary>
public sealed class PiecewiseConstant : ILearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;

    /// <summary>Boundaries strictly increasing; one more value than boundaries.</summary>
    public PiecewiseConstant(long[] boundaries, double[] values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != boundaries.Length + 1)
            throw new ArgumentException($"PiecewiseConstant needs one more value than boundaries: {boundaries.Length} boundaries take {boundaries.Length + 1} values, not {values.Length}.", nameof(values));
        for (int i = 1; i < boundaries.Length; i++)
            if (boundaries[i] <= boundaries[i - 1])
                throw new ArgumentException($"Boundaries must increase strictly, but boundaries[{i}] = {boundaries[i]} follows {boundaries[i - 1]}.", nameof(boundaries));
        foreach (double v in values) ScheduleArguments.Rate(v, nameof(values));
        _boundaries = (long[])boundaries.Clone();
        _values = (double[])values.Clone();
    }

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        ScheduleArguments.Step(step);
        for (int i = 0; i < _boundaries.Length; i++)
            if (step <= _boundaries[i]) return _values[i];
        return _values[^1];
    }
}

/// <summary>
/// A linear warm-up before another schedule: <c>inner(0) · step / warmupSteps</c> for the first warmupSteps steps,
/// then <c>inner(step − warmupSteps)</c>.
/// </summary>
public sealed class LinearWarmup(ILearningRateSchedule inner, long warmupSteps) : ILearningRateSchedule
{
    private readonly ILearningRateSchedule _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly long _warmupSteps = ScheduleArguments.Steps(warmupSteps, nameof(warmupSteps));

    /// <inheritdoc/>
    public double LearningRate(long step) =>
        ScheduleArguments.Step(step) < _warmupSteps ? _inner.LearningRate(0) * step / _warmupSteps : _inner.LearningRate(step - _warmupSteps);
}
