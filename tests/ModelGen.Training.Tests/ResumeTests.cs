using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using ModelGen.Data;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>Checkpoints: an interrupted run resumed from its checkpoint ends bit for bit where an uninterrupted one does.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private static readonly Dataset<float> Train = TestData.Blobs<float>(150, seed: 41, noise: 1.2); // 9 batches of 16 and one of 6
    private static readonly Dataset<float> Validation = TestData.Blobs<float>(60, seed: 42, noise: 1.2);

    public void Dispose() => _folder.Dispose();

    private static Trainer<float> NewTrainer(ITrainableModel<float> model, int epochs, string checkpoint) => new(model)
    {
        Epochs = epochs,
        Seed = 5,
        Shuffle = true,
        Schedule = new ExponentialDecay(0.01, decaySteps: 10, decayRate: 0.7),
        CheckpointPath = checkpoint,
        Output = null,
    };

    [Fact]
    public void Two_epochs_then_resume_to_four_equals_four_straight_epochs_bit_for_bit()
    {
        // Straight run.
        var straight = new DropoutClassifier();
        ulong initialRandom = ((ITrainableModel<float>)straight).RandomState;
        string straightCheckpoint = _folder["straight/checkpoint.safetensors"];
        TrainingHistory expected = NewTrainer(straight, 4, straightCheckpoint).Fit(Train, Validation);

        // Interrupted after two epochs ...
        string checkpoint = _folder["interrupted/checkpoint.safetensors"];
        TrainingHistory firstHalf = NewTrainer(new DropoutClassifier(), 2, checkpoint).Fit(Train, Validation);
        Assert.Equal(2, firstHalf.Epochs.Count);

        // ... and resumed by a fresh process: a model built with another seed.
        var resumed = new DropoutClassifier(seed: 999);
        TrainingHistory actual = NewTrainer(resumed, 4, checkpoint).Resume(checkpoint, Train, Validation);

        ModelState<float> want = ModelState<float>.Of(straight);
        Assert.NotEqual(initialRandom, want.RandomState); // premise: dropout drew masks, so its generator state matters
        Assert.NotEmpty(want.Optimizer);
        Same.TrainingState(want, ModelState<float>.Of(resumed));

        Assert.Equal([1, 2, 3, 4], actual.Epochs.Select(e => e.Epoch));
        Assert.Equal(expected.Epochs.Select(e => (e.Loss, e.LearningRate, e.Step, e.ValidationLoss, e.ValidationAccuracy)),
            actual.Epochs.Select(e => (e.Loss, e.LearningRate, e.Step, e.ValidationLoss, e.ValidationAccuracy)));
        Assert.False(actual.StoppedEarly);

        // The final checkpoints hold the same tensors, byte for byte, and the same training position.
        var a = SafetensorsParts.Read(straightCheckpoint);
        var b = SafetensorsParts.Read(checkpoint);
        Assert.Equal(a.TensorNames, b.TensorNames);
        Assert.Contains("optimizer.exp_avg", a.TensorNames);
        Assert.Equal(a.Data, b.Data);
        foreach (string key in new[] { "step", "learning_rate", "data_epoch", "data_batch", "data_random", "dropout_random" })
            Assert.Equal((string)a.Header["__metadata__"]![key]!, (string)b.Header["__metadata__"]![key]!);
    }

    [Fact]
    public void Resuming_a_finished_run_trains_nothing_and_restores_its_state()
    {
        var model = new DropoutClassifier();
        string checkpoint = _folder["checkpoint.safetensors"];
        TrainingHistory history = NewTrainer(model, 3, checkpoint).Fit(Train, Validation);

        var restored = new DropoutClassifier(seed: 5);
        TrainingHistory again = NewTrainer(restored, 3, checkpoint).Resume(checkpoint, Train, Validation);

        Same.TrainingState(ModelState<float>.Of(model), ModelState<float>.Of(restored));
        Assert.Equal(history.Epochs.Select(e => e.Loss), again.Epochs.Select(e => e.Loss));
    }

    // ------------------------------------------------------------------ callbacks across a resume

    /// <summary>Learning rate 0.01 for three epochs of 10 steps, then 0.3: the validation loss gets worse after its best epoch.</summary>
    private static Trainer<float> OvershootingTrainer(ITrainableModel<float> model, int epochs, string checkpoint) => new(model)
    {
        Epochs = epochs, Seed = 5, Schedule = new PiecewiseConstant([29], [0.01, 0.3]), CheckpointPath = checkpoint, Output = null,
    };

    [Fact]
    public void After_a_resume_BestModelCheckpoint_does_not_overwrite_the_best_model_with_a_worse_one()
    {
        // Uninterrupted: 6 epochs, the best-model file ends with the best epoch's weights.
        string bestStraight = _folder["straight/best.safetensors"];
        var straight = OvershootingTrainer(new NormClassifier(), 6, _folder["straight/checkpoint.safetensors"]);
        var straightBest = new BestModelCheckpoint(bestStraight);
        straight.Callbacks.Add(straightBest);
        TrainingHistory history = straight.Fit(Train, Validation);
        double[] losses = history.Epochs.Select(e => e.ValidationLoss!.Value).ToArray();
        Assert.True(straightBest.SavedEpoch <= 4 && losses[4] > losses.Min() && losses[5] > losses.Min(),
            "premise: the best epoch is among the first four, epochs 5 and 6 are worse: " + string.Join(", ", losses));

        // Interrupted after 4 epochs, then resumed by a new process (so a new BestModelCheckpoint on the same file).
        string bestResumed = _folder["resumed/best.safetensors"];
        string checkpoint = _folder["resumed/checkpoint.safetensors"];
        var first = OvershootingTrainer(new NormClassifier(), 4, checkpoint);
        first.Callbacks.Add(new BestModelCheckpoint(bestResumed));
        first.Fit(Train, Validation);
        var second = OvershootingTrainer(new NormClassifier(seed: 31), 6, checkpoint);
        second.Callbacks.Add(new BestModelCheckpoint(bestResumed));
        second.Resume(checkpoint, Train, Validation);

        // The file must still hold the best epoch's weights, not epoch 5's.
        Assert.Equal(SafetensorsParts.Read(bestStraight).Data, SafetensorsParts.Read(bestResumed).Data);
    }

    [Fact]
    public void After_a_resume_the_CsvLogger_file_has_a_row_for_every_epoch_of_the_run()
    {
        string checkpoint = _folder["checkpoint.safetensors"];
        string csv = _folder["metrics.csv"];
        var first = NewTrainer(new DropoutClassifier(), 2, checkpoint);
        first.Callbacks.Add(new CsvLogger(csv));
        first.Fit(Train, Validation);

        var second = NewTrainer(new DropoutClassifier(seed: 4), 4, checkpoint);
        second.Callbacks.Add(new CsvLogger(csv));
        TrainingHistory history = second.Resume(checkpoint, Train, Validation);

        string[] lines = File.ReadAllLines(csv);
        Assert.StartsWith("epoch,loss,val_loss,val_accuracy,learning_rate,seconds,grad_norm,", lines[0]);
        Assert.Equal(["1", "2", "3", "4"], lines.Skip(1).Select(line => line.Split(',')[0]));
        // The training monitor's columns: the checkpoint does not keep them, so the restored epochs have NaN there.
        Assert.Equal(["NaN", "NaN", "finite", "finite"], lines.Skip(1).Select(line => line.Split(',')[6] == "NaN" ? "NaN" : "finite"));
        Assert.Equal(history.Epochs.Select(e => e.Loss), lines.Skip(1).Select(line => double.Parse(line.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    // ------------------------------------------------------------------ refused checkpoints leave the model unchanged

    /// <summary>A model in the middle of its own training, whose whole state must survive a refused Resume.</summary>
    private static DropoutClassifier Busy()
    {
        var model = new DropoutClassifier(seed: 7);
        new Trainer<float>(model) { Epochs = 1, Seed = 3, Output = null, Schedule = new ConstantSchedule(0.003) }.Fit(Train);
        return model;
    }

    private string Checkpoint()
    {
        string path = _folder["good.safetensors"];
        NewTrainer(new DropoutClassifier(), 2, path).Fit(Train, Validation);
        return path;
    }

    private static TException AssertResumeRefused<TException>(string path) where TException : Exception
    {
        DropoutClassifier model = Busy();
        ModelState<float> before = ModelState<float>.Of(model);
        var trainer = NewTrainer(model, 4, path + ".next");

        Exception? error = Record.Exception(() => trainer.Resume(path, Train, Validation));

        Assert.NotNull(error);
        // First the model: whatever was thrown, nothing of its state may have changed, and nothing was trained.
        Same.TrainingState(before, ModelState<float>.Of(model));
        Assert.False(File.Exists(path + ".next"), "training went on after a refused checkpoint");
        // Then the kind of error: a bad file is InvalidDataException (FileNotFoundException when missing).
        return Assert.IsType<TException>(error);
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused_and_the_model_is_unchanged()
    {
        string path = Checkpoint();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 100).ToArray());
        Assert.Contains("truncated", AssertResumeRefused<InvalidDataException>(path).Message);
    }

    [Fact]
    public void A_checkpoint_with_a_corrupted_byte_in_its_header_is_refused_and_the_model_is_unchanged()
    {
        string path = Checkpoint();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[8] = (byte)'x';
        File.WriteAllBytes(path, bytes);
        AssertResumeRefused<InvalidDataException>(path);
    }

    [Fact]
    public void A_checkpoint_of_another_architecture_is_refused_and_the_model_is_unchanged()
    {
        string path = _folder["norm.safetensors"];
        new Trainer<float>(new NormClassifier()) { Epochs = 1, CheckpointPath = path, Output = null }.Fit(Train);
        string message = AssertResumeRefused<InvalidDataException>(path).Message;
        Assert.Contains("dense0.weight", message);
    }

    [Fact]
    public void A_plain_weight_file_is_not_a_checkpoint()
    {
        string path = _folder["weights.safetensors"];
        new DropoutClassifier().SaveWeights(path);
        Assert.Contains("not a ModelGen training checkpoint", AssertResumeRefused<InvalidDataException>(path).Message);
    }

    [Fact]
    public void A_missing_checkpoint_is_FileNotFoundException()
    {
        AssertResumeRefused<FileNotFoundException>(_folder["none.safetensors"]);
    }

    [Theory]
    [InlineData("step", "twelve")]
    [InlineData("step", "-5")]
    [InlineData("data_batch", "99")]
    [InlineData("dropout_random", "")]
    [InlineData("history", "[{")]
    public void A_checkpoint_with_corrupt_metadata_is_InvalidDataException_and_the_model_is_unchanged(string key, string value)
    {
        string path = Checkpoint();
        var parts = SafetensorsParts.Read(path);
        JsonObject header = parts.Header.DeepClone().AsObject();
        header["__metadata__"]![key] = value;
        File.WriteAllBytes(path, SafetensorsParts.Compose(header, parts.Data));
        AssertResumeRefused<InvalidDataException>(path);
    }
}
