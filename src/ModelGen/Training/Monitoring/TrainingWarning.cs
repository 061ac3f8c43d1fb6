using System.Globalization;

namespace ModelGen.Training;

/// <summary>A training pitfall the <see cref="TrainingMonitor"/> watches for.</summary>
public enum TrainingWarningKind
{
    /// <summary>The first layer's gradient norm is below <see cref="TrainingMonitor.VanishingRatio"/> of the last layer's.</summary>
    VanishingGradients,
    /// <summary>The global gradient norm grew more than <see cref="TrainingMonitor.ExplodingGrowth"/>-fold across an epoch, or stopped being finite.</summary>
    ExplodingGradients,
    /// <summary>More than <see cref="TrainingMonitor.DeadFraction"/> of a ReLU layer's units never activated during an epoch.</summary>
    DeadUnits,
    /// <summary>Every layer's median update-to-weight ratio over an epoch is below <see cref="TrainingMonitor.SmallUpdateRatio"/>.</summary>
    LearningRateTooSmall,
    /// <summary>Some layer's median update-to-weight ratio over an epoch is above <see cref="TrainingMonitor.LargeUpdateRatio"/>.</summary>
    LearningRateTooLarge,
    /// <summary>The training inputs are far from standardized (feature means or standard deviations far from 0 and 1).</summary>
    UnscaledInputs,
}

/// <summary>One warning of the <see cref="TrainingMonitor"/>: each kind is reported at most once per training run.</summary>
/// <param name="Kind">What was seen.</param>
/// <param name="Epoch">The epoch it was seen in (1-based; the first epoch of the run for the input check made before it).</param>
/// <param name="Layer">The layer concerned, or null when the warning is about the whole model or the data.</param>
/// <param name="Message">What was seen (with the numbers), why it matters and what to do.</param>
public sealed record TrainingWarning(TrainingWarningKind Kind, int Epoch, string? Layer, string Message)
{
    /// <summary>The warning as the progress output prints it: <c>warning (epoch 2, dense0): ...</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"warning (epoch {Epoch}{(Layer is null ? "" : ", " + Layer)}): {Message}");
}
