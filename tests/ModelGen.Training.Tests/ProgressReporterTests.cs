using System;
using System.IO;
using ModelGen.Training;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>The progress display in both modes (a test runner's output is redirected, so the live mode is forced here).</summary>
public class ProgressReporterTests
{
    [Fact]
    public void Live_mode_redraws_one_line_with_rate_loss_and_eta_then_prints_the_epoch()
    {
        var output = new StringWriter();
        var progress = new ProgressReporter(output, batchesPerEpoch: 10, live: true);
        progress.StartEpoch(1, 3);
        progress.Step(1, 0.9, TimeSpan.FromMilliseconds(5));     // the first step of an epoch always draws
        progress.Step(2, 0.8, TimeSpan.FromMilliseconds(20));    // within 0.1 s of the last draw: skipped
        progress.Step(5, 0.7, TimeSpan.FromMilliseconds(500));   // draws
        progress.Step(10, 0.6, TimeSpan.FromMilliseconds(510));  // the last batch always draws
        progress.EndEpoch(new EpochResult(1, 0.6, 1e-3, 10, TimeSpan.FromSeconds(1)) { ValidationLoss = 0.5, ValidationAccuracy = 0.875 });
        string text = output.ToString();
        Assert.Equal(3, text.Split("\rEpoch 1/3 [").Length - 1);
        Assert.Contains("5/10", text);
        Assert.Contains("10 steps/s", text);   // 5 batches in 0.5 s
        Assert.Contains("loss 0.7000", text);
        Assert.Contains("ETA 0:00", text);
        Assert.DoesNotContain("2/10", text);
        Assert.EndsWith("Epoch 1/3: loss 0.6000, val_loss 0.5000, val_accuracy 87.50%, 1.0 s (10 steps/s)" + Environment.NewLine, text);
    }

    [Fact]
    public void Plain_mode_prints_only_one_line_per_epoch()
    {
        var output = new StringWriter();
        var progress = new ProgressReporter(output, batchesPerEpoch: 4, live: false);
        progress.StartEpoch(2, 2);
        for (int b = 1; b <= 4; b++) progress.Step(b, 1.0 / b, TimeSpan.FromSeconds(b));
        progress.EndEpoch(new EpochResult(2, 0.25, 1e-3, 8, TimeSpan.FromSeconds(4)));
        Assert.Equal("Epoch 2/2: loss 0.2500, 4.0 s (1 steps/s)" + Environment.NewLine, output.ToString());
    }
}
