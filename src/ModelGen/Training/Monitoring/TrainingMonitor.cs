using System;

namespace ModelGen.Training;

/// <summary>
/// The settings of the training monitor that every <see cref="Trainer{T}"/> runs unless its
/// <see cref="Trainer{T}.Monitor"/> is null. Per layer it records the gradient norm, the weight norm and the
/// update-to-weight ratio ‖Δw‖/‖w‖ of the optimizer step, and per ReLU layer the fraction of units that never
/// activated; it puts them in each <see cref="EpochResult"/> (and so in the CSV and TensorBoard logs), and warns once
/// per run, in the progress output and in <see cref="TrainingHistory.Warnings"/>, about the training pitfalls of
/// <see cref="TrainingWarningKind"/>.
/// </summary>
/// <remarks>
/// Sampling: the norms and ratios are measured on the first and last step of every epoch and on every
/// <see cref="Interval"/>-th step between them (more often when an epoch has fewer than 8 · Interval steps, so that every
/// epoch has at least about 8 samples); an epoch's figure is the mean over its samples (the median for the ratio).
/// Dead units are counted on every step (one comparison per ReLU output, skipped once a unit has fired). The input
/// statistics are computed once, from the first 10,000 training samples, before the first epoch. The monitor only
/// reads the model: training gives the same bits with it on or off.
/// </remarks>
public sealed class TrainingMonitor
{
    /// <summary>Statistics every this many steps within an epoch (default 10), plus the epoch's first and last step.</summary>
    public int Interval { get; init; } = 10;

    /// <summary>Whether to warn (default true); false records the statistics only.</summary>
    public bool Warn { get; init; } = true;

    /// <summary>Vanishing gradients: the first layer's gradient norm below this fraction of the last layer's (default 1e-4).</summary>
    public double VanishingRatio { get; init; } = 1e-4;

    /// <summary>Exploding gradients: the global gradient norm growing by more than this factor across an epoch (default 10).</summary>
    public double ExplodingGrowth { get; init; } = 10;

    /// <summary>Dead units: more than this fraction of a ReLU layer's units never active during an epoch (default 0.5).</summary>
    public double DeadFraction { get; init; } = 0.5;

    /// <summary>Learning rate too small: every layer's median update-to-weight ratio of an epoch below this (default 1e-5).</summary>
    public double SmallUpdateRatio { get; init; } = 1e-5;

    /// <summary>Learning rate too large: some layer's median update-to-weight ratio of an epoch above this (default 0.1).</summary>
    public double LargeUpdateRatio { get; init; } = 0.1;

    /// <summary>
    /// Unscaled inputs: some feature's mean or standard deviation larger than this in magnitude, or every feature's
    /// standard deviation below its inverse (default 10: 10 and 0.1).
    /// </summary>
    public double InputScaleLimit { get; init; } = 10;

    /// <summary>Samples of the training set the input statistics read (default 10,000; the whole set when smaller).</summary>
    public int InputSamples { get; init; } = 10_000;

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate()
    {
        if (Interval < 1) throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "The monitor's interval is at least 1 step.");
        if (InputSamples < 1) throw new ArgumentOutOfRangeException(nameof(InputSamples), InputSamples, "The input statistics need at least 1 sample.");
        Positive(VanishingRatio, nameof(VanishingRatio));
        Positive(ExplodingGrowth, nameof(ExplodingGrowth));
        Positive(SmallUpdateRatio, nameof(SmallUpdateRatio));
        Positive(LargeUpdateRatio, nameof(LargeUpdateRatio));
        Positive(InputScaleLimit, nameof(InputScaleLimit));
        if (!(DeadFraction >= 0 && DeadFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(DeadFraction), DeadFraction, "The dead-unit fraction lies in [0, 1).");
    }

    private static void Positive(double value, string name)
    {
        if (!(double.IsFinite(value) && value > 0)) throw new ArgumentOutOfRangeException(name, value, "The threshold must be finite and positive.");
    }
}
