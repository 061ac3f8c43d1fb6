using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// GELU (erf and tanh forms), SiLU, ELU and softplus in float and double: accuracy against more precise references
/// (every 97th float bit pattern against double-precision formulas; 4,574 doubles against 50-digit values from
/// smooth_activation_references.py), special values, the same bits wherever a value sits in a span, and the backward
/// passes against central differences of the forward pass.
/// </summary>
public class SmoothActivationKernelTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public enum Fn { Gelu, GeluTanh, Silu, Elu, Softplus }

    private static void Forward<T>(Fn f, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        switch (f)
        {
            case Fn.Gelu: Activations.GeluForward(x, y); break;
            case Fn.GeluTanh: Activations.GeluTanhForward(x, y); break;
            case Fn.Silu: Activations.SiluForward(x, y); break;
            case Fn.Elu: Activations.EluForward(x, y, T.One); break;
            default: Activations.SoftplusForward(x, y); break;
        }
    }

    private static void Backward<T>(Fn f, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = false)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        switch (f)
        {
            case Fn.Gelu: Activations.GeluBackward(x, dy, dx, accumulate); break;
            case Fn.GeluTanh: Activations.GeluTanhBackward(x, dy, dx, accumulate); break;
            case Fn.Silu: Activations.SiluBackward(x, dy, dx, accumulate); break;
            case Fn.Elu: Activations.EluBackward(x, dy, dx, T.One, accumulate); break;
            default: Activations.SoftplusBackward(x, dy, dx, accumulate); break;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Float: every 97th bit pattern against double references (each within about 1e-13 relative: far below a float ulp).
    // ---------------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(Fn.Gelu)]
    [InlineData(Fn.GeluTanh)]
    [InlineData(Fn.Silu)]
    [InlineData(Fn.Elu)]
    [InlineData(Fn.Softplus)]
    public void Float_results_are_within_2_ulp_of_the_correctly_rounded_result(Fn f)
    {
        const int chunk = 4096;
        float[] x = new float[chunk], y = new float[chunk];
        long worst = 0;
        float worstX = 0;
        int m = 0;
        void Flush()
        {
            Forward<float>(f, x.AsSpan(0, m), y.AsSpan(0, m));
            for (int i = 0; i < m; i++)
            {
                if (!float.IsFinite(x[i])) continue;
                float expected = (float)Reference(f, x[i]);
                long distance = Math.Abs(OrderedBits(y[i]) - OrderedBits(expected));
                if (distance > worst) (worst, worstX) = (distance, x[i]);
            }
            m = 0;
        }
        for (ulong bits = 0; bits <= uint.MaxValue; bits += 97)
        {
            x[m++] = BitConverter.UInt32BitsToSingle((uint)bits);
            if (m == chunk) Flush();
        }
        foreach (float center in new[] { 0.34657359f, 20f, 1e-4f, 1f, 5.5f, 13f, 28f })
        {
            int b = BitConverter.SingleToInt32Bits(center);
            for (int d = -300; d <= 300; d++)
                foreach (float v in new[] { BitConverter.Int32BitsToSingle(b + d), -BitConverter.Int32BitsToSingle(b + d) })
                {
                    x[m++] = v;
                    if (m == chunk) Flush();
                }
        }
        Flush();
        output.WriteLine($"{f} float: worst {worst} ulp from the correctly rounded result, at {worstX:R}");
        Assert.True(worst <= 2, $"{f}({worstX:R}) is {worst} ulp from the correctly rounded result");
    }

    /// <summary>The exact function in double precision, by formulas independent of the kernels'.</summary>
    internal static double Reference(Fn f, double x)
    {
        switch (f)
        {
            case Fn.Gelu:
            {
                double erfc = Erfc(Math.Abs(x) / Math.Sqrt(2), Math.Exp(-x * x / 2));
                return x >= 0 ? x - 0.5 * x * erfc : 0.5 * x * erfc;
            }
            case Fn.GeluTanh:
            {
                double v = 2 * Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
                return x * Logistic(v);
            }
            case Fn.Silu: return x * Logistic(x);
            case Fn.Elu: return x > 0 ? x : ExpM1(x);
            default:
                if (x > 20) return x;
                return Math.Max(x, 0) + LogP1(Math.Exp(-Math.Abs(x)));
        }
    }

    private static double Logistic(double v) => v >= 0 ? 1 / (1 + Math.Exp(-v)) : Math.Exp(v) / (1 + Math.Exp(v));

    /// <summary>erfc z for z ≥ 0, given e^−z²: the series of erf (positive terms) below 2.5, Laplace's continued fraction above.</summary>
    private static double Erfc(double z, double gaussian)
    {
        if (z < 2.5)
        {
            double z2 = z * z, term = z, sum = z;
            for (int n = 1; n < 300 && term > 1e-18 * sum; n++)
            {
                term *= 2 * z2 / (2 * n + 1);
                sum += term;
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * gaussian * sum;
        }
        double f = z;
        for (int k = 200; k >= 1; k--) f = z + k / 2.0 / f;
        return gaussian / Math.Sqrt(Math.PI) / f;
    }

    /// <summary>e^x − 1: Taylor series below 0.5 in magnitude (no cancellation), else Math.Exp(x) − 1.</summary>
    private static double ExpM1(double x)
    {
        if (Math.Abs(x) >= 0.5) return Math.Exp(x) - 1;
        double term = x, sum = x;
        for (int k = 2; k < 40; k++) { term *= x / k; sum += term; }
        return sum;
    }

    /// <summary>log(1 + e) for 0 ≤ e ≤ 1: the alternating series below 0.1, else Math.Log.</summary>
    private static double LogP1(double e)
    {
        if (e >= 0.1) return Math.Log(1 + e);
        double power = e, sum = 0;
        for (int k = 1; k < 40; k++) { sum += (k % 2 == 1 ? power : -power) / k; power *= e; }
        return sum;
    }

    private static long OrderedBits(float v)
    {
        int b = BitConverter.SingleToInt32Bits(v);
        return b < 0 ? -(long)(b & int.MaxValue) : b;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Double: against 50-digit references.
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Ulp bound in double precision (each kernel's measured worst case is in the assertion message and the README).</summary>
    private const double DoubleUlps = 4;

    [Theory]
    [InlineData(Fn.Gelu, "gelu")]
    [InlineData(Fn.GeluTanh, "gelu_tanh")]
    [InlineData(Fn.Silu, "silu")]
    [InlineData(Fn.Elu, "elu")]
    [InlineData(Fn.Softplus, "softplus")]
    public void Double_results_are_within_a_few_ulp_of_the_exact_result(Fn f, string name)
    {
        (double[] x, (double Hi, double Lo)[] exact) = References(name);
        double[] y = new double[x.Length];
        Forward<double>(f, x, y);
        double worst = 0, worstX = 0;
        for (int i = 0; i < x.Length; i++)
        {
            (double hi, double lo) = exact[i];
            if (hi == 0) { Assert.True(Math.Abs(y[i]) <= double.Epsilon, $"{f}({x[i]:R}) = {y[i]:R}, exact {hi:R}"); continue; }
            double ulp = Math.ScaleB(1.0, Math.Max(Math.ILogB(hi), -1022) - 52);
            double error = Math.Abs((y[i] - hi) - lo) / ulp;
            if (error > worst) (worst, worstX) = (error, x[i]);
        }
        output.WriteLine($"{f} double: worst {worst:F2} ulp from the exact value, at {worstX:R}");
        Assert.True(worst <= DoubleUlps, $"{f}({worstX:R}) is {worst:F2} ulp from the exact value");
    }

    private static (double[] X, (double, double)[] Exact) References(string name)
    {
        using Stream stream = typeof(SmoothActivationKernelTests).Assembly.GetManifestResourceStream("SmoothActivationReferences.json")!;
        using JsonDocument json = JsonDocument.Parse(stream);
        var x = new List<double>();
        foreach (JsonElement e in json.RootElement.GetProperty("x").EnumerateArray()) x.Add(double.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var exact = new List<(double, double)>();
        foreach (JsonElement e in json.RootElement.GetProperty(name).EnumerateArray())
            exact.Add((double.Parse(e[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture), double.Parse(e[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
        return (x.ToArray(), exact.ToArray());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Special values and position independence.
    // ---------------------------------------------------------------------------------------------------------------

    [Fact]
    public void Special_values_follow_pytorch()
    {
        double[] x = [0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, -50.0, 50.0, 25.0, -800.0];
        double[] g = Apply(Fn.Gelu, x), t = Apply(Fn.GeluTanh, x), s = Apply(Fn.Silu, x), e = Apply(Fn.Elu, x), p = Apply(Fn.Softplus, x);
        Assert.Equal([0.0, double.PositiveInfinity], g[0..2]);
        Assert.True(double.IsNaN(g[2]) && double.IsNaN(g[3]) && double.IsNaN(t[2])); // −∞·0, as PyTorch
        Assert.Equal([-0.0, 50.0, 25.0, -0.0], g[4..8]);
        Assert.True(double.IsNegative(g[4])); // the sign survives the underflow
        Assert.Equal([-0.0, 50.0, 25.0], t[4..7]);
        Assert.Equal([0.0, double.PositiveInfinity], s[0..2]);
        Assert.Equal(-50.0 * Math.Exp(-50.0), s[4], 1e-30);
        Assert.Equal([0.0, double.PositiveInfinity, -1.0], e[0..3]);
        Assert.Equal(-1.0, e[4]);
        Assert.Equal(Math.Log(2), p[0], 1e-16);
        Assert.Equal([double.PositiveInfinity, 0.0], p[1..3]);
        Assert.Equal(Math.Exp(-50.0), p[4], 1e-35);
        Assert.Equal([50.0, 25.0, 0.0], p[5..8]); // above 20: x itself; far below: e^x underflows to 0
        Assert.True(double.IsNaN(e[3]) && double.IsNaN(p[3]) && double.IsNaN(s[3]));
        // Softplus's threshold: 20 itself is still log1p(e^20), just above it x.
        double[] around = Apply(Fn.Softplus, [20.0, Math.BitIncrement(20.0)]);
        Assert.Equal(20.0 + Math.Log(1 + Math.Exp(-20.0)), around[0], 1e-14);
        Assert.Equal(Math.BitIncrement(20.0), around[1]);
    }

    private static double[] Apply(Fn f, double[] x)
    {
        var y = new double[x.Length];
        Forward<double>(f, x, y);
        return y;
    }

    [Theory]
    [InlineData(Fn.Gelu)]
    [InlineData(Fn.GeluTanh)]
    [InlineData(Fn.Silu)]
    [InlineData(Fn.Elu)]
    [InlineData(Fn.Softplus)]
    public void A_value_has_the_same_bits_at_every_position_and_in_place(Fn f)
    {
        var random = new Random(11);
        float[] probes = [0.3f, -0.35f, 2.5f, -7.5f, 19.99f, 20.01f, -13f, 1e-20f, -0f, float.NaN];
        double[] dprobes = [0.3, -0.35, 2.5, -7.5, -37.0, 20.0, -700.0, 1e-200, -0.0, double.NaN];
        foreach (int length in new[] { 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65 })
            for (int at = 0; at < length; at++)
            {
                int probe = random.Next(probes.Length);
                float[] fx = new float[length + 1];
                double[] dx = new double[length + 1];
                for (int i = 0; i < fx.Length; i++) dx[i] = fx[i] = (float)(random.NextDouble() * 20 - 10);
                fx[1 + at] = probes[probe];
                dx[1 + at] = dprobes[probe];
                float[] alone = new float[1], fy = new float[length];
                double[] dAlone = new double[1], dy = new double[length];
                Forward<float>(f, fx.AsSpan(1 + at, 1), alone);
                Forward<double>(f, dx.AsSpan(1 + at, 1), dAlone);
                Forward<float>(f, fx.AsSpan(1, length), fy);
                Forward<double>(f, dx.AsSpan(1, length), dy);
                Assert.Equal(BitConverter.SingleToInt32Bits(alone[0]), BitConverter.SingleToInt32Bits(fy[at]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(dAlone[0]), BitConverter.DoubleToInt64Bits(dy[at]));
                Forward<float>(f, fx.AsSpan(1, length), fx.AsSpan(1, length)); // in place
                Assert.Equal(fy, fx.AsSpan(1, length).ToArray());
            }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Backward passes: against central differences of the forward pass, and accumulation.
    // ---------------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(Fn.Gelu)]
    [InlineData(Fn.GeluTanh)]
    [InlineData(Fn.Silu)]
    [InlineData(Fn.Elu)]
    [InlineData(Fn.Softplus)]
    public void Backward_is_the_derivative_at_the_input(Fn f)
    {
        var random = new Random(3);
        int n = 203;
        double[] x = new double[n], dy = new double[n], dx = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = random.NextDouble() * 16 - 8;
            if (Math.Abs(x[i]) < 1e-3 || Math.Abs(x[i] - 20) < 1e-3) x[i] += 0.01; // off ELU's and softplus's kinks
            dy[i] = random.NextDouble() * 2 - 1;
        }
        Backward<double>(f, x, dy, dx);
        for (int i = 0; i < n; i++)
        {
            double h = 1e-6;
            double[] pair = Apply(f, [x[i] + h, x[i] - h]);
            double numeric = (pair[0] - pair[1]) / (2 * h) * dy[i];
            Assert.True(Math.Abs(numeric - dx[i]) <= 1e-7 * (1 + Math.Abs(dx[i])), $"{f}'({x[i]:R})·{dy[i]:R}: {dx[i]:R}, numerically {numeric:R}");
        }
        // Float: the same derivative, rounded once; accumulate adds it to what dx held.
        float[] fx = Array.ConvertAll(x, v => (float)v), fdy = Array.ConvertAll(dy, v => (float)v), fdx = new float[n], acc = new float[n];
        Backward<float>(f, fx, fdy, fdx);
        for (int i = 0; i < n; i++) acc[i] = 0.25f;
        Backward<float>(f, fx, fdy, acc, accumulate: true);
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(fdx[i] - dx[i]) <= 1e-5 * (1 + Math.Abs(dx[i])), $"{f}'({fx[i]:R}) in float: {fdx[i]:R}, double {dx[i]:R}");
            Assert.Equal(0.25f + fdx[i], acc[i]);
        }
    }
}
