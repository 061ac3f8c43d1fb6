using System;
using System.Linq;
using Xunit;

namespace ModelGen.Tests;

/// <summary>
/// For a large first dense layer the generated code computes dLoss/dInputs only when InputGradient is read, from the
/// weights the backward pass used as the forward pass packed them (kept beside the next packing; computed early if a
/// second packing would write over them). The value must be exactly what an immediate read gives, whatever happens in
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
    public void Reading_after_the_weights_were_packed_twice_since_gives_what_reading_at_once_gives()
    {
        var atOnce = new WideInput();
        atOnce.ComputeGradients(X, Labels);
        double[] expected = atOnce.InputGradient.ToArray();

        var later = new WideInput();
        later.ComputeGradients(X, Labels);
        double[] outputs = new double[5 * WideInput.OutputSize];
        for (int change = 0; change < 3; change++)
        {
            later.ApplyGradients();              // a new version of the weights ...
            later.Predict(X, outputs);           // ... packed by inference: the second packing would write over the first
        }
        later.Parameter("dense0.weight")[1] -= 1;
        later.Predict(X, outputs);
        Assert.Equal(expected, later.InputGradient.ToArray());
    }

    [Fact]
    public void A_gradient_observer_that_reads_the_parameters_during_the_backward_pass_changes_nothing()
    {
        var atOnce = new WideInput();
        atOnce.ComputeGradients(X, Labels);
        double[] expected = atOnce.InputGradient.ToArray();

        // Parameter(name) counts as a write (a new weight version) though the observer only reads.
        var observed = new WideInput();
        ((ITrainableModel<double>)observed).GradientObserver = new ParameterReader(observed);
        observed.ComputeGradients(X, Labels);
        Assert.Equal(expected, observed.InputGradient.ToArray());
        observed.Predict(X, new double[5 * WideInput.OutputSize]);
        Assert.Equal(expected, observed.InputGradient.ToArray());
    }

    private sealed class ParameterReader(WideInput model) : IGradientObserver
    {
        public double Sum;
        public void GradientsReady(int offset, int count) => Sum += model.Parameter("dense0.weight")[0];
        public void BackwardCompleted() => Sum += model.Parameter("dense0.weight")[1];
    }

    [Fact]
    public void The_input_gradient_from_the_packed_weights_has_the_bits_of_the_one_from_the_weights()
    {
        foreach ((int n, int inputs, int outputs) in new[] { (64, 784, 128), (5, 50, 37), (1, 20, 5), (3, 33, 70) })
        {
            float[] x = TestData.Floats(n * inputs, seed: 71), w = TestData.Floats(outputs * inputs, seed: 72), dy = TestData.Floats(n * outputs, seed: 73);
            var packed = new ModelGen.Kernels.PackedWeights<float>(inputs, outputs, keepPrevious: true);
            ModelGen.Kernels.Dense.Forward<float>(x, w, packed, version: 7, ReadOnlySpan<float>.Empty, new float[n * outputs], n, inputs, outputs, threads: 0);
            float[] expected = new float[n * inputs];
            ModelGen.Kernels.Dense.InputGradient<float>(dy, w, expected, n, inputs, outputs, threads: 1);
            foreach (int threads in new[] { 1, 0 })
            {
                float[] dx = new float[n * inputs];
                ModelGen.Kernels.Dense.InputGradient<float>(dy, packed, 7, dx, n, inputs, outputs, threads);
                Assert.True(expected.AsSpan().SequenceEqual(dx), $"{n} x {inputs} x {outputs}, threads {threads}");
            }
            // Version 8 packed: 7 is the previous copy, still there; version 9 packed over it: gone.
            ModelGen.Kernels.Dense.Forward<float>(x, w, packed, version: 8, ReadOnlySpan<float>.Empty, new float[n * outputs], n, inputs, outputs);
            Assert.False(packed.WouldOverwrite(8, 9));
            Assert.True(packed.WouldOverwrite(7, 9));
            float[] again = new float[n * inputs];
            ModelGen.Kernels.Dense.InputGradient<float>(dy, packed, 7, again, n, inputs, outputs);
            Assert.True(expected.AsSpan().SequenceEqual(again));
            ModelGen.Kernels.Dense.Forward<float>(x, w, packed, version: 9, ReadOnlySpan<float>.Empty, new float[n * outputs], n, inputs, outputs);
            Assert.Throws<InvalidOperationException>(() => ModelGen.Kernels.Dense.InputGradient<float>(dy, packed, 7, again, n, inputs, outputs));
        }
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
