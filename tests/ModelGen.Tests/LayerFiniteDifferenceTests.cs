using System;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Tests;

/// <summary>
/// Finite differences (<see cref="GradientCheck"/>, double precision) against the generated backward pass of every
/// convolution, pooling, normalization and dropout layer (models in LayerModels.cs), every parameter and every input.
/// All parameters are first randomized (no γ of 1, no β or bias of 0). Where training and inference compute the same
/// function the perturbed loss is Evaluate's; with batch norm it must be the training-mode loss (batch statistics), so
/// ComputeGradients' own return value is used; with dropout likewise, with RandomState set to the same value before
/// every call so that every evaluation draws the same mask.
/// </summary>
public class LayerFiniteDifferenceTests(ITestOutputHelper output)
{
    private void Report(string what, double worst) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: worst error {worst:G3} of the allowed {GradientCheck.Tolerance:G1}·max(1, |g|)"));

    [Fact]
    public void Valid_convolutions_match_finite_differences()
    {
        var model = new FdConvValid();
        GradientCheck.Randomize(FdConvValid.ParameterNames, model.Parameter, seed: 100);
        double[] x = TestData.Doubles(3 * FdConvValid.InputSize, seed: 1);
        double[] y = TestData.Doubles(3 * FdConvValid.OutputSize, seed: 2);
        Assert.Equal(model.ComputeGradients(x, y), model.Evaluate(x, y), 12);
        Report(nameof(FdConvValid), GradientCheck.Check(FdConvValid.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, y)));
    }

    [Fact]
    public void Strided_convolutions_match_finite_differences()
    {
        var model = new FdConvStrided();
        GradientCheck.Randomize(FdConvStrided.ParameterNames, model.Parameter, seed: 110);
        double[] x = TestData.Doubles(3 * FdConvStrided.InputSize, seed: 3);
        int[] labels = TestData.Labels(3, FdConvStrided.OutputSize, seed: 4);
        Assert.Equal(model.ComputeGradients(x, labels), model.Evaluate(x, labels), 12);
        // Input rows 2 and 5 and columns 2, 5 and 6 reach no window of the stride-3 convolution: their gradient is 0.
        ReadOnlySpan<double> dx = model.InputGradient;
        for (int s = 0; s < 3; s++)
            for (int c = 0; c < 2; c++)
                for (int h = 0; h < 8; h++)
                    for (int w = 0; w < 7; w++)
                        if (h is 2 or 5 || w is 2 or 5 or 6)
                            Assert.Equal(0.0, dx[((s * 2 + c) * 8 + h) * 7 + w]);
        Report(nameof(FdConvStrided), GradientCheck.Check(FdConvStrided.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, labels)));
    }

    [Fact]
    public void Same_padded_convolutions_with_odd_and_even_kernels_match_finite_differences()
    {
        var model = new FdConvSame();
        GradientCheck.Randomize(FdConvSame.ParameterNames, model.Parameter, seed: 120);
        double[] x = TestData.Doubles(3 * FdConvSame.InputSize, seed: 5);
        int[] labels = TestData.Labels(3, FdConvSame.OutputSize, seed: 6);
        Assert.Equal(model.ComputeGradients(x, labels), model.Evaluate(x, labels), 12);
        Report(nameof(FdConvSame), GradientCheck.Check(FdConvSame.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, labels)));
    }

    [Fact]
    public void Max_pooling_matches_finite_differences()
    {
        var model = new FdMaxPool();
        GradientCheck.Randomize(FdMaxPool.ParameterNames, model.Parameter, seed: 130);
        double[] x = TestData.Doubles(3 * FdMaxPool.InputSize, seed: 7);
        double[] y = TestData.Doubles(3 * FdMaxPool.OutputSize, seed: 8);
        Assert.Equal(model.ComputeGradients(x, y), model.Evaluate(x, y), 12);
        Report(nameof(FdMaxPool), GradientCheck.Check(FdMaxPool.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, y)));
    }

    [Fact]
    public void Average_pooling_matches_finite_differences()
    {
        var model = new FdAvgPool();
        GradientCheck.Randomize(FdAvgPool.ParameterNames, model.Parameter, seed: 140);
        double[] x = TestData.Doubles(3 * FdAvgPool.InputSize, seed: 9);
        int[] labels = TestData.Labels(3, FdAvgPool.OutputSize, seed: 10);
        Assert.Equal(model.ComputeGradients(x, labels), model.Evaluate(x, labels), 12);
        Report(nameof(FdAvgPool), GradientCheck.Check(FdAvgPool.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, labels)));
    }

    [Fact]
    public void Batch_norm_after_a_vector_matches_finite_differences_in_training_mode()
    {
        var model = new FdBatchNormVector();
        GradientCheck.Randomize(FdBatchNormVector.ParameterNames, model.Parameter, seed: 150);
        double[] x = TestData.Doubles(6 * FdBatchNormVector.InputSize, seed: 11);
        double[] y = TestData.Doubles(6 * FdBatchNormVector.OutputSize, seed: 12);
        double loss = TrainingLossIgnoresRunningStatistics(() => model.ComputeGradients(x, y), model.Buffer, FdBatchNormVector.BufferNames);
        Assert.NotEqual(loss, model.Evaluate(x, y)); // inference normalizes with the running statistics instead
        Report(nameof(FdBatchNormVector), GradientCheck.Check(FdBatchNormVector.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.ComputeGradients(x, y)));
    }

    [Fact]
    public void Batch_norm_after_an_image_matches_finite_differences_in_training_mode()
    {
        var model = new FdBatchNormImage();
        GradientCheck.Randomize(FdBatchNormImage.ParameterNames, model.Parameter, seed: 160);
        double[] x = TestData.Doubles(3 * FdBatchNormImage.InputSize, seed: 13);
        int[] labels = TestData.Labels(3, FdBatchNormImage.OutputSize, seed: 14);
        double loss = TrainingLossIgnoresRunningStatistics(() => model.ComputeGradients(x, labels), model.Buffer, FdBatchNormImage.BufferNames);
        Assert.NotEqual(loss, model.Evaluate(x, labels));
        Report(nameof(FdBatchNormImage), GradientCheck.Check(FdBatchNormImage.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.ComputeGradients(x, labels)));
    }

    [Fact]
    public void Layer_norm_after_an_image_and_a_vector_matches_finite_differences()
    {
        var model = new FdLayerNorm();
        GradientCheck.Randomize(FdLayerNorm.ParameterNames, model.Parameter, seed: 170);
        double[] x = TestData.Doubles(3 * FdLayerNorm.InputSize, seed: 15);
        double[] y = TestData.Doubles(3 * FdLayerNorm.OutputSize, seed: 16);
        Assert.Equal(model.ComputeGradients(x, y), model.Evaluate(x, y), 12); // layer norm has no running statistics
        Report(nameof(FdLayerNorm), GradientCheck.Check(FdLayerNorm.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, y)));
    }

    [Fact]
    public void Dropout_with_a_fixed_mask_matches_finite_differences()
    {
        var model = new FdDropout();
        GradientCheck.Randomize(FdDropout.ParameterNames, model.Parameter, seed: 180);
        // 3 samples of BatchSize 4: 81 and 18 dropped-out values, so the vectorized kernels run their scalar tails too.
        double[] x = TestData.Doubles(3 * FdDropout.InputSize, seed: 17);
        int[] labels = TestData.Labels(3, FdDropout.OutputSize, seed: 18);
        ulong state = model.RandomState;
        double Loss()
        {
            model.RandomState = state; // the same mask for every evaluation
            return model.ComputeGradients(x, labels);
        }

        double loss = Loss();
        Assert.Equal(loss, Loss()); // the same state draws the same mask
        Assert.NotEqual(loss, model.ComputeGradients(x, labels)); // the next state draws another: the mask is in play
        Assert.NotEqual(loss, model.Evaluate(x, labels)); // inference drops nothing
        Loss(); // leave the gradients of the fixed mask for the check
        Report(nameof(FdDropout), GradientCheck.Check(FdDropout.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient, Loss));
    }

    /// <summary>
    /// Runs <paramref name="computeGradients"/> twice: the running statistics move (a training pass updates them), the
    /// training-mode loss does not (it uses the batch statistics only). Returns the loss, with the gradients of the
    /// second pass left in the model.
    /// </summary>
    private static double TrainingLossIgnoresRunningStatistics(Func<double> computeGradients, GradientCheck.ParameterAccessor buffer,
        System.Collections.Generic.IReadOnlyList<string> bufferNames)
    {
        Assert.NotEmpty(bufferNames);
        double first = computeGradients();
        double[][] before = Array.ConvertAll(System.Linq.Enumerable.ToArray(bufferNames), name => buffer(name).ToArray());
        double second = computeGradients();
        Assert.Equal(first, second);
        for (int b = 0; b < bufferNames.Count; b++)
            Assert.NotEqual(before[b], buffer(bufferNames[b]).ToArray());
        return second;
    }
}
