using System;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.NoFma.Tests;

/// <summary>
/// tanh and the logistic function without FMA: their vector forms run (128-bit here) with separate multiplies and adds,
/// within a few ulp of a double reference, and a value has the same bits in the vector body of a span as alone (the
/// scalar form), as with FMA.
/// </summary>
public class ActivationTests
{
    /// <summary>Float: at most this many ulp from the correctly rounded result (2 with FMA; the residuals are no longer exact).</summary>
    private const int FloatUlps = 4;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Float_results_are_within_a_few_ulp_and_the_same_in_a_span_as_alone(bool tanh)
    {
        // Every 7919th bit pattern of the finite floats in [−30, 30] (beyond which both functions are flat), both signs.
        var values = new System.Collections.Generic.List<float>();
        for (uint bits = 0; bits < 0x41F00000u; bits += 7919)
        {
            float v = BitConverter.UInt32BitsToSingle(bits);
            values.Add(v);
            values.Add(-v);
        }
        float[] x = values.ToArray(), y = new float[x.Length], alone = new float[1];
        Apply(tanh, x, y);
        long worst = 0;
        float worstX = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float expected = (float)(tanh ? Math.Tanh(x[i]) : 1 / (1 + Math.Exp(-(double)x[i])));
            long distance = Math.Abs(Ordered(y[i]) - Ordered(expected));
            if (distance > worst) (worst, worstX) = (distance, x[i]);
            if (i % 97 == 0)
            {
                Apply(tanh, x.AsSpan(i, 1), alone);
                Assert.True(BitConverter.SingleToInt32Bits(alone[0]) == BitConverter.SingleToInt32Bits(y[i]),
                    $"f({x[i]:R}) is {y[i]:R} in a span, {alone[0]:R} alone");
            }
        }
        Assert.True(worst <= FloatUlps, $"{(tanh ? "tanh" : "sigmoid")}({worstX:R}) is {worst} ulp from the correctly rounded result");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Double_results_are_within_a_few_ulp_of_the_double_functions(bool tanh)
    {
        var random = new Random(7);
        double[] x = new double[20_003], y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) x[i] = 40 * random.NextDouble() - 20;
        if (tanh) Activations.TanhForward<double>(x, y);
        else Activations.SigmoidForward<double>(x, y);
        double worst = 0, worstX = 0;
        for (int i = 0; i < x.Length; i++)
        {
            // Math.Tanh and Math.Exp are themselves within about 2 ulp, so the bound allows for both.
            double expected = tanh ? Math.Tanh(x[i]) : 1 / (1 + Math.Exp(-x[i]));
            double ulps = Math.Abs(y[i] - expected) / Ulp(expected);
            if (ulps > worst) (worst, worstX) = (ulps, x[i]);
        }
        Assert.True(worst <= 6, $"{(tanh ? "tanh" : "sigmoid")}({worstX:R}) is {worst} ulp from Math's");
    }

    private static void Apply(bool tanh, ReadOnlySpan<float> x, Span<float> y)
    {
        if (tanh) Activations.TanhForward<float>(x, y);
        else Activations.SigmoidForward<float>(x, y);
    }

    /// <summary>Bits as an integer that orders like the value, so a difference counts the floats between two values.</summary>
    private static long Ordered(float v)
    {
        int bits = BitConverter.SingleToInt32Bits(v);
        return bits < 0 ? int.MinValue - (long)bits : bits;
    }

    private static double Ulp(double v) => Math.BitIncrement(Math.Abs(v)) - Math.Abs(v);
}
