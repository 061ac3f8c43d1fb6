using System;
using Xunit;

namespace ModelGen.Tests;

/// <summary>
/// Central finite differences in double precision (<see cref="GradientCheck"/>) against the generated backward pass,
/// for every activation (fused and as layers) and every loss. The convolution, pooling, normalization and dropout layers
/// are checked in <see cref="LayerFiniteDifferenceTests"/>.
/// </summary>
public class FiniteDifferenceTests
{

    [Fact]
    public void Regression_with_every_activation_matches_finite_differences()
    {
        var model = new FdRegression();
        double[] x = TestData.Doubles(4 * FdRegression.InputSize, seed: 1);
        double[] y = TestData.Doubles(4 * FdRegression.OutputSize, seed: 2);
        CheckAll(model.ComputeGradients(x, y), FdRegression.ParameterNames, model.Parameter, model.Gradient,
            x, model.InputGradient.ToArray(), () => model.Evaluate(x, y));
    }

    [Fact]
    public void Classifier_with_softmax_and_cross_entropy_matches_finite_differences()
    {
        var model = new FdClassifier();
        double[] x = TestData.Doubles(5 * FdClassifier.InputSize, seed: 3, scale: 2);
        int[] labels = TestData.Labels(5, FdClassifier.OutputSize, seed: 4);
        CheckAll(model.ComputeGradients(x, labels), FdClassifier.ParameterNames, model.Parameter, model.Gradient,
            x, model.InputGradient.ToArray(), () => model.Evaluate(x, labels));
    }

    [Fact]
    public void Binary_cross_entropy_matches_finite_differences()
    {
        var model = new FdBinary();
        double[] x = TestData.Doubles(6 * FdBinary.InputSize, seed: 5, scale: 3);
        double[] y = TestData.Probabilities(6 * FdBinary.OutputSize, seed: 6);
        CheckAll(model.ComputeGradients(x, y), FdBinary.ParameterNames, model.Parameter, model.Gradient,
            x, model.InputGradient.ToArray(), () => model.Evaluate(x, y));
    }

    /// <summary>
    /// <see cref="GradientCheck.Check"/> with Evaluate as the loss: in these models training and inference compute the
    /// same function, so Evaluate must give the training loss.
    /// </summary>
    private static void CheckAll(double loss, System.Collections.Generic.IReadOnlyList<string> names,
        GradientCheck.ParameterAccessor parameter, GradientCheck.GradientAccessor gradient, double[] inputs, double[] inputGradient,
        Func<double> evaluate)
    {
        Assert.Equal(loss, evaluate(), 12);
        GradientCheck.Check(names, parameter, gradient, inputs, inputGradient, evaluate);
    }
}
