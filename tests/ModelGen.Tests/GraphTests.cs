using System;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Tests;

/// <summary>
/// Graph models (GraphModels.cs): finite differences against the backward pass of Add, Concat (vectors and images),
/// GlobalAvgPool2D and values with several readers, whose gradients are summed; a residual CNN that allocates nothing
/// and trains to the same bits on one thread and on all.
/// </summary>
public class GraphTests(ITestOutputHelper output)
{
    private void Report(string what, double worst) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: worst error {worst:G3} of the allowed {GradientCheck.Tolerance:G1}·max(1, |g|)"));

    [Fact]
    public void A_skip_connection_matches_finite_differences()
    {
        var model = new FdResidualMlp();
        GradientCheck.Randomize(FdResidualMlp.ParameterNames, model.Parameter, seed: 200);
        double[] x = TestData.Doubles(3 * FdResidualMlp.InputSize, seed: 21);
        int[] labels = TestData.Labels(3, FdResidualMlp.OutputSize, seed: 22);
        Assert.Equal(model.ComputeGradients(x, labels), model.Evaluate(x, labels), 12);
        Report(nameof(FdResidualMlp), GradientCheck.Check(FdResidualMlp.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, labels)));
    }

    [Fact]
    public void A_value_read_by_three_layers_and_a_branch_from_the_input_match_finite_differences()
    {
        var model = new FdThreeReaders();
        GradientCheck.Randomize(FdThreeReaders.ParameterNames, model.Parameter, seed: 210);
        double[] x = TestData.Doubles(4 * FdThreeReaders.InputSize, seed: 23);
        double[] y = TestData.Doubles(4 * FdThreeReaders.OutputSize, seed: 24);
        Assert.Equal(model.ComputeGradients(x, y), model.Evaluate(x, y), 12);
        Report(nameof(FdThreeReaders), GradientCheck.Check(FdThreeReaders.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, y)));
    }

    [Fact]
    public void Concatenated_images_and_global_average_pooling_match_finite_differences()
    {
        var model = new FdConcatImages();
        GradientCheck.Randomize(FdConcatImages.ParameterNames, model.Parameter, seed: 220);
        double[] x = TestData.Doubles(3 * FdConcatImages.InputSize, seed: 25);
        int[] labels = TestData.Labels(3, FdConcatImages.OutputSize, seed: 26);
        Assert.Equal(model.ComputeGradients(x, labels), model.Evaluate(x, labels), 12);
        Report(nameof(FdConcatImages), GradientCheck.Check(FdConcatImages.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, labels)));
    }

    [Fact]
    public void A_residual_block_with_batch_norm_added_to_the_input_matches_finite_differences()
    {
        // Batch norm: the perturbed loss must be the training-mode loss (batch statistics), ComputeGradients' own.
        var model = new FdResidualCnn();
        GradientCheck.Randomize(FdResidualCnn.ParameterNames, model.Parameter, seed: 230);
        double[] x = TestData.Doubles(4 * FdResidualCnn.InputSize, seed: 27);
        int[] labels = TestData.Labels(4, FdResidualCnn.OutputSize, seed: 28);
        model.ComputeGradients(x, labels);
        Report(nameof(FdResidualCnn), GradientCheck.Check(FdResidualCnn.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.ComputeGradients(x, labels)));
    }

    [Fact]
    public void A_residual_cnn_allocates_nothing()
    {
        var model = new ResidualCnn();
        float[] x = TestData.Floats(8 * ResidualCnn.InputSize, seed: 31);
        int[] labels = TestData.Labels(8, ResidualCnn.OutputSize, seed: 32);
        float[] many = TestData.Floats(19 * ResidualCnn.InputSize, seed: 33); // chunks of 8, 8 and 3
        int[] manyLabels = TestData.Labels(19, ResidualCnn.OutputSize, seed: 34);
        float[] outputs = new float[19 * ResidualCnn.OutputSize];
        Assert.True(float.IsFinite(model.TrainStep(x, labels)));

        Assert.Equal(0, Allocations.Steady(() => model.TrainStep(x, labels)));
        Assert.Equal(0, Allocations.Steady(() => model.TrainStep(x.AsSpan(0, 3 * ResidualCnn.InputSize), labels.AsSpan(0, 3))));
        Assert.Equal(0, Allocations.Steady(() => model.Predict(many, outputs)));
        Assert.Equal(0, Allocations.Steady(() => model.Evaluate(many, manyLabels)));
        Assert.Equal(0, Allocations.Steady(() => _ = model.InputGradient.Length));
    }

    [Fact]
    public void A_residual_cnn_trains_to_the_same_bits_on_one_thread_and_on_all()
    {
        var all = new ThreadedResidualCnn();
        var one = new SingleThreadedResidualCnn();
        float[] x = TestData.Floats(16 * ThreadedResidualCnn.InputSize, seed: 35);
        int[] labels = TestData.Labels(16, ThreadedResidualCnn.OutputSize, seed: 36);
        for (int step = 0; step < 3; step++)
            Assert.Equal(one.TrainStep(x, labels), all.TrainStep(x, labels));
        foreach (string name in ThreadedResidualCnn.ParameterNames)
            Assert.True(one.Parameter(name).SequenceEqual(all.Parameter(name)), $"{name} differs");
        foreach (string name in ThreadedResidualCnn.BufferNames)
            Assert.True(one.Buffer(name).SequenceEqual(all.Buffer(name)), $"{name} differs");
        Assert.True(one.InputGradient.SequenceEqual(all.InputGradient));
        float[] a = new float[5 * ThreadedResidualCnn.OutputSize], b = new float[a.Length];
        one.Predict(x.AsSpan(0, 5 * ThreadedResidualCnn.InputSize), a);
        all.Predict(x.AsSpan(0, 5 * ThreadedResidualCnn.InputSize), b);
        Assert.Equal(a, b);
    }
}
