using System;
using System.Numerics;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// <see cref="Merge"/>'s sums and concatenation against plain loops in float and double, over lengths that leave vector
/// tails and spans that start off the vectors' alignment, in place where allowed; their argument checks; no allocation.
/// </summary>
public class MergeKernelTests
{
    private static readonly int[] Lengths = [0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 100, 257];

    private static T[] Values<T>(int count, int seed, double scale = 1.0) where T : unmanaged, IFloatingPointIeee754<T> =>
        Array.ConvertAll(TestData.Doubles(count, seed, scale), v => T.CreateTruncating(v));

    private static void AssertSameBits<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!expected[i].Equals(actual[i]))
                Assert.Fail($"{what} ({typeof(T).Name})[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    // ---- Add and Accumulate ----

    [Fact]
    public void Add_matches_a_plain_loop_at_every_length_and_offset()
    {
        AddMatches<float>();
        AddMatches<double>();
    }

    private static void AddMatches<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int length in Lengths)
            foreach (int offset in new[] { 0, 1 })
            {
                // Offset 1 into the arrays: the vectors are not aligned either.
                T[] a = Values<T>(length + offset, seed: length), b = Values<T>(length + offset, seed: length + 500, scale: 3);
                T[] y = new T[length + offset];
                Array.Fill(y, T.NaN);
                Merge.Add<T>(a.AsSpan(offset), b.AsSpan(offset), y.AsSpan(offset));
                T[] expected = new T[length];
                for (int i = 0; i < length; i++) expected[i] = a[offset + i] + b[offset + i];
                AssertSameBits<T>(expected, y.AsSpan(offset), $"a + b over {length} at offset {offset}");
                if (offset == 1) Assert.True(T.IsNaN(y[0]), "Add wrote before y");
            }
    }

    [Fact]
    public void Add_in_place_over_either_operand_gives_the_same_bits()
    {
        AddInPlace<float>();
        AddInPlace<double>();
    }

    private static void AddInPlace<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int length in Lengths)
        {
            T[] a = Values<T>(length, seed: 2 * length + 1), b = Values<T>(length, seed: 2 * length + 2);
            T[] expected = new T[length];
            Merge.Add<T>(a, b, expected);

            T[] overA = (T[])a.Clone();
            Merge.Add<T>(overA, b, overA);
            AssertSameBits<T>(expected, overA, $"y = a over {length}");

            T[] overB = (T[])b.Clone();
            Merge.Add<T>(a, overB, overB);
            AssertSameBits<T>(expected, overB, $"y = b over {length}");

            T[] doubled = (T[])a.Clone(), twice = new T[length];
            for (int i = 0; i < length; i++) twice[i] = a[i] + a[i];
            Merge.Add<T>(doubled, doubled, doubled);
            AssertSameBits<T>(twice, doubled, $"y = a = b over {length}");
        }
    }

    [Fact]
    public void Accumulate_adds_exactly_at_every_length_and_offset()
    {
        AccumulateMatches<float>();
        AccumulateMatches<double>();
    }

    private static void AccumulateMatches<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (int length in Lengths)
            foreach (int offset in new[] { 0, 1 })
            {
                T[] x = Values<T>(length + offset, seed: 3 * length), y = Values<T>(length + offset, seed: 3 * length + 1, scale: 5);
                T[] expected = new T[length];
                for (int i = 0; i < length; i++) expected[i] = y[offset + i] + x[offset + i];
                T[] original = (T[])y.Clone();
                Merge.Accumulate<T>(x.AsSpan(offset), y.AsSpan(offset));
                AssertSameBits<T>(expected, y.AsSpan(offset), $"y += x over {length} at offset {offset}");
                if (offset == 1) Assert.Equal(original[0], y[0]);
            }
    }

    [Fact]
    public void Sums_of_spans_of_different_lengths_are_rejected_with_the_expected_length()
    {
        float[] five = new float[5], six = new float[6];
        var e = Assert.Throws<ArgumentException>(() => Merge.Add<float>(five, six, new float[5]));
        Assert.Equal("b", e.ParamName);
        Assert.Contains("must hold 5 values", e.Message);
        e = Assert.Throws<ArgumentException>(() => Merge.Add<float>(five, new float[5], six));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("must hold 5 values", e.Message);
        e = Assert.Throws<ArgumentException>(() => Merge.Add<double>(new double[7], new double[7], new double[6]));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("must hold 7 values", e.Message);
        e = Assert.Throws<ArgumentException>(() => Merge.Accumulate<float>(five, six));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("must hold 6 values", e.Message);
        e = Assert.Throws<ArgumentException>(() => Merge.Accumulate<double>(new double[9], new double[4]));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("must hold 4 values", e.Message);
    }

    // ---- Concat ----

    // (n, features, outFeatures, offset): a block at the start, in the middle, at the end, the whole row, empty; odd sizes.
    public static TheoryData<int, int, int, int> Blocks() => new()
    {
        { 1, 1, 1, 0 }, { 3, 5, 12, 0 }, { 3, 5, 12, 4 }, { 3, 5, 12, 7 }, { 4, 17, 17, 0 }, { 2, 0, 6, 6 }, { 5, 33, 70, 19 },
        { 0, 4, 9, 2 }, { 2, 6 * 5 * 7, 16 * 5 * 7, 3 * 5 * 7 },
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Concat_copies_each_sample_into_its_block_and_leaves_the_rest(int n, int features, int outFeatures, int offset)
    {
        ConcatMatches<float>(n, features, outFeatures, offset);
        ConcatMatches<double>(n, features, outFeatures, offset);
    }

    private static void ConcatMatches<T>(int n, int features, int outFeatures, int offset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Values<T>(n * features, seed: 4);
        T[] y = Values<T>(n * outFeatures, seed: 5, scale: 100), expected = (T[])y.Clone();
        for (int s = 0; s < n; s++)
            for (int j = 0; j < features; j++)
                expected[s * outFeatures + offset + j] = x[s * features + j];
        Merge.Concat<T>(x, y, n, features, outFeatures, offset);
        AssertSameBits<T>(expected, y, "concatenation");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Concat_backward_copies_or_adds_each_sample_s_block(int n, int features, int outFeatures, int offset)
    {
        ConcatBackwardMatches<float>(n, features, outFeatures, offset);
        ConcatBackwardMatches<double>(n, features, outFeatures, offset);
    }

    private static void ConcatBackwardMatches<T>(int n, int features, int outFeatures, int offset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] dy = Values<T>(n * outFeatures, seed: 6);
        T[] prefill = Values<T>(n * features, seed: 7, scale: 3);
        T[] copied = new T[n * features], added = new T[n * features];
        for (int s = 0; s < n; s++)
            for (int j = 0; j < features; j++)
            {
                T g = dy[s * outFeatures + offset + j];
                copied[s * features + j] = g;
                added[s * features + j] = prefill[s * features + j] + g;
            }
        T[] dx = new T[n * features];
        Array.Fill(dx, T.NaN);
        Merge.ConcatBackward<T>(dy, dx, n, features, outFeatures, offset);
        AssertSameBits<T>(copied, dx, "concatenation gradient");
        dx = (T[])prefill.Clone();
        Merge.ConcatBackward<T>(dy, dx, n, features, outFeatures, offset, accumulate: true);
        AssertSameBits<T>(added, dx, "accumulated concatenation gradient");
    }

    [Fact]
    public void Concatenated_operands_fill_the_output_and_their_gradients_give_them_back()
    {
        // Three images [2, 3, 5], [1, 3, 5] and [4, 3, 5] concatenated along their channels into [7, 3, 5], for 3 samples.
        const int n = 3, plane = 3 * 5;
        int[] channels = [2, 1, 4];
        int outFeatures = 7 * plane;
        var parts = new double[channels.Length][];
        double[] y = new double[n * outFeatures];
        Array.Fill(y, double.NaN);
        for (int p = 0, offset = 0; p < parts.Length; offset += channels[p] * plane, p++)
        {
            parts[p] = TestData.Doubles(n * channels[p] * plane, seed: 8 + p);
            Merge.Concat<double>(parts[p], y, n, channels[p] * plane, outFeatures, offset);
        }
        for (int s = 0, o = 0; s < n; s++)
            for (int p = 0; p < parts.Length; p++)
                for (int j = 0; j < channels[p] * plane; j++, o++)
                    Assert.Equal(parts[p][s * channels[p] * plane + j], y[o]);

        for (int p = 0, offset = 0; p < parts.Length; offset += channels[p] * plane, p++)
        {
            double[] back = new double[parts[p].Length];
            Merge.ConcatBackward<double>(y, back, n, channels[p] * plane, outFeatures, offset);
            Assert.Equal(parts[p], back);
        }
    }

    [Fact]
    public void Concatenations_outside_their_spans_are_rejected_with_the_expected_length()
    {
        // 3 samples of 4 features into rows of 10 at offset 2: x needs 12 values, y 30.
        var e = Assert.Throws<ArgumentException>(() => Merge.Concat<float>(new float[11], new float[30], 3, 4, 10, 2));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("12", e.Message);
        e = Assert.Throws<ArgumentException>(() => Merge.Concat<float>(new float[12], new float[29], 3, 4, 10, 2));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("30", e.Message);
        e = Assert.Throws<ArgumentException>(() => Merge.ConcatBackward<double>(new double[29], new double[12], 3, 4, 10, 2));
        Assert.Equal("dy", e.ParamName);
        Assert.Contains("30", e.Message);
        e = Assert.Throws<ArgumentException>(() => Merge.ConcatBackward<double>(new double[30], new double[11], 3, 4, 10, 2, accumulate: true));
        Assert.Equal("dx", e.ParamName);
        Assert.Contains("12", e.Message);

        // The block must lie inside the row: offset + features ≤ outFeatures, offset ≥ 0.
        e = Assert.Throws<ArgumentException>(() => Merge.Concat<float>(new float[12], new float[30], 3, 4, 10, 7));
        Assert.Equal("offset", e.ParamName);
        Assert.Contains("outFeatures = 10", e.Message);
        e = Assert.Throws<ArgumentException>(() => Merge.ConcatBackward<float>(new float[30], new float[12], 3, 4, 10, 7));
        Assert.Equal("offset", e.ParamName);
        Assert.ThrowsAny<ArgumentException>(() => Merge.Concat<float>(new float[12], new float[30], 3, 4, 10, -1));
        Assert.ThrowsAny<ArgumentException>(() => Merge.Concat<float>(new float[12], new float[30], -1, 4, 10, 2));
    }

    [Fact]
    public void Merge_kernels_allocate_nothing()
    {
        float[] a = TestData.Floats(333, seed: 9), b = TestData.Floats(333, seed: 10), y = new float[333];
        double[] ad = TestData.Doubles(333, seed: 11), yd = new double[333];
        float[] wide = new float[3 * 250];
        Assert.Equal(0, Allocations.Steady(() => Merge.Add<float>(a, b, y)));
        Assert.Equal(0, Allocations.Steady(() => Merge.Add<double>(ad, yd, yd)));
        Assert.Equal(0, Allocations.Steady(() => Merge.Accumulate<float>(a, y)));
        Assert.Equal(0, Allocations.Steady(() => Merge.Concat<float>(a, wide, 3, 111, 250, 100)));
        Assert.Equal(0, Allocations.Steady(() => Merge.ConcatBackward<float>(wide, a, 3, 111, 250, 100)));
        Assert.Equal(0, Allocations.Steady(() => Merge.ConcatBackward<float>(wide, a, 3, 111, 250, 100, accumulate: true)));
    }
}
