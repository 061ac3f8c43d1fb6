using System;
using System.IO;
using ModelGen.Data;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>A loss that stops being finite ends training with a TrainingDivergedException that says where.</summary>
public sealed class DivergenceTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private static readonly Dataset<float> Data = TestData.Linear(64, seed: 31); // 8 batches of 8

    public void Dispose() => _folder.Dispose();

    /// <summary>Learning rate 0.01 for two epochs (steps 0..15), then 1e30: the first step of epoch 3 throws the weights to ~1e30.</summary>
    private static PiecewiseConstant ExplodeInEpochThree() => new([15], [0.01, 1e30]);

    [Fact]
    public void An_infinite_loss_names_the_epoch_the_batch_and_the_last_checkpoint()
    {
        string checkpoint = _folder["run/checkpoint.safetensors"];
        var recorder = new WeightRecorder<float>();
        var trainer = new Trainer<float>(new LinearRegressor()) { Epochs = 5, Schedule = ExplodeInEpochThree(), CheckpointPath = checkpoint, Output = null };
        trainer.Callbacks.Add(recorder);

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Data));

        // Batch 1 of epoch 3 still reports the finite loss before its update; batch 2 sees weights of ~1e30.
        Assert.Equal(3, error.Epoch);
        Assert.Equal(2, error.Batch);
        Assert.Contains("epoch 3, batch 2", error.Message);
        Assert.Contains("∞", error.Message.Replace("Infinity", "∞"));
        Assert.Equal(checkpoint, error.LastCheckpoint);
        Assert.Contains(checkpoint, error.Message);

        // The checkpoint named holds the last good state, epoch 2, and training resumes from it.
        Assert.Equal(2, recorder.AfterEpoch.Count);
        var resumed = new LinearRegressor(seed: 77);
        var retry = new Trainer<float>(resumed) { Epochs = 2, Schedule = new ConstantSchedule(0.01), Output = null };
        // Epochs = 2 and a checkpoint after epoch 2: Resume restores the state and has nothing left to train.
        TrainingHistory history = retry.Resume(checkpoint, Data);
        Assert.Equal(2, history.Epochs.Count);
        Same.TrainingState(recorder.AfterEpoch[1], ModelState<float>.Of(resumed));
    }

    [Fact]
    public void Without_a_checkpoint_path_the_error_says_that_no_checkpoint_exists()
    {
        var trainer = new Trainer<float>(new LinearRegressor()) { Epochs = 5, Schedule = ExplodeInEpochThree(), Output = null };
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Data));
        Assert.Equal((3, 2), (error.Epoch, error.Batch));
        Assert.Null(error.LastCheckpoint);
        Assert.Contains("No checkpoint was written", error.Message);
    }

    [Fact]
    public void Divergence_in_the_first_epoch_names_no_checkpoint()
    {
        string checkpoint = _folder["checkpoint.safetensors"];
        var trainer = new Trainer<float>(new LinearRegressor()) { Epochs = 3, Schedule = new ConstantSchedule(1e30), CheckpointPath = checkpoint, Output = null };
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Data));
        Assert.Equal((1, 2), (error.Epoch, error.Batch));
        Assert.Null(error.LastCheckpoint);
        Assert.False(File.Exists(checkpoint));
    }

    [Fact]
    public void A_stale_checkpoint_from_an_earlier_run_is_not_named_as_the_last_good_state()
    {
        // An earlier run left a checkpoint at the same path (after its 4 epochs). A new Fit diverges in its first epoch:
        // no epoch of this run completed, so the file does not hold this run's last good state.
        string checkpoint = _folder["checkpoint.safetensors"];
        new Trainer<float>(new LinearRegressor()) { Epochs = 4, CheckpointPath = checkpoint, Output = null }.Fit(Data);

        var trainer = new Trainer<float>(new LinearRegressor(seed: 9)) { Epochs = 3, Schedule = new ConstantSchedule(1e30), CheckpointPath = checkpoint, Output = null };
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(Data));

        Assert.Equal((1, 2), (error.Epoch, error.Batch));
        Assert.Null(error.LastCheckpoint);
    }

    [Fact]
    public void A_NaN_in_the_data_is_reported_at_its_batch()
    {
        Dataset<float> clean = TestData.Linear(64, seed: 32);
        float[] features = (float[])clean.FeatureData.Clone();
        features[20 * 4 + 2] = float.NaN; // sample 20: batch 3 of 8 in data-set order
        var data = new Dataset<float>(features, 4, clean.Targets!, 1);

        var trainer = new Trainer<float>(new LinearRegressor()) { Epochs = 2, Shuffle = false, Output = null };
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data));

        Assert.Equal((1, 3), (error.Epoch, error.Batch));
        Assert.Contains("NaN", error.Message);
    }
}
