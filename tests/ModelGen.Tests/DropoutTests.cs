using System;
using System.Globalization;
using System.Numerics;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Tests;

/// <summary>
/// Dropout's statistics and reproducibility, observed exactly through the probe models of LayerModels.cs: with
/// dense0.weight all 0, one sample and the target −0.5, the mean squared error's output gradient is 2·(0 − (−0.5)) = 1,
/// so dense0.weight's gradient is exactly the dropout layer's training output x·mask. Statistical bounds are five
/// standard deviations of the binomial (a correct implementation fails one with probability below 1e-6; the seeds are
/// fixed, so the outcome is reproducible anyway).
/// </summary>
public class DropoutTests(ITestOutputHelper output)
{
    private const int Features = DropoutProbe.Features;

    /// <summary>The dropout output (x·mask) of one training pass on the single sample <paramref name="x"/>.</summary>
    private static T[] Output<T>(IDropoutProbe<T> model, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        model.Parameter("dense0.weight").Clear();
        T[] target = [T.CreateChecked(-0.5)];
        model.ComputeGradients(x, target);
        return model.Gradient("dense0.weight").ToArray();
    }

    /// <summary>The mask factors (0 or 1/(1 − rate)) of one training pass: the output for inputs of 1.</summary>
    private static T[] Mask<T>(IDropoutProbe<T> model) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var ones = new T[Features];
        ones.AsSpan().Fill(T.One);
        return Output(model, ones);
    }

    private static T[] Inputs<T>(int seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        Array.ConvertAll(TestData.Doubles(Features, seed, scale: 2), v => T.CreateChecked(v == 0 ? 0.5 : v));

    public static TheoryData<string> Probes => new() { "0.2 double", "0.5 single", "0.75 double" };

    [Theory]
    [MemberData(nameof(Probes))]
    public void Keeps_one_minus_rate_of_the_values_scaled_by_exactly_one_over_one_minus_rate(string probe)
    {
        switch (probe)
        {
            case "0.2 double": KeptFractionAndScale(new DropoutProbe(), 0.2); break;
            case "0.5 single": KeptFractionAndScale(new DropoutProbeHalf(), 0.5); break;
            default: KeptFractionAndScale(new DropoutProbeHigh(), 0.75); break;
        }
    }

    /// <summary>
    /// Over 16 passes of 4096 values: the kept fraction is 1 − rate, neighbours are kept independently, every kept value
    /// is x·(1/(1 − rate)) to the last bit (the factor in the model's precision), and the sum of the outputs matches the
    /// sum of the inputs (inverted dropout preserves the expected activation).
    /// </summary>
    private void KeptFractionAndScale<T>(IDropoutProbe<T> model, double rate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int passes = 16;
        T scale = T.CreateTruncating(1.0 / (1.0 - rate));
        long kept = 0, pairs = 0, keptPairs = 0;
        double sumOutput = 0, sumInput = 0, sumSquares = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            T[] x = Inputs<T>(seed: 200 + pass);
            T[] y = Output(model, x);
            for (int k = 0; k < Features; k++)
            {
                bool keep = y[k] != T.Zero;
                Assert.True(keep ? y[k] == x[k] * scale : T.IsZero(y[k]),
                    $"rate {rate}: output {y[k]} for input {x[k]}; expected 0 or exactly {x[k] * scale} (x·{scale}).");
                kept += keep ? 1 : 0;
                if (k > 0)
                {
                    pairs++;
                    keptPairs += keep && y[k - 1] != T.Zero ? 1 : 0;
                }
                double xd = double.CreateChecked(x[k]);
                sumOutput += double.CreateChecked(y[k]);
                sumInput += xd;
                sumSquares += xd * xd;
            }
        }

        long count = (long)passes * Features;
        double p = 1 - rate, expectedKept = count * p, sigmaKept = Math.Sqrt(count * p * rate);
        // Var(x·mask) = x²·rate/(1 − rate) for each value.
        double sigmaSum = Math.Sqrt(sumSquares * rate / (1 - rate));
        double pairP = p * p, sigmaPairs = Math.Sqrt(pairs * pairP * (1 - pairP)); // (pairs overlap: a rough but ample bound)
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rate {rate}: kept {kept} of {count} ({(double)kept / count:F4}; {(kept - expectedKept) / sigmaKept:F2} σ), " +
            $"neighbours both kept {(double)keptPairs / pairs:F4} vs {pairP:F4} ({(keptPairs - pairs * pairP) / sigmaPairs:F2} σ), " +
            $"Σ output − Σ input {sumOutput - sumInput:F2} ({(sumOutput - sumInput) / sigmaSum:F2} σ)"));
        Assert.InRange(kept, expectedKept - 5 * sigmaKept, expectedKept + 5 * sigmaKept);
        Assert.InRange(keptPairs, pairs * pairP - 5 * sigmaPairs, pairs * pairP + 5 * sigmaPairs);
        Assert.InRange(sumOutput - sumInput, -5 * sigmaSum, 5 * sigmaSum);
    }

    [Fact]
    public void Predict_and_Evaluate_are_the_identity_and_draw_no_masks()
    {
        var model = new DropoutProbe();
        model.Parameter("dense0.weight").Fill(1); // Predict sums the dropout layer's output
        double[] x = new double[2 * Features];
        for (int i = 0; i < x.Length; i++) x[i] = 1 + i % 3; // small integers: every sum is exact in any order
        double expected0 = 0, expected1 = 0;
        for (int k = 0; k < Features; k++) { expected0 += x[k]; expected1 += x[Features + k]; }

        ulong state = model.RandomState;
        var outputs = new double[2];
        for (int repeat = 0; repeat < 3; repeat++)
        {
            model.Predict(x, outputs);
            Assert.Equal(new[] { expected0, expected1 }, outputs);
            double[] targets = [expected0 - 3, expected1 + 5];
            Assert.Equal((9.0 + 25.0) / 2, model.Evaluate(x, targets)); // the mean squared error of exact outputs
        }
        Assert.Equal(state, model.RandomState); // inference drew nothing

        model.ComputeGradients(x.AsSpan(0, Features), [0.0]);
        Assert.NotEqual(state, model.RandomState); // training does
    }

    [Fact]
    public void Identical_seeds_and_states_give_identical_masks_and_different_seeds_different_ones()
    {
        var a = new DropoutProbe(seed: 7);
        var b = new DropoutProbe(seed: 7);
        var c = new DropoutProbe(seed: 8);
        Assert.Equal(a.RandomState, b.RandomState);
        Assert.NotEqual(a.RandomState, c.RandomState);
        double[] first = Mask(a);
        for (int pass = 0; pass < 3; pass++)
        {
            double[] maskA = pass == 0 ? first : Mask(a), maskB = Mask(b), maskC = Mask(c);
            Assert.Equal(maskA, maskB);
            // Two independent masks of rate 0.2 differ in 2·0.2·0.8 = 32% of the positions.
            Assert.InRange(Differences(maskA, maskC), 0.25 * Features, 0.4 * Features);
        }
        Assert.InRange(Differences(first, Mask(a)), 0.25 * Features, 0.4 * Features); // and each pass draws a new one

        // The parameterless constructor uses [Model(Seed = 50)].
        Assert.Equal(Mask(new DropoutProbe(seed: 50)), Mask(new DropoutProbe()));
    }

    [Fact]
    public void RandomState_round_trip_resumes_the_same_masks()
    {
        var model = new DropoutProbe(seed: 3);
        ulong start = model.RandomState;
        double[] first = Mask(model);
        ulong middle = model.RandomState;
        double[] second = Mask(model);
        Assert.NotEqual(start, middle);
        Assert.NotEqual(first, second);

        model.RandomState = start; // rewind the same model
        Assert.Equal(first, Mask(model));
        Assert.Equal(middle, model.RandomState);
        Assert.Equal(second, Mask(model));

        var other = new DropoutProbe(seed: 99) { RandomState = middle }; // or carry the state to another model
        Assert.Equal(second, Mask(other));

        var single = new DropoutProbeHalf(seed: 3); // the state alone decides, whatever the seed and precision
        single.RandomState = 12345;
        float[] half = Mask(single);
        single.RandomState = 12345;
        Assert.Equal(half, Mask(single));
    }

    [Fact]
    public void Each_sample_of_a_batch_gets_its_own_mask()
    {
        var model = new DropoutProbe(seed: 5);
        model.Parameter("dense0.weight").Fill(1);
        var x = new double[2 * Features];
        x.AsSpan().Fill(1);
        model.ComputeGradients(x, [0.0, 0.0]);
        // dLoss/dx = dLoss/dy·w·mask: exactly 0 where the mask dropped the value, non-zero elsewhere.
        ReadOnlySpan<double> dx = model.InputGradient;
        int dropped0 = 0, dropped1 = 0, differ = 0;
        for (int k = 0; k < Features; k++)
        {
            bool d0 = dx[k] == 0, d1 = dx[Features + k] == 0;
            dropped0 += d0 ? 1 : 0;
            dropped1 += d1 ? 1 : 0;
            differ += d0 != d1 ? 1 : 0;
        }
        Assert.InRange(dropped0, 0.15 * Features, 0.25 * Features);
        Assert.InRange(dropped1, 0.15 * Features, 0.25 * Features);
        Assert.InRange(differ, 0.25 * Features, 0.4 * Features);
    }

    private static int Differences<T>(T[] a, T[] b) where T : IEquatable<T>
    {
        int count = 0;
        for (int i = 0; i < a.Length; i++) count += a[i].Equals(b[i]) ? 0 : 1;
        return count;
    }
}
