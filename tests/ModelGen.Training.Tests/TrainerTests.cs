using System;
using System.IO;
using System.Linq;
using ModelGen.Data;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>Trainer.Fit: learning, history, schedules, batching modes, determinism and argument errors.</summary>
public sealed class TrainerTests
{
    private static readonly Dataset<float> Train = TestData.Blobs<float>(240, seed: 1);
    private static readonly Dataset<float> Validation = TestData.Blobs<float>(90, seed: 2);

    private static int OwnAccuracy(IModel<float> model, Dataset<float> data)
    {
        float[] outputs = Same.Predictions(model, data);
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            ReadOnlySpan<float> row = outputs.AsSpan(i * model.OutputSize, model.OutputSize);
            int best = 0;
            for (int c = 1; c < row.Length; c++) if (row[c] > row[best]) best = c;
            if (best == data.Labels![i]) correct++;
        }
        return correct;
    }

    [Fact]
    public void Fit_reduces_the_validation_loss_and_records_one_entry_per_epoch()
    {
        var model = new PlainClassifier();
        var trainer = new Trainer<float>(model) { Epochs = 5, Seed = 3, Output = null };
        double before = trainer.Evaluate(Validation);

        TrainingHistory history = trainer.Fit(Train, Validation);

        Assert.Equal([1, 2, 3, 4, 5], history.Epochs.Select(e => e.Epoch));
        Assert.Equal([15L, 30, 45, 60, 75], history.Epochs.Select(e => e.Step)); // 240 samples / 16 per batch
        Assert.False(history.StoppedEarly);
        Assert.All(history.Epochs, e => Assert.True(double.IsFinite(e.Loss) && e.Loss > 0));
        Assert.All(history.Epochs, e => Assert.True(e.Duration >= TimeSpan.Zero));
        Assert.All(history.Epochs, e => Assert.Equal((double)0.01f, e.LearningRate)); // no schedule: the attribute's rate
        double after = history.Epochs[^1].ValidationLoss!.Value;
        Assert.True(after < 0.5 * before, $"validation loss {before} -> {after}");
        Assert.True(history.Epochs[^1].Loss < history.Epochs[0].Loss);
        // The last entry describes the model as it is now.
        Assert.Equal(trainer.Evaluate(Validation), after);
        Assert.Equal(75, model.Step);
    }

    [Fact]
    public void Validation_accuracy_of_a_classifier_is_the_fraction_of_correct_predictions()
    {
        var model = new PlainClassifier();
        var trainer = new Trainer<float>(model) { Epochs = 3, Seed = 3, Output = null };
        TrainingHistory history = trainer.Fit(Train, Validation);

        double accuracy = history.Epochs[^1].ValidationAccuracy!.Value;
        Assert.Equal(OwnAccuracy(model, Validation) / (double)Validation.Count, accuracy);
        Assert.Equal(trainer.Accuracy(Validation), accuracy);
        Assert.True(accuracy > 0.85, $"accuracy {accuracy}");
        Assert.All(history.Epochs, e => Assert.NotNull(e.ValidationAccuracy));
    }

    [Fact]
    public void Without_a_validation_set_there_are_no_validation_metrics()
    {
        TrainingHistory history = new Trainer<float>(new PlainClassifier()) { Epochs = 2, Output = null }.Fit(Train);
        Assert.All(history.Epochs, e => Assert.Null(e.ValidationLoss));
        Assert.All(history.Epochs, e => Assert.Null(e.ValidationAccuracy));
        Assert.Equal(2, history.Epochs.Count);
    }

    [Fact]
    public void History_learning_rate_is_the_StepDecay_rate_of_each_epochs_last_step()
    {
        var model = new PlainClassifier();
        var schedule = new RecordingSchedule(new StepDecay(0.1, stepSize: 7, gamma: 0.5));
        var data = TestData.Blobs<float>(160, seed: 4); // 10 batches of 16 per epoch
        TrainingHistory history = new Trainer<float>(model) { Epochs = 3, Schedule = schedule, Output = null }.Fit(data);

        // The schedule is asked for steps 0, 1, 2, ... once each, before each optimizer step.
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), schedule.Steps);
        // Epoch e ends with step 10e − 1: rates 0.1 · 0.5^⌊9/7⌋, 0.5^⌊19/7⌋, 0.5^⌊29/7⌋, as the float model holds them.
        Assert.Equal((double)(float)0.05, history.Epochs[0].LearningRate);
        Assert.Equal((double)(float)0.025, history.Epochs[1].LearningRate);
        Assert.Equal((double)(float)0.00625, history.Epochs[2].LearningRate);
        Assert.Equal((float)0.00625, model.LearningRate);
    }

    [Fact]
    public void A_second_Fit_continues_the_schedule_from_the_models_step()
    {
        var model = new PlainClassifier();
        var data = TestData.Blobs<float>(160, seed: 4);
        new Trainer<float>(model) { Epochs = 1, Output = null }.Fit(data);
        var schedule = new RecordingSchedule(new StepDecay(0.1, stepSize: 10, gamma: 0.1));
        TrainingHistory history = new Trainer<float>(model) { Epochs = 1, Schedule = schedule, Output = null }.Fit(data);

        Assert.Equal(Enumerable.Range(10, 10).Select(i => (long)i), schedule.Steps);
        Assert.Equal((double)(float)0.01, history.Epochs[0].LearningRate);
        Assert.Equal(20, history.Epochs[0].Step);
    }

    [Fact]
    public void A_regression_model_trains()
    {
        var model = new Regressor();
        Dataset<float> train = TestData.Regression<float>(320, seed: 5), validation = TestData.Regression<float>(80, seed: 6);
        var trainer = new Trainer<float>(model) { Epochs = 15, Seed = 1, Output = null };
        double before = trainer.Evaluate(validation);

        TrainingHistory history = trainer.Fit(train, validation);

        double after = history.Epochs[^1].ValidationLoss!.Value;
        Assert.True(after < 0.25 * before, $"validation loss {before} -> {after}");
        Assert.All(history.Epochs, e => Assert.Null(e.ValidationAccuracy));
        Assert.Equal(15 * 20, model.Step);
        Assert.Throws<InvalidOperationException>(() => trainer.Accuracy(validation));
    }

    [Fact]
    public void Two_runs_with_the_same_seeds_give_bit_identical_weights_and_history()
    {
        static (ModelState<float>, TrainingHistory) Run(int trainerSeed)
        {
            var model = new DropoutClassifier();
            TrainingHistory history = new Trainer<float>(model)
            {
                Epochs = 3, Seed = trainerSeed, Output = null, Schedule = new CosineDecay(0.02, 40),
            }.Fit(Train, Validation);
            return (ModelState<float>.Of(model), history);
        }

        var (a, historyA) = Run(9);
        var (b, historyB) = Run(9);
        var (c, _) = Run(10);

        Same.TrainingState(a, b);
        Assert.Equal(historyA.Epochs.Select(e => (e.Loss, e.ValidationLoss, e.ValidationAccuracy, e.LearningRate)),
            historyB.Epochs.Select(e => (e.Loss, e.ValidationLoss, e.ValidationAccuracy, e.LearningRate)));
        // The trainer's seed drives the shuffling: another seed, other weights.
        Assert.False(Same.Bits<float>(a.Weights(), c.Weights()), "the trainer seed had no effect");
    }

    [Fact]
    public void Online_training_with_batch_size_1_is_one_step_per_sample()
    {
        var data = TestData.Blobs<float>(45, seed: 7);
        var trained = new PlainClassifier();
        TrainingHistory history = new Trainer<float>(trained) { Epochs = 2, BatchSize = 1, Shuffle = false, Output = null }.Fit(data);

        var manual = new PlainClassifier();
        double lossSum = 0;
        for (int epoch = 0; epoch < 2; epoch++)
        {
            lossSum = 0;
            for (int i = 0; i < data.Count; i++) lossSum += manual.TrainStep(data.Features(i), data.Labels.AsSpan(i, 1));
        }

        Assert.Equal(90, trained.Step);
        Same.TrainingState(ModelState<float>.Of(manual), ModelState<float>.Of(trained));
        Assert.Equal(lossSum / data.Count, history.Epochs[1].Loss, 12);
    }

    [Fact]
    public void Full_batch_training_takes_one_step_per_epoch_on_the_whole_set()
    {
        var data = TestData.Blobs<float>(TestData.FullBatchCount, seed: 8);
        var trained = new FullBatchClassifier();
        TrainingHistory history = new Trainer<float>(trained) { Epochs = 4, Shuffle = false, Output = null }.Fit(data);

        var manual = new FullBatchClassifier();
        var losses = new double[4];
        for (int epoch = 0; epoch < 4; epoch++) losses[epoch] = manual.TrainStep(data.FeatureData, data.Labels);

        Assert.Equal([1L, 2, 3, 4], history.Epochs.Select(e => e.Step));
        Assert.Equal(losses, history.Epochs.Select(e => e.Loss));
        Same.TrainingState(ModelState<float>.Of(manual), ModelState<float>.Of(trained));
    }

    [Theory]
    [InlineData(true, 3)]
    [InlineData(false, 4)]
    public void DropLast_drops_the_final_partial_batch(bool dropLast, int batchesPerEpoch)
    {
        var data = TestData.Blobs<float>(50, seed: 9); // 3 batches of 16 and one of 2
        var trained = new PlainClassifier();
        TrainingHistory history = new Trainer<float>(trained) { Epochs = 2, DropLast = dropLast, Shuffle = false, Output = null }.Fit(data);

        var manual = new PlainClassifier();
        for (int epoch = 0; epoch < 2; epoch++)
            for (int b = 0; b < batchesPerEpoch; b++)
            {
                int start = 16 * b, count = Math.Min(16, data.Count - start);
                manual.TrainStep(data.FeatureData.AsSpan(start * 6, count * 6), data.Labels.AsSpan(start, count));
            }

        Assert.Equal([(long)batchesPerEpoch, 2L * batchesPerEpoch], history.Epochs.Select(e => e.Step));
        Same.TrainingState(ModelState<float>.Of(manual), ModelState<float>.Of(trained));
    }

    [Fact]
    public void A_trainer_batch_size_below_the_models_is_used()
    {
        var trained = new PlainClassifier();
        var data = TestData.Blobs<float>(40, seed: 11);
        new Trainer<float>(trained) { Epochs = 1, BatchSize = 5, Shuffle = false, Output = null }.Fit(data);

        var manual = new PlainClassifier();
        for (int b = 0; b < 8; b++) manual.TrainStep(data.FeatureData.AsSpan(b * 30, 30), data.Labels.AsSpan(b * 5, 5));
        Same.TrainingState(ModelState<float>.Of(manual), ModelState<float>.Of(trained));
    }

    [Fact]
    public void A_data_set_smaller_than_the_models_batch_size_trains_in_one_batch_per_epoch()
    {
        // A user's first experiment: 40 samples, a model declared with BatchSize = 64, the trainer's default batch size.
        // PyTorch's DataLoader and Keras's fit serve one partial batch per epoch.
        var data = TestData.Blobs<float>(40, seed: 12);
        var model = new WideBatchClassifier();
        TrainingHistory history = new Trainer<float>(model) { Epochs = 3, Output = null }.Fit(data);

        Assert.Equal([1L, 2, 3], history.Epochs.Select(e => e.Step));
    }

    [Fact]
    public void Progress_goes_to_the_given_writer_one_line_per_epoch()
    {
        var output = new StringWriter();
        new Trainer<float>(new PlainClassifier()) { Epochs = 3, Output = output }.Fit(Train, Validation);

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.DoesNotContain('\r', output.ToString().Replace("\r\n", "\n"));
        for (int e = 1; e <= 3; e++)
        {
            Assert.StartsWith($"Epoch {e}/3: loss ", lines[e - 1]);
            Assert.Contains("val_loss ", lines[e - 1]);
            Assert.Contains("val_accuracy ", lines[e - 1]);
        }
    }

    // ------------------------------------------------------------------ argument errors: thrown before any training

    private static void AssertUntrained(ITrainableModel<float> model, ModelState<float> before) =>
        Same.TrainingState(before, ModelState<float>.Of(model));

    [Fact]
    public void Wrong_feature_count_is_an_argument_error_naming_both_counts()
    {
        var model = new PlainClassifier();
        ModelState<float> before = ModelState<float>.Of(model);
        var trainer = new Trainer<float>(model) { Epochs = 1, Output = null };

        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(TestData.Blobs<float>(30, seed: 1, features: 5)));
        Assert.Equal("train", error.ParamName);
        Assert.Contains("6 features", error.Message);
        Assert.Contains("has 5", error.Message);

        var validationError = Assert.Throws<ArgumentException>(() => trainer.Fit(Train, TestData.Blobs<float>(30, seed: 1, features: 7)));
        Assert.Equal("validation", validationError.ParamName);
        AssertUntrained(model, before);
    }

    [Fact]
    public void A_classifier_given_a_regression_set_is_an_argument_error()
    {
        var model = new PlainClassifier();
        ModelState<float> before = ModelState<float>.Of(model);
        var regression = new Dataset<float>(new float[60], 6, new float[30], 3);

        var error = Assert.Throws<ArgumentException>(() => new Trainer<float>(model) { Output = null }.Fit(regression));
        Assert.Contains("classifier", error.Message);
        Assert.Equal("train", error.ParamName);
        AssertUntrained(model, before);
    }

    [Fact]
    public void A_regression_model_given_labels_or_the_wrong_target_count_is_an_argument_error()
    {
        var model = new Regressor();
        ModelState<float> before = ModelState<float>.Of(model);
        var trainer = new Trainer<float>(model) { Output = null };

        var labelled = new Dataset<float>(new float[40], 4, new int[10], 2);
        Assert.Contains("2 target values", Assert.Throws<ArgumentException>(() => trainer.Fit(labelled)).Message);
        var oneTarget = new Dataset<float>(new float[40], 4, new float[10], 1);
        Assert.Contains("2 target values", Assert.Throws<ArgumentException>(() => trainer.Fit(oneTarget)).Message);
        AssertUntrained(model, before);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_batch_size_outside_1_to_the_models_is_an_argument_error(int batchSize)
    {
        var model = new PlainClassifier();
        ModelState<float> before = ModelState<float>.Of(model);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<float>(model) { BatchSize = batchSize, Output = null }.Fit(Train));
        Assert.Equal("BatchSize", error.ParamName);
        Assert.Contains("1..16", error.Message);
        AssertUntrained(model, before);
    }

    [Fact]
    public void Zero_epochs_is_an_argument_error()
    {
        var model = new PlainClassifier();
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<float>(model) { Epochs = 0, Output = null }.Fit(Train));
        Assert.Equal(0, model.Step);
    }

    [Fact]
    public void Labels_beyond_the_models_classes_are_an_argument_error_before_any_step()
    {
        // Four classes for a three-output model: the last sample has label 3. The mistake should be reported before the
        // model is changed, not after a partial epoch.
        var features = TestData.Blobs<float>(48, seed: 13).FeatureData;
        var labels = new int[48];
        for (int i = 0; i < 48; i++) labels[i] = i % 3;
        labels[47] = 3;
        var data = new Dataset<float>(features, 6, labels, 4);
        var model = new PlainClassifier();
        ModelState<float> before = ModelState<float>.Of(model);

        Assert.ThrowsAny<ArgumentException>(() => new Trainer<float>(model) { Shuffle = false, Output = null }.Fit(data));
        AssertUntrained(model, before);
    }

    [Fact]
    public void A_null_model_or_data_set_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => new Trainer<float>(null!));
        Assert.Throws<ArgumentNullException>(() => new Trainer<float>(new PlainClassifier()).Fit(null!));
    }
}
