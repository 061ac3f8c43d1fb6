using System;
using System.Numerics;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// <see cref="Conv2D.ForwardNormalizedMaxPooledPair{T}"/>: two convolution blocks at inference in one call, a single
/// sample split over the threads so that each part computes the rows of the first block its share of the second reads.
/// Both outputs must have the bits of the two blocks run one after the other, split or not.
/// </summary>
public class ConvolutionPairTests
{
    /// <summary>One block's sizes: input channels and side, filters, kernel, stride, padding, output side, pool (0: none), pool stride.</summary>
    public sealed record Block(int C, int H, int F, int K, int S, int Pad, int O, int Pool, int PoolStride)
    {
        public int Pooled => Pool == 0 ? O : (O - Pool) / PoolStride + 1;
        public int OutSize => F * Pooled * Pooled;
        public override string ToString() => $"{C}x{H}x{H} -> {F}x{O}x{O} (k{K} s{S} p{Pad}) pool {Pool}/{PoolStride}";
    }

    // LeNet's two blocks (position tiles on AVX2, row tiles then position tiles on AVX-512); a padded second block pooled
    // to an odd side (row tiles: rows of 30 and of 15); a first block without pooling and a strided second pooled 3×3;
    // a second block on row tiles that pool each pair of rows (rows of 16 pooled to 8), whose parts take whole pairs.
    public static TheoryData<Block, Block> Pairs() => new()
    {
        { new Block(1, 28, 16, 5, 1, 2, 28, 2, 2), new Block(16, 14, 32, 5, 1, 0, 10, 2, 2) },
        { new Block(2, 30, 9, 3, 1, 1, 30, 2, 2), new Block(9, 15, 12, 3, 1, 1, 15, 2, 2) },
        { new Block(4, 24, 16, 3, 1, 1, 24, 0, 0), new Block(16, 24, 20, 3, 2, 1, 12, 3, 2) },
        { new Block(2, 32, 12, 3, 1, 1, 32, 2, 2), new Block(12, 16, 12, 3, 1, 1, 16, 2, 2) },
    };

    private sealed class Operands<T>(Block b, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly T[] W = Convert<T>(TestData.Doubles(b.F * b.C * b.K * b.K, seed, scale: 0.3));
        public readonly T[] Bias = Convert<T>(TestData.Doubles(b.F, seed + 1));
        public readonly T[] Gamma = Convert<T>(TestData.Doubles(b.F, seed + 2));
        public readonly T[] Beta = Convert<T>(TestData.Doubles(b.F, seed + 3));
        public readonly T[] Mean = Convert<T>(TestData.Doubles(b.F, seed + 4));
        public readonly T[] Var = Convert<T>(Array.ConvertAll(TestData.Doubles(b.F, seed + 5), v => 0.5 + v * v));
        public readonly PackedWeights<T> Packed = new(b.C * b.K * b.K, b.F);

        public NormalizedConvolution<T> Describe(Block b, bool relu) => new()
        {
            Weights = W, Packed = Packed, Bias = Bias, Gamma = Gamma, Beta = Beta, RunningMean = Mean, RunningVar = Var,
            Channels = b.C, Height = b.H, Width = b.H, Filters = b.F, Kernel = b.K, Stride = b.S, PadTop = b.Pad, PadLeft = b.Pad,
            OutHeight = b.O, OutWidth = b.O, Epsilon = 1e-5, Pool = b.Pool, PoolStride = b.PoolStride, PooledHeight = b.Pooled,
            PooledWidth = b.Pooled, Relu = relu,
        };

        /// <summary>The block alone, one thread, weights packed on this call: the reference.</summary>
        public T[] Alone(T[] x, Block b, int n, bool relu)
        {
            var y = new T[n * b.OutSize];
            if (b.Pool == 0)
                Conv2D.ForwardNormalized<T>(x, W, null, 0, Bias, Gamma, Beta, Mean, Var, y, n, b.C, b.H, b.H, b.F, b.K, b.S, b.Pad, b.Pad,
                    b.O, b.O, 1e-5, threads: 1, relu: relu);
            else
                Conv2D.ForwardNormalizedMaxPooled<T>(x, W, null, 0, Bias, Gamma, Beta, Mean, Var, y, n, b.C, b.H, b.H, b.F, b.K, b.S, b.Pad,
                    b.Pad, b.O, b.O, 1e-5, b.Pool, b.PoolStride, b.Pooled, b.Pooled, threads: 1, relu: relu);
            return y;
        }
    }

    private static T[] Convert<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T> => Array.ConvertAll(values, T.CreateTruncating);

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_pair_gives_the_bits_of_its_blocks_one_after_the_other(Block first, Block second)
    {
        Check<float>(first, second);
        Check<double>(first, second);
    }

    private static void Check<T>(Block first, Block second) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new Operands<T>(first, seed: 40);
        var b = new Operands<T>(second, seed: 50);
        foreach (int n in new[] { 1, 3 })
        {
            T[] x = Convert<T>(TestData.Doubles(n * first.C * first.H * first.H, seed: 60 + n));
            T[] expectedBetween = a.Alone(x, first, n, relu: true);
            T[] expected = b.Alone(expectedBetween, second, n, relu: false);
            T[] other = Convert<T>(TestData.Doubles(x.Length, seed: 70 + n));
            T[] expectedOther = b.Alone(a.Alone(other, first, n, relu: true), second, n, relu: false);
            int callsBefore = b.Packed.PairSample.Calls;
            // Enough calls for both ways of the split's trial (SplitChoice alternates them), on one thread and on all.
            foreach (int threads in new[] { 1, 0 })
                for (int call = 0; call < 4; call++)
                {
                    var between = new T[expectedBetween.Length];
                    var output = new T[expected.Length];
                    Conv2D.ForwardNormalizedMaxPooledPair<T>(x, a.Describe(first, relu: true), between, b.Describe(second, relu: false), output,
                        n, version: 1, threads);
                    string what = $"{typeof(T).Name}, n {n}, threads {threads}, call {call}";
                    Assert.True(expectedBetween.AsSpan().SequenceEqual(between), $"{what}: the first block's output differs");
                    Assert.True(expected.AsSpan().SequenceEqual(output), $"{what}: the second block's output differs");
                }
            // Without keeping the first block's output (nothing else reads it), the second block's is the same: four calls
            // again (split and alone), on two inputs in turn, so that rows a part left over from the call before cannot
            // pass for this one's.
            foreach (int threads in new[] { 1, 0 })
                for (int call = 0; call < 4; call++)
                {
                    var unkept = new T[expected.Length];
                    Conv2D.ForwardNormalizedMaxPooledPair<T>((call & 1) == 0 ? other : x, a.Describe(first, relu: true), new T[expectedBetween.Length],
                        b.Describe(second, relu: false), unkept, n, version: 1, threads, keepBetween: false);
                    Assert.True(((call & 1) == 0 ? expectedOther : expected).AsSpan().SequenceEqual(unkept),
                        $"{typeof(T).Name}, n {n}, threads {threads}, call {call}, between not kept: the second block's output differs");
                }
            // A single sample on two cores or more is timed both ways (split and alone) by the second block's choice.
            int expectedCalls = n == 1 && Environment.ProcessorCount > 1 && Parallelism.MaxThreads > 1 ? 8 : 0;
            Assert.Equal(expectedCalls, b.Packed.PairSample.Calls - callsBefore);
        }
    }

    [Fact]
    public void A_pair_whose_second_block_does_not_read_the_first_s_output_is_refused()
    {
        Block first = new(1, 28, 16, 5, 1, 2, 28, 2, 2), second = new(16, 13, 32, 5, 1, 0, 9, 2, 2);
        var a = new Operands<float>(first, 1);
        var b = new Operands<float>(second, 2);
        float[] x = new float[784], between = new float[first.OutSize], output = new float[second.OutSize];
        var e = Assert.Throws<ArgumentException>(() => Conv2D.ForwardNormalizedMaxPooledPair<float>(x, a.Describe(first, true), between,
            b.Describe(second, false), output, 1, 1));
        Assert.Equal("second", e.ParamName);
        Assert.Contains("16 × 14 × 14", e.Message);
    }

    [Fact]
    public void A_pair_checks_the_first_block_s_output_length_before_it_writes()
    {
        Block first = new(1, 28, 16, 5, 1, 2, 28, 2, 2), second = new(16, 14, 32, 5, 1, 0, 10, 2, 2);
        var a = new Operands<float>(first, 1);
        var b = new Operands<float>(second, 2);
        float[] x = new float[784], between = new float[first.OutSize - 1], output = new float[second.OutSize];
        output.AsSpan().Fill(7);
        var e = Assert.Throws<ArgumentException>(() => Conv2D.ForwardNormalizedMaxPooledPair<float>(x, a.Describe(first, true), between,
            b.Describe(second, false), output, 1, 1));
        Assert.Equal("between", e.ParamName);
        Assert.Contains("3136", e.Message);
        Assert.All(output, v => Assert.Equal(7f, v));
    }

    [Fact]
    public void A_problem_with_a_block_is_reported_with_the_block_s_name_and_property()
    {
        Block first = new(1, 28, 16, 5, 1, 2, 28, 2, 2), second = new(16, 14, 32, 5, 1, 0, 10, 2, 2);
        var a = new Operands<float>(first, 1);
        var b = new Operands<float>(second, 2);
        float[] x = new float[784], between = new float[first.OutSize], output = new float[second.OutSize];
        var e = Assert.Throws<ArgumentException>(() => Conv2D.ForwardNormalizedMaxPooledPair<float>(x, a.Describe(first, true), between,
            b.Describe(second, false) with { Weights = b.W.AsSpan(1) }, output, 1, 1));
        Assert.Equal("second", e.ParamName);
        Assert.StartsWith("second.Weights: ", e.Message);
        Assert.Contains("12800", e.Message);

        var range = Assert.Throws<ArgumentOutOfRangeException>(() => Conv2D.ForwardNormalizedMaxPooledPair<float>(x,
            a.Describe(first, true) with { Kernel = 0 }, between, b.Describe(second, false), output, 1, 1));
        Assert.Equal("first", range.ParamName);
        Assert.StartsWith("first.Kernel: ", range.Message);

        var pool = Assert.ThrowsAny<ArgumentException>(() => Conv2D.ForwardNormalizedMaxPooledPair<float>(x, a.Describe(first, true), between,
            b.Describe(second, false) with { PooledHeight = 6 }, output, 1, 1));
        Assert.Equal("second", pool.ParamName);
        Assert.StartsWith("second.PooledHeight: ", pool.Message);
    }

    [Fact]
    public void The_fourth_pair_s_second_block_runs_on_row_tiles()
    {
        // What the fourth case of Pairs is there for: row tiles whose parts take whole pairs of rows (16 × 16 outputs, 12
        // filters), on every vector width.
        Assert.True(Conv2D.TakesRowTiles<float>(12, 12, 3, 1, 16, 16));
    }
}
