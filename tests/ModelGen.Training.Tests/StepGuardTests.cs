using System;
using System.Numerics;
using ModelGen.Data;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>
/// The trainer refuses a step that would make the model non-finite: a NaN input, or a finite but absurd input whose
/// running variance overflows, stops training with a TrainingDivergedException that names the sample or the tensor,
/// and the model is bit for bit what it was before the step.
/// </summary>
public sealed class StepGuardTests
{
    /// <summary>A schedule that copies the model's whole state when asked for the rate of step <paramref name="step"/> (just before that step).</summary>
    private sealed class SnapshotSchedule<T>(ITrainableModel<T> model, long step, double rate = 0.01) : ILearningRateSchedule
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public ModelState<T>? Before { get; private set; }

        public double LearningRate(long at)
        {
            if (at == step) Before = ModelState<T>.Of(model);
            return rate + at * 1e-4; // a new rate every step: a refused step must put the old one back
        }
    }

    private static Dataset<float> WithFeature(Dataset<float> data, int sample, int feature, float value)
    {
        float[] features = (float[])data.FeatureData.Clone();
        features[sample * data.FeatureCount + feature] = value;
        return data.Labels is not null
            ? new Dataset<float>(features, data.FeatureCount, data.Labels, data.ClassCount)
            : new Dataset<float>(features, data.FeatureCount, data.Targets!, data.TargetCount);
    }

    [Fact]
    public void A_NaN_input_is_refused_before_the_step_and_names_the_sample()
    {
        // Sample 37 of the data set: with Shuffle = false, sample 5 of batch 3 (batches of 16).
        Dataset<float> data = WithFeature(TestData.Blobs<float>(96, seed: 3), sample: 37, feature: 4, float.NaN);
        var model = new DropoutClassifier();
        var schedule = new SnapshotSchedule<float>(model, step: 2);
        var trainer = new Trainer<float>(model) { Epochs = 1, Shuffle = false, Schedule = schedule, Output = null };

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data));

        Assert.Equal((1, 3), (error.Epoch, error.Batch));
        Assert.Equal(37, error.Sample);
        Assert.Null(error.Tensor);
        Assert.Contains("sample 37 of the training set", error.Message);
        Assert.Contains("NaN at feature 4", error.Message);
        Assert.Contains("refused", error.Message);
        Same.TrainingState(schedule.Before!, ModelState<float>.Of(model));
    }

    [Fact]
    public void A_shuffled_NaN_input_is_named_by_its_index_in_the_data_set()
    {
        Dataset<float> data = WithFeature(TestData.Blobs<float>(96, seed: 3), sample: 50, feature: 0, float.PositiveInfinity);
        var model = new NormClassifier();
        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer<float>(model) { Epochs = 1, Seed = 9, Output = null }.Fit(data));
        Assert.Equal(50, error.Sample);
        Assert.Contains("sample 50 of the training set", error.Message);
        Assert.Contains("Infinity at feature 0", error.Message);
    }

    [Fact]
    public void A_non_finite_target_is_refused_and_names_the_sample()
    {
        Dataset<float> clean = TestData.Regression<float>(64, seed: 8);
        float[] targets = (float[])clean.Targets!.Clone();
        targets[45 * 2 + 1] = float.NegativeInfinity;
        var data = new Dataset<float>(clean.FeatureData, 4, targets, 2);
        var model = new Regressor();
        var schedule = new SnapshotSchedule<float>(model, step: 2);

        var error = Assert.Throws<TrainingDivergedException>(() =>
            new Trainer<float>(model) { Epochs = 1, Shuffle = false, Schedule = schedule, Output = null }.Fit(data));

        Assert.Equal((1, 3, 45), (error.Epoch, error.Batch, error.Sample));
        Assert.Contains("the target -Infinity at index 1", error.Message);
        Same.TrainingState(schedule.Before!, ModelState<float>.Of(model)); // momentum buffer and step included
    }

    [Fact]
    public void A_finite_input_that_overflows_the_running_variance_is_refused_and_names_the_buffer()
    {
        // 1e30 is a finite float, but its square is not: batch norm's running_var would become +Infinity for good
        // while the loss could stay finite.
        Dataset<float> data = WithFeature(TestData.Blobs<float>(96, seed: 3), sample: 21, feature: 2, 1e30f);
        var model = new NormClassifier();
        var schedule = new SnapshotSchedule<float>(model, step: 1);

        var error = Assert.Throws<TrainingDivergedException>(() =>
            new Trainer<float>(model) { Epochs = 1, Shuffle = false, Schedule = schedule, Output = null }.Fit(data));

        Assert.Equal((1, 2), (error.Epoch, error.Batch));
        Assert.Equal("batchnorm0.running_var", error.Tensor);
        Assert.Contains("buffer 'batchnorm0.running_var' would hold", error.Message);
        Assert.Contains("largest input is 1E+30, at feature 2 of sample 21 of the training set", error.Message);
        Same.TrainingState(schedule.Before!, ModelState<float>.Of(model));
        Assert.All(ModelState<float>.Of(model).Weights(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_non_finite_loss_is_refused_before_the_update()
    {
        // Learning rate 1e30 from step 8 on: step 8 throws the weights to ~1e31, so at step 9 the loss overflows.
        Dataset<float> data = TestData.Linear(64, seed: 31);
        var model = new LinearRegressor();
        var snapshot = new SnapshotSchedule<float>(model, step: 9);
        var schedule = new PiecewiseConstant([7], [0.01, 1e30]);
        var trainer = new Trainer<float>(model)
        {
            Epochs = 3, Shuffle = false, Output = null,
            Schedule = new DelegatingSchedule(step => { snapshot.LearningRate(step); return schedule.LearningRate(step); }),
        };

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data));

        Assert.Equal((2, 2), (error.Epoch, error.Batch));
        Assert.NotNull(error.Loss);
        Assert.False(double.IsFinite(error.Loss!.Value));
        Assert.Contains("the loss is", error.Message);
        Assert.Equal(9, ((ITrainableModel<float>)model).Step);
        Same.TrainingState(snapshot.Before!, ModelState<float>.Of(model));
    }

    private sealed class DelegatingSchedule(Func<long, double> rate) : ILearningRateSchedule
    {
        public double LearningRate(long step) => rate(step);
    }

    [Fact]
    public void An_update_that_overflows_a_parameter_stops_training_at_once_and_says_so()
    {
        // Finite gradients, but a learning rate of 1e38: the update itself overflows a float weight.
        var trainer = new Trainer<float>(new LinearRegressor()) { Epochs = 1, Shuffle = false, Schedule = new ConstantSchedule(1e38), Output = null };
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(TestData.Linear(64, seed: 31)));
        Assert.Equal((1, 1), (error.Epoch, error.Batch));
        Assert.NotNull(error.Tensor);
        Assert.Contains("the update overflowed", error.Message);
        Assert.Contains($"parameter '{error.Tensor}' became", error.Message);
    }

    [Fact]
    public void A_validation_set_with_a_NaN_or_no_samples_is_refused_before_training()
    {
        Dataset<float> train = TestData.Blobs<float>(64, seed: 3);
        Dataset<float> validation = WithFeature(TestData.Blobs<float>(32, seed: 4), sample: 17, feature: 5, float.NaN);
        var model = new PlainClassifier();
        var before = ModelState<float>.Of(model);

        var error = Assert.Throws<ArgumentException>(() => new Trainer<float>(model) { Epochs = 1, Output = null }.Fit(train, validation));
        Assert.Equal("validation", error.ParamName);
        Assert.Contains("Sample 17 of validation has the feature NaN at index 5", error.Message);

        Dataset<float> empty = TestData.Blobs<float>(32, seed: 4).Subset([]);
        error = Assert.Throws<ArgumentException>(() => new Trainer<float>(model) { Epochs = 1, Output = null }.Fit(train, empty));
        Assert.Contains("validation set is empty", error.Message);
        Same.TrainingState(before, ModelState<float>.Of(model));
    }

    [Fact]
    public void The_guard_allocates_nothing_per_step()
    {
        // 200 steps per epoch (batches of 2): one more epoch may allocate its EpochResult and a little more, not a
        // few bytes for each of its 200 steps.
        Dataset<float> data = TestData.Blobs<float>(400, seed: 3);
        long Allocated(int epochs)
        {
            var trainer = new Trainer<float>(new DropoutClassifier()) { Epochs = epochs, BatchSize = 2, Output = null };
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Fit(data);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(1); // warm up
        long one = Allocated(1), three = Allocated(3);
        Assert.True(three - one < 2 * 2048, $"two more epochs of 200 steps allocated {three - one} bytes");
    }
}
