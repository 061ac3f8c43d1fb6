using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels;

/// <summary>
/// Max pooling over 2×2 windows with stride 2 (the common case), eight outputs of a row at a time on AVX2: each input
/// row's sixteen values are split into even and odd columns in registers, and the four candidates are compared in the
/// scalar kernel's order with its rule (a value replaces the maximum when greater or NaN), so the values and indices
/// are the scalar kernel's, bit for bit.
/// </summary>
internal static unsafe class MaxPairs
{
    /// <summary>Outputs per step.</summary>
    public const int Lanes = 8;

    /// <summary>
    /// Lane j of the eight read at <c>MaskTable[16 − count]</c> is set when j &lt; count (count in [0, 16]). An array, not
    /// a span over constant data: a Debug build allocates that span's array on every call.
    /// </summary>
    private static readonly int[] MaskTable =
    {
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    };

    public static bool IsSupported<T>() => typeof(T) == typeof(float) && Avx2.IsSupported;

    /// <summary>
    /// <see cref="Pooling.MaxForward{T}"/> for <c>pool = stride = 2</c> (lengths checked by the caller): every output row
    /// of every plane of every sample, the samples split over up to <paramref name="threads"/> threads when there are
    /// enough. A row of eight or more outputs takes steps of eight, the last moved back to end at the row's end (it
    /// recomputes some of the step before, the same values); a shorter row is one step of masked loads, which read
    /// nothing outside their lanes. An empty <paramref name="argmax"/>: the maxima only, no indices.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> argmax, int n, int channels, int height, int width,
        int outHeight, int outWidth, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* px = x, py = y)
        fixed (int* pa = argmax)
        {
            var job = new Job
            {
                X = (float*)px, Y = (float*)py, Argmax = pa, N = n, Channels = channels, Height = height, Width = width,
                OutHeight = outHeight, OutWidth = outWidth,
            };
            // About 32 multiply-adds' worth of time per output (loads, shuffles, three compare-and-blends, stores).
            int parts = Parallelism.Parts(threads, (long)n * channels * outHeight * outWidth * 32, n);
            if (parts <= 1) Part(&job, 0, 1);
            else WorkerPool.Shared.RunChunks(&Part, &job, Parallelism.Chunks(parts, n), parts);
        }
    }

    /// <summary>The operands of one call (pinned by the caller while the parts run).</summary>
    private struct Job
    {
        public float* X, Y;
        public int* Argmax;
        public int N, Channels, Height, Width, OutHeight, OutWidth;
    }

    /// <summary>The samples of chunk <paramref name="part"/> of <paramref name="parts"/>.</summary>
    private static void Part(void* arguments, int part, int parts)
    {
        // Everything in locals: the stores through float* could alias the job, which would make the JIT reload it.
        Job j = *(Job*)arguments;
        (int s0, int s1) = Parallelism.Range(j.N, part, parts, 1);
        int width = j.Width, outWidth = j.OutWidth, outHeight = j.OutHeight, channels = j.Channels;
        int plane = j.Height * width, outPlane = outHeight * outWidth;
        float* x = j.X, y = j.Y;
        int* argmax = j.Argmax;
        fixed (int* masks = MaskTable)
        {
            // The masks of a short row: its 2·outWidth input values as two vectors of eight, its outWidth outputs.
            int valid = Math.Min(2 * outWidth, 16);
            Vector256<float> lowMask = Avx.LoadVector256(masks + 16 - valid).AsSingle();
            Vector256<float> highMask = Avx.LoadVector256(masks + 24 - valid).AsSingle();
            float* values = stackalloc float[Lanes];
            int* positions = stackalloc int[Lanes];
            Vector256<int> even = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
            for (int s = s0; s < s1; s++)
            {
                float* xs = x + (nint)s * channels * plane;
                float* ys = y + (nint)s * channels * outPlane;
                int* indices = argmax == null ? null : argmax + (nint)s * channels * outPlane;
                for (int c = 0; c < channels; c++)
                    for (int oh = 0; oh < outHeight; oh++)
                    {
                        int rowStart = c * plane + 2 * oh * width, o = c * outPlane + oh * outWidth;
                        float* top = xs + rowStart, bottom = top + width;
                        Vector256<int> start = even + Vector256.Create(rowStart);
                        if (outWidth < Lanes)
                        {
                            Vector256<float> tl = Avx.MaskLoad(top, lowMask), th = Avx.MaskLoad(top + 8, highMask);
                            Vector256<float> bl = Avx.MaskLoad(bottom, lowMask), bh = Avx.MaskLoad(bottom + 8, highMask);
                            // Stored through a buffer: a masked store is microcoded on AMD (Zen 3: about ten times a store).
                            if (argmax == null)
                            {
                                Avx.Store(values, Maximum(tl, th, bl, bh));
                                for (int k = 0; k < outWidth; k++) ys[o + k] = values[k];
                                continue;
                            }
                            (Vector256<float> best, Vector256<int> at) = Window(tl, th, bl, bh, start, width);
                            Avx.Store(values, best);
                            Avx.Store(positions, at);
                            for (int k = 0; k < outWidth; k++)
                            {
                                ys[o + k] = values[k];
                                indices[o + k] = positions[k];
                            }
                            continue;
                        }
                        if (argmax == null)
                        {
                            Row(top, width, ys + o, outWidth);
                            continue;
                        }
                        for (int step = 0; ; step += Lanes)
                        {
                            int ow = Math.Min(step, outWidth - Lanes), column = 2 * ow;
                            (Vector256<float> best, Vector256<int> at) = Window(
                                Avx.LoadVector256(top + column), Avx.LoadVector256(top + column + 8),
                                Avx.LoadVector256(bottom + column), Avx.LoadVector256(bottom + column + 8),
                                start + Vector256.Create(column), width);
                            Avx.Store(ys + o + ow, best);
                            Avx.Store(indices + o + ow, at);
                            if (ow == outWidth - Lanes) break;
                        }
                    }
            }
        }
    }

    /// <summary>
    /// One output row of maxima, no indices, for <paramref name="outWidth"/> ≥ <see cref="Lanes"/>: the windows over input
    /// rows <paramref name="top"/> and <c>top + width</c>, eight at a time, the last step moved back to end at the row's
    /// end. What <see cref="Forward{T}"/> does for each row (and a convolution's row tiles for each pair of rows they have
    /// just computed, see <c>Conv2D</c>), so the same values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Row(float* top, int width, float* y, int outWidth)
    {
        float* bottom = top + width;
        for (int step = 0; ; step += Lanes)
        {
            int ow = Math.Min(step, outWidth - Lanes), column = 2 * ow;
            Avx.Store(y + ow, Maximum(
                Avx.LoadVector256(top + column), Avx.LoadVector256(top + column + 8),
                Avx.LoadVector256(bottom + column), Avx.LoadVector256(bottom + column + 8)));
            if (ow == outWidth - Lanes) break;
        }
    }

    /// <summary>
    /// Eight windows from sixteen values of the top row and sixteen of the bottom one: the maximum and its index
    /// (<paramref name="index"/>: each window's top-left index) by the scalar kernel's scan and rule.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Best, Vector256<int> At) Window(Vector256<float> topLow, Vector256<float> topHigh,
        Vector256<float> bottomLow, Vector256<float> bottomHigh, Vector256<int> index, int width)
    {
        (Vector256<float> a, Vector256<float> b) = Split(topLow, topHigh);
        (Vector256<float> c, Vector256<float> d) = Split(bottomLow, bottomHigh);
        Vector256<float> best = a;
        Vector256<int> at = index;
        Take(ref best, ref at, b, index + Vector256<int>.One);
        Take(ref best, ref at, c, index + Vector256.Create(width));
        Take(ref best, ref at, d, index + Vector256.Create(width + 1));
        return (best, at);
    }

    /// <summary>The maxima of <see cref="Window"/> without their indices (the same scan and rule, so the same values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Maximum(Vector256<float> topLow, Vector256<float> topHigh, Vector256<float> bottomLow, Vector256<float> bottomHigh)
    {
        (Vector256<float> a, Vector256<float> b) = Split(topLow, topHigh);
        (Vector256<float> c, Vector256<float> d) = Split(bottomLow, bottomHigh);
        return Larger(Larger(Larger(a, b), c), d);
    }

    /// <summary><c>v</c> where it replaces <c>best</c> (<see cref="Replaces"/>), else <c>best</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Larger(Vector256<float> best, Vector256<float> v) => Avx.BlendVariable(best, v, Replaces(best, v));

    /// <summary>The lanes where <c>v</c> replaces the maximum so far: <c>v &gt; best</c> or <c>v</c> is NaN (the scalar kernel's rule).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Replaces(Vector256<float> best, Vector256<float> v) =>
        Avx.Or(Avx.CompareGreaterThan(v, best), Avx.CompareUnordered(v, v));

    /// <summary>The even and the odd columns of <paramref name="low"/> followed by <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Split(Vector256<float> low, Vector256<float> high)
    {
        // Within each 128-bit half: [l0 l2 h0 h2 | l4 l6 h4 h6]; then the 64-bit quarters put in order 0, 2, 1, 3.
        Vector256<float> even = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
        Vector256<float> odd = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
        return (even, odd);
    }

    /// <summary>Where <c>v &gt; best</c> or <c>v</c> is NaN: <c>best = v</c>, <c>at = index</c> (the scalar kernel's rule).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Vector256<float> best, ref Vector256<int> at, Vector256<float> v, Vector256<int> index)
    {
        Vector256<float> mask = Replaces(best, v);
        best = Avx.BlendVariable(best, v, mask);
        at = Avx.BlendVariable(at.AsSingle(), index.AsSingle(), mask).AsInt32();
    }
}
