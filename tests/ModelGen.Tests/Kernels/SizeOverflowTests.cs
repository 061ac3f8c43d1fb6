using System;
using ModelGen.Initialization;
using ModelGen.Kernels;
using ModelGen.Kernels.Optimizers;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// The kernels' size checks: sizes out of their range are rejected with an <see cref="ArgumentOutOfRangeException"/>
/// naming the argument, and lengths whose product does not fit an <see cref="int"/> (which used to wrap around to a
/// small number that a short span passed, so the unsafe code read and wrote out of bounds) with an
/// <see cref="ArgumentException"/> naming the span or the size: always before anything is written, so every output
/// span, filled with a sentinel, still holds it.
/// </summary>
public class SizeOverflowTests
{
    private const float Sentinel = -12345.5f;

    /// <summary>2³² = 65536·65536: the product that wraps around to 0 in 32 bits.</summary>
    private const string TwoToThe32 = "4294967296";

    private static float[] Filled(int length)
    {
        var values = new float[length];
        Array.Fill(values, Sentinel);
        return values;
    }

    private static void Untouched(params float[][] outputs)
    {
        foreach (float[] output in outputs)
            Assert.All(output, v => Assert.Equal(Sentinel, v));
    }

    /// <summary>The <see cref="ArgumentException"/> itself (not a subclass), for <paramref name="name"/>, whose message holds every fragment.</summary>
    private static void Rejected(string name, Action action, params string[] fragments)
    {
        var e = Assert.Throws<ArgumentException>(action);
        Assert.Equal(name, e.ParamName);
        foreach (string fragment in fragments) Assert.Contains(fragment, e.Message);
    }

    private static void OutOfRange(string name, Action action)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(action);
        Assert.Equal(name, e.ParamName);
    }

    // ---- Check ----

    [Fact]
    public void Check_products_saturate_instead_of_wrapping()
    {
        Assert.Equal(1L << 32, Check.Product(65536, 65536));
        Assert.Equal(long.MaxValue, Check.Product(int.MaxValue, int.MaxValue, int.MaxValue));
        Assert.Equal(long.MaxValue, Check.Product(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue));
        Assert.Equal(0, Check.Product(0, int.MaxValue, int.MaxValue));
        Assert.Equal(long.MaxValue, Check.Sum(long.MaxValue - 1, 2));
        Assert.Equal(12, Check.RoundUp(7, 6));
        Assert.Equal(2147483652L, Check.RoundUp(int.MaxValue, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => Check.Product(-1, 2));
    }

    [Fact]
    public void Check_length_in_64_bits_names_the_expected_length()
    {
        float[] x = Filled(4);
        Rejected("x", () => Check.Length((ReadOnlySpan<float>)x, 1L << 32, "x"), TwoToThe32, "too large", "holds 4");
        Rejected("x", () => Check.Length(x.AsSpan(), 5L, "x"), "at least 5 values", "holds 4");
        Rejected("x", () => Check.Length(x.AsSpan(), Check.Product(int.MaxValue, int.MaxValue, int.MaxValue), "x"),
            "more than " + long.MaxValue);
        Check.Length((ReadOnlySpan<float>)x, 4L, "x");
        Rejected("y", () => Check.Length(x.AsSpan(), 5, "y"), "at least 5 values, but it holds 4.");
    }

    [Fact]
    public void Check_size_rejects_what_an_array_cannot_hold()
    {
        Assert.Equal(Array.MaxLength, Check.MaxSize);
        Assert.Equal(Array.MaxLength, Check.Size(Array.MaxLength, "it", "n"));
        Rejected("n", () => Check.Size((long)Array.MaxLength + 1, "the thing", "n"), "the thing", (Array.MaxLength + 1L).ToString());
        Rejected("n", () => Check.Size(long.MaxValue, "the thing", "n"), "the thing", "more than " + long.MaxValue);
    }

    [Fact]
    public void Check_samples_rejects_a_sample_size_that_is_not_positive()
    {
        OutOfRange("sampleSize", () => Check.Samples(10, 0, 0, "inputs"));
        OutOfRange("sampleSize", () => Check.Samples(10, -5, 0, "inputs"));
        var e = Assert.Throws<ArgumentException>(() => Check.Samples(65536 * 4, 4, 65536 / 2, "inputs"));
        Assert.Contains("131072 values", e.Message);
    }

    // ---- Dense ----

    [Fact]
    public void Dense_rejects_lengths_that_wrap_around_int()
    {
        float[] y = Filled(16), small = new float[16];
        // n·inputs = 2³² wrapped to 0, which an empty x passed.
        Rejected("x", () => Dense.Forward<float>(small, small, ReadOnlySpan<float>.Empty, y, 65536, 65536, 1), TwoToThe32);
        // outputs·inputs = 2³².
        float[] x = new float[65536];
        Rejected("w", () => Dense.Forward<float>(x, small, ReadOnlySpan<float>.Empty, y, 1, 65536, 65536), TwoToThe32);
        // n·outputs = 65537·65536 wrapped to 65536, which a y of 65536 values passed: then 2³² values were written.
        float[] w = new float[65536], bigY = Filled(65536);
        Rejected("y", () => Dense.Forward<float>(new float[65537], w, ReadOnlySpan<float>.Empty, bigY, 65537, 1, 65536), "4295032832");
        Untouched(y, bigY);

        float[] dw = Filled(16), db = Filled(16), dx = Filled(16);
        Rejected("x", () => Dense.Backward<float>(small, small, small, dw, db, dx, 65536, 65536, 1), TwoToThe32);
        Rejected("dy", () => Dense.Backward<float>(new float[65537], w, w, dw, db, dx, 65537, 1, 65536), "4295032832");
        Rejected("dy", () => Dense.InputGradient<float>(small, small, dx, 65536, 1, 65536), TwoToThe32);
        Untouched(dw, db, dx);
    }

    [Fact]
    public void Dense_rejects_sizes_out_of_range()
    {
        float[] x = new float[6], w = new float[6], y = Filled(6);
        OutOfRange("n", () => Dense.Forward<float>(x, w, ReadOnlySpan<float>.Empty, y, -1, 3, 2));
        OutOfRange("inputs", () => Dense.Forward<float>(x, w, ReadOnlySpan<float>.Empty, y, 2, 0, 2));
        OutOfRange("outputs", () => Dense.Forward<float>(x, w, ReadOnlySpan<float>.Empty, y, 2, 3, -2));
        OutOfRange("inputs", () => Dense.Backward<float>(x, w, y, new float[6], Span<float>.Empty, Span<float>.Empty, 2, -3, 2));
        OutOfRange("outputs", () => Dense.InputGradient<float>(y, w, new float[6], 2, 3, 0));
        Untouched(y);
    }

    [Fact]
    public void Dense_backward_checks_db_and_dx_before_it_writes_dw()
    {
        float[] x = new float[6], w = new float[6], dy = new float[4];
        float[] dw = Filled(6), db = Filled(1), dx = Filled(6);
        Rejected("db", () => Dense.Backward<float>(x, w, dy, dw, db, Span<float>.Empty, 2, 3, 2));
        Rejected("dx", () => Dense.Backward<float>(x, w, dy, dw, Span<float>.Empty, dx.AsSpan(1), 2, 3, 2));
        Untouched(dw, db, dx);
    }

    // ---- PackedWeights and PackedGemm ----

    [Fact]
    public void Packed_weights_reject_sizes_whose_packed_copy_does_not_fit_an_array()
    {
        // The weights themselves: 2³².
        Rejected("outputs", () => new PackedWeights<float>(65536, 65536), "outputs·inputs", TwoToThe32);
        Rejected("outputs", () => new PackedWeights<double>(int.MaxValue, int.MaxValue), "outputs·inputs");
        // 4·10⁸ weights fit, but one output packed as a whole panel (six rows, or NR ≥ 4 columns) is 2.4·10⁹ or more.
        Rejected("outputs", () => new PackedWeights<float>(400_000_000, 1), "packed");
        Rejected("outputs", () => new PackedWeights<double>(400_000_000, 1), "packed");
        OutOfRange("inputs", () => new PackedWeights<float>(0, 3));
        OutOfRange("outputs", () => new PackedWeights<float>(3, -1));
    }

    [Fact]
    public void Packed_gemm_lengths_are_checked_in_64_bits()
    {
        Assert.Equal(2147483652L, PackedGemm.PackedASize(int.MaxValue, 1));
        Assert.Equal(long.MaxValue, PackedGemm.PackedASize(int.MaxValue, long.MaxValue / 2));
        Assert.True(PackedGemm.PackedSize<float>(1, int.MaxValue) > int.MaxValue);
        Rejected("rows", () => PackedGemm.PackedALength(int.MaxValue, 1), "packed A");
        Rejected("rows", () => PackedGemm.PackedALength(65536, 65536), "packed A");
        Rejected("cols", () => PackedGemm.PackedLength<float>(65536, 65536), "packed B");
        Rejected("cols", () => PackedGemm.PackedLength<double>(1, int.MaxValue - 1), "packed B");
        Assert.Equal(12 * 5, PackedGemm.PackedALength(7, 5));
        // Blocks of a count near int.MaxValue: count + size − 1 overflowed.
        Assert.Equal(33554432, Parallelism.Blocks(int.MaxValue, 64));
        (int start, int end) = Parallelism.Range(int.MaxValue, 1, 2, 64);
        Assert.Equal(int.MaxValue, end);
        Assert.Equal(33554432 / 2 * 64, start);
    }

    [Fact]
    public void Dense_with_packed_weights_checks_its_sizes_first()
    {
        var packed = new PackedWeights<float>(3, 2);
        float[] x = new float[6], w = new float[6], y = Filled(6);
        Rejected("packed", () => Dense.Forward<float>(x, w, packed, 1, ReadOnlySpan<float>.Empty, y, 2, 2, 3));
        OutOfRange("n", () => Dense.Forward<float>(x, w, packed, 1, ReadOnlySpan<float>.Empty, y, -2, 3, 2));
        Rejected("w", () => Dense.Forward<float>(x, w.AsSpan(1), packed, 1, ReadOnlySpan<float>.Empty, y, 2, 3, 2));
        Untouched(y);
    }

    // ---- Conv2D ----

    private static void Forward(float[] x, float[] w, float[] y, int n, int channels, int height, int width, int filters, int kernel,
        int stride, int padTop, int padLeft, int outHeight, int outWidth) =>
        Conv2D.Forward<float>(x, w, ReadOnlySpan<float>.Empty, y, n, channels, height, width, filters, kernel, stride, padTop, padLeft,
            outHeight, outWidth);

    [Fact]
    public void Conv2D_rejects_lengths_that_wrap_around_int()
    {
        float[] tiny = new float[16], y = Filled(16);
        // n·channels·height·width = 65536·65536 wrapped to 0.
        Rejected("x", () => Forward(tiny, tiny, y, 65536, 65536, 1, 1, 1, 1, 1, 0, 0, 1, 1), TwoToThe32);
        // n·filters·outHeight·outWidth = 65536·65536.
        Rejected("y", () => Forward(new float[65536], new float[65536], y, 65536, 1, 1, 1, 65536, 1, 1, 0, 0, 1, 1), TwoToThe32);
        Untouched(y);
    }

    [Fact]
    public void Conv2D_rejects_per_sample_sizes_that_do_not_fit()
    {
        float[] tiny = new float[16], y = Filled(16);
        // The model: [Input(1, 256, 256)] [Conv2D(65536, 1)], one output sample of 65536·256·256 values.
        Rejected("filters", () => Forward(tiny, tiny, y, 1, 1, 256, 256, 65536, 1, 1, 0, 0, 256, 256),
            "filters·outHeight·outWidth", TwoToThe32);
        // One input sample.
        Rejected("channels", () => Forward(tiny, tiny, y, 1, 65536, 256, 256, 1, 1, 1, 0, 0, 256, 256),
            "channels·height·width", TwoToThe32);
        // The weights of one filter, channels·kernel·kernel: a kernel of 65536 over one pixel (the rest is padding
        // below and right of it, less than a kernel).
        Rejected("kernel", () => Forward(tiny, tiny, y, 1, 1, 1, 1, 1, 65536, 1, 0, 0, 1, 1), "channels·kernel·kernel", TwoToThe32);
        // filters·channels·kernel·kernel: the weights (65536 · 65536).
        Rejected("filters", () => Forward(tiny, tiny, y, 1, 65536, 1, 1, 65536, 1, 1, 0, 0, 1, 1), "(the weights)", TwoToThe32);
        // 4·10⁸ weights fit, but one filter packed as a whole panel of six (or NR) does not.
        Rejected("filters", () => Forward(tiny, tiny, y, 1, 400_000_000, 1, 1, 1, 1, 1, 0, 0, 1, 1), "packed weights");
        // The padded copy of a sample: 47998 × 47998 values, although the sample (40000²) and the output (43999²) fit.
        Rejected("channels", () => Forward(tiny, tiny, y, 1, 1, 40000, 40000, 1, 4000, 1, 3999, 3999, 43999, 43999), "padding");
        Untouched(y);
    }

    [Fact]
    public void Conv2D_rejects_sizes_out_of_range()
    {
        float[] x = new float[75], w = new float[27], y = Filled(75);
        // A valid call first: 1 sample, 3 channels of 5 × 5, 1 filter 3 × 3, "same" padding.
        Forward(x, w, new float[25], 1, 3, 5, 5, 1, 3, 1, 1, 1, 5, 5);
        OutOfRange("n", () => Forward(x, w, y, -1, 3, 5, 5, 1, 3, 1, 1, 1, 5, 5));
        OutOfRange("channels", () => Forward(x, w, y, 1, 0, 5, 5, 1, 3, 1, 1, 1, 5, 5));
        OutOfRange("height", () => Forward(x, w, y, 1, 3, -5, 5, 1, 3, 1, 1, 1, 5, 5));
        OutOfRange("width", () => Forward(x, w, y, 1, 3, 5, 0, 1, 3, 1, 1, 1, 5, 5));
        OutOfRange("filters", () => Forward(x, w, y, 1, 3, 5, 5, 0, 3, 1, 1, 1, 5, 5));
        OutOfRange("kernel", () => Forward(x, w, y, 1, 3, 5, 5, 1, -3, 1, 1, 1, 5, 5));
        OutOfRange("stride", () => Forward(x, w, y, 1, 3, 5, 5, 1, 3, 0, 1, 1, 5, 5));
        OutOfRange("padTop", () => Forward(x, w, y, 1, 3, 5, 5, 1, 3, 1, -1, 1, 5, 5));
        OutOfRange("padLeft", () => Forward(x, w, y, 1, 3, 5, 5, 1, 3, 1, 1, -1, 5, 5));
        OutOfRange("outHeight", () => Forward(x, w, y, 1, 3, 5, 5, 1, 3, 1, 1, 1, 0, 5));
        OutOfRange("outWidth", () => Forward(x, w, y, 1, 3, 5, 5, 1, 3, 1, 1, 1, 5, -5));
        // Padding of a kernel or more: explicit, or implied below and right of the input by the output size.
        OutOfRange("padTop", () => Forward(x, w, y, 1, 3, 5, 5, 1, 3, 1, 3, 1, 7, 5));
        OutOfRange("padLeft", () => Forward(x, w, y, 1, 3, 5, 5, 1, 3, 1, 1, 4, 5, 7));
        Rejected("outHeight", () => Forward(x, w, y, 1, 3, 5, 5, 1, 3, 1, 1, 1, 8, 5), "padding");
        Rejected("outWidth", () => Forward(x, w, y, 1, 3, 5, 5, 1, 3, 2, 0, 0, 2, 5), "padding");
        // 65536 rows with stride 65536: 2³² rows spanned, which wrapped around in 32 bits.
        Rejected("outHeight", () => Forward(x, w, y, 1, 3, 5, 5, 1, 3, 65536, 0, 0, 65536, 1), "4294901763");
        Untouched(y);
    }

    [Fact]
    public void Conv2D_backward_rejects_columns_too_large_and_short_spans_before_writing()
    {
        // 255 × 255 kernels over a 256 × 256 image padded by 254: 510 × 510 positions, im2col columns of 65025 · 260100 values.
        const int k = 255, h = 256, o = 510;
        float[] x = new float[h * h], w = new float[k * k], dy = new float[o * o];
        float[] dw = Filled(k * k), db = Filled(1), dx = Filled(h * h), columns = Filled(16);
        Rejected("columns", () => Conv2D.Backward<float>(x, w, dy, dw, db, dx, columns, 1, 1, h, h, 1, k, 1, k - 1, k - 1, o, o),
            "im2col", "16913002500");
        Rejected("columns", () => Conv2D.ColumnsLength(1, k, o, o), "16913002500");
        OutOfRange("kernel", () => Conv2D.ColumnsLength(1, 0, o, o));

        // Short spans, checked before the bias gradient and the weight gradient are written.
        float[] xs = new float[2 * 3 * 5 * 5], ws = new float[4 * 3 * 9], dys = new float[2 * 4 * 25];
        float[] dws = Filled(4 * 27), dbs = Filled(4), dxs = Filled(2 * 75), cols = new float[27 * 25];
        Rejected("dx", () => Conv2D.Backward<float>(xs, ws, dys, dws, dbs, dxs.AsSpan(1), cols, 2, 3, 5, 5, 4, 3, 1, 1, 1, 5, 5));
        Rejected("db", () => Conv2D.Backward<float>(xs, ws, dys, dws, dbs.AsSpan(1), dxs, cols, 2, 3, 5, 5, 4, 3, 1, 1, 1, 5, 5));
        Rejected("x", () => Conv2D.Backward<float>(xs, ws, dys, dws, dbs, dxs, cols, 1 << 25, 3, 5, 5, 4, 3, 1, 1, 1, 5, 5), "2516582400");
        Rejected("dy", () => Conv2D.Backward<float>(xs, ws, dys.AsSpan(1), dws, dbs, dxs, cols, 2, 3, 5, 5, 4, 3, 1, 1, 1, 5, 5));
        OutOfRange("padTop", () => Conv2D.Backward<float>(xs, ws, dys, dws, dbs, dxs, cols, 2, 3, 5, 5, 4, 3, 1, 3, 1, 5, 5));
        Untouched(dw, db, dx, columns, dws, dbs, dxs);
    }

    [Fact]
    public void Conv2D_forward_normalized_and_packed_check_everything_before_writing()
    {
        float[] x = new float[75], w = new float[2 * 27], b = new float[2], y = Filled(50);
        float[] ones = { 1, 1 };
        var packed = new PackedWeights<float>(27, 2);
        Rejected("gamma", () => Conv2D.ForwardNormalized<float>(x, w, packed, 1, b, ones.AsSpan(1), ones, ones, ones, y,
            1, 3, 5, 5, 2, 3, 1, 1, 1, 5, 5, 1e-5));
        Rejected("runningVar", () => Conv2D.ForwardNormalized<float>(x, w, null, 1, b, ones, ones, ones, ReadOnlySpan<float>.Empty, y,
            1, 3, 5, 5, 2, 3, 1, 1, 1, 5, 5, 1e-5));
        Rejected("x", () => Conv2D.ForwardNormalized<float>(x, w, packed, 1, b, ones, ones, ones, ones, y,
            65536, 65536, 1, 1, 2, 1, 1, 0, 0, 1, 1, 1e-5), TwoToThe32);
        Rejected("x", () => Conv2D.Forward<float>(x, w, packed, 1, b, y, 65536, 65536, 1, 1, 2, 1, 1, 0, 0, 1, 1), TwoToThe32);
        OutOfRange("padLeft", () => Conv2D.Forward<float>(x, w, packed, 1, b, y, 1, 3, 5, 5, 2, 3, 1, 1, 3, 5, 5));
        // Packed weights of another shape.
        Rejected("packed", () => Conv2D.Forward<float>(x, w, new PackedWeights<float>(26, 2), 1, b, y, 1, 3, 5, 5, 2, 3, 1, 1, 1, 5, 5));
        Untouched(y);
    }

    [Fact]
    public void Conv2D_with_a_stride_near_int_max_is_a_stride_that_never_steps()
    {
        // One output per axis: the stride is never taken, so any stride gives the stride-2 result (col2im included,
        // whose first valid column (padLeft − kj + stride − 1)/stride overflowed in 32 bits).
        const int c = 2, h = 1, k = 3, pad = 2, f = 3;
        float[] x = TestData.Floats(c * h * h, seed: 1), w = TestData.Floats(f * c * k * k, seed: 2), b = TestData.Floats(f, seed: 3);
        float[] dy = TestData.Floats(f, seed: 4);
        float[] y2 = new float[f], yMax = new float[f];
        float[] dw2 = new float[w.Length], dwMax = new float[w.Length], dx2 = new float[x.Length], dxMax = new float[x.Length];
        float[] db2 = new float[f], dbMax = new float[f], columns = new float[Conv2D.ColumnsLength(c, k, 1, 1)];
        Conv2D.Forward<float>(x, w, b, y2, 1, c, h, h, f, k, 2, pad, pad, 1, 1);
        Conv2D.Forward<float>(x, w, b, yMax, 1, c, h, h, f, k, int.MaxValue, pad, pad, 1, 1);
        Conv2D.Backward<float>(x, w, dy, dw2, db2, dx2, columns, 1, c, h, h, f, k, 2, pad, pad, 1, 1);
        Conv2D.Backward<float>(x, w, dy, dwMax, dbMax, dxMax, columns, 1, c, h, h, f, k, int.MaxValue, pad, pad, 1, 1);
        Assert.Equal(y2, yMax);
        Assert.Equal(dw2, dwMax);
        Assert.Equal(db2, dbMax);
        Assert.Equal(dx2, dxMax);
    }

    // ---- Pooling ----

    [Fact]
    public void Pooling_rejects_lengths_that_wrap_around_int()
    {
        // n·channels·height·width = 2¹⁸·2¹⁴·4 = 2³⁴ and n·channels = 2³²: both wrapped to 0, so empty spans passed and
        // the 2×2 kernel read and wrote through null pointers.
        const int n = 1 << 18, channels = 1 << 14;
        float[] tiny = Filled(16), y = Filled(16), dx = Filled(16);
        int[] argmax = new int[16];
        Array.Fill(argmax, 77);
        Rejected("x", () => Pooling.MaxForward<float>(tiny, y, argmax, n, channels, 2, 2, 2, 2, 1, 1), "17179869184");
        Rejected("x", () => Pooling.AvgForward<float>(tiny, y, n, channels, 2, 2, 2, 2, 1, 1), "17179869184");
        Rejected("dy", () => Pooling.AvgBackward<float>(tiny, dx, n, channels, 2, 2, 2, 2, 1, 1), TwoToThe32);
        Rejected("dy", () => Pooling.MaxBackward<float>(tiny, argmax, dx, n, channels, 2, 2, 1, 1), TwoToThe32);
        // One sample too large for an array.
        Rejected("channels", () => Pooling.MaxForward<float>(tiny, y, argmax, 1, 65536, 256, 256, 2, 2, 128, 128), "channels·height·width");
        Rejected("channels", () => Pooling.MaxBackward<float>(tiny, argmax, dx, 1, 65536, 256, 256, 128, 128), "channels·height·width");
        Untouched(tiny, y, dx);
        Assert.All(argmax, v => Assert.Equal(77, v));
    }

    [Fact]
    public void Pooling_rejects_sizes_out_of_range_and_windows_past_the_input()
    {
        float[] x = new float[25], y = Filled(9), dx = Filled(25);
        int[] argmax = new int[9];
        OutOfRange("n", () => Pooling.MaxForward<float>(x, y, argmax, -1, 1, 5, 5, 2, 2, 2, 2));
        OutOfRange("pool", () => Pooling.MaxForward<float>(x, y, argmax, 1, 1, 5, 5, 0, 2, 2, 2));
        OutOfRange("stride", () => Pooling.AvgForward<float>(x, y, 1, 1, 5, 5, 2, -2, 2, 2));
        OutOfRange("channels", () => Pooling.AvgBackward<float>(y, dx, 1, 0, 5, 5, 2, 2, 2, 2));
        OutOfRange("outWidth", () => Pooling.MaxBackward<float>(y, argmax, dx, 1, 1, 5, 5, 2, 0));
        // (outHeight − 1)·stride + pool = 65535·65536 + 1 wrapped to −65535, below any height.
        Rejected("outHeight", () => Pooling.MaxForward<float>(x, y, argmax, 1, 1, 5, 5, 1, 65536, 65536, 1), "4294901761");
        Rejected("outWidth", () => Pooling.AvgForward<float>(x, y, 1, 1, 5, 5, 1, 65536, 1, 65536), "4294901761");
        Rejected("outHeight", () => Pooling.AvgBackward<float>(y, dx, 1, 1, 5, 5, 2, 2, 3, 2), "height is 5");
        Untouched(y, dx);
    }

    [Fact]
    public void Global_average_pooling_rejects_lengths_that_wrap_around_int()
    {
        float[] tiny = new float[16], y = Filled(16), dx = Filled(16);
        Rejected("x", () => Pooling.GlobalAvgForward<float>(tiny, y, 65536, 65536, 1), TwoToThe32);
        Rejected("dy", () => Pooling.GlobalAvgBackward<float>(tiny, dx, 65536, 65536, 1), TwoToThe32);
        Rejected("dx", () => Pooling.GlobalAvgBackward<float>(tiny, dx, 4, 4, 1 << 28), "4294967296");
        OutOfRange("spatial", () => Pooling.GlobalAvgForward<float>(tiny, y, 1, 1, 0));
        OutOfRange("n", () => Pooling.GlobalAvgBackward<float>(tiny, dx, -1, 1, 1));
        Untouched(y, dx);
    }

    // ---- Normalization ----

    [Fact]
    public void Batch_norm_rejects_wrapping_lengths_and_short_operands_before_writing()
    {
        float[] tiny = new float[16], y = Filled(16), normalized = Filled(16), invStd = Filled(4), mean = Filled(4), variance = Filled(4);
        float[] gamma = { 1, 1, 1, 1 }, beta = new float[4];
        Rejected("x", () => BatchNorm.ForwardTraining<float>(tiny, gamma, beta, y, normalized, invStd, mean, variance,
            65536, 65536, 1, 0.1, 1e-5), TwoToThe32);
        Rejected("x", () => BatchNorm.ForwardInference<float>(tiny, gamma, beta, mean, variance, y, 65536, 1, 65536, 1e-5), TwoToThe32);
        Rejected("dy", () => BatchNorm.Backward<float>(tiny, tiny, gamma, invStd, new float[4], new float[4], y, 65536, 65536, 1),
            TwoToThe32);
        OutOfRange("channels", () => BatchNorm.ForwardInference<float>(tiny, gamma, beta, mean, variance, y, 1, 0, 1, 1e-5));
        OutOfRange("spatial", () => BatchNorm.ForwardInference<float>(tiny, gamma, beta, mean, variance, y, 1, 1, -1, 1e-5));
        OutOfRange("n", () => BatchNorm.Backward<float>(tiny, tiny, gamma, invStd, new float[4], new float[4], y, -1, 1, 1));
        // A short gamma used to surface as an IndexOutOfRangeException after the running statistics were updated.
        Rejected("gamma", () => BatchNorm.ForwardTraining<float>(tiny, gamma.AsSpan(1), beta, y, normalized, invStd, mean, variance,
            4, 4, 1, 0.1, 1e-5));
        Rejected("runningVar", () => BatchNorm.ForwardTraining<float>(tiny, gamma, beta, y, normalized, invStd, mean, variance.AsSpan(2),
            4, 4, 1, 0.1, 1e-5));
        Rejected("runningMean", () => BatchNorm.ForwardInference<float>(tiny, gamma, beta, mean.AsSpan(1), variance, y, 4, 4, 1, 1e-5));
        float[] dgamma = Filled(4), dbeta = Filled(4);
        Rejected("dbeta", () => BatchNorm.Backward<float>(tiny, tiny, gamma, invStd, dgamma, dbeta.AsSpan(1), y, 4, 4, 1));
        Untouched(y, normalized, invStd, mean, variance, dgamma, dbeta);
    }

    [Fact]
    public void Layer_norm_rejects_wrapping_lengths_and_short_operands_before_writing()
    {
        float[] tiny = new float[16], y = Filled(16), normalized = Filled(16), invStd = Filled(4), gamma = { 1, 1, 1, 1 }, beta = new float[4];
        Rejected("x", () => LayerNorm.Forward<float>(tiny, gamma, beta, y, normalized, invStd, 65536, 65536, 1e-5), TwoToThe32);
        Rejected("dy", () => LayerNorm.Backward<float>(tiny, tiny, gamma, invStd, new float[4], new float[4], y, 65536, 65536),
            TwoToThe32);
        OutOfRange("features", () => LayerNorm.Forward<float>(tiny, gamma, beta, y, normalized, invStd, 4, 0, 1e-5));
        OutOfRange("n", () => LayerNorm.Forward<float>(tiny, gamma, beta, y, normalized, invStd, -4, 4, 1e-5));
        Rejected("normalized", () => LayerNorm.Forward<float>(tiny, gamma, beta, y, normalized.AsSpan(1), invStd, 4, 4, 1e-5));
        Rejected("invStd", () => LayerNorm.Forward<float>(tiny, gamma, beta, y, normalized, invStd.AsSpan(1), 4, 4, 1e-5));
        Rejected("beta", () => LayerNorm.Forward<float>(tiny, gamma, beta.AsSpan(1), y, normalized, invStd, 4, 4, 1e-5));
        float[] dgamma = Filled(4), dbeta = Filled(4), dx = Filled(16);
        Rejected("invStd", () => LayerNorm.Backward<float>(tiny, tiny, gamma, invStd.AsSpan(2), dgamma, dbeta, dx, 4, 4));
        Rejected("dgamma", () => LayerNorm.Backward<float>(tiny, tiny, gamma, invStd, dgamma.AsSpan(1), dbeta, dx, 4, 4));
        Untouched(y, normalized, invStd, dgamma, dbeta, dx);
    }

    // ---- Activations, dropout, losses, merges, regularization, optimizers ----

    [Fact]
    public void Softmax_rejects_features_that_are_not_positive()
    {
        float[] x = new float[8], y = Filled(8), dx = Filled(8);
        OutOfRange("features", () => Activations.SoftmaxForward<float>(x, y, 0));
        OutOfRange("features", () => Activations.SoftmaxForward<float>(x, y, -4));
        // features = 0 looped forever here.
        OutOfRange("features", () => Activations.SoftmaxBackward<float>(x, x, dx, 0));
        Rejected("y", () => Activations.SoftmaxForward<float>(x, y.AsSpan(1), 4));
        Rejected("dx", () => Activations.ReluBackward<float>(x, x, dx.AsSpan(1)));
        Rejected("y", () => Activations.TanhForward<float>(x, y.AsSpan(1)));
        Untouched(y, dx);
    }

    [Fact]
    public void Dropout_rejects_short_spans_before_drawing_or_writing()
    {
        float[] x = new float[8], y = Filled(8), mask = Filled(8), dx = Filled(8);
        var random = new SplitMix64(5);
        var before = random;
        Rejected("mask", () => Dropout.Forward<float>(x, y, mask.AsSpan(1), 0.5, ref random));
        Rejected("y", () => Dropout.Forward<float>(x, y.AsSpan(1), mask, 0.5, ref random));
        Assert.Equal(before.NextDouble(), random.NextDouble());
        Rejected("dx", () => Dropout.Backward<float>(x, x, dx.AsSpan(1)));
        Untouched(y, mask, dx);
    }

    [Fact]
    public void Cross_entropy_rejects_wrapping_lengths_classes_and_labels_before_writing()
    {
        int[] labels = new int[65536];
        float[] tiny = new float[16], gradient = Filled(16);
        // n·classes = 65536·65536 wrapped to 0.
        Rejected("logits", () => Losses.CrossEntropy<float>(tiny, labels, gradient, 65536), TwoToThe32);
        OutOfRange("classes", () => Losses.CrossEntropy<float>(tiny, new int[4], gradient, 0));
        // A label out of range used to fail after the gradient of the rows before it was written.
        Rejected("labels", () => Losses.CrossEntropy<float>(tiny, new[] { 0, 1, 4, 0 }, gradient, 4), "labels[2] is 4");
        Rejected("labels", () => Losses.CrossEntropy<float>(tiny, new[] { 0, -1, 0, 0 }, gradient, 4), "labels[1] is -1");
        Rejected("gradient", () => Losses.MeanSquaredError<float>(tiny, tiny, gradient.AsSpan(1)));
        Untouched(gradient);
    }

    [Fact]
    public void Concat_rejects_wrapping_lengths_and_blocks_outside_the_output()
    {
        float[] tiny = new float[16], y = Filled(16), dx = Filled(16);
        Rejected("x", () => Merge.Concat<float>(tiny, y, 65536, 65536, 65536, 0), TwoToThe32);
        // n·outFeatures = 65537·65536 wrapped to 65536.
        float[] x = new float[65537], bigY = Filled(65536);
        Rejected("y", () => Merge.Concat<float>(x, bigY, 65537, 1, 65536, 0), "4295032832");
        Rejected("dy", () => Merge.ConcatBackward<float>(tiny, dx, 65536, 1, 65536, 0), TwoToThe32);
        Rejected("offset", () => Merge.Concat<float>(tiny, y, 1, 4, 8, 5));
        Rejected("offset", () => Merge.Concat<float>(tiny, y, 1, int.MaxValue, int.MaxValue, int.MaxValue));
        OutOfRange("n", () => Merge.Concat<float>(tiny, y, -1, 4, 8, 0));
        OutOfRange("features", () => Merge.ConcatBackward<float>(tiny, dx, 1, -4, 8, 0));
        Rejected("y", () => Merge.Add<float>(tiny, tiny, y.AsSpan(1)));
        Untouched(y, bigY, dx);
    }

    [Fact]
    public void Regularization_and_optimizers_reject_short_state_before_writing()
    {
        float[] weights = new float[8], parameters = Filled(8), state = Filled(8), gradients = Filled(8);
        Rejected("gradients", () => Regularization.Apply<float>(weights, gradients.AsSpan(1), 0.1, 0.1));
        Rejected("gradients", () => Adam.Step<float>(parameters, gradients.AsSpan(1), state, state, Span<float>.Empty,
            1e-3, 0.9, 0.999, 1e-8, 0, false, false, 1));
        Rejected("maxExpAvgSq", () => Adam.Step<float>(parameters, gradients, state, state, state.AsSpan(1),
            1e-3, 0.9, 0.999, 1e-8, 0, true, false, 1));
        Rejected("sum", () => AdaGrad.Step<float>(parameters, gradients, state.AsSpan(1), 1e-2, 1e-10, 0));
        Untouched(parameters, state, gradients);
    }

    [Fact]
    public void Row_math_checks_the_second_operand()
    {
        float[] a = new float[9], b = new float[8];
        Assert.Throws<ArgumentException>(() => RowMath.SumAndDot<float>(a, b));
        Assert.Throws<ArgumentException>(() => RowMath.Add<float>(b, a));
    }
}
