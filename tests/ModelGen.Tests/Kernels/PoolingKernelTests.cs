using System;
using System.Collections.Generic;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// <see cref="Pooling"/> against plain loops over each window in double precision, hand-worked examples for ties, NaN,
/// overlapping windows and floor mode, and finite differences of <c>L = Σ y·r</c>.
/// </summary>
public class PoolingKernelTests
{
    public sealed record Shape(int N, int C, int H, int W, int Pool, int S)
    {
        public int OutH => (H - Pool) / S + 1;
        public int OutW => (W - Pool) / S + 1;
        public int XLength => N * C * H * W;
        public int YLength => N * C * OutH * OutW;
    }

    private static readonly Dictionary<string, Shape> Shapes = new()
    {
        ["2x2 stride 2"] = new(1, 1, 4, 4, 2, 2),
        ["2x2 stride 2, batch and channels"] = new(3, 2, 6, 8, 2, 2),
        ["2x2 stride 2, odd sizes (floor mode)"] = new(3, 2, 7, 5, 2, 2),
        ["3x3 stride 2, overlapping"] = new(3, 2, 9, 7, 3, 2),
        ["2x2 stride 1, overlapping"] = new(1, 3, 5, 6, 2, 1),
        ["3x3 stride 3, floor mode"] = new(3, 1, 8, 10, 3, 3),
        ["pool equal to the input"] = new(3, 2, 4, 4, 4, 1),
        ["1x1 stride 2"] = new(1, 2, 5, 4, 1, 2),
    };

    public static TheoryData<string> ShapeNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in Shapes.Keys) data.Add(name);
        return data;
    }

    // ---- Reference ----

    /// <summary>Max of each window: the first value, replaced only by a strictly greater one (row-major scan).</summary>
    private static (double[] y, int[] argmax) ReferenceMax(Shape s, double[] x)
    {
        var y = new double[s.YLength];
        var argmax = new int[s.YLength];
        for (int i = 0; i < s.N; i++)
        for (int c = 0; c < s.C; c++)
        for (int oh = 0; oh < s.OutH; oh++)
        for (int ow = 0; ow < s.OutW; ow++)
        {
            int best = -1;
            for (int ki = 0; ki < s.Pool; ki++)
            for (int kj = 0; kj < s.Pool; kj++)
            {
                int index = (c * s.H + oh * s.S + ki) * s.W + ow * s.S + kj; // within the sample
                int sampleStart = i * s.C * s.H * s.W;
                if (best < 0 || x[sampleStart + index] > x[sampleStart + best]) best = index;
            }
            int o = ((i * s.C + c) * s.OutH + oh) * s.OutW + ow;
            y[o] = x[i * s.C * s.H * s.W + best];
            argmax[o] = best;
        }
        return (y, argmax);
    }

    private static double[] ReferenceMaxBackward(Shape s, int[] argmax, double[] dy)
    {
        var dx = new double[s.XLength];
        for (int o = 0; o < s.YLength; o++)
        {
            int sample = o / (s.C * s.OutH * s.OutW);
            dx[sample * s.C * s.H * s.W + argmax[o]] += dy[o];
        }
        return dx;
    }

    private static double[] ReferenceAvg(Shape s, double[] x)
    {
        var y = new double[s.YLength];
        for (int i = 0; i < s.N; i++)
        for (int c = 0; c < s.C; c++)
        for (int oh = 0; oh < s.OutH; oh++)
        for (int ow = 0; ow < s.OutW; ow++)
        {
            double sum = 0;
            for (int ki = 0; ki < s.Pool; ki++)
            for (int kj = 0; kj < s.Pool; kj++)
                sum += x[((i * s.C + c) * s.H + oh * s.S + ki) * s.W + ow * s.S + kj];
            y[((i * s.C + c) * s.OutH + oh) * s.OutW + ow] = sum / (s.Pool * s.Pool);
        }
        return y;
    }

    private static double[] ReferenceAvgBackward(Shape s, double[] dy)
    {
        var dx = new double[s.XLength];
        for (int i = 0; i < s.N; i++)
        for (int c = 0; c < s.C; c++)
        for (int oh = 0; oh < s.OutH; oh++)
        for (int ow = 0; ow < s.OutW; ow++)
        for (int ki = 0; ki < s.Pool; ki++)
        for (int kj = 0; kj < s.Pool; kj++)
            dx[((i * s.C + c) * s.H + oh * s.S + ki) * s.W + ow * s.S + kj] +=
                dy[((i * s.C + c) * s.OutH + oh) * s.OutW + ow] / (s.Pool * s.Pool);
        return dx;
    }

    // ---- Kernel calls (outputs pre-filled with garbage: the kernels must overwrite) ----

    private static (double[] y, int[] argmax) MaxForward(Shape s, double[] x)
    {
        var y = Filled(s.YLength, double.NaN);
        var argmax = new int[s.YLength];
        Array.Fill(argmax, -7);
        Pooling.MaxForward<double>(x, y, argmax, s.N, s.C, s.H, s.W, s.Pool, s.S, s.OutH, s.OutW);
        return (y, argmax);
    }

    private static double[] MaxBackward(Shape s, int[] argmax, double[] dy)
    {
        var dx = Filled(s.XLength, double.NaN);
        Pooling.MaxBackward<double>(dy, argmax, dx, s.N, s.C, s.H, s.W, s.OutH, s.OutW);
        return dx;
    }

    private static double[] AvgForward(Shape s, double[] x)
    {
        var y = Filled(s.YLength, double.NaN);
        Pooling.AvgForward<double>(x, y, s.N, s.C, s.H, s.W, s.Pool, s.S, s.OutH, s.OutW);
        return y;
    }

    private static double[] AvgBackward(Shape s, double[] dy)
    {
        var dx = Filled(s.XLength, double.NaN);
        Pooling.AvgBackward<double>(dy, dx, s.N, s.C, s.H, s.W, s.Pool, s.S, s.OutH, s.OutW);
        return dx;
    }

    private static double[] Filled(int length, double value)
    {
        var a = new double[length];
        Array.Fill(a, value);
        return a;
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2})");
        }
    }

    /// <summary>Central differences of <c>Σ forward(x)·r</c> with respect to every input.</summary>
    private static void CheckFiniteDifferences(double[] x, double[] r, double[] gradient, Func<double[], double[]> forward)
    {
        const double h = 1e-6, tolerance = 1e-7;
        double Loss()
        {
            double[] y = forward(x);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += y[i] * r[i];
            return sum;
        }
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + h;
            double plus = Loss();
            x[i] = saved - h;
            double minus = Loss();
            x[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            double error = Math.Abs(numeric - gradient[i]);
            Assert.True(error <= tolerance * Math.Max(1, Math.Abs(gradient[i])),
                $"dx[{i}]: finite differences {numeric:R}, backward {gradient[i]:R} (error {error:E2})");
        }
    }

    // ---- Max pooling ----

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void Max_pooling_of_distinct_values_matches_the_definition(string shape)
    {
        Shape s = Shapes[shape];
        double[] x = TestData.Doubles(s.XLength, seed: 71); // distinct with probability 1
        double[] dy = TestData.Doubles(s.YLength, seed: 72);

        var (yRef, argmaxRef) = ReferenceMax(s, x);
        var (y, argmax) = MaxForward(s, x);
        Assert.Equal(yRef, y);
        Assert.Equal(argmaxRef, argmax);
        Assert.Equal(ReferenceMaxBackward(s, argmaxRef, dy), MaxBackward(s, argmax, dy));
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void Max_pooling_backward_matches_finite_differences(string shape)
    {
        Shape s = Shapes[shape];
        double[] x = TestData.Doubles(s.XLength, seed: 73); // distinct values: the max is differentiable
        double[] r = TestData.Doubles(s.YLength, seed: 74);
        var (_, argmax) = MaxForward(s, x);
        CheckFiniteDifferences(x, r, MaxBackward(s, argmax, r), v => MaxForward(s, v).y);
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void Max_pooling_with_ties_picks_the_first_maximum(string shape)
    {
        Shape s = Shapes[shape];
        // Values from {0, 1, 2}: most windows hold their maximum several times.
        double[] x = Array.ConvertAll(TestData.Labels(s.XLength, 3, seed: 75), v => (double)v);
        var (yRef, argmaxRef) = ReferenceMax(s, x);
        var (y, argmax) = MaxForward(s, x);
        Assert.Equal(yRef, y);
        Assert.Equal(argmaxRef, argmax);
    }

    [Fact]
    public void Max_pooling_ties_hand_worked()
    {
        // One 4x4 plane, 2x2 windows, stride 2.
        double[] x =
        {
            1, 5,   3, 3,
            5, 0,   3, 3,

            -2, -1, 7, 6,
            -1, -3, 6, 7,
        };
        var s = new Shape(1, 1, 4, 4, 2, 2);
        var (y, argmax) = MaxForward(s, x);
        Assert.Equal(new double[] { 5, 3, -1, 7 }, y);
        Assert.Equal(new[] { 1, 2, 9, 10 }, argmax); // first maximum in row-major window order
    }

    [Fact]
    public void Max_pooling_lets_a_NaN_win_as_PyTorch_does()
    {
        double[] x =
        {
            1, double.NaN,   2, 9,
            4, 3,            double.NaN, double.NaN,
        };
        var s = new Shape(1, 1, 2, 4, 2, 2);
        var (y, argmax) = MaxForward(s, x);
        Assert.True(double.IsNaN(y[0]));
        Assert.Equal(1, argmax[0]);
        Assert.True(double.IsNaN(y[1]));
        Assert.Equal(7, argmax[1]); // PyTorch's `val > max || isnan(val)`: each later NaN replaces the earlier one
    }

    /// <summary>
    /// Float 2×2 windows with stride 2 take a vector path (AVX2, eight outputs per step, masked loads for rows of fewer);
    /// it must give the bits and indices of the rule, including ties, signed zeros, infinities and NaNs, on every row
    /// length (shorter than eight, a multiple of eight or not, an odd input width in floor mode), up to the last row of
    /// the buffer.
    /// </summary>
    /// <summary>
    /// Values for the pooling kernels' rule: mostly −1, ±0, 1 and 2 (ties everywhere), now and then an infinity or a NaN.
    /// </summary>
    private static float[] TieValues(int count, int seed)
    {
        float[] palette = { float.NegativeInfinity, -1f, -0f, 0f, 1f, 2f, float.PositiveInfinity, float.NaN };
        int[] picks = TestData.Labels(count, palette.Length * 3, seed);
        return Array.ConvertAll(picks, p => p < 20 ? palette[1 + p % 5] : palette[p % palette.Length]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(26)]
    [InlineData(28)]
    [InlineData(35)]
    [InlineData(58)]
    public void Max_pooling_of_float_pairs_gives_the_bits_of_the_rule(int width)
    {
        const int n = 2, c = 3, height = 6;
        int outHeight = height / 2, outWidth = width / 2;
        float[] x = TieValues(n * c * height * width, seed: 76);
        float[] y = new float[n * c * outHeight * outWidth];
        int[] argmax = new int[y.Length];
        Pooling.MaxForward<float>(x, y, argmax, n, c, height, width, 2, 2, outHeight, outWidth);

        int o = 0;
        for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
        for (int oh = 0; oh < outHeight; oh++)
        for (int ow = 0; ow < outWidth; ow++, o++)
        {
            float best = float.NegativeInfinity;
            int at = (ch * height + 2 * oh) * width + 2 * ow;
            for (int ki = 0; ki < 2; ki++)
            for (int kj = 0; kj < 2; kj++)
            {
                int index = (ch * height + 2 * oh + ki) * width + 2 * ow + kj;
                float v = x[i * c * height * width + index];
                if (v > best || float.IsNaN(v))
                {
                    best = v;
                    at = index;
                }
            }
            Assert.Equal(BitConverter.SingleToInt32Bits(best), BitConverter.SingleToInt32Bits(y[o]));
            Assert.Equal(at, argmax[o]);
        }
    }

    /// <summary>
    /// Without indices (an empty <c>argmax</c>, as inference passes), the maxima are the same bits, on the 2×2 pairs
    /// kernel (rows of every width class: masked, whole steps, a step moved back) and on the general loop.
    /// </summary>
    [Theory]
    [InlineData(2, 2, 3)]
    [InlineData(2, 2, 16)]
    [InlineData(2, 2, 28)]
    [InlineData(2, 2, 35)]
    [InlineData(3, 2, 17)]
    [InlineData(2, 1, 9)]
    public void Max_pooling_without_indices_gives_the_same_maxima(int pool, int stride, int width)
    {
        const int n = 3, c = 2, height = 8;
        int outHeight = (height - pool) / stride + 1, outWidth = (width - pool) / stride + 1;
        float[] x = TieValues(n * c * height * width, seed: 77);
        float[] withIndices = new float[n * c * outHeight * outWidth], without = new float[withIndices.Length];
        Array.Fill(without, 42f);
        Pooling.MaxForward<float>(x, withIndices, new int[withIndices.Length], n, c, height, width, pool, stride, outHeight, outWidth);
        Pooling.MaxForward<float>(x, without, Span<int>.Empty, n, c, height, width, pool, stride, outHeight, outWidth, threads: 0);
        Assert.Equal(Array.ConvertAll(withIndices, BitConverter.SingleToInt32Bits), Array.ConvertAll(without, BitConverter.SingleToInt32Bits));
    }

    /// <summary>
    /// Rows shorter than a vector (the 2×2 kernel's masked steps, as LeNet's second pooling has them): every value and
    /// index is the definition's, and nothing past the output (here the rest of a larger array) is written, with or
    /// without indices, on one thread or all.
    /// </summary>
    [Theory]
    [InlineData(3, 1)]
    [InlineData(6, 1)]
    [InlineData(10, 1)]
    [InlineData(10, 0)]
    [InlineData(14, 0)]
    public void Max_pooling_of_short_rows_writes_nothing_past_the_output(int width, int threads)
    {
        const int n = 4, c = 3, height = 4, guard = 16;
        int outHeight = height / 2, outWidth = width / 2, count = n * c * outHeight * outWidth;
        float[] x = TestData.Floats(n * c * height * width, seed: 78);
        // The definition: the first of each window's largest values (no NaN here), scanned row by row.
        float[] expected = new float[count];
        int[] expectedAt = new int[count];
        for (int plane = 0, o = 0; plane < n * c; plane++)
            for (int oh = 0; oh < outHeight; oh++)
                for (int ow = 0; ow < outWidth; ow++, o++)
                {
                    int first = (plane % c * height + 2 * oh) * width + 2 * ow, at = first;
                    int[] window = [first, first + 1, first + width, first + width + 1];
                    foreach (int index in window)
                        if (x[plane / c * c * height * width + index] > x[plane / c * c * height * width + at]) at = index;
                    expected[o] = x[plane / c * c * height * width + at];
                    expectedAt[o] = at;
                }
        foreach (bool indices in new[] { false, true })
        {
            float[] y = new float[count + guard];
            int[] at = new int[count + guard];
            Array.Fill(y, 42f);
            Array.Fill(at, -7);
            Pooling.MaxForward<float>(x, y.AsSpan(0, count), indices ? at.AsSpan(0, count) : Span<int>.Empty,
                n, c, height, width, 2, 2, outHeight, outWidth, threads);
            Assert.Equal(expected, y[..count]);
            Assert.All(y[count..], v => Assert.Equal(42f, v));
            if (indices) Assert.Equal(expectedAt, at[..count]);
            Assert.All(at[count..], v => Assert.Equal(-7, v));
        }
    }

    /// <summary>
    /// The position-major kernel (a convolution's pooled samples laid out <c>[positions][filters]</c>) gives the bits of
    /// the pooling of the same values laid out <c>[filters][positions]</c>, ties of ±0, infinities and NaN included, for
    /// filter counts that fill eight lanes, leave some empty or take several blocks, and planes of pooled positions that
    /// are a multiple of eight or end in a group moved back.
    /// </summary>
    [Theory]
    [InlineData(16, 8, 8)]
    [InlineData(5, 10, 10)]
    [InlineData(20, 7, 9)]
    [InlineData(32, 28, 28)]
    public unsafe void Position_major_max_pooling_gives_the_bits_of_the_rule(int filters, int height, int width)
    {
        int outHeight = height / 2, outWidth = width / 2, positions = height * width, stride = (filters + 7) / 8 * 8;
        float[] planes = TieValues(filters * positions, seed: 79);
        float[] expected = new float[filters * outHeight * outWidth];
        Pooling.MaxForward<float>(planes, expected, Span<int>.Empty, 1, filters, height, width, 2, 2, outHeight, outWidth);
        // The same values position-major, the lanes past the filters filled with what must not be stored.
        float[] rows = new float[positions * stride];
        Array.Fill(rows, float.MaxValue);
        for (int f = 0; f < filters; f++)
            for (int q = 0; q < positions; q++) rows[q * stride + f] = planes[f * positions + q];
        float[] y = new float[expected.Length + 8];
        Array.Fill(y, 42f);
        fixed (float* px = rows, py = y)
            MaxPairsPositionMajor.Forward(px, stride, filters, width, py, outHeight, outWidth);
        Assert.Equal(Array.ConvertAll(expected, BitConverter.SingleToInt32Bits),
            Array.ConvertAll(y[..expected.Length], BitConverter.SingleToInt32Bits));
        Assert.All(y[expected.Length..], v => Assert.Equal(42f, v));
    }

    [Fact]
    public void Max_pooling_of_overlapping_windows_accumulates_in_backward()
    {
        // 3x3 plane, 2x2 windows with stride 1: all four windows contain the center, which is the maximum.
        double[] x =
        {
            1, 2, 3,
            4, 9, 5,
            6, 7, 8,
        };
        var s = new Shape(1, 1, 3, 3, 2, 1);
        var (y, argmax) = MaxForward(s, x);
        Assert.Equal(new double[] { 9, 9, 9, 9 }, y);
        Assert.Equal(new[] { 4, 4, 4, 4 }, argmax);
        double[] dx = MaxBackward(s, argmax, new double[] { 1, 10, 100, 1000 });
        Assert.Equal(new double[] { 0, 0, 0, 0, 1111, 0, 0, 0, 0 }, dx);
    }

    [Fact]
    public void Max_pooling_in_floor_mode_ignores_what_no_window_reaches()
    {
        // 5x5 plane, 2x2 windows, stride 2: a 2x2 output; the last row and column belong to no window.
        double[] x = new double[25];
        for (int i = 0; i < 25; i++) x[i] = i;
        x[24] = 100; x[4] = 100; x[20] = 100; // large, but outside every window
        var s = new Shape(1, 1, 5, 5, 2, 2);
        Assert.Equal(2, s.OutH);
        var (y, argmax) = MaxForward(s, x);
        Assert.Equal(new double[] { 6, 8, 16, 18 }, y);
        Assert.Equal(new[] { 6, 8, 16, 18 }, argmax);
        double[] dx = MaxBackward(s, argmax, new double[] { 1, 2, 3, 4 });
        var expected = new double[25];
        expected[6] = 1; expected[8] = 2; expected[16] = 3; expected[18] = 4;
        Assert.Equal(expected, dx);
    }

    [Fact]
    public void Argmax_indices_are_within_the_sample()
    {
        // Two samples of two channels: indices restart at each sample and include the channel offset.
        var s = new Shape(2, 2, 2, 2, 2, 2);
        double[] x =
        {
            0, 1, 2, 3,   7, 6, 5, 4, // sample 0: channel 0 max at 3, channel 1 max at 4 (0 within the plane)
            9, 0, 0, 0,   0, 0, 8, 0, // sample 1: channel 0 max at 0, channel 1 max at 4 + 2
        };
        var (y, argmax) = MaxForward(s, x);
        Assert.Equal(new double[] { 3, 7, 9, 8 }, y);
        Assert.Equal(new[] { 3, 4, 0, 6 }, argmax);
    }

    [Fact]
    public void Max_backward_rejects_an_index_outside_the_sample()
    {
        var s = new Shape(2, 1, 2, 2, 2, 2);
        Assert.Throws<ArgumentException>(() =>
            Pooling.MaxBackward<double>(new double[] { 1, 1 }, new[] { 0, 4 }, new double[8], s.N, s.C, s.H, s.W, s.OutH, s.OutW));
    }

    [Fact]
    public void Windows_beyond_the_input_are_rejected()
    {
        double[] x = new double[25], y = new double[9];
        int[] argmax = new int[9];
        // 5x5 with 2x2 windows and stride 2 has 2 outputs per axis, not 3.
        Assert.Throws<ArgumentException>(() => Pooling.MaxForward<double>(x, y, argmax, 1, 1, 5, 5, 2, 2, 3, 3));
        Assert.Throws<ArgumentException>(() => Pooling.AvgForward<double>(x, y, 1, 1, 5, 5, 2, 2, 3, 2));
        Assert.Throws<ArgumentException>(() => Pooling.AvgBackward<double>(y, x, 1, 1, 5, 5, 2, 2, 2, 3));
    }

    // ---- Average pooling ----

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void Average_pooling_matches_the_definition(string shape)
    {
        Shape s = Shapes[shape];
        double[] x = TestData.Doubles(s.XLength, seed: 81);
        double[] dy = TestData.Doubles(s.YLength, seed: 82);
        AssertClose(ReferenceAvg(s, x), AvgForward(s, x), 1e-15, "y");
        AssertClose(ReferenceAvgBackward(s, dy), AvgBackward(s, dy), 1e-15, "dx");
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void Average_pooling_backward_matches_finite_differences(string shape)
    {
        Shape s = Shapes[shape];
        double[] x = TestData.Doubles(s.XLength, seed: 83);
        double[] r = TestData.Doubles(s.YLength, seed: 84);
        CheckFiniteDifferences(x, r, AvgBackward(s, r), v => AvgForward(s, v));
    }

    [Fact]
    public void Average_pooling_hand_worked_overlap_and_floor_mode()
    {
        // 3x4 plane, 2x2 windows with stride 1 (a 2x3 output): inner inputs belong to several windows.
        double[] x =
        {
            1, 2, 3, 4,
            5, 6, 7, 8,
            9, 10, 11, 12,
        };
        var s = new Shape(1, 1, 3, 4, 2, 1);
        Assert.Equal(new double[] { 3.5, 4.5, 5.5, 7.5, 8.5, 9.5 }, AvgForward(s, x));
        double[] dx = AvgBackward(s, new double[] { 4, 4, 4, 4, 4, 4 });
        Assert.Equal(new double[] { 1, 2, 2, 1, 2, 4, 4, 2, 1, 2, 2, 1 }, dx);

        // 3x3 plane, 2x2 windows with stride 2: one window; the last row and column get no gradient.
        var floor = new Shape(1, 1, 3, 3, 2, 2);
        Assert.Equal(new double[] { 3 }, AvgForward(floor, new double[] { 1, 2, 100, 4, 5, 100, 100, 100, 100 }));
        Assert.Equal(new double[] { 2, 2, 0, 2, 2, 0, 0, 0, 0 }, AvgBackward(floor, new double[] { 8 }));
    }

    // ---- Float and allocations ----

    [Fact]
    public void Float_matches_the_double_definition()
    {
        var s = new Shape(4, 6, 28, 28, 2, 2);
        float[] x = TestData.Floats(s.XLength, seed: 91);
        float[] dy = TestData.Floats(s.YLength, seed: 92);
        double[] xd = Array.ConvertAll(x, v => (double)v), dyd = Array.ConvertAll(dy, v => (double)v);

        var y = new float[s.YLength];
        var argmax = new int[s.YLength];
        var dx = new float[s.XLength];
        Pooling.MaxForward<float>(x, y, argmax, s.N, s.C, s.H, s.W, s.Pool, s.S, s.OutH, s.OutW);
        var (yRef, argmaxRef) = ReferenceMax(s, xd);
        Assert.Equal(yRef, Array.ConvertAll(y, v => (double)v));
        Assert.Equal(argmaxRef, argmax);
        Pooling.MaxBackward<float>(dy, argmax, dx, s.N, s.C, s.H, s.W, s.OutH, s.OutW);
        Assert.Equal(ReferenceMaxBackward(s, argmaxRef, dyd), Array.ConvertAll(dx, v => (double)v));

        Pooling.AvgForward<float>(x, y, s.N, s.C, s.H, s.W, s.Pool, s.S, s.OutH, s.OutW);
        AssertClose(ReferenceAvg(s, xd), Array.ConvertAll(y, v => (double)v), 1e-6, "y");
        Pooling.AvgBackward<float>(dy, dx, s.N, s.C, s.H, s.W, s.Pool, s.S, s.OutH, s.OutW);
        AssertClose(ReferenceAvgBackward(s, dyd), Array.ConvertAll(dx, v => (double)v), 1e-6, "dx");
    }

    [Fact]
    public void Pooling_allocates_nothing()
    {
        var s = new Shape(4, 6, 24, 24, 2, 2);
        float[] x = TestData.Floats(s.XLength, seed: 93), dy = TestData.Floats(s.YLength, seed: 94);
        float[] y = new float[s.YLength], dx = new float[s.XLength];
        int[] argmax = new int[s.YLength];
        Assert.Equal(0, Allocations.Steady(() => Pooling.MaxForward<float>(x, y, argmax, s.N, s.C, s.H, s.W, s.Pool, s.S, s.OutH, s.OutW)));
        Assert.Equal(0, Allocations.Steady(() => Pooling.MaxBackward<float>(dy, argmax, dx, s.N, s.C, s.H, s.W, s.OutH, s.OutW)));
        Assert.Equal(0, Allocations.Steady(() => Pooling.AvgForward<float>(x, y, s.N, s.C, s.H, s.W, s.Pool, s.S, s.OutH, s.OutW)));
        Assert.Equal(0, Allocations.Steady(() => Pooling.AvgBackward<float>(dy, dx, s.N, s.C, s.H, s.W, s.Pool, s.S, s.OutH, s.OutW)));
    }
}
