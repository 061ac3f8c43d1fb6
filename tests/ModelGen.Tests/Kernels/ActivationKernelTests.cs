using System;
using System.Collections.Generic;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// <see cref="Activations.TanhForward{T}(ReadOnlySpan{T}, Span{T})"/> and
/// <see cref="Activations.SigmoidForward{T}(ReadOnlySpan{T}, Span{T})"/> in float and double: accuracy against a more
/// precise reference (every 97th float bit pattern; 100 000 doubles against double-double arithmetic), special values,
/// and the same bits for a value wherever it sits in a span (vector body or scalar tail) and in place or not.
/// </summary>
public class ActivationKernelTests
{
    // ---------------------------------------------------------------------------------------------------------------
    // Float: against double references (Math.Tanh and Math.Exp are within a few double ulp, 2^-29 float ulp or so).
    // ---------------------------------------------------------------------------------------------------------------

    [Fact]
    public void Float_tanh_is_within_2_ulp_of_the_correctly_rounded_result() =>
        AssertFloatUlps(tanh: true);

    [Fact]
    public void Float_sigmoid_is_within_2_ulp_of_the_correctly_rounded_result() =>
        AssertFloatUlps(tanh: false);

    private static void AssertFloatUlps(bool tanh)
    {
        const int chunk = 4096;
        float[] x = new float[chunk], y = new float[chunk];
        long worst = 0;
        float worstX = 0;
        int m = 0;
        void Flush()
        {
            if (tanh) Activations.TanhForward<float>(x.AsSpan(0, m), y.AsSpan(0, m));
            else Activations.SigmoidForward<float>(x.AsSpan(0, m), y.AsSpan(0, m));
            for (int i = 0; i < m; i++)
            {
                if (!float.IsFinite(x[i])) continue; // special values: below
                float expected = (float)(tanh ? Math.Tanh(x[i]) : SigmoidReference(x[i]));
                long distance = Math.Abs(OrderedBits(y[i]) - OrderedBits(expected));
                if (distance > worst) (worst, worstX) = (distance, x[i]);
            }
            m = 0;
        }
        foreach (float v in FloatSamples())
        {
            x[m++] = v;
            if (m == chunk) Flush();
        }
        Flush();
        Assert.True(worst <= 2, $"{(tanh ? "tanh" : "sigmoid")}({worstX:R}) is {worst} ulp from the correctly rounded result");
    }

    /// <summary>Every 97th bit pattern (both signs, all exponents, subnormals), and the neighbourhoods of the switch points.</summary>
    private static IEnumerable<float> FloatSamples()
    {
        for (ulong bits = 0; bits <= uint.MaxValue; bits += 97) yield return BitConverter.UInt32BitsToSingle((uint)bits);
        foreach (float center in new[] { 0.5625f, 9.01f, 17.33f, 87.34f, 103.28f, 103.97f, 1e-4f, 1.0f })
        {
            int b = BitConverter.SingleToInt32Bits(center);
            for (int d = -300; d <= 300; d++)
            {
                float v = BitConverter.Int32BitsToSingle(b + d);
                yield return v;
                yield return -v;
            }
        }
    }

    private static double SigmoidReference(double x)
    {
        if (x >= 0) return 1 / (1 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1 + e);
    }

    /// <summary>Bits as an integer that orders like the value (−0 and +0 next to each other), so differences count ulp.</summary>
    private static long OrderedBits(float v)
    {
        int b = BitConverter.SingleToInt32Bits(v);
        return b < 0 ? -(long)(b & int.MaxValue) : b;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Double: against double-double arithmetic (about 100 bits), since Math.Tanh itself is off by up to about 2 ulp.
    // ---------------------------------------------------------------------------------------------------------------

    [Fact]
    public void Double_tanh_and_sigmoid_are_within_2_ulp_of_the_exact_result()
    {
        List<double> samples = DoubleSamples();
        double[] x = samples.ToArray(), t = new double[x.Length], s = new double[x.Length];
        Activations.TanhForward<double>(x, t);
        Activations.SigmoidForward<double>(x, s);
        double worstTanh = 0, worstSigmoid = 0, worstTanhX = 0, worstSigmoidX = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = UlpError(t[i], TanhExact(x[i]));
            if (e > worstTanh) (worstTanh, worstTanhX) = (e, x[i]);
            e = UlpError(s[i], SigmoidExact(x[i]));
            if (e > worstSigmoid) (worstSigmoid, worstSigmoidX) = (e, x[i]);
        }
        Assert.True(worstTanh <= 2, $"tanh({worstTanhX:R}) is {worstTanh} ulp off");
        Assert.True(worstSigmoid <= 2, $"sigmoid({worstSigmoidX:R}) is {worstSigmoid} ulp off");
    }

    private static List<double> DoubleSamples()
    {
        var random = new Random(20240611);
        var samples = new List<double>();
        for (int i = 0; i < 100_000; i++)
        {
            double v = (i % 4) switch
            {
                0 => Math.Exp(random.NextDouble() * Math.Log(800 / 1e-300)) * 1e-300, // every magnitude up to 800
                1 => 40 * random.NextDouble(),
                2 => 3 * random.NextDouble(),
                _ => BitConverter.Int64BitsToDouble(random.NextInt64(0x7FF0_0000_0000_0000)), // any finite bit pattern
            };
            samples.Add(random.Next(2) == 0 ? v : -v);
        }
        foreach (double center in new[] { 0.5625, 19.06, 36.7, 708.4, 744.4, 745.13, 1e-8, 1.0 })
            for (int d = -200; d <= 200; d++)
            {
                double v = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(center) + d);
                samples.Add(v);
                samples.Add(-v);
            }
        return samples;
    }

    /// <summary>|actual − exact| in ulp of the exact value <c>m·2^scale</c> (double ulp, subnormal spacing below 2^−1022).</summary>
    private static double UlpError(double actual, (DD m, int scale) exact)
    {
        int exponent = Math.Max(Math.ILogB(exact.m.Hi) + exact.scale, -1022);
        double ulp = Math.ScaleB(1.0, exponent - 52 - exact.scale);
        return Math.Abs((Math.ScaleB(actual, -exact.scale) - exact.m).Hi) / ulp;
    }

    private static (DD, int) TanhExact(double x)
    {
        double a = Math.Abs(x);
        DD t;
        if (a > 40)
            t = 1; // 1 − tanh a < 2^−114
        else if (a < 0.5)
        {
            DD em = ExpM1(-2 * a); // tanh a = −expm1(−2a)/(2 + expm1(−2a)): no cancellation for small a
            t = -em / (em + 2);
        }
        else
        {
            (DD m, int n) = Exp(-2 * a);
            DD e = new(Math.ScaleB(m.Hi, n), Math.ScaleB(m.Lo, n));
            t = (1 - e) / (1 + e);
        }
        return (x < 0 ? -t : t, 0);
    }

    private static (DD, int) SigmoidExact(double x)
    {
        (DD m, int n) = Exp(-Math.Abs(x));
        DD e = new(Math.ScaleB(m.Hi, n), Math.ScaleB(m.Lo, n));
        return x >= 0 ? (1 / (1 + e), 0) : (m / (1 + e), n); // e^−|x|/(1 + e^−|x|), kept scaled: it may be subnormal
    }

    private static readonly DD Ln2 = new(0.6931471805599453, 2.3190468138462996e-17);

    /// <summary><c>e^z = m·2^n</c>, <c>m ∈ [0.7, 1.42]</c>, to about 100 bits.</summary>
    private static (DD m, int n) Exp(double z)
    {
        if (z < -1100) return (0, 0);
        double n = Math.Round(z / Ln2.Hi);
        DD r = (DD)z - Ln2 * n;
        return (1 + ExpM1(r), (int)n);
    }

    /// <summary><c>e^r − 1</c> by its Taylor series, for <c>|r| ≤ 1.2</c>.</summary>
    private static DD ExpM1(DD r)
    {
        DD sum = r, term = r;
        for (int k = 2; k < 40; k++)
        {
            term = term * r / k;
            sum += term;
            if (Math.Abs(term.Hi) < 1e-40 * Math.Abs(sum.Hi)) break;
        }
        return sum;
    }

    /// <summary>A double-double <c>Hi + Lo</c>: about 106 bits.</summary>
    private readonly record struct DD(double Hi, double Lo)
    {
        public static implicit operator DD(double v) => new(v, 0);

        private static DD TwoSum(double a, double b)
        {
            double s = a + b, bb = s - a;
            return new(s, (a - (s - bb)) + (b - bb));
        }

        private static DD FastTwoSum(double a, double b)
        {
            double s = a + b;
            return new(s, b - (s - a));
        }

        public static DD operator +(DD a, DD b)
        {
            DD s = TwoSum(a.Hi, b.Hi), t = TwoSum(a.Lo, b.Lo);
            s = FastTwoSum(s.Hi, s.Lo + t.Hi);
            return FastTwoSum(s.Hi, s.Lo + t.Lo);
        }

        public static DD operator -(DD a) => new(-a.Hi, -a.Lo);
        public static DD operator -(DD a, DD b) => a + -b;

        public static DD operator *(DD a, DD b)
        {
            double p = a.Hi * b.Hi;
            return FastTwoSum(p, Math.FusedMultiplyAdd(a.Hi, b.Hi, -p) + (a.Hi * b.Lo + a.Lo * b.Hi));
        }

        public static DD operator /(DD a, DD b)
        {
            double q1 = a.Hi / b.Hi;
            DD r = a - b * q1;
            double q2 = r.Hi / b.Hi;
            r -= b * q2;
            return FastTwoSum(q1, q2) + r.Hi / b.Hi;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Special values.
    // ---------------------------------------------------------------------------------------------------------------

    [Fact]
    public void Float_special_values()
    {
        float smallestSubnormal = float.Epsilon, tiny = 1e-30f;
        float[] x = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 10f, -10f, 1e30f, -1e30f,
            float.MaxValue, float.MinValue, smallestSubnormal, -smallestSubnormal, tiny, -tiny, -100f, -103f, -104f, -200f, 20f];
        float[] t = Tanh(x), s = Sigmoid(x);

        Assert.Equal(BitConverter.SingleToInt32Bits(0f), BitConverter.SingleToInt32Bits(t[0]));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(t[1])); // sign kept
        Assert.Equal([1f, -1f], t[2..4]);
        Assert.True(float.IsNaN(t[4]));
        Assert.Equal([1f, -1f, 1f, -1f, 1f, -1f], t[5..11]); // saturated exactly, no NaN from overflow
        Assert.Equal(x[11..15], t[11..15]); // tanh x = x for tiny x, subnormals included
        Assert.Equal(1f, t[19]);

        Assert.Equal([0.5f, 0.5f, 1f, 0f], s[0..4]);
        Assert.True(float.IsNaN(s[4]));
        Assert.Equal(0f, s[8]);
        Assert.Equal(1f, s[9]);
        Assert.Equal(0f, s[10]);
        Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f], s[11..15]);
        Assert.Equal((float)Math.Exp(-100), s[15]); // subnormal, gradual underflow: 3.7e-44 ≈ 26.6·2^−149
        Assert.True(s[15] > 0);
        Assert.Equal(float.Epsilon, s[16]); // e^−103 ≈ 1.3·2^−149
        Assert.Equal(0f, s[17]);            // e^−104 < 2^−150: rounds to 0
        Assert.Equal(0f, s[18]);
        Assert.Equal(1f, s[19]);
    }

    [Fact]
    public void Double_special_values()
    {
        double[] x = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 20.0, -20.0, 1e300,
            double.MinValue, double.Epsilon, -double.Epsilon, 1e-200, -740.0, -745.0, -746.0, -1000.0, 40.0];
        double[] t = Tanh(x), s = Sigmoid(x);

        Assert.Equal(BitConverter.DoubleToInt64Bits(0.0), BitConverter.DoubleToInt64Bits(t[0]));
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(t[1]));
        Assert.Equal([1.0, -1.0], t[2..4]);
        Assert.True(double.IsNaN(t[4]));
        Assert.Equal([1.0, -1.0, 1.0, -1.0], t[5..9]);
        Assert.Equal(x[9..12], t[9..12]);

        Assert.Equal([0.5, 0.5, 1.0, 0.0], s[0..4]);
        Assert.True(double.IsNaN(s[4]));
        Assert.Equal(0.0, s[8]);
        Assert.Equal(0.5, s[9]);
        Assert.True(s[12] > 0 && Math.Abs(s[12] - Math.Exp(-740.0)) <= double.Epsilon); // subnormal (4.2e-322), still e^x
        Assert.Equal(double.Epsilon, s[13]); // e^−745 ≈ 1.0·2^−1074
        Assert.Equal(0.0, s[14]);             // e^−746 < 2^−1075
        Assert.Equal(0.0, s[15]);
        Assert.Equal(1.0, s[16]);
    }

    [Fact]
    public void Nan_comes_back_as_it_went_in()
    {
        float nan = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC1_2345));
        float[] x = new float[19];
        x.AsSpan().Fill(nan);
        foreach (float[] y in new[] { Tanh(x), Sigmoid(x) })
            foreach (float v in y) Assert.Equal(unchecked((int)0xFFC1_2345), BitConverter.SingleToInt32Bits(v));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The same bits for a value wherever it is in a span, in place or not.
    // ---------------------------------------------------------------------------------------------------------------

    private static readonly int[] Lengths = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 41, 47, 48, 63, 64, 65, 100];

    [Fact]
    public void Float_values_have_the_same_bits_at_every_position_of_every_length()
    {
        var random = new Random(5);
        float[] probes = [0.3f, -0.5624f, 0.5626f, -2.5f, 9.5f, 1e-20f, -87f, -100f, 30f, float.NaN, -0f];
        float[] alone = new float[1];
        foreach (bool tanh in new[] { true, false })
            foreach (float probe in probes)
            {
                Apply(tanh, [probe], alone);
                int expected = BitConverter.SingleToInt32Bits(alone[0]);
                foreach (int length in Lengths)
                    for (int at = 0; at < Math.Min(length, 41); at++)
                    {
                        // Offset 1 in the array: the vectors are not aligned either.
                        float[] buffer = new float[length + 1];
                        for (int i = 0; i < buffer.Length; i++) buffer[i] = (float)(random.NextDouble() * 20 - 10);
                        buffer[1 + at] = probe;
                        float[] output = new float[length];
                        Apply(tanh, buffer.AsSpan(1, length), output);
                        Assert.Equal(expected, BitConverter.SingleToInt32Bits(output[at]));
                        Span<float> inPlace = buffer.AsSpan(1, length);
                        if (tanh) Activations.TanhForward(inPlace); else Activations.SigmoidForward(inPlace);
                        Assert.Equal(output, inPlace.ToArray());
                    }
            }
    }

    [Fact]
    public void Double_values_have_the_same_bits_at_every_position_of_every_length()
    {
        var random = new Random(6);
        double[] probes = [0.3, -0.5624, 0.5626, -2.5, 19.5, 1e-200, -700, -744, 30, double.NaN, -0.0];
        double[] alone = new double[1];
        foreach (bool tanh in new[] { true, false })
            foreach (double probe in probes)
            {
                Apply(tanh, [probe], alone);
                long expected = BitConverter.DoubleToInt64Bits(alone[0]);
                foreach (int length in Lengths)
                    for (int at = 0; at < Math.Min(length, 41); at++)
                    {
                        double[] buffer = new double[length + 1];
                        for (int i = 0; i < buffer.Length; i++) buffer[i] = random.NextDouble() * 20 - 10;
                        buffer[1 + at] = probe;
                        double[] output = new double[length];
                        Apply(tanh, buffer.AsSpan(1, length), output);
                        Assert.Equal(expected, BitConverter.DoubleToInt64Bits(output[at]));
                        Span<double> inPlace = buffer.AsSpan(1, length);
                        if (tanh) Activations.TanhForward(inPlace); else Activations.SigmoidForward(inPlace);
                        Assert.Equal(output, inPlace.ToArray());
                    }
            }
    }

    [Fact]
    public void Every_float_sample_has_the_same_bits_alone_and_in_a_batch()
    {
        // The whole accuracy sample again, one value at a time (the scalar form) against batches of 4096 (the vectors).
        float[] batch = new float[4096], viaVectors = new float[4096], one = new float[1];
        var random = new Random(7);
        for (int n = 0; n < 64; n++)
        {
            for (int i = 0; i < batch.Length; i++) batch[i] = BitConverter.Int32BitsToSingle(random.Next() * (random.Next(2) * 2 - 1));
            foreach (bool tanh in new[] { true, false })
            {
                Apply(tanh, batch, viaVectors);
                for (int i = 0; i < batch.Length; i++)
                {
                    Apply(tanh, batch.AsSpan(i, 1), one);
                    if (BitConverter.SingleToInt32Bits(one[0]) != BitConverter.SingleToInt32Bits(viaVectors[i]))
                        Assert.Fail($"{(tanh ? "tanh" : "sigmoid")}({batch[i]:R}): {one[0]:R} alone, {viaVectors[i]:R} in a batch");
                }
            }
        }
    }

    private static void Apply<T>(bool tanh, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (tanh) Activations.TanhForward(x, y); else Activations.SigmoidForward(x, y);
    }

    private static T[] Tanh<T>(T[] x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var y = new T[x.Length];
        Activations.TanhForward<T>(x, y);
        return y;
    }

    private static T[] Sigmoid<T>(T[] x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var y = new T[x.Length];
        Activations.SigmoidForward<T>(x, y);
        return y;
    }
}
