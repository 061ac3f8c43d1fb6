using System;
using System.Collections.Generic;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// <see cref="Conv2D"/> against plain nested loops (one term per input, weight and output position, with explicit padding
/// checks) in double precision, and its backward pass against central finite differences of <c>L = Σ y·r</c>.
/// The convolution is linear in each of x, w and b, so the differences have no truncation error: only rounding,
/// about 1e-16·|L|/h ≈ 1e-9 here, well inside the 1e-7 tolerance, while any wrong index is off by O(1).
/// </summary>
public class ConvolutionKernelTests
{
    public sealed record Shape(int N, int C, int H, int W, int F, int K, int S, int PadTop, int PadLeft, int OutH, int OutW)
    {
        public int XLength => N * C * H * W;
        public int WLength => F * C * K * K;
        public int YLength => N * F * OutH * OutW;
        public int ColumnsLength => Conv2D.ColumnsLength(C, K, OutH, OutW);
    }

    private static readonly Dictionary<string, Shape> Shapes = new()
    {
        ["kernel 1, stride 1"] = new(1, 1, 5, 5, 1, 1, 1, 0, 0, 5, 5),
        ["kernel 1, stride 2, non-square"] = new(3, 3, 6, 5, 2, 1, 2, 0, 0, 3, 3),
        ["kernel 3, stride 1, valid"] = new(3, 2, 7, 6, 3, 3, 1, 0, 0, 5, 4),
        ["kernel 3, stride 1, same"] = new(3, 2, 7, 6, 3, 3, 1, 1, 1, 7, 6),
        ["kernel 5, stride 1, valid"] = new(3, 2, 11, 9, 5, 5, 1, 0, 0, 7, 5),
        ["kernel 5, stride 1, same"] = new(1, 3, 9, 8, 4, 5, 1, 2, 2, 9, 8),
        ["kernel 3, stride 2, valid"] = new(3, 2, 9, 8, 5, 3, 2, 0, 0, 4, 3),
        ["kernel 3, stride 2, pad 1"] = new(3, 2, 9, 8, 5, 3, 2, 1, 1, 5, 4),
        ["kernel 3, stride 2, pad 1, even input"] = new(1, 2, 8, 8, 3, 3, 2, 1, 1, 4, 4),
        ["kernel 5, stride 2, pad 2"] = new(2, 3, 10, 7, 2, 5, 2, 2, 2, 5, 4),
        ["padding on top only"] = new(2, 2, 6, 7, 3, 3, 1, 2, 0, 6, 5),
        ["padding on the left only"] = new(1, 2, 6, 7, 3, 3, 1, 0, 2, 4, 7),
        ["kernel equal to the input"] = new(3, 2, 5, 5, 4, 5, 1, 0, 0, 1, 1),
        ["wide rows, vector tails"] = new(2, 2, 6, 23, 6, 3, 1, 1, 1, 6, 23),
        ["many filters"] = new(1, 1, 12, 11, 9, 3, 1, 1, 1, 12, 11),
        // Channels enough for the input gradient's direct kernel on every vector width (16 on AVX-512), same padding.
        ["same padding, channels filling a register tile"] = new(1, 16, 6, 5, 5, 3, 1, 1, 1, 6, 5),
        ["filters over three panels, valid"] = new(2, 3, 9, 9, 33, 3, 1, 0, 0, 7, 7),
        // Eight filters over rows of 20: row tiles of eight filters with 512-bit vectors, and the weight gradient's
        // tiles of one 512-bit vector of filters (18 taps: two of nine).
        ["eight filters, wide rows"] = new(2, 2, 6, 20, 8, 3, 1, 1, 1, 6, 20),
    };

    public static TheoryData<string, bool> ShapesWithBias()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in Shapes.Keys)
        {
            data.Add(name, true);
            data.Add(name, false);
        }
        return data;
    }

    public static TheoryData<string> ShapeNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in Shapes.Keys) data.Add(name);
        return data;
    }

    // ---- Reference: the definition, one term at a time ----

    private static double[] ReferenceForward(Shape s, double[] x, double[] w, double[]? b)
    {
        var y = new double[s.YLength];
        for (int i = 0; i < s.N; i++)
        for (int f = 0; f < s.F; f++)
        for (int oh = 0; oh < s.OutH; oh++)
        for (int ow = 0; ow < s.OutW; ow++)
        {
            double sum = b is null ? 0 : b[f];
            for (int c = 0; c < s.C; c++)
            for (int ki = 0; ki < s.K; ki++)
            for (int kj = 0; kj < s.K; kj++)
            {
                int ih = oh * s.S - s.PadTop + ki, iw = ow * s.S - s.PadLeft + kj;
                if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) continue;
                sum += w[((f * s.C + c) * s.K + ki) * s.K + kj] * x[((i * s.C + c) * s.H + ih) * s.W + iw];
            }
            y[((i * s.F + f) * s.OutH + oh) * s.OutW + ow] = sum;
        }
        return y;
    }

    private static (double[] dw, double[] db, double[] dx) ReferenceBackward(Shape s, double[] x, double[] w, double[] dy)
    {
        var dw = new double[s.WLength];
        var db = new double[s.F];
        var dx = new double[s.XLength];
        for (int i = 0; i < s.N; i++)
        for (int f = 0; f < s.F; f++)
        for (int oh = 0; oh < s.OutH; oh++)
        for (int ow = 0; ow < s.OutW; ow++)
        {
            double g = dy[((i * s.F + f) * s.OutH + oh) * s.OutW + ow];
            db[f] += g;
            for (int c = 0; c < s.C; c++)
            for (int ki = 0; ki < s.K; ki++)
            for (int kj = 0; kj < s.K; kj++)
            {
                int ih = oh * s.S - s.PadTop + ki, iw = ow * s.S - s.PadLeft + kj;
                if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) continue;
                int wi = ((f * s.C + c) * s.K + ki) * s.K + kj, xi = ((i * s.C + c) * s.H + ih) * s.W + iw;
                dw[wi] += g * x[xi];
                dx[xi] += g * w[wi];
            }
        }
        return (dw, db, dx);
    }

    // ---- Kernel calls ----

    private static double[] Forward(Shape s, double[] x, double[] w, double[]? b)
    {
        var y = Filled(s.YLength, double.NaN);
        Conv2D.Forward<double>(x, w, b ?? ReadOnlySpan<double>.Empty, y,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW);
        return y;
    }

    private static (double[] dw, double[] db, double[] dx) Backward(Shape s, double[] x, double[] w, double[] dy)
    {
        // Garbage in every output and in the scratch: the kernel must overwrite, not accumulate.
        var dw = Filled(s.WLength, double.NaN);
        var db = Filled(s.F, double.NaN);
        var dx = Filled(s.XLength, double.NaN);
        var columns = Filled(s.ColumnsLength, double.NaN);
        Conv2D.Backward<double>(x, w, dy, dw, db, dx, columns,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW);
        return (dw, db, dx);
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

    // ---- Tests ----

    [Theory]
    [MemberData(nameof(ShapesWithBias))]
    public void Forward_matches_the_definition(string shape, bool bias)
    {
        Shape s = Shapes[shape];
        double[] x = TestData.Doubles(s.XLength, seed: 11);
        double[] w = TestData.Doubles(s.WLength, seed: 12);
        double[]? b = bias ? TestData.Doubles(s.F, seed: 13) : null;

        AssertClose(ReferenceForward(s, x, w, b), Forward(s, x, w, b), 1e-12, "y");
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void Backward_matches_the_definition(string shape)
    {
        Shape s = Shapes[shape];
        double[] x = TestData.Doubles(s.XLength, seed: 21);
        double[] w = TestData.Doubles(s.WLength, seed: 22);
        double[] dy = TestData.Doubles(s.YLength, seed: 23);

        var (dwRef, dbRef, dxRef) = ReferenceBackward(s, x, w, dy);
        var (dw, db, dx) = Backward(s, x, w, dy);
        AssertClose(dwRef, dw, 1e-12, "dw");
        AssertClose(dbRef, db, 1e-12, "db");
        AssertClose(dxRef, dx, 1e-12, "dx");
    }

    [Theory]
    [MemberData(nameof(ShapesWithBias))]
    public void Backward_matches_finite_differences(string shape, bool bias)
    {
        const double h = 1e-6, tolerance = 1e-7;
        Shape s = Shapes[shape];
        double[] x = TestData.Doubles(s.XLength, seed: 31);
        double[] w = TestData.Doubles(s.WLength, seed: 32);
        double[]? b = bias ? TestData.Doubles(s.F, seed: 33) : null;
        double[] r = TestData.Doubles(s.YLength, seed: 34);

        double Loss()
        {
            double[] y = Forward(s, x, w, b);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += y[i] * r[i];
            return sum;
        }

        void CheckAgainst(double[] values, double[] gradient, string what)
        {
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + h;
                double plus = Loss();
                values[i] = saved - h;
                double minus = Loss();
                values[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                double error = Math.Abs(numeric - gradient[i]);
                Assert.True(error <= tolerance * Math.Max(1, Math.Abs(gradient[i])),
                    $"d{what}[{i}]: finite differences {numeric:R}, backward {gradient[i]:R} (error {error:E2})");
            }
        }

        // dL/dy = r
        var (dw, db, dx) = Backward(s, x, w, r);
        CheckAgainst(x, dx, "x");
        CheckAgainst(w, dw, "w");
        if (b is not null) CheckAgainst(b, db, "b");
    }

    /// <summary>
    /// The weight gradient in single precision, bit for bit: each sample's sum over the positions is one chain of
    /// fused multiply-adds from zero, in the order (oh, ow), and the samples' sums are added in order, whichever tiles
    /// of taps compute it (<see cref="WeightTapsTile"/> with 512-bit vectors and at most 16 filters: tiles of 9, of 12
    /// and 13, of 12 and 12 and 13; six taps otherwise) and on any number of threads.
    /// </summary>
    [Theory]
    [InlineData(1, 3, 1, 16)]   // 9 taps: one tile
    [InlineData(1, 5, 2, 16)]   // LeNet's first convolution, smaller: 25 taps, 12 and 13
    [InlineData(2, 5, 2, 5)]    // 50 taps
    [InlineData(3, 3, 1, 12)]   // 27 taps, 9 each
    [InlineData(2, 3, 0, 20)]   // 18 taps, more filters than one 512-bit vector holds
    [InlineData(2, 3, 1, 32)]   // 32 filters: one panel of 512-bit tiles (the bias gradient summed as it is transposed)
    public void Single_precision_weight_gradient_is_one_fused_chain_per_sample(int channels, int kernel, int pad, int filters)
    {
        const int n = 3, size = 9;
        int outSize = size + 2 * pad - kernel + 1, taps = channels * kernel * kernel;
        float[] x = TestData.Floats(n * channels * size * size, seed: 51);
        float[] w = TestData.Floats(filters * taps, seed: 52);
        float[] dy = TestData.Floats(n * filters * outSize * outSize, seed: 53);

        var expected = new float[filters * taps];
        for (int f = 0; f < filters; f++)
        for (int k = 0; k < taps; k++)
        {
            int c = k / (kernel * kernel), ki = k / kernel % kernel, kj = k % kernel;
            float total = 0;
            for (int s = 0; s < n; s++)
            {
                float chain = 0;
                for (int oh = 0; oh < outSize; oh++)
                for (int ow = 0; ow < outSize; ow++)
                {
                    int ih = oh - pad + ki, iw = ow - pad + kj;
                    float xv = ih < 0 || ih >= size || iw < 0 || iw >= size ? 0 : x[((s * channels + c) * size + ih) * size + iw];
                    float g = dy[((s * filters + f) * outSize + oh) * outSize + ow];
                    chain = MultiplyAdd.Fused ? MathF.FusedMultiplyAdd(xv, g, chain) : xv * g + chain;
                }
                total = s == 0 ? chain : total + chain;
            }
            expected[f * taps + k] = total;
        }

        // The bias gradient: each sample's row sums of RowMath.Sum, added in sample order (whether summed on their own or
        // while the output gradient is transposed for the weight gradient).
        int positions = outSize * outSize;
        var expectedDb = new float[filters];
        for (int s = 0; s < n; s++)
            for (int f = 0; f < filters; f++)
                expectedDb[f] += RowMath.Sum<float>(dy.AsSpan((s * filters + f) * positions, positions));

        foreach (int threads in new[] { 1, 0 })
        {
            var dw = new float[expected.Length];
            var db = new float[filters];
            Array.Fill(dw, float.NaN);
            Array.Fill(db, float.NaN);
            Conv2D.Backward<float>(x, w, dy, dw, db, Span<float>.Empty, new float[Conv2D.ColumnsLength(channels, kernel, outSize, outSize) * Conv2D.ScratchCopies(2)],
                n, channels, size, size, filters, kernel, 1, pad, pad, outSize, outSize, threads);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(dw[i]),
                    $"dw[{i}] on {threads} thread(s): expected {expected[i]:R}, got {dw[i]:R}");
            for (int f = 0; f < filters; f++)
                Assert.True(BitConverter.SingleToInt32Bits(expectedDb[f]) == BitConverter.SingleToInt32Bits(db[f]),
                    $"db[{f}] on {threads} thread(s): expected {expectedDb[f]:R}, got {db[f]:R}");
        }
    }

    [Fact]
    public void Empty_db_and_dx_skip_those_parts_and_dw_is_unchanged()
    {
        Shape s = Shapes["kernel 3, stride 2, pad 1"];
        double[] x = TestData.Doubles(s.XLength, seed: 41);
        double[] w = TestData.Doubles(s.WLength, seed: 42);
        double[] dy = TestData.Doubles(s.YLength, seed: 43);
        var (dwRef, _, _) = ReferenceBackward(s, x, w, dy);

        var dw = Filled(s.WLength, double.NaN);
        var columns = new double[s.ColumnsLength];
        Conv2D.Backward<double>(x, w, dy, dw, Span<double>.Empty, Span<double>.Empty, columns,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW);
        AssertClose(dwRef, dw, 1e-12, "dw");
    }

    [Fact]
    public void Batch_of_zero_samples_gives_zero_gradients()
    {
        Shape s = Shapes["kernel 3, stride 1, same"] with { N = 0 };
        var dw = Filled(s.WLength, 5.0);
        var db = Filled(s.F, 5.0);
        Conv2D.Backward<double>(ReadOnlySpan<double>.Empty, TestData.Doubles(s.WLength, seed: 1), ReadOnlySpan<double>.Empty,
            dw, db, Span<double>.Empty, new double[s.ColumnsLength],
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW);
        Assert.All(dw, v => Assert.Equal(0.0, v));
        Assert.All(db, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Columns_length_is_one_sample_unfolded()
    {
        Assert.Equal(6 * 5 * 5 * 10 * 10, Conv2D.ColumnsLength(6, 5, 10, 10));
        Assert.Equal(1 * 1 * 1 * 3 * 4, Conv2D.ColumnsLength(1, 1, 3, 4));
    }

    [Fact]
    public void Short_spans_and_bad_sizes_are_rejected()
    {
        Shape s = Shapes["kernel 3, stride 1, same"];
        double[] x = new double[s.XLength], w = new double[s.WLength], y = new double[s.YLength];
        double[] columns = new double[s.ColumnsLength];
        Assert.Throws<ArgumentException>(() => Conv2D.Forward<double>(x, w, ReadOnlySpan<double>.Empty, y.AsSpan(1),
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW));
        Assert.Throws<ArgumentException>(() => Conv2D.Backward<double>(x, w, y, w, Span<double>.Empty, Span<double>.Empty, columns.AsSpan(1),
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW));
        Assert.Throws<ArgumentException>(() => Conv2D.Forward<double>(x.AsSpan(1), w, ReadOnlySpan<double>.Empty, y,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW));
        Assert.Throws<ArgumentException>(() => Conv2D.Forward<double>(x, w, new double[s.F - 1], y,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW));
        Assert.Throws<ArgumentException>(() => Conv2D.Backward<double>(x, w, y, w, Span<double>.Empty, new double[s.XLength - 1], columns,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW));
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv2D.Forward<double>(x, w, ReadOnlySpan<double>.Empty, y,
            s.N, s.C, s.H, s.W, s.F, s.K, 0, s.PadTop, s.PadLeft, s.OutH, s.OutW));
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv2D.Forward<double>(x, w, ReadOnlySpan<double>.Empty, y,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, -1, s.PadLeft, s.OutH, s.OutW));
    }

    /// <summary>
    /// LeNet-sized layers in float, where every vector path runs: agreement with the double definition to ~1e-5. The
    /// weight gradient sums each sample's products over its 576–784 positions as one chain of fused multiply-adds, as a
    /// BLAS kernel does; its rounding grows like √(positions)·|partial sum|·2⁻²⁴, about 1e-5 here, so it gets 3e-5.
    /// </summary>
    [Theory]
    [InlineData(8, 1, 28, 28, 6, 5, 1, 2, 2, 28, 28)]
    [InlineData(8, 1, 28, 28, 6, 5, 1, 0, 0, 24, 24)]
    [InlineData(8, 6, 14, 14, 16, 5, 1, 0, 0, 10, 10)]
    [InlineData(4, 3, 17, 19, 7, 3, 2, 1, 1, 9, 10)]
    public void Float_matches_the_double_definition(int n, int c, int height, int width, int filters, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
    {
        var s = new Shape(n, c, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        float[] x = TestData.Floats(s.XLength, seed: 51);
        float[] w = TestData.Floats(s.WLength, seed: 52, scale: 0.5);
        float[] b = TestData.Floats(s.F, seed: 53);
        float[] dy = TestData.Floats(s.YLength, seed: 54);
        double[] xd = Array.ConvertAll(x, v => (double)v), wd = Array.ConvertAll(w, v => (double)v);
        double[] bd = Array.ConvertAll(b, v => (double)v), dyd = Array.ConvertAll(dy, v => (double)v);

        var y = new float[s.YLength];
        var dw = new float[s.WLength];
        var db = new float[s.F];
        var dx = new float[s.XLength];
        var columns = new float[s.ColumnsLength];
        Conv2D.Forward<float>(x, w, b, y, n, c, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        Conv2D.Backward<float>(x, w, dy, dw, db, dx, columns, n, c, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);

        var (dwRef, dbRef, dxRef) = ReferenceBackward(s, xd, wd, dyd);
        AssertClose(ReferenceForward(s, xd, wd, bd), Array.ConvertAll(y, v => (double)v), 1e-5, "y");
        AssertClose(dwRef, Array.ConvertAll(dw, v => (double)v), 3e-5, "dw");
        AssertClose(dbRef, Array.ConvertAll(db, v => (double)v), 1e-5, "db");
        AssertClose(dxRef, Array.ConvertAll(dx, v => (double)v), 1e-5, "dx");
    }

    /// <summary>
    /// A convolution's tiles take 512-bit vectors only for more filters than a 256-bit tile holds
    /// (<see cref="Conv2D.FilterColumns{T}"/>): on an AVX-512 processor 16 filters run 256-bit tiles and 17 run 512-bit
    /// ones. Every output is one chain of fused multiply-adds in tap order at any width, so the first 16 filters' outputs
    /// and weight gradients have the same bits either way, and so does the input gradient when the 17th filter's
    /// output gradient is zero (its terms add exact zeros). Position tiles (same padding) and the adjoint input gradient
    /// (16 channels), then a valid convolution (col2im).
    /// </summary>
    [Theory]
    [InlineData(16, 8, 3, 1, 8)]
    [InlineData(3, 12, 5, 0, 8)]
    public void Filters_past_a_256_bit_tile_change_no_bit_of_the_others(int c, int size, int kernel, int pad, int outSize)
    {
        const int n = 3, narrow = 16, wide = 17;
        var s16 = new Shape(n, c, size, size, narrow, kernel, 1, pad, pad, outSize, outSize);
        var s17 = s16 with { F = wide };
        float[] x = TestData.Floats(s16.XLength, seed: 71);
        float[] w17 = TestData.Floats(s17.WLength, seed: 72, scale: 0.5);
        float[] w16 = w17[..s16.WLength];
        float[] dy17 = TestData.Floats(s17.YLength, seed: 73);
        int positions = outSize * outSize;
        var dy16 = new float[s16.YLength];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(dy17, i * wide * positions, dy16, i * narrow * positions, narrow * positions);
            Array.Clear(dy17, (i * wide + narrow) * positions, positions);
        }

        float[] y16 = new float[s16.YLength], y17 = new float[s17.YLength];
        Conv2D.Forward<float>(x, w16, ReadOnlySpan<float>.Empty, y16, n, c, size, size, narrow, kernel, 1, pad, pad, outSize, outSize);
        Conv2D.Forward<float>(x, w17, ReadOnlySpan<float>.Empty, y17, n, c, size, size, wide, kernel, 1, pad, pad, outSize, outSize);
        float[] dw16 = new float[s16.WLength], dw17 = new float[s17.WLength], dx16 = new float[s16.XLength], dx17 = new float[s17.XLength];
        Conv2D.Backward<float>(x, w16, dy16, dw16, Span<float>.Empty, dx16, new float[s16.ColumnsLength],
            n, c, size, size, narrow, kernel, 1, pad, pad, outSize, outSize);
        Conv2D.Backward<float>(x, w17, dy17, dw17, Span<float>.Empty, dx17, new float[s17.ColumnsLength],
            n, c, size, size, wide, kernel, 1, pad, pad, outSize, outSize);

        for (int i = 0; i < n; i++)
            for (int k = 0; k < narrow * positions; k++)
                Assert.Equal(BitConverter.SingleToInt32Bits(y16[i * narrow * positions + k]), BitConverter.SingleToInt32Bits(y17[i * wide * positions + k]));
        for (int k = 0; k < s16.WLength; k++)
            Assert.Equal(BitConverter.SingleToInt32Bits(dw16[k]), BitConverter.SingleToInt32Bits(dw17[k]));
        for (int k = 0; k < s16.XLength; k++)
            Assert.Equal(BitConverter.SingleToInt32Bits(dx16[k]), BitConverter.SingleToInt32Bits(dx17[k]));
    }

    /// <summary>
    /// Every output of the forward pass is one chain of fused multiply-adds over its taps in the order (c, ki, kj), from
    /// zero, then the bias: the bits of a scalar loop, whichever way the tiles lie. Rows of 28, 20 and 12 positions with
    /// few filters take row tiles (LeNet's first layer only on AVX-512, where it runs 512-bit vectors, 28 positions of a
    /// row in one step whose second vector is moved back to end at the row's end; so do rows of 20 there, and rows of 12
    /// on 256-bit vectors), a row of 40 two steps (the second moved back), four filters (fewer than a panel of six: the
    /// rows go through the tile, its second vector moved back too), and LeNet's second layer position tiles.
    /// </summary>
    [Theory]
    [InlineData(2, 1, 28, 16, 5, 2, true, false)]
    [InlineData(2, 2, 20, 6, 3, 1, true, true)]
    [InlineData(3, 1, 12, 6, 3, 1, true, true)]
    [InlineData(1, 1, 40, 8, 3, 1, true, true)]
    [InlineData(2, 1, 20, 4, 3, 1, true, true)]
    [InlineData(3, 2, 12, 4, 3, 1, true, true)]
    [InlineData(2, 16, 14, 32, 5, 0, false, false)]
    [InlineData(2, 1, 20, 8, 3, 1, true, true)]
    [InlineData(2, 2, 20, 14, 3, 1, true, false)]
    [InlineData(2, 1, 12, 16, 3, 1, true, true)]
    public void Forward_gives_the_bits_of_one_fused_multiply_add_chain_per_output(int n, int c, int size, int filters, int kernel,
        int pad, bool rowTilesOn512, bool rowTilesOn256)
    {
        int outSize = size + 2 * pad - kernel + 1;
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? rowTilesOn512 : rowTilesOn256,
                Conv2D.TakesRowTiles<float>(c, filters, kernel, 1, outSize, outSize));
        float[] x = TestData.Floats(n * c * size * size, seed: 81), w = TestData.Floats(filters * c * kernel * kernel, seed: 82, scale: 0.5);
        float[] b = TestData.Floats(filters, seed: 83);
        var y = new float[n * filters * outSize * outSize];
        Conv2D.Forward<float>(x, w, b, y, n, c, size, size, filters, kernel, 1, pad, pad, outSize, outSize);
        for (int i = 0; i < n; i++)
            for (int f = 0; f < filters; f++)
                for (int oh = 0; oh < outSize; oh++)
                    for (int ow = 0; ow < outSize; ow++)
                    {
                        float sum = 0;
                        for (int ch = 0; ch < c; ch++)
                            for (int ki = 0; ki < kernel; ki++)
                                for (int kj = 0; kj < kernel; kj++)
                                {
                                    int ih = oh + ki - pad, iw = ow + kj - pad;
                                    float v = ih >= 0 && ih < size && iw >= 0 && iw < size ? x[((i * c + ch) * size + ih) * size + iw] : 0f;
                                    float wv = w[((f * c + ch) * kernel + ki) * kernel + kj];
                                    // Fused where the processor fuses (the kernels' rule, MultiplyAdd.Fused), else a product and a sum.
                                    sum = MultiplyAdd.Fused ? MathF.FusedMultiplyAdd(v, wv, sum) : v * wv + sum;
                                }
                        float expected = sum + b[f];
                        float actual = y[((i * filters + f) * outSize + oh) * outSize + ow];
                        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                            $"sample {i}, filter {f}, position ({oh}, {ow}): {actual} against {expected}");
                    }
    }

    [Fact]
    public void Tiles_take_512_bit_vectors_only_for_filters_past_a_256_bit_tile()
    {
        int widest = PackedGemm.Blocking<float>().Columns;
        int expected16 = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 16 : widest;
        Assert.Equal(expected16, Conv2D.FilterColumns<float>(16));
        Assert.Equal(expected16, Conv2D.FilterColumns<float>(1));
        Assert.Equal(widest, Conv2D.FilterColumns<float>(17));
        Assert.Equal(widest, Conv2D.FilterColumns<float>(64));
    }

    [Fact]
    public void Forward_and_backward_allocate_nothing()
    {
        var s = new Shape(4, 3, 12, 11, 5, 3, 1, 1, 1, 12, 11);
        float[] x = TestData.Floats(s.XLength, seed: 61), w = TestData.Floats(s.WLength, seed: 62), b = TestData.Floats(s.F, seed: 63);
        float[] y = new float[s.YLength], dw = new float[s.WLength], db = new float[s.F], dx = new float[s.XLength];
        float[] columns = new float[s.ColumnsLength];
        double[] xd = TestData.Doubles(s.XLength, seed: 64), wd = TestData.Doubles(s.WLength, seed: 65);
        double[] yd = new double[s.YLength], dwd = new double[s.WLength], dxd = new double[s.XLength];
        double[] columnsD = new double[s.ColumnsLength];

        Assert.Equal(0, Allocations.Steady(() => Conv2D.Forward<float>(x, w, b, y,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW)));
        Assert.Equal(0, Allocations.Steady(() => Conv2D.Backward<float>(x, w, y, dw, db, dx, columns,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW)));
        Assert.Equal(0, Allocations.Steady(() => Conv2D.Forward<double>(xd, wd, ReadOnlySpan<double>.Empty, yd,
            s.N, s.C, s.H, s.W, s.F, s.K, 2, 0, 0, 5, 5)));
        Assert.Equal(0, Allocations.Steady(() => Conv2D.Backward<double>(xd, wd, yd, dwd, Span<double>.Empty, dxd, columnsD,
            s.N, s.C, s.H, s.W, s.F, s.K, 2, 0, 0, 5, 5)));

        // The overloads a model calls: packed weights, a fused ReLU, batch norm at inference.
        var packed = new PackedWeights<float>(s.C * s.K * s.K, s.F);
        float[] gamma = TestData.Floats(s.F, seed: 66), beta = TestData.Floats(s.F, seed: 67), mean = TestData.Floats(s.F, seed: 68);
        float[] variance = Array.ConvertAll(TestData.Floats(s.F, seed: 69), v => 1 + v * v);
        Assert.Equal(0, Allocations.Steady(() => Conv2D.Forward<float>(x, w, packed, 1, b, y,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW, relu: true)));
        Assert.Equal(0, Allocations.Steady(() => Conv2D.ForwardNormalized<float>(x, w, packed, 1, b, gamma, beta, mean, variance, y,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.PadTop, s.PadLeft, s.OutH, s.OutW, epsilon: 1e-5, relu: true)));
    }
}
