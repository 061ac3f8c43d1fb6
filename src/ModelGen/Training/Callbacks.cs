using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.IO;

namespace ModelGen.Training;

/// <summary>Which way a monitored metric improves: losses down, accuracies up.</summary>
internal static class Monitor
{
    public static bool Improves(string metric, double value, double best, double minDelta) =>
        metric.EndsWith("accuracy", StringComparison.Ordinal) ? value > best + minDelta : value < best - minDelta;

    public static double Worst(string metric) =>
        metric.EndsWith("accuracy", StringComparison.Ordinal) ? double.NegativeInfinity : double.PositiveInfinity;

    public static double Read(EpochResult result, string metric) =>
        result.Metric(metric) ?? throw new InvalidOperationException($"The metric '{metric}' needs a validation set: pass one to Fit, or monitor \"loss\".");
}

/// <summary>
/// Stops training when <paramref name="monitor"/> has not improved by more than <paramref name="minDelta"/> for
/// <paramref name="patience"/> epochs (Keras's EarlyStopping), and optionally puts back the weights of the best epoch.
/// </summary>
public sealed class EarlyStopping(string monitor = "val_loss", int patience = 5, double minDelta = 0, bool restoreBestWeights = true) : ITrainingCallback
{
    private double _best;
    private int _wait;
    private object? _snapshot;

    /// <summary>The epoch with the best value so far.</summary>
    public int BestEpoch { get; private set; }

    /// <inheritdoc/>
    public void OnTrainBegin(TrainingContext context)
    {
        if (patience < 1) throw new ArgumentOutOfRangeException(nameof(patience), patience, "Patience is at least one epoch.");
        _best = Monitor.Worst(monitor);
        _wait = 0;
        _snapshot = null;
        BestEpoch = 0;
        // A resumed run continues the count from the epochs it restored (their weights are gone: only later bests can be restored).
        foreach (EpochResult earlier in context.History.Epochs)
        {
            if (Monitor.Improves(monitor, Monitor.Read(earlier, monitor), _best, minDelta))
            {
                _best = Monitor.Read(earlier, monitor);
                BestEpoch = earlier.Epoch;
                _wait = 0;
            }
            else _wait++;
        }
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        double value = Monitor.Read(result, monitor);
        if (Monitor.Improves(monitor, value, _best, minDelta))
        {
            _best = value;
            _wait = 0;
            BestEpoch = result.Epoch;
            if (restoreBestWeights) _snapshot = context.TakeSnapshot();
        }
        else if (++_wait >= patience)
        {
            context.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public void OnTrainEnd(TrainingContext context)
    {
        if (restoreBestWeights && _snapshot is not null && BestEpoch != context.History.Epochs[^1].Epoch)
            context.RestoreSnapshot(_snapshot);
    }
}

/// <summary>Saves the model's weights to <paramref name="path"/> (safetensors) whenever <paramref name="monitor"/> improves.</summary>
public sealed class BestModelCheckpoint(string path, string monitor = "val_loss") : ITrainingCallback
{
    private double _best = Monitor.Worst(monitor);

    /// <summary>The epoch whose weights the file holds (0 before the first save).</summary>
    public int SavedEpoch { get; private set; }

    /// <inheritdoc/>
    public void OnTrainBegin(TrainingContext context)
    {
        // A resumed run only saves what beats the epochs it restored, whose best the file already holds.
        _best = Monitor.Worst(monitor);
        foreach (EpochResult earlier in context.History.Epochs)
        {
            double value = Monitor.Read(earlier, monitor);
            if (Monitor.Improves(monitor, value, _best, 0)) _best = value;
        }
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        double value = Monitor.Read(result, monitor);
        if (!Monitor.Improves(monitor, value, _best, 0)) return;
        _best = value;
        context.SaveWeights(path);
        SavedEpoch = result.Epoch;
    }
}

/// <summary>
/// Appends one CSV row per epoch: epoch, loss, val_loss, val_accuracy, learning_rate, seconds, then, while the
/// <see cref="TrainingMonitor"/> is on, its statistics: grad_norm, and per layer grad_norm/&lt;layer&gt;,
/// weight_norm/&lt;layer&gt;, update_ratio/&lt;layer&gt; (layers with parameters) and dead_units/&lt;layer&gt; (ReLU layers).
/// </summary>
public sealed class CsvLogger(string path) : ITrainingCallback, IDisposable
{
    private CsvLogWriter? _writer;
    private string[] _monitorColumns = [];

    /// <inheritdoc/>
    public void OnTrainBegin(TrainingContext context)
    {
        if (_writer is null)
        {
            _monitorColumns = [.. context.MonitorColumns];
            _writer = new CsvLogWriter(path, ["epoch", "loss", "val_loss", "val_accuracy", "learning_rate", "seconds", .. _monitorColumns]);
        }
        // A resumed run writes the restored epochs first, so the file always holds the whole history.
        foreach (EpochResult earlier in context.History.Epochs) WriteRow(earlier);
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochResult result) => WriteRow(result);

    private void WriteRow(EpochResult result)
    {
        var row = new double[6 + _monitorColumns.Length];
        (row[0], row[1], row[2], row[3], row[4], row[5]) = (result.Epoch, result.Loss, result.ValidationLoss ?? double.NaN,
            result.ValidationAccuracy ?? double.NaN, result.LearningRate, result.Duration.TotalSeconds);
        for (int k = 0; k < _monitorColumns.Length; k++) row[6 + k] = result.MonitorValue(_monitorColumns[k]); // NaN for restored epochs
        _writer!.Write(row);
    }

    /// <inheritdoc/>
    public void OnTrainEnd(TrainingContext context) => Dispose();

    /// <inheritdoc/>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }
}

/// <summary>
/// Writes the epoch metrics as TensorBoard scalars (<c>tensorboard --logdir</c> shows them): loss, val_loss,
/// val_accuracy, learning_rate, and the <see cref="TrainingMonitor"/>'s statistics under the tags of the CSV log's
/// columns (grad_norm, grad_norm/&lt;layer&gt;, weight_norm/&lt;layer&gt;, update_ratio/&lt;layer&gt;, dead_units/&lt;layer&gt;:
/// TensorBoard groups each statistic's layers in one section).
/// </summary>
public sealed class TensorBoardLogger(string logDirectory) : ITrainingCallback, IDisposable
{
    private TensorBoardWriter? _writer;
    private string[] _monitorColumns = [];

    /// <inheritdoc/>
    public void OnTrainBegin(TrainingContext context)
    {
        _writer ??= new TensorBoardWriter(logDirectory);
        _monitorColumns = [.. context.MonitorColumns];
    }

    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        _writer!.AddScalar("loss", result.Loss, result.Epoch);
        if (result.ValidationLoss is double validationLoss) _writer.AddScalar("val_loss", validationLoss, result.Epoch);
        if (result.ValidationAccuracy is double accuracy) _writer.AddScalar("val_accuracy", accuracy, result.Epoch);
        _writer.AddScalar("learning_rate", result.LearningRate, result.Epoch);
        foreach (string tag in _monitorColumns)
        {
            double value = result.MonitorValue(tag);
            if (!double.IsNaN(value)) _writer.AddScalar(tag, value, result.Epoch);
        }
        _writer.Flush();
    }

    /// <inheritdoc/>
    public void OnTrainEnd(TrainingContext context) => Dispose();

    /// <inheritdoc/>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }
}

/// <summary>Redraws an SVG plot of the loss curves (and validation accuracy on a right axis) after every epoch.</summary>
public sealed class PlotLogger(string svgPath, string title = "Training") : ITrainingCallback
{
    /// <inheritdoc/>
    public void OnEpochEnd(TrainingContext context, EpochResult result)
    {
        IReadOnlyList<EpochResult> epochs = context.History.Epochs;
        var series = new List<PlotSeries> { new("loss", epochs.Select(e => e.Loss).ToArray()) };
        if (epochs.Any(e => e.ValidationLoss is not null))
            series.Add(new PlotSeries("val_loss", epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray()));
        if (epochs.Any(e => e.ValidationAccuracy is not null))
            series.Add(new PlotSeries("val_accuracy", epochs.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray(), RightAxis: true));
        SvgPlot.Write(svgPath, title, "epoch", series.ToArray());
    }
}
