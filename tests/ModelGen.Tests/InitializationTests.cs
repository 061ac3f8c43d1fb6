using System;
using System.Linq;
using ModelGen.Initialization;
using Xunit;

namespace ModelGen.Tests;

/// <summary>The specified random source and the initializers built on it.</summary>
public class InitializationTests
{
    [Fact]
    public void SplitMix64_produces_the_reference_sequence()
    {
        // The published first outputs of SplitMix64 from state 0.
        var random = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, random.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, random.NextUInt64());
    }

    [Fact]
    public void Streams_differ_by_seed_and_by_stream()
    {
        ulong First(int seed, int stream) { var r = SplitMix64.ForStream(seed, stream); return r.NextUInt64(); }
        Assert.Equal(First(3, 1), First(3, 1));
        Assert.NotEqual(First(3, 1), First(3, 2));
        Assert.NotEqual(First(3, 1), First(4, 1));
        Assert.NotEqual(First(-1, 0), First(0, 0));
    }

    [Fact]
    public void Deterministic_log_agrees_with_the_platform_log()
    {
        var random = new SplitMix64(42);
        for (int i = 0; i < 20000; i++)
        {
            double x = Math.Exp(80 * (random.NextDouble() - 0.5));
            double expected = Math.Log(x), actual = DeterministicMath.Log(x);
            Assert.True(Math.Abs(actual - expected) <= 4e-16 * Math.Max(1, Math.Abs(expected)), $"log({x:R}) = {expected:R}, got {actual:R}");
        }
        Assert.Equal(0.0, DeterministicMath.Log(1.0));
        Assert.Equal(Math.Log(double.Epsilon), DeterministicMath.Log(double.Epsilon), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicMath.Log(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicMath.Log(double.NaN));
    }

    [Theory]
    [InlineData(Init.GlorotNormal, 2.0 / (300 + 200))]
    [InlineData(Init.LeCunNormal, 1.0 / 300)]
    [InlineData(Init.HeNormal, 2.0 / 300)]
    [InlineData(Init.GlorotUniform, 2.0 / (300 + 200))] // uniform on ±√(3·var) has variance var
    [InlineData(Init.LeCunUniform, 1.0 / 300)]
    [InlineData(Init.HeUniform, 2.0 / 300)]
    public void Initializers_have_the_documented_variance(Init init, double variance)
    {
        double[] values = new double[300 * 200];
        var random = SplitMix64.ForStream(1, 0);
        Initializers.Fill<double>(values, init, fanIn: 300, fanOut: 200, ref random);
        double mean = values.Average();
        double measured = values.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.02 * Math.Sqrt(variance), 0.02 * Math.Sqrt(variance));
        Assert.InRange(measured, 0.97 * variance, 1.03 * variance);
    }

    [Fact]
    public void Normal_draws_look_normal()
    {
        var random = new SplitMix64(7);
        double[] z = Enumerable.Range(0, 100000).Select(_ => random.NextNormal()).ToArray();
        Assert.InRange(z.Average(), -0.015, 0.015);
        Assert.InRange(z.Select(v => v * v).Average(), 0.98, 1.02);
        Assert.InRange(z.Count(v => Math.Abs(v) < 1) / (double)z.Length, 0.68, 0.69); // 68.27% within one σ
    }

    [Fact]
    public void Constant_initializers_and_bad_fans()
    {
        float[] values = new float[5];
        var random = new SplitMix64(1);
        Initializers.Fill<float>(values, Init.Ones, 5, 5, ref random);
        Assert.All(values, v => Assert.Equal(1f, v));
        Initializers.Fill<float>(values, Init.Zeros, 5, 5, ref random);
        Assert.All(values, v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.Fill<float>(values, Init.HeNormal, 0, 5, ref random));
    }
}
