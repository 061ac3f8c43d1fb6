using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ModelGen.Data;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>The training monitor: its statistics, each warning on a case built to trigger it, and its cost.</summary>
public sealed class MonitorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Gaussian blobs standardized with the library's Standardizer: the data a healthy run gets.</summary>
    private static Dataset<float> Standardized(int count, ulong seed)
    {
        Dataset<float> raw = TestData.Blobs<float>(count, seed);
        return Standardizer<float>.Fit(TestData.Blobs<float>(480, seed: 1)).Transform(raw);
    }

    private static Dataset<float> Scaled(Dataset<float> data, float factor)
    {
        float[] x = data.FeatureData.Select(v => v * factor).ToArray();
        return new Dataset<float>(x, data.FeatureCount, data.Labels!, data.ClassCount);
    }

    private static (TrainingHistory History, string Output) Train(ITrainableModel<float> model, Dataset<float> data, int epochs = 3,
        ILearningRateSchedule? schedule = null, TrainingMonitor? monitor = null, bool off = false)
    {
        var output = new StringWriter();
        var trainer = new Trainer<float>(model) { Epochs = epochs, Seed = 5, Output = output, Schedule = schedule, Monitor = off ? null : monitor ?? new TrainingMonitor() };
        TrainingHistory history = trainer.Fit(data);
        return (history, output.ToString());
    }

    /// <summary>The warning of <paramref name="kind"/>: exactly one in the history, the same in its epoch's result, printed once.</summary>
    private static TrainingWarning Single(TrainingHistory history, string output, TrainingWarningKind kind)
    {
        TrainingWarning warning = Assert.Single(history.Warnings, w => w.Kind == kind);
        if (kind == TrainingWarningKind.UnscaledInputs) // the input check runs before the first epoch: history only
        {
            Assert.DoesNotContain(history.Epochs.SelectMany(e => e.Warnings), w => w.Kind == kind);
        }
        else
        {
            Assert.Contains(warning, history.Epochs[warning.Epoch - 1].Warnings);
            Assert.Single(history.Epochs.SelectMany(e => e.Warnings), w => w.Kind == kind);
        }
        Assert.Equal(1, CountOf(output, "  " + warning + Environment.NewLine));
        return warning;
    }

    private static int CountOf(string text, string part) => text.Split(part).Length - 1;

    [Fact]
    public void A_healthy_run_records_every_statistic_and_raises_no_warning()
    {
        (TrainingHistory history, string output) = Train(new HealthyMlp(), Standardized(480, seed: 2));

        Assert.Empty(history.Warnings);
        Assert.DoesNotContain("warning", output);
        Assert.InRange(history.MonitorTime, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(history.Epochs.Sum(e => e.Duration.TotalSeconds)));
        foreach (EpochResult epoch in history.Epochs)
        {
            Assert.Empty(epoch.Warnings);
            Assert.Equal(["dense0", "dense1"], epoch.Layers.Select(l => l.Layer));
            foreach (LayerStatistics layer in epoch.Layers)
            {
                Assert.InRange(layer.GradientNorm!.Value, 1e-4, 100);
                Assert.InRange(layer.WeightNorm!.Value, 0.5, 100);
                Assert.InRange(layer.UpdateRatio!.Value, 1e-4, 1e-1); // Adam 1e-3 on weights of size ~0.5 per value
            }
            Assert.InRange(epoch.Layers[0].DeadUnitFraction!.Value, 0, 0.5);
            Assert.Null(epoch.Layers[1].DeadUnitFraction); // a linear layer
            // The global norm is the norm over all layers, so at least each layer's (means of norms, at the same steps).
            Assert.True(epoch.GradientNorm >= epoch.Layers.Max(l => l.GradientNorm!.Value) * 0.999);
        }
    }

    [Fact]
    public void The_weight_norm_is_the_norm_of_the_layers_parameters_and_the_ratio_that_of_one_update()
    {
        // One epoch of one step: the statistics are those of that step, which the test recomputes.
        var model = new HealthyMlp();
        Dataset<float> data = Standardized(16, seed: 3);
        double Norm(params float[][] tensors) => Math.Sqrt(tensors.Sum(t => t.Sum(v => (double)v * v)));
        float[] w0 = model.Parameter("dense0.weight").ToArray(), b0 = model.Parameter("dense0.bias").ToArray();
        var trainer = new Trainer<float>(model) { Epochs = 1, Shuffle = false, Output = null };
        TrainingHistory history = trainer.Fit(data);
        float[] w1 = model.Parameter("dense0.weight").ToArray(), b1 = model.Parameter("dense0.bias").ToArray();

        LayerStatistics dense0 = history.Epochs[0].Layers[0];
        Assert.Equal(Norm(w0, b0), dense0.WeightNorm!.Value, 1e-5);
        double change = Norm(w1.Zip(w0, (a, b) => a - b).ToArray(), b1.Zip(b0, (a, b) => a - b).ToArray());
        Assert.Equal(change / Norm(w0, b0), dense0.UpdateRatio!.Value, 1e-6);
        // The gradient: recompute it on the same batch from the weights before the step.
        var fresh = new HealthyMlp();
        fresh.ComputeGradients(data.FeatureData, data.Labels!);
        Assert.Equal(Norm(fresh.Gradient("dense0.weight").ToArray(), fresh.Gradient("dense0.bias").ToArray()), dense0.GradientNorm!.Value, 1e-5);
    }

    [Fact]
    public void Vanishing_gradients_are_reported_once_for_a_deep_sigmoid_stack()
    {
        (TrainingHistory history, string output) = Train(new DeepSigmoidStack(), Standardized(480, seed: 2));

        TrainingWarning warning = Single(history, output, TrainingWarningKind.VanishingGradients);
        Assert.Equal(1, warning.Epoch);
        Assert.Equal("dense0", warning.Layer);
        Assert.Contains("vanishing gradients: the first layer's gradient norm (dense0: ", warning.Message);
        Assert.Contains("He initialization", warning.Message);
        LayerStatistics first = history.Epochs[0].Layers[0], last = history.Epochs[0].Layers[^1];
        Assert.True(first.GradientNorm < 1e-4 * last.GradientNorm);
    }

    [Fact]
    public void Exploding_gradients_are_reported_when_the_norm_grows_tenfold_in_an_epoch()
    {
        // Linear regression with SGD at 1.5 (stable below about 1 on unit-variance inputs): the error doubles each step.
        var model = new LinearRegressor();
        (TrainingHistory history, string output) = Train(model, TestData.Linear(64, seed: 31), epochs: 2, schedule: new ConstantSchedule(1.5));

        TrainingWarning warning = Single(history, output, TrainingWarningKind.ExplodingGradients);
        Assert.Equal(1, warning.Epoch);
        Assert.Null(warning.Layer);
        Assert.Contains("the global gradient norm grew", warning.Message);
        Assert.Contains("[GradientClipping(MaxNorm = 1.0)]", warning.Message);
    }

    [Fact]
    public void A_gradient_that_stops_being_finite_is_reported_in_the_output_and_on_the_exception()
    {
        var output = new StringWriter();
        var trainer = new Trainer<float>(new LinearRegressor()) { Epochs = 50, Output = output, Schedule = new ConstantSchedule(1e3) };

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(TestData.Linear(64, seed: 31)));

        TrainingWarning warning = Assert.Single(error.Warnings, w => w.Kind == TrainingWarningKind.ExplodingGradients);
        Assert.Equal(error.Epoch, warning.Epoch);
        Assert.Contains($"exploding gradients: in batch {error.Batch}, ", warning.Message);
        Assert.Contains("[GradientClipping", warning.Message);
        Assert.Equal(1, CountOf(output.ToString(), "  " + warning + Environment.NewLine));
    }

    [Fact]
    public void Dead_units_are_reported_for_a_ReLU_layer_that_never_fires()
    {
        var model = new HealthyMlp();
        model.Parameter("dense0.bias").Fill(-100); // every pre-activation is far below 0 on standardized inputs
        (TrainingHistory history, string output) = Train(model, Standardized(480, seed: 2));

        TrainingWarning warning = Single(history, output, TrainingWarningKind.DeadUnits);
        Assert.Equal((1, "dense0"), (warning.Epoch, warning.Layer));
        Assert.StartsWith("dead units: 32 of the 32 units of dense0 (100%) never activated", warning.Message);
        Assert.All(history.Epochs, e => Assert.Equal(1.0, e.Layers[0].DeadUnitFraction));
    }

    [Fact]
    public void Dead_units_are_counted_on_a_separate_ReLU_layer_and_on_convolution_channels()
    {
        var separate = new SeparateReluMlp();
        separate.Parameter("dense0.bias").Fill(-100);
        (TrainingHistory history, string output) = Train(separate, Standardized(480, seed: 2), epochs: 1);
        Assert.Equal(["dense0", "relu0", "dense1"], history.Epochs[0].Layers.Select(l => l.Layer));
        Assert.Null(history.Epochs[0].Layers[1].GradientNorm); // relu0 has no parameters
        Assert.Equal("relu0", Single(history, output, TrainingWarningKind.DeadUnits).Layer);

        // Convolution: a unit is a channel; kill 3 of the 4 filters.
        var conv = new TinyConvNet();
        conv.Parameter("conv2d0.bias")[..3].Fill(-100);
        var rng = new TestData.Rng(7);
        float[] images = Enumerable.Range(0, 64 * 36).Select(_ => (float)rng.Normal()).ToArray();
        int[] labels = Enumerable.Range(0, 64).Select(i => i % 3).ToArray();
        (history, output) = Train(conv, new Dataset<float>(images, 36, labels, 3), epochs: 1);
        Assert.Equal(0.75, history.Epochs[0].Layers[0].DeadUnitFraction);
        TrainingWarning warning = Single(history, output, TrainingWarningKind.DeadUnits);
        Assert.StartsWith("dead units: 3 of the 4 units of conv2d0 (75%)", warning.Message);
    }

    [Fact]
    public void A_learning_rate_far_too_small_or_too_large_is_reported_with_a_suggestion()
    {
        (TrainingHistory small, string smallOutput) = Train(new HealthyMlp(), Standardized(480, seed: 2), schedule: new ConstantSchedule(1e-8));
        TrainingWarning tooSmall = Single(small, smallOutput, TrainingWarningKind.LearningRateTooSmall);
        Assert.Contains("learning rate too small: the median update-to-weight ratio", tooSmall.Message);
        Assert.Contains("raise the learning rate (now 1e-08", tooSmall.Message);
        Assert.DoesNotContain(small.Warnings, w => w.Kind == TrainingWarningKind.LearningRateTooLarge);

        // Adam's steps are about the learning rate per weight, so ‖Δw‖/‖w‖ starts near 0.5 / 0.6 and falls as the weights
        // grow: 6 steps per epoch, every one sampled.
        (TrainingHistory large, string largeOutput) = Train(new HealthyMlp(), Standardized(96, seed: 2), schedule: new ConstantSchedule(0.5));
        TrainingWarning tooLarge = Single(large, largeOutput, TrainingWarningKind.LearningRateTooLarge);
        Assert.Contains("learning rate too large: the median update-to-weight ratio ‖Δw‖/‖w‖ of dense", tooLarge.Message);
        Assert.Contains("lower the learning rate (now 0.5", tooLarge.Message);
        Assert.Contains(large.Epochs[tooLarge.Epoch - 1].Layers, l => l.UpdateRatio > 0.1);
    }

    [Fact]
    public void Unscaled_inputs_are_reported_before_the_first_epoch_and_standardized_ones_are_not()
    {
        (TrainingHistory history, string output) = Train(new HealthyMlp(), Scaled(Standardized(480, seed: 2), 255));

        TrainingWarning warning = Single(history, output, TrainingWarningKind.UnscaledInputs);
        Assert.Equal((1, null), (warning.Epoch, warning.Layer));
        Assert.Contains("inputs far from standardized: feature ", warning.Message);
        Assert.Contains("Standardizer<Single>.Fit(train)", warning.Message);
        Assert.True(output.IndexOf(warning.ToString(), StringComparison.Ordinal) < output.IndexOf("Epoch 1/3", StringComparison.Ordinal));

        (TrainingHistory tiny, string tinyOutput) = Train(new HealthyMlp(), Scaled(Standardized(480, seed: 2), 1e-3f), epochs: 1);
        Assert.Contains("no feature's standard deviation reaches 0.1", Single(tiny, tinyOutput, TrainingWarningKind.UnscaledInputs).Message);
    }

    [Fact]
    public void Turned_off_the_monitor_records_and_prints_nothing_even_for_a_broken_setup()
    {
        var model = new HealthyMlp();
        model.Parameter("dense0.bias").Fill(-100);
        (TrainingHistory history, string output) = Train(model, Scaled(Standardized(480, seed: 2), 255), off: true);

        Assert.Empty(history.Warnings);
        Assert.DoesNotContain("warning", output);
        Assert.All(history.Epochs, e => Assert.Equal((null, 0, 0), (e.GradientNorm, e.Layers.Count, e.Warnings.Count)));
        Assert.Equal(TimeSpan.Zero, history.MonitorTime);

        // Warn = false: the statistics, without warnings.
        model = new HealthyMlp();
        model.Parameter("dense0.bias").Fill(-100);
        (history, output) = Train(model, Standardized(480, seed: 2), monitor: new TrainingMonitor { Warn = false });
        Assert.Empty(history.Warnings);
        Assert.Equal(1.0, history.Epochs[0].Layers[0].DeadUnitFraction);
    }

    [Fact]
    public void Training_gives_the_same_bits_with_the_monitor_on_and_off()
    {
        Dataset<float> data = Standardized(480, seed: 2);
        var on = new DropoutClassifier();
        var off = new DropoutClassifier();
        Train(on, data, monitor: new TrainingMonitor { Interval = 1 });
        Train(off, data, off: true);
        Same.TrainingState(ModelState<float>.Of(off), ModelState<float>.Of(on));
    }

    [Fact]
    public void Settings_out_of_range_are_refused_before_training()
    {
        var model = new HealthyMlp();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Train(model, Standardized(32, seed: 2), monitor: new TrainingMonitor { Interval = 0 }));
        Assert.Equal("Interval", error.ParamName);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => Train(model, Standardized(32, seed: 2), monitor: new TrainingMonitor { DeadFraction = 1 }));
        Assert.Equal("DeadFraction", error.ParamName);
        Assert.Equal(0, model.Step);
    }

    [Fact]
    public void The_csv_log_keeps_its_columns_and_appends_the_statistics()
    {
        string path = _folder["history.csv"];
        var trainer = new Trainer<float>(new SeparateReluMlp()) { Epochs = 2, Output = null };
        trainer.Callbacks.Add(new CsvLogger(path));
        TrainingHistory history = trainer.Fit(Standardized(96, seed: 2));

        string[] lines = File.ReadAllLines(path);
        Assert.Equal("epoch,loss,val_loss,val_accuracy,learning_rate,seconds,grad_norm,"
            + "grad_norm/dense0,weight_norm/dense0,update_ratio/dense0,dead_units/relu0,"
            + "grad_norm/dense1,weight_norm/dense1,update_ratio/dense1", lines[0]);
        Assert.Equal(3, lines.Length);
        double[] cells = lines[2].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        EpochResult r = history.Epochs[1];
        Assert.Equal([r.GradientNorm!.Value, r.Layers[0].GradientNorm!.Value, r.Layers[0].WeightNorm!.Value, r.Layers[0].UpdateRatio!.Value,
            r.Layers[1].DeadUnitFraction!.Value, r.Layers[2].GradientNorm!.Value, r.Layers[2].WeightNorm!.Value, r.Layers[2].UpdateRatio!.Value], cells[6..]);

        // Off: the columns of before.
        string offPath = _folder["off.csv"];
        trainer = new Trainer<float>(new SeparateReluMlp()) { Epochs = 1, Output = null, Monitor = null };
        trainer.Callbacks.Add(new CsvLogger(offPath));
        trainer.Fit(Standardized(96, seed: 2));
        Assert.Equal("epoch,loss,val_loss,val_accuracy,learning_rate,seconds", File.ReadLines(offPath).First());
    }

    [Fact]
    public void TensorBoard_gets_a_scalar_per_statistic_and_layer()
    {
        string folder = _folder["runs"];
        var trainer = new Trainer<float>(new SeparateReluMlp()) { Epochs = 2, Output = null };
        trainer.Callbacks.Add(new TensorBoardLogger(folder));
        TrainingHistory history = trainer.Fit(Standardized(96, seed: 2));

        var scalars = TfRecord.ReadAll(File.ReadAllBytes(Assert.Single(Directory.GetFiles(folder)))).Skip(1).Select(Protobuf.Scalar).ToList();
        for (int e = 1; e <= 2; e++)
        {
            EpochResult r = history.Epochs[e - 1];
            var atEpoch = scalars.Where(s => s.Step == e).ToDictionary(s => s.Tag, s => s.Value);
            Assert.Equal(["dead_units/relu0", "grad_norm", "grad_norm/dense0", "grad_norm/dense1", "learning_rate", "loss",
                "update_ratio/dense0", "update_ratio/dense1", "weight_norm/dense0", "weight_norm/dense1"], atEpoch.Keys.Order());
            Assert.Equal((float)r.GradientNorm!.Value, atEpoch["grad_norm"]);
            Assert.Equal((float)r.Layers[2].UpdateRatio!.Value, atEpoch["update_ratio/dense1"]);
            Assert.Equal((float)r.Layers[1].DeadUnitFraction!.Value, atEpoch["dead_units/relu0"]);
        }
    }

    [Fact]
    public void The_per_step_calls_allocate_nothing()
    {
        // The calls the trainer makes around every update, with statistics on every step (Interval 1), over whole epochs.
        var model = new SeparateReluMlp();
        Dataset<float> data = Standardized(16 * 8, seed: 2);
        var monitor = new MonitorRun<float>(new TrainingMonitor { Interval = 1 }, model, batchesPerEpoch: 8, new TrainingHistory(), new ProgressReporter(null, 8));
        long least = long.MaxValue;
        for (int round = 0; round < 8; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int b = 0; b < 8; b++)
            {
                model.ComputeGradients(data.FeatureData.AsSpan(b * 16 * 6, 16 * 6), data.Labels.AsSpan(b * 16, 16));
                monitor.BeforeUpdate(b);
                model.ApplyGradients();
                monitor.AfterUpdate();
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round >= 4) least = Math.Min(least, allocated); // after the JIT's warm-up
            EpochResult result = monitor.EndEpoch(new EpochResult(round + 1, 0, 1e-3, model.Step, TimeSpan.Zero));
            Assert.Equal(3, result.Layers.Count); // dense0, relu0, dense1
        }
        Assert.Equal(0, least);
    }

    [Fact]
    public void LayerOutput_is_the_layers_activation_from_the_last_training_pass()
    {
        var model = new SeparateReluMlp();
        Dataset<float> data = Standardized(5, seed: 4);
        Assert.Equal(0, ((ITrainableModel<float>)model).LayerOutput("relu0").Length); // no pass yet
        model.ComputeGradients(data.FeatureData, data.Labels!);
        ITrainableModel<float> m = model;
        float[] dense0 = m.LayerOutput("dense0").ToArray(), relu0 = m.LayerOutput("relu0").ToArray();
        Assert.Equal(5 * 16, dense0.Length);
        Assert.Equal(dense0.Select(v => Math.Max(v, 0f)), relu0);
        Assert.Contains(dense0, v => v < 0);
        // dense0 by hand for the first sample and unit.
        double z = model.Parameter("dense0.bias")[0];
        for (int i = 0; i < 6; i++) z += model.Parameter("dense0.weight")[i] * data.FeatureData[i];
        Assert.Equal(z, dense0[0], 1e-5);
        Assert.Equal(5 * 3, m.LayerOutput("dense1").Length);
        var error = Assert.Throws<ArgumentException>(() => m.LayerOutput("dense9"));
        Assert.Contains("Unknown layer name 'dense9'; known layers: dense0, relu0, dense1.", error.Message);
    }
}
