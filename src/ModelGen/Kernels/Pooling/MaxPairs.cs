using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels;

/// <summary>
/// Max pooling over 2×2 windows with stride 2 (the common case), eight outputs of a row at a time on AVX2: each input
/// row's sixteen values are split into even and odd columns in registers, and the four candidates are compared in the
/// scalar kernel's order with its rule (a value replaces the maximum when greater or NaN), so the values and indices
/// are the scalar kernel's, bit for bit.
/// </summary>
internal static class MaxPairs
{
    /// <summary>Outputs per step.</summary>
    public const int Lanes = 8;

    public static bool IsSupported<T>() => typeof(T) == typeof(float) && Avx2.IsSupported;

    /// <summary>
    /// One output row: window <c>ow</c> reads <c>x[rowStart + 2·ow + {0, 1}]</c> and the same one row below;
    /// <paramref name="y"/> and <paramref name="argmax"/> hold <paramref name="outWidth"/> ≥ 8 values. The last step
    /// overlaps the one before it when the row is not a multiple of eight (it recomputes the same values).
    /// </summary>
    public static void Row<T>(ReadOnlySpan<T> x, int rowStart, int width, int outWidth, Span<T> y, Span<int> argmax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Bounds for every vector load below: the last one ends at column 2·outWidth − 1 of the second row.
        if ((uint)(rowStart + width + 2 * outWidth) > (uint)x.Length || y.Length < outWidth || argmax.Length < outWidth || 2 * outWidth > width)
            throw new ArgumentException("The pooling row lies outside its buffers.");
        ref float top = ref Unsafe.As<T, float>(ref Unsafe.Add(ref MemoryMarshal.GetReference(x), rowStart));
        ref float bottom = ref Unsafe.Add(ref top, width);
        ref float yr = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(y));
        ref int ar = ref MemoryMarshal.GetReference(argmax);
        Vector256<int> even = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14) + Vector256.Create(rowStart);
        for (int ow = 0; ; ow += Lanes)
        {
            if (ow > outWidth - Lanes) ow = outWidth - Lanes;
            int column = 2 * ow;
            (Vector256<float> a, Vector256<float> b) = Split(ref Unsafe.Add(ref top, column));
            (Vector256<float> c, Vector256<float> d) = Split(ref Unsafe.Add(ref bottom, column));
            Vector256<int> index = even + Vector256.Create(column);
            Vector256<float> best = a;
            Vector256<int> at = index;
            Take(ref best, ref at, b, index + Vector256<int>.One);
            Take(ref best, ref at, c, index + Vector256.Create(width));
            Take(ref best, ref at, d, index + Vector256.Create(width + 1));
            best.StoreUnsafe(ref yr, (nuint)ow);
            at.StoreUnsafe(ref ar, (nuint)ow);
            if (ow == outWidth - Lanes) break;
        }
    }

    /// <summary>The even and the odd columns of sixteen consecutive values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Split(ref float source)
    {
        Vector256<float> low = Vector256.LoadUnsafe(ref source), high = Vector256.LoadUnsafe(ref source, 8);
        // Within each 128-bit half: [l0 l2 h0 h2 | l4 l6 h4 h6]; then the 64-bit quarters put in order 0, 2, 1, 3.
        Vector256<float> even = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
        Vector256<float> odd = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
        return (even, odd);
    }

    /// <summary>Where <c>v &gt; best</c> or <c>v</c> is NaN: <c>best = v</c>, <c>at = index</c> (the scalar kernel's rule).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Vector256<float> best, ref Vector256<int> at, Vector256<float> v, Vector256<int> index)
    {
        Vector256<float> mask = Avx.Or(Avx.CompareGreaterThan(v, best), Avx.CompareUnordered(v, v));
        best = Avx.BlendVariable(best, v, mask);
        at = Avx.BlendVariable(at.AsSingle(), index.AsSingle(), mask).AsInt32();
    }
}
