using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using ModelGen.Data;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>Early stopping, best-model checkpoints and the three loggers, observed through files and weights.</summary>
public sealed class CallbackTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private static readonly Dataset<float> Train = TestData.Blobs<float>(160, seed: 21, noise: 1.4); // 10 batches of 16
    private static readonly Dataset<float> Validation = TestData.Blobs<float>(120, seed: 22, noise: 1.4);

    public void Dispose() => _folder.Dispose();

    /// <summary>Learning rate 0.01 for the first three epochs (steps 0..29), then 0: the weights freeze.</summary>
    private static PiecewiseConstant FreezeAfterThreeEpochs() => new([29], [0.01, 0.0]);

    /// <summary>Keras's rule, computed from the history: the epoch at which EarlyStopping must stop, and the best epoch.</summary>
    private static (int Stop, int Best) ExpectedEarlyStop(IReadOnlyList<double> values, int patience, bool higherIsBetter, int epochs)
    {
        double best = higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        int bestEpoch = 0, wait = 0;
        for (int e = 1; e <= values.Count; e++)
        {
            double v = values[e - 1];
            if (higherIsBetter ? v > best : v < best)
            {
                best = v;
                bestEpoch = e;
                wait = 0;
            }
            else if (++wait >= patience)
            {
                return (e, bestEpoch);
            }
        }
        return (epochs, bestEpoch);
    }

    [Fact]
    public void EarlyStopping_stops_after_patience_epochs_without_improvement()
    {
        var model = new PlainClassifier();
        var early = new EarlyStopping("val_loss", patience: 2);
        var trainer = new Trainer<float>(model) { Epochs = 20, Seed = 1, Schedule = FreezeAfterThreeEpochs(), Output = null };
        trainer.Callbacks.Add(early);

        TrainingHistory history = trainer.Fit(Train, Validation);

        double[] losses = history.Epochs.Select(e => e.ValidationLoss!.Value).ToArray();
        Assert.True(losses[0] > losses[1] && losses[1] > losses[2], "premise: the first three epochs improve: " + string.Join(", ", losses));
        // Frozen weights: the validation loss of epochs 4 and 5 is exactly that of epoch 3, which is no improvement.
        Assert.Equal(5, history.Epochs.Count);
        Assert.Equal(losses[2], losses[3]);
        Assert.Equal(losses[2], losses[4]);
        Assert.True(history.StoppedEarly);
        Assert.Equal(3, early.BestEpoch);
        Assert.Equal(50, model.Step);
    }

    [Fact]
    public void EarlyStopping_that_never_triggers_does_not_report_an_early_stop()
    {
        var trainer = new Trainer<float>(new PlainClassifier()) { Epochs = 3, Seed = 1, Output = null };
        var early = new EarlyStopping("val_loss", patience: 5);
        trainer.Callbacks.Add(early);
        TrainingHistory history = trainer.Fit(Train, Validation);
        Assert.Equal(3, history.Epochs.Count);
        Assert.False(history.StoppedEarly);
    }

    /// <summary>A model whose validation loss gets worse after three epochs, while its weights keep changing.</summary>
    private (NormClassifier Model, TrainingHistory History, EarlyStopping Early, BestModelCheckpoint Best, WeightRecorder<float> Recorder, string Path)
        OvershootingRun(bool restoreBestWeights)
    {
        var model = new NormClassifier();
        string path = _folder["best.safetensors"];
        var early = new EarlyStopping("val_loss", patience: 3, restoreBestWeights: restoreBestWeights);
        var best = new BestModelCheckpoint(path);
        var recorder = new WeightRecorder<float>();
        var trainer = new Trainer<float>(model) { Epochs = 30, Seed = 2, Schedule = new PiecewiseConstant([29], [0.01, 0.3]), Output = null };
        trainer.Callbacks.Add(early);
        trainer.Callbacks.Add(best);
        trainer.Callbacks.Add(recorder);
        TrainingHistory history = trainer.Fit(Train, Validation);
        return (model, history, early, best, recorder, path);
    }

    [Fact]
    public void EarlyStopping_with_restoreBestWeights_puts_back_the_best_epochs_weights_and_buffers()
    {
        var (model, history, early, best, recorder, path) = OvershootingRun(restoreBestWeights: true);

        var (stop, bestEpoch) = ExpectedEarlyStop(history.Epochs.Select(e => e.ValidationLoss!.Value).ToList(), 3, false, 30);
        Assert.True(history.StoppedEarly, "premise: a learning rate of 0.3 makes the validation loss stop improving");
        Assert.Equal(stop, history.Epochs.Count);
        Assert.Equal(bestEpoch, early.BestEpoch);
        Assert.Equal(bestEpoch, best.SavedEpoch);
        Assert.True(bestEpoch < history.Epochs.Count);

        ModelState<float> final = ModelState<float>.Of(model);
        // The weights of the last epoch differed; the model now holds the best epoch's parameters and running statistics ...
        Assert.False(Same.Bits<float>(recorder.AfterEpoch[^1].Weights(), final.Weights()), "premise: the last epoch's weights differ");
        Same.Weights(recorder.AfterEpoch[bestEpoch - 1], final);
        // ... which are those the best-model checkpoint saved at the same epoch.
        var saved = new NormClassifier(seed: 100);
        saved.LoadWeights(path);
        Same.Weights(ModelState<float>.Of(saved), final);
        Same.AssertBits<float>(Same.Predictions(saved, Validation), Same.Predictions(model, Validation), "predictions");
        Assert.Equal(history.Epochs[bestEpoch - 1].ValidationLoss!.Value, new Trainer<float>(model).Evaluate(Validation));
    }

    [Fact]
    public void EarlyStopping_without_restoreBestWeights_keeps_the_last_epochs_weights()
    {
        var (model, history, _, _, recorder, _) = OvershootingRun(restoreBestWeights: false);
        Assert.True(history.StoppedEarly);
        Same.Weights(recorder.AfterEpoch[^1], ModelState<float>.Of(model));
    }

    [Fact]
    public void EarlyStopping_on_a_validation_metric_without_a_validation_set_says_what_is_missing()
    {
        var trainer = new Trainer<float>(new PlainClassifier()) { Epochs = 2, Output = null };
        trainer.Callbacks.Add(new EarlyStopping("val_loss"));
        var error = Assert.Throws<InvalidOperationException>(() => trainer.Fit(Train));
        Assert.Contains("val_loss", error.Message);
        Assert.Contains("validation set", error.Message);
    }

    /// <summary>After each epoch: notes whether the file was (re)written, checks it holds the current weights, then deletes it.</summary>
    private sealed class FileWatcher(string path) : ITrainingCallback
    {
        public List<int> WrittenAt { get; } = new();

        public void OnEpochEnd(TrainingContext context, EpochResult result)
        {
            if (!File.Exists(path)) return;
            WrittenAt.Add(result.Epoch);
            var loaded = new PlainClassifier(seed: 1234);
            loaded.LoadWeights(path);
            Same.Weights(ModelState<float>.Of((PlainClassifier)context.Model), ModelState<float>.Of(loaded));
            File.Delete(path);
        }
    }

    private static List<int> ImprovingEpochs(IEnumerable<double> values, bool higherIsBetter)
    {
        var epochs = new List<int>();
        double best = higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        int e = 0;
        foreach (double v in values)
        {
            e++;
            if (higherIsBetter ? v > best : v < best)
            {
                best = v;
                epochs.Add(e);
            }
        }
        return epochs;
    }

    [Fact]
    public void BestModelCheckpoint_writes_only_when_the_validation_loss_improves()
    {
        string path = _folder["best.safetensors"];
        var best = new BestModelCheckpoint(path);
        var watcher = new FileWatcher(path);
        var trainer = new Trainer<float>(new PlainClassifier()) { Epochs = 6, Seed = 1, Schedule = FreezeAfterThreeEpochs(), Output = null };
        trainer.Callbacks.Add(best);
        trainer.Callbacks.Add(watcher);

        TrainingHistory history = trainer.Fit(Train, Validation);

        List<int> expected = ImprovingEpochs(history.Epochs.Select(e => e.ValidationLoss!.Value), higherIsBetter: false);
        Assert.Equal(expected, watcher.WrittenAt);
        Assert.Contains(1, watcher.WrittenAt);
        Assert.DoesNotContain(watcher.WrittenAt, e => e > 3); // frozen weights never improve
        Assert.Equal(expected[^1], best.SavedEpoch);
    }

    [Fact]
    public void Monitoring_val_accuracy_keeps_the_highest_accuracy()
    {
        string path = _folder["best-accuracy.safetensors"];
        var best = new BestModelCheckpoint(path, "val_accuracy");
        var early = new EarlyStopping("val_accuracy", patience: 3);
        var watcher = new FileWatcher(path);
        var trainer = new Trainer<float>(new PlainClassifier()) { Epochs = 12, Seed = 1, Schedule = new ConstantSchedule(0.003), Output = null };
        trainer.Callbacks.Add(best);
        trainer.Callbacks.Add(early);
        trainer.Callbacks.Add(watcher);

        TrainingHistory history = trainer.Fit(Train, Validation);

        double[] accuracy = history.Epochs.Select(e => e.ValidationAccuracy!.Value).ToArray();
        List<int> higher = ImprovingEpochs(accuracy, higherIsBetter: true);
        Assert.True(higher.Count >= 2, "premise: the accuracy rises during training: " + string.Join(", ", accuracy));
        Assert.Equal(higher, watcher.WrittenAt);
        Assert.Equal(higher[^1], best.SavedEpoch);

        var (stop, bestEpoch) = ExpectedEarlyStop(accuracy, 3, higherIsBetter: true, 12);
        Assert.Equal(stop, history.Epochs.Count);
        Assert.Equal(bestEpoch, early.BestEpoch);
        Assert.Equal(accuracy.Max(), accuracy[early.BestEpoch - 1]);
    }

    [Fact]
    public void CsvLogger_writes_a_header_and_one_row_per_epoch_with_the_history_values()
    {
        string path = _folder["logs/metrics.csv"];
        // Without the training monitor: its columns follow these (MonitorTests checks them).
        var trainer = new Trainer<float>(new PlainClassifier()) { Epochs = 4, Seed = 1, Schedule = new StepDecay(0.01, 15, 0.5), Output = null, Monitor = null };
        trainer.Callbacks.Add(new CsvLogger(path));

        TrainingHistory history = trainer.Fit(Train, Validation);

        string[] lines = File.ReadAllText(path).Split('\n');
        Assert.Equal("", lines[^1]); // ends with a line break
        Assert.Equal("epoch,loss,val_loss,val_accuracy,learning_rate,seconds", lines[0]);
        Assert.Equal(1 + 4, lines.Length - 1);
        for (int e = 1; e <= 4; e++)
        {
            double[] cells = lines[e].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            EpochResult r = history.Epochs[e - 1];
            Assert.Equal([e, r.Loss, r.ValidationLoss!.Value, r.ValidationAccuracy!.Value, r.LearningRate, r.Duration.TotalSeconds], cells);
        }
    }

    [Fact]
    public void CsvLogger_without_validation_writes_NaN_in_the_validation_columns()
    {
        string path = _folder["metrics.csv"];
        var trainer = new Trainer<float>(new Regressor()) { Epochs = 2, Output = null };
        trainer.Callbacks.Add(new CsvLogger(path));
        trainer.Fit(TestData.Regression<float>(64, seed: 3));

        string[] rows = File.ReadAllLines(path).Skip(1).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.All(rows, row => Assert.Equal(["NaN", "NaN"], row.Split(',').Skip(2).Take(2)));
    }

    [Fact]
    public void TensorBoardLogger_writes_valid_framed_records_of_the_epoch_scalars()
    {
        string folder = _folder["runs/one"];
        // Without the training monitor: its scalars come on top of these (MonitorTests checks them).
        var trainer = new Trainer<float>(new PlainClassifier()) { Epochs = 3, Seed = 1, Output = null, Monitor = null };
        trainer.Callbacks.Add(new TensorBoardLogger(folder));

        TrainingHistory history = trainer.Fit(Train, Validation);

        string file = Assert.Single(Directory.GetFiles(folder));
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(file));
        List<byte[]> records = TfRecord.ReadAll(File.ReadAllBytes(file)); // checks lengths and both CRCs of every record

        Assert.Equal(1 + 3 * 4, records.Count);
        var version = Protobuf.Fields(records[0]);
        Assert.Equal("brain.Event:2", version.Single(f => f.Number == 3).String);
        Assert.True(version.Single(f => f.Number == 1).Double > 1.5e9); // wall time in seconds since 1970

        var scalars = records.Skip(1).Select(Protobuf.Scalar).ToList();
        for (int e = 1; e <= 3; e++)
        {
            EpochResult r = history.Epochs[e - 1];
            var expected = new Dictionary<string, float>
            {
                ["loss"] = (float)r.Loss,
                ["val_loss"] = (float)r.ValidationLoss!.Value,
                ["val_accuracy"] = (float)r.ValidationAccuracy!.Value,
                ["learning_rate"] = (float)r.LearningRate,
            };
            var atEpoch = scalars.Where(s => s.Step == e).ToDictionary(s => s.Tag, s => s.Value);
            Assert.Equal(expected.OrderBy(p => p.Key), atEpoch.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public void Crc32C_of_the_test_matches_the_standard_check_value()
    {
        // The check value of CRC-32C (Castagnoli) for "123456789", and the empty string.
        Assert.Equal(0xE3069283u, TfRecord.Crc32C("123456789"u8));
        Assert.Equal(0u, TfRecord.Crc32C([]));
    }

    [Fact]
    public void PlotLogger_writes_well_formed_SVG_with_one_line_per_metric_redrawn_every_epoch()
    {
        string path = _folder["plots/curves.svg"];
        var points = new List<int>();
        var trainer = new Trainer<float>(new PlainClassifier()) { Epochs = 4, Seed = 1, Output = null };
        trainer.Callbacks.Add(new PlotLogger(path, "Blobs & <friends>"));
        trainer.Callbacks.Add(new Probe((context, result) => points.Add(Polylines(path)[0].Length)));

        trainer.Fit(Train, Validation);

        Assert.Equal([1, 2, 3, 4], points); // the loss line grows by one point per epoch
        XDocument svg = XDocument.Load(path);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Equal("Blobs & <friends>", svg.Root.Element(ns + "title")!.Value);
        string[][] lines = Polylines(path);
        Assert.Equal(3, lines.Length); // loss, val_loss, val_accuracy
        Assert.All(lines, line => Assert.Equal(4, line.Length));
        string text = string.Concat(svg.Descendants(ns + "text").Select(t => t.Value + "|"));
        Assert.Contains("|loss|", text);
        Assert.Contains("|val_loss|", text);
        Assert.Contains("val_accuracy", text);
        Assert.Contains("|epoch|", text);
    }

    /// <summary>The points of every polyline, as "x,y" pairs whose coordinates are finite numbers.</summary>
    private static string[][] Polylines(string path)
    {
        XNamespace ns = "http://www.w3.org/2000/svg";
        return XDocument.Load(path).Descendants(ns + "polyline").Select(p =>
        {
            string[] pairs = p.Attribute("points")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (string pair in pairs)
            {
                string[] xy = pair.Split(',');
                Assert.Equal(2, xy.Length);
                Assert.True(double.IsFinite(double.Parse(xy[0], CultureInfo.InvariantCulture)));
                Assert.True(double.IsFinite(double.Parse(xy[1], CultureInfo.InvariantCulture)));
            }
            return pairs;
        }).ToArray();
    }

    private sealed class Probe(Action<TrainingContext, EpochResult> onEpochEnd) : ITrainingCallback
    {
        public void OnEpochEnd(TrainingContext context, EpochResult result) => onEpochEnd(context, result);
    }
}
