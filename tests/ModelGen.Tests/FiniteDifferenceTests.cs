using System;
using Xunit;

namespace ModelGen.Tests;

/// <summary>
/// Central finite differences in double precision against the generated backward pass, for every activation
/// (fused and as layers) and every loss: (L(θ+h) − L(θ−h)) / 2h with h = 1e-6 has truncation error O(h²) ≈ 1e-12
/// and rounding error ≈ 1e-16/h = 1e-10, so analytic and numeric gradients agree to ~1e-8 when the code is right,
/// while a wrong term (a missing factor, a transposed index) is off by O(1).
/// </summary>
public class FiniteDifferenceTests
{
    private const double H = 1e-6;
    private const double Tolerance = 1e-7;

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

    private delegate Span<double> ParameterAccessor(string name);
    private delegate ReadOnlySpan<double> GradientAccessor(string name);

    /// <summary>Perturbs every parameter and every input in turn and compares the loss slope with the gradient.</summary>
    private static void CheckAll(double loss, System.Collections.Generic.IReadOnlyList<string> names,
        ParameterAccessor parameter, GradientAccessor gradient, double[] inputs, double[] inputGradient, Func<double> evaluate)
    {
        // In these models training and inference compute the same function, so Evaluate is the training loss.
        Assert.Equal(loss, evaluate(), 12);
        foreach (string name in names)
        {
            double[] analytic = gradient(name).ToArray();
            for (int i = 0; i < analytic.Length; i++)
            {
                double original = parameter(name)[i];
                parameter(name)[i] = original + H;
                double up = evaluate();
                parameter(name)[i] = original - H;
                double down = evaluate();
                parameter(name)[i] = original;
                AssertClose((up - down) / (2 * H), analytic[i], $"{name}[{i}]");
            }
        }
        for (int i = 0; i < inputs.Length; i++)
        {
            double original = inputs[i];
            inputs[i] = original + H;
            double up = evaluate();
            inputs[i] = original - H;
            double down = evaluate();
            inputs[i] = original;
            AssertClose((up - down) / (2 * H), inputGradient[i], $"input[{i}]");
        }
    }

    private static void AssertClose(double numeric, double analytic, string what)
    {
        double error = Math.Abs(numeric - analytic);
        Assert.True(error <= Tolerance * Math.Max(1, Math.Abs(analytic)),
            $"d loss / d {what}: finite difference {numeric:R}, backward pass {analytic:R} (error {error:E2})");
    }
}
