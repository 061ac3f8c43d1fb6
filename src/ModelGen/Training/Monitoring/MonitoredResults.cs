using System;
using System.Collections.Generic;

namespace ModelGen.Training;

// What the training monitor adds to the trainer's results (the types themselves are in Trainer.cs).

public sealed partial record EpochResult
{
    /// <summary>
    /// Mean over the epoch's sampled steps of the global L2 norm of all gradients (what <c>[GradientClipping(MaxNorm)]</c>
    /// bounds); null when the <see cref="TrainingMonitor"/> is off.
    /// </summary>
    public double? GradientNorm { get; init; }

    /// <summary>
    /// Per layer, what the <see cref="TrainingMonitor"/> measured over the epoch: layers with parameters, and ReLU
    /// layers, in the model's order; empty when the monitor is off.
    /// </summary>
    public IReadOnlyList<LayerStatistics> Layers { get; init; } = Array.Empty<LayerStatistics>();

    /// <summary>The monitor's warnings raised at the end of this epoch (see <see cref="TrainingHistory.Warnings"/> for all).</summary>
    public IReadOnlyList<TrainingWarning> Warnings { get; init; } = Array.Empty<TrainingWarning>();

    /// <summary>
    /// The value of a monitor column of the CSV log and TensorBoard tag (<c>grad_norm</c>, <c>grad_norm/dense0</c>,
    /// <c>weight_norm/dense0</c>, <c>update_ratio/dense0</c>, <c>dead_units/relu0</c>), or NaN when not recorded.
    /// </summary>
    internal double MonitorValue(string column)
    {
        if (column == "grad_norm") return GradientNorm ?? double.NaN;
        int slash = column.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return double.NaN;
        string statistic = column[..slash], layer = column[(slash + 1)..];
        foreach (LayerStatistics s in Layers)
        {
            if (s.Layer != layer) continue;
            double? value = statistic switch
            {
                "grad_norm" => s.GradientNorm,
                "weight_norm" => s.WeightNorm,
                "update_ratio" => s.UpdateRatio,
                "dead_units" => s.DeadUnitFraction,
                _ => null,
            };
            return value ?? double.NaN;
        }
        return double.NaN;
    }
}

public sealed partial class TrainingHistory
{
    private readonly List<TrainingWarning> _warnings = new();

    /// <summary>
    /// Every warning of the <see cref="TrainingMonitor"/> in this run, in order: the input check made before the first
    /// epoch, then those raised at the end of each epoch (also in <see cref="EpochResult.Warnings"/>). Each kind at most once.
    /// </summary>
    public IReadOnlyList<TrainingWarning> Warnings => _warnings;

    internal void AddWarning(TrainingWarning warning) => _warnings.Add(warning);

    /// <summary>
    /// Time the <see cref="TrainingMonitor"/> spent in this run's epochs: its statistics around the optimizer steps and
    /// its summary after each epoch (not the one-time input check before the first epoch). It is part of the epochs'
    /// <see cref="EpochResult.Duration"/>, so their ratio is the monitor's share of the training time. Zero when off.
    /// </summary>
    public TimeSpan MonitorTime { get; internal set; }
}

public sealed partial class TrainingContext
{
    /// <summary>The monitor's CSV columns and TensorBoard tags for this run, in order (empty when the monitor is off).</summary>
    internal IReadOnlyList<string> MonitorColumns { get; set; } = Array.Empty<string>();
}

public sealed partial class TrainingDivergedException
{
    /// <summary>
    /// The <see cref="TrainingMonitor"/>'s warnings of the run up to the failure (the history is not returned when
    /// training throws), ending with the exploding-gradient warning when a non-finite gradient stopped it.
    /// </summary>
    public IReadOnlyList<TrainingWarning> Warnings { get; init; } = Array.Empty<TrainingWarning>();
}
