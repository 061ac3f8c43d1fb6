using System;
using Xunit;

namespace ModelGen.Tests;

/// <summary>
/// For a large first dense layer the generated code computes dLoss/dInputs only when InputGradient is read, from a copy
/// of the weights the backward pass used. The value must be exactly what an immediate read gives, whatever happens in
/// between (optimizer steps, writes to the parameters, inference).
/// </summary>
public class DeferredInputGradientTests
{
    private static readonly double[] X = TestData.Doubles(5 * WideInput.InputSize, seed: 31);
    private static readonly int[] Labels = TestData.Labels(5, WideInput.OutputSize, seed: 32);

    [Fact]
    public void Reading_later_gives_exactly_what_reading_at_once_gives()
    {
        var atOnce = new WideInput();
        atOnce.ComputeGradients(X, Labels);
        double[] expected = atOnce.InputGradient.ToArray();

        var later = new WideInput();
        later.ComputeGradients(X, Labels);
        later.ApplyGradients();                                  // the weights change
        later.Parameter("dense0.weight")[0] += 1;                // and are written directly
        later.Predict(X, new double[5 * WideInput.OutputSize]);  // and inference runs
        Assert.Equal(expected, later.InputGradient.ToArray());
        Assert.Equal(expected, later.InputGradient.ToArray());   // a second read gives the same
        Assert.Equal(5 * WideInput.InputSize, expected.Length);
    }

    [Fact]
    public void Each_backward_pass_replaces_the_pending_gradient()
    {
        var model = new WideInput();
        model.ComputeGradients(X, Labels);
        double[] first = model.InputGradient.ToArray();
        model.TrainStep(X.AsSpan(0, 2 * WideInput.InputSize), Labels.AsSpan(0, 2));
        Assert.Equal(2 * WideInput.InputSize, model.InputGradient.Length);

        // The twin runs the same backward passes (TrainStep's update comes after its backward pass) and reads at once.
        var twin = new WideInput();
        twin.ComputeGradients(X, Labels);
        twin.ComputeGradients(X.AsSpan(0, 2 * WideInput.InputSize), Labels.AsSpan(0, 2));
        double[] expected = twin.InputGradient.ToArray();
        Assert.Equal(expected, model.InputGradient.ToArray());
        Assert.NotEqual(first.AsSpan(0, 2 * WideInput.InputSize).ToArray(), model.InputGradient.ToArray());
    }

    [Fact]
    public void The_deferred_gradient_matches_finite_differences()
    {
        var model = new WideInput();
        model.ComputeGradients(X, Labels);
        model.ApplyGradients(); // so a stale read would use the wrong weights
        double[] analytic = model.InputGradient.ToArray();
        var fresh = new WideInput();
        double[] x = (double[])X.Clone();
        const double h = 1e-6;
        for (int i = 0; i < x.Length; i += 7)
        {
            double original = x[i];
            x[i] = original + h;
            double up = fresh.Evaluate(x, Labels);
            x[i] = original - h;
            double down = fresh.Evaluate(x, Labels);
            x[i] = original;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-7 * Math.Max(1, Math.Abs(analytic[i])), $"input[{i}]: {numeric:R} vs {analytic[i]:R}");
        }
    }

    [Fact]
    public void Reading_the_deferred_gradient_allocates_nothing()
    {
        var model = new WideInput();
        model.ComputeGradients(X, Labels);
        _ = model.InputGradient.Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            model.ComputeGradients(X, Labels);
            _ = model.InputGradient.Length;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
