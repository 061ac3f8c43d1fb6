using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels;

/// <summary>
/// Max pooling over 2×2 windows with stride 2 of one sample held position-major, <c>[height·width][filterStride]</c>
/// (each position's filters side by side, as a convolution's position tiles leave them), into the usual
/// <c>[filters][outHeight·outWidth]</c>: a window's four positions are four vector loads per eight filters, and eight
/// pooled positions at a time are turned into eight filters' rows by one 8 × 8 register transpose. The four candidates
/// are compared in the scalar kernel's order with its rule (<see cref="MaxPairs.Larger"/>), so the maxima are the bits
/// of <see cref="Pooling.MaxForward{T}"/> on the same values laid out <c>[filters][height·width]</c>.
/// </summary>
internal static unsafe class MaxPairsPositionMajor
{
    /// <summary>Whether this processor runs the kernel (AVX2), for <see cref="float"/> only.</summary>
    public static bool IsSupported<T>() => typeof(T) == typeof(float) && Avx2.IsSupported;

    /// <summary>
    /// <paramref name="y"/> <c>[filters][outHeight·outWidth]</c> from <paramref name="x"/> <c>[height·width][filterStride]</c>
    /// (<paramref name="filterStride"/> a multiple of 8 and at least <paramref name="filters"/>; the lanes past the
    /// filters are read, not stored), for <c>outHeight·outWidth ≥ 8</c>, <c>2·outHeight ≤ height</c> and
    /// <c>2·outWidth ≤ width</c> (the caller's checks). The last group of eight pooled positions is moved back to end at
    /// the last one (it stores some of the group before again, the same values). <paramref name="plane"/>: the distance
    /// between two filters' planes in <paramref name="y"/> (0: <c>outHeight·outWidth</c>); larger when the call pools a
    /// band of rows of a sample, <paramref name="x"/> and <paramref name="y"/> then pointing at its first row.
    /// </summary>
    public static void Forward(float* x, int filterStride, int filters, int width, float* y, int outHeight, int outWidth, int plane = 0)
    {
        int count = outHeight * outWidth;
        if (plane == 0) plane = count;
        nint right = filterStride, down = (nint)width * filterStride;
        nint* windows = stackalloc nint[8];
        for (int group = 0; ; group += 8)
        {
            int start = Math.Min(group, count - 8);
            // Each pooled position's window: its top-left position's filters.
            for (int i = 0; i < 8; i++)
            {
                int q = start + i, oh = q / outWidth, ow = q - oh * outWidth;
                windows[i] = (2 * (nint)oh * width + 2 * ow) * filterStride;
            }
            for (int f = 0; f < filters; f += 8)
            {
                float* xf = x + f;
                Transpose.Eight(
                    Window(xf + windows[0], right, down), Window(xf + windows[1], right, down),
                    Window(xf + windows[2], right, down), Window(xf + windows[3], right, down),
                    Window(xf + windows[4], right, down), Window(xf + windows[5], right, down),
                    Window(xf + windows[6], right, down), Window(xf + windows[7], right, down),
                    out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
                    out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7);
                // Row j of the transpose: filter f + j at the eight pooled positions.
                float* yf = y + (nint)f * plane + start;
                int n = Math.Min(8, filters - f);
                Avx.Store(yf, c0);
                if (n > 1) Avx.Store(yf + plane, c1);
                if (n > 2) Avx.Store(yf + 2 * plane, c2);
                if (n > 3) Avx.Store(yf + 3 * plane, c3);
                if (n > 4) Avx.Store(yf + 4 * plane, c4);
                if (n > 5) Avx.Store(yf + 5 * plane, c5);
                if (n > 6) Avx.Store(yf + 6 * plane, c6);
                if (n > 7) Avx.Store(yf + 7 * plane, c7);
            }
            if (start == count - 8) return;
        }
    }

    /// <summary>The maxima of one window's four positions (top left, top right, bottom left, bottom right: the scalar kernel's order) for eight filters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Window(float* topLeft, nint right, nint down) =>
        MaxPairs.Larger(MaxPairs.Larger(MaxPairs.Larger(Avx.LoadVector256(topLeft), Avx.LoadVector256(topLeft + right)),
            Avx.LoadVector256(topLeft + down)), Avx.LoadVector256(topLeft + down + right));
}
