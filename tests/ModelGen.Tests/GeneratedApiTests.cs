using System;
using System.Linq;
using Xunit;

namespace ModelGen.Tests;

/// <summary>The contract's generated members: constants, names, modes, argument errors and what they leave untouched.</summary>
public class GeneratedApiTests
{
    [Fact]
    public void Constants_describe_the_declaration()
    {
        Assert.Equal(20, SmallClassifier.InputSize);
        Assert.Equal(4, SmallClassifier.OutputSize);
        Assert.Equal(16, SmallClassifier.BatchSize);
        Assert.Equal(20 * 32 + 32 + 32 * 4 + 4, SmallClassifier.ParameterCount);
        Assert.Equal(6, InferenceOnly.InputSize); // [1 x 2 x 3]
        Assert.Equal(new[] { "dense0.weight", "dense0.bias", "dense1.weight", "dense1.bias" }, SmallClassifier.ParameterNames);
        Assert.Empty(SmallClassifier.BufferNames);
        int total = SmallClassifier.ParameterNames.Sum(n => new SmallClassifier().Parameter(n).Length);
        Assert.Equal(SmallClassifier.ParameterCount, total);
    }

    [Fact]
    public void Precision_double_generates_double_members()
    {
        Assert.Equal(typeof(double), typeof(FdBinary).GetMethod("ComputeGradients")!.ReturnType);
        Assert.Equal(typeof(float), typeof(SmallBinary).GetMethod("ComputeGradients")!.ReturnType);
        Assert.Equal(typeof(ReadOnlySpan<int>), typeof(SmallClassifier).GetMethod("TrainStep")!.GetParameters()[1].ParameterType);
        Assert.Equal(typeof(ReadOnlySpan<float>), typeof(SmallRegression).GetMethod("TrainStep")!.GetParameters()[1].ParameterType);
    }

    [Fact]
    public void Inference_only_models_have_no_training_members()
    {
        foreach (string member in new[] { "ComputeGradients", "ApplyGradients", "TrainStep", "Evaluate", "LearningRate", "Step", "Gradient", "InputGradient" })
            Assert.Empty(typeof(InferenceOnly).GetMember(member));
        var model = new InferenceOnly();
        float[] outputs = new float[2 * InferenceOnly.OutputSize];
        model.Predict(TestData.Floats(2 * InferenceOnly.InputSize, seed: 1), outputs);
        // The last layer is a softmax: each row sums to 1.
        Assert.Equal(1f, outputs[0] + outputs[1], 5);
        Assert.Equal(1f, outputs[2] + outputs[3], 5);
    }

    [Fact]
    public void Same_seed_gives_same_weights_and_the_default_seed_is_the_attributes()
    {
        foreach (string name in SmallClassifier.ParameterNames)
        {
            Assert.Equal(new SmallClassifier().Parameter(name).ToArray(), new SmallClassifier(5).Parameter(name).ToArray());
            Assert.Equal(new SmallClassifier(77).Parameter(name).ToArray(), new SmallClassifier(77).Parameter(name).ToArray());
        }
        Assert.NotEqual(new SmallClassifier(1).Parameter("dense0.weight").ToArray(), new SmallClassifier(2).Parameter("dense0.weight").ToArray());
    }

    [Fact]
    public void Training_is_deterministic()
    {
        float[] x = TestData.Floats(16 * SmallClassifier.InputSize, seed: 3);
        int[] labels = TestData.Labels(16, SmallClassifier.OutputSize, seed: 4);
        float[] Train()
        {
            var model = new SmallClassifier();
            for (int i = 0; i < 20; i++) model.TrainStep(x, labels);
            return model.Parameter("dense0.weight").ToArray();
        }
        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void Initial_weights_follow_the_initializer_and_biases_start_at_zero()
    {
        var model = new SmallClassifier();
        float limit = MathF.Sqrt(6f / (20 + 32)); // Glorot uniform, fan_in 20, fan_out 32
        float[] w = model.Parameter("dense0.weight").ToArray();
        Assert.All(w, v => Assert.InRange(v, -limit, limit));
        Assert.True(w.Max() > 0.8f * limit && w.Min() < -0.8f * limit, "the weights should spread over the whole range");
        Assert.All(model.Parameter("dense0.bias").ToArray(), v => Assert.Equal(0f, v));
        Assert.All(new FdRegression().Parameter("dense4.bias").ToArray(), v => Assert.Equal(1.0, v)); // BiasInit = Ones
    }

    [Fact]
    public void Wrong_lengths_throw_naming_the_expected_length_and_change_nothing()
    {
        var model = new SmallClassifier();
        float[] before = model.Parameter("dense0.weight").ToArray();
        float[] x = TestData.Floats(3 * SmallClassifier.InputSize, seed: 5);

        var e = Assert.Throws<ArgumentException>(() => model.ComputeGradients(x.AsSpan(0, 59), [0, 1, 2]));
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("n * 20", e.Message);

        e = Assert.Throws<ArgumentException>(() => model.ComputeGradients(x, [0, 1]));
        Assert.Equal("labels", e.ParamName);
        Assert.Contains("3", e.Message);

        e = Assert.Throws<ArgumentException>(() => model.TrainStep(x, [0, 4, 1]));
        Assert.Equal("labels", e.ParamName);
        Assert.Contains("0..3", e.Message);

        e = Assert.Throws<ArgumentException>(() => model.TrainStep(x, [0, -1, 1]));
        Assert.Contains("labels[1] is -1", e.Message);

        float[] tooMany = new float[17 * SmallClassifier.InputSize];
        e = Assert.Throws<ArgumentException>(() => model.TrainStep(tooMany, new int[17]));
        Assert.Contains("BatchSize = 16", e.Message);

        e = Assert.Throws<ArgumentException>(() => model.Predict(x, new float[11]));
        Assert.Equal("outputs", e.ParamName);
        Assert.Contains("12", e.Message);

        // No samples: Predict has nothing to do (any n ≥ 0); Evaluate's mean over no samples is undefined.
        model.Predict(ReadOnlySpan<float>.Empty, Span<float>.Empty);
        e = Assert.Throws<ArgumentException>(() => model.Predict(ReadOnlySpan<float>.Empty, new float[SmallClassifier.OutputSize]));
        Assert.Equal("outputs", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => model.Evaluate(ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty));
        Assert.Equal("inputs", e.ParamName);

        var regression = new SmallRegression();
        e = Assert.Throws<ArgumentException>(() => regression.TrainStep(new float[10], new float[5]));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("6", e.Message);

        Assert.Equal(before, model.Parameter("dense0.weight").ToArray());
        Assert.Equal(0, model.Step);
        Assert.Equal(0, model.InputGradient.Length);
    }

    [Fact]
    public void Unknown_names_throw_listing_the_known_ones()
    {
        var model = new SmallClassifier();
        var e = Assert.Throws<ArgumentException>(() => model.Parameter("dense2.weight"));
        Assert.Contains("dense0.weight", e.Message);
        Assert.Throws<ArgumentException>(() => model.Gradient("dense0.gamma"));
        e = Assert.Throws<ArgumentException>(() => model.Buffer("batchnorm0.running_mean"));
        Assert.Contains("no buffer", e.Message);
    }

    [Fact]
    public void Learning_rate_starts_at_the_attributes_and_rejects_nonsense()
    {
        var model = new SmallClassifier();
        Assert.Equal(0.05f, model.LearningRate);
        model.LearningRate = 0;
        Assert.Equal(0f, model.LearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.LearningRate = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.LearningRate = float.NaN);
    }

    [Fact]
    public void Compute_gradients_leaves_parameters_alone_and_apply_gradients_uses_the_learning_rate()
    {
        var model = new SmallRegression(); // plain SGD: θ ← θ − lr·g
        float[] x = TestData.Floats(8 * SmallRegression.InputSize, seed: 6);
        float[] y = TestData.Floats(8 * SmallRegression.OutputSize, seed: 7);
        float[] before = model.Parameter("dense1.weight").ToArray();
        model.ComputeGradients(x, y);
        Assert.Equal(before, model.Parameter("dense1.weight").ToArray());
        float[] gradient = model.Gradient("dense1.weight").ToArray();
        model.LearningRate = 0.5f;
        model.ApplyGradients();
        float[] after = model.Parameter("dense1.weight").ToArray();
        for (int i = 0; i < after.Length; i++) Assert.Equal(before[i] - 0.5f * gradient[i], after[i], 6);
        Assert.Equal(1, model.Step);
    }

    [Fact]
    public void Predict_in_chunks_equals_predict_row_by_row()
    {
        var model = new SmallClassifier();
        float[] x = TestData.Floats(37 * SmallClassifier.InputSize, seed: 8);
        float[] all = new float[37 * SmallClassifier.OutputSize];
        model.Predict(x, all);
        float[] one = new float[SmallClassifier.OutputSize];
        for (int row = 0; row < 37; row++)
        {
            model.Predict(x.AsSpan(row * SmallClassifier.InputSize, SmallClassifier.InputSize), one);
            Assert.Equal(one, all.AsSpan(row * SmallClassifier.OutputSize, SmallClassifier.OutputSize).ToArray());
        }
    }

    [Fact]
    public void Evaluate_over_many_rows_is_the_mean_of_the_per_row_losses()
    {
        var model = new FdClassifier();
        double[] x = TestData.Doubles(13 * FdClassifier.InputSize, seed: 9);
        int[] labels = TestData.Labels(13, FdClassifier.OutputSize, seed: 10);
        double sum = 0;
        for (int row = 0; row < 13; row++)
            sum += model.Evaluate(x.AsSpan(row * FdClassifier.InputSize, FdClassifier.InputSize), labels.AsSpan(row, 1));
        Assert.Equal(sum / 13, model.Evaluate(x, labels), 12);
    }

    [Fact]
    public void Cross_entropy_is_stable_for_huge_logits()
    {
        var model = new FdClassifier();
        model.Parameter("dense2.weight").Fill(0);
        double[] bias = [1000, -1000, 0];
        bias.CopyTo(model.Parameter("dense2.bias"));
        double[] x = TestData.Doubles(FdClassifier.InputSize, seed: 11);
        Assert.Equal(0.0, model.Evaluate(x, [0]), 12);
        Assert.Equal(2000.0, model.Evaluate(x, [1]), 9);
        Assert.Equal(1000.0, model.Evaluate(x, [2]), 9);
    }

    [Fact]
    public void Binary_cross_entropy_is_stable_for_huge_logits()
    {
        var model = new FdBinary();
        model.Parameter("dense1.weight").Fill(0);
        double[] bias = [800, -800];
        bias.CopyTo(model.Parameter("dense1.bias"));
        double[] x = TestData.Doubles(FdBinary.InputSize, seed: 12);
        Assert.Equal(0.0, model.Evaluate(x, [1, 0]), 12);
        Assert.Equal(400.0, model.Evaluate(x, [0, 0]), 9); // mean of 800 and 0
    }

    [Fact]
    public void Quick_start_xor_learns()
    {
        var model = new SmallBinary();
        // A separable toy problem: label = 1 when the first feature is positive.
        float[] x = TestData.Floats(8 * SmallBinary.InputSize, seed: 13);
        float[] y = new float[8];
        for (int i = 0; i < 8; i++) y[i] = x[i * SmallBinary.InputSize] > 0 ? 1 : 0;
        float first = model.Evaluate(x, y);
        for (int i = 0; i < 300; i++) model.TrainStep(x, y);
        Assert.True(model.Evaluate(x, y) < first / 5, $"loss went from {first} to {model.Evaluate(x, y)}");
    }
}
