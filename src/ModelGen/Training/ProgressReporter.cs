using System;
using System.Globalization;
using System.IO;

namespace ModelGen.Training;

/// <summary>
/// Training progress: on a terminal a live line (steps per second, running loss, estimated time left) redrawn at most
/// ten times a second; when the output is redirected or is not the console, one plain line per epoch.
/// </summary>
internal sealed class ProgressReporter
{
    private readonly TextWriter? _output;
    private readonly int _batchesPerEpoch;
    private readonly bool _live;
    private double _lastDrawSeconds;
    private int _epoch, _epochs;

    /// <param name="output">Where to write; null for nothing.</param>
    /// <param name="batchesPerEpoch">Batches in an epoch.</param>
    /// <param name="live">Draw the live line; by default only when writing to a console that is not redirected.</param>
    public ProgressReporter(TextWriter? output, int batchesPerEpoch, bool? live = null)
    {
        _output = output;
        _batchesPerEpoch = batchesPerEpoch;
        _live = output is not null && (live ?? (ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected));
    }

    public void StartEpoch(int epoch, int epochs)
    {
        _epoch = epoch;
        _epochs = epochs;
        _lastDrawSeconds = double.NegativeInfinity; // nothing drawn yet in this epoch
    }

    public void Step(int batch, double meanLoss, TimeSpan elapsed)
    {
        double now = elapsed.TotalSeconds;
        if (!_live || now - _lastDrawSeconds < 0.1 && batch < _batchesPerEpoch) return;
        _lastDrawSeconds = now;
        double rate = batch / Math.Max(elapsed.TotalSeconds, 1e-9);
        double left = (_batchesPerEpoch - batch) / Math.Max(rate, 1e-9);
        int filled = (int)(20.0 * batch / _batchesPerEpoch);
        string bar = new string('=', filled) + (filled < 20 ? ">" + new string(' ', 19 - filled) : "");
        _output!.Write(string.Create(CultureInfo.InvariantCulture,
            $"\rEpoch {_epoch}/{_epochs} [{bar}] {batch}/{_batchesPerEpoch}  {rate:F0} steps/s  loss {meanLoss:F4}  ETA {TimeSpan.FromSeconds(left):m\\:ss}   "));
    }

    public void EndEpoch(EpochResult result)
    {
        if (_output is null) return;
        if (_live) _output.Write('\r' + new string(' ', 90) + '\r');
        string line = string.Create(CultureInfo.InvariantCulture, $"Epoch {result.Epoch}/{_epochs}: loss {result.Loss:F4}");
        if (result.ValidationLoss is double validationLoss) line += string.Create(CultureInfo.InvariantCulture, $", val_loss {validationLoss:F4}");
        if (result.ValidationAccuracy is double accuracy) line += string.Create(CultureInfo.InvariantCulture, $", val_accuracy {accuracy * 100:F2}%");
        double seconds = result.Duration.TotalSeconds;
        line += string.Create(CultureInfo.InvariantCulture, $", {seconds:F1} s ({_batchesPerEpoch / Math.Max(seconds, 1e-9):F0} steps/s)");
        _output.WriteLine(line);
        foreach (TrainingWarning warning in result.Warnings) _output.WriteLine("  " + warning);
    }

    /// <summary>A training monitor's warning, on a line of its own (clearing the live line first).</summary>
    public void Warn(TrainingWarning warning)
    {
        if (_output is null) return;
        if (_live) _output.Write('\r' + new string(' ', 90) + '\r');
        _output.WriteLine("  " + warning);
    }
}
