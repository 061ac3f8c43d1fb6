using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

/// <summary>
/// The weight gradient's register tile for a convolution whose filters fit one vector (at most 16 floats or 8 doubles
/// with 512-bit vectors): 6 to 13 taps by that one vector of filters, one accumulator per
/// tap, summed over the output positions. <see cref="ConvolutionTile.WeightSix{T, TV, S}"/> has two vectors of filters
/// per tap, which a layer of 16 filters can only fill at 256 bits (LeNet's first convolution ran its weight gradient at
/// 23–31% of the 512-bit peak); here each position loads its one vector of output gradients once and broadcasts one input
/// value per tap, 6 to 13 fused multiply-adds of the full width.
/// </summary>
/// <remarks>
/// Each value is the chain of <see cref="ConvolutionTile.WeightSix{T, TV, S}"/>: a fused multiply-add per position, in
/// the order (oh, ow), from zero. The taps a tile holds change nothing in it, so the result has the same bits as the
/// six-tap tile's, on any number of threads.
/// </remarks>
internal static unsafe class WeightTapsTile
{
    /// <summary>Most taps a tile holds.</summary>
    public const int MaxTaps = 13;

    /// <summary>Fewest taps a tile holds: fewer chains than this leave the units waiting on each chain's latency.</summary>
    public const int MinTaps = 6;

    /// <summary>Tiles that <paramref name="rows"/> taps (at least <see cref="MinTaps"/>) are cut into: as few as <see cref="MaxTaps"/> allows.</summary>
    public static int Tiles(int rows) => (rows + MaxTaps - 1) / MaxTaps;

    /// <summary>
    /// The first tap of tile <paramref name="tile"/> of <paramref name="tiles"/> (<paramref name="tiles"/> gives the end):
    /// tiles as even as they can be, so each holds between <see cref="MinTaps"/> and <see cref="MaxTaps"/> taps when there
    /// are at least <see cref="MinTaps"/> (25 taps: 12 and 13).
    /// </summary>
    public static int Start(int tile, int tiles, int rows) => (int)((long)rows * tile / tiles);

    /// <summary>
    /// <c>tile[i·W + j] = Σ_{oh,ow} source[taps[i] + (oh·rowStride + ow)·stride]·dy[(oh·outWidth + ow)·dyRow + j]</c> for
    /// the <paramref name="count"/> taps <c>i</c> (<see cref="MinTaps"/> to <see cref="MaxTaps"/>) and the W filters
    /// <c>j</c> of one vector, where <paramref name="dy"/> is one sample's output gradient transposed to
    /// [position][filter] (row stride <paramref name="dyRow"/>).
    /// </summary>
    public static void Run<T, TV, S>(int count, T* source, nint* taps, nint rowStride, int stride, int outHeight, int outWidth,
        T* dy, nint dyRow, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        switch (count)
        {
            case 6: Tile<T, TV, S, Taps6>(source, taps, rowStride, stride, outHeight, outWidth, dy, dyRow, tile); break;
            case 7: Tile<T, TV, S, Taps7>(source, taps, rowStride, stride, outHeight, outWidth, dy, dyRow, tile); break;
            case 8: Tile<T, TV, S, Taps8>(source, taps, rowStride, stride, outHeight, outWidth, dy, dyRow, tile); break;
            case 9: Tile<T, TV, S, Taps9>(source, taps, rowStride, stride, outHeight, outWidth, dy, dyRow, tile); break;
            case 10: Tile<T, TV, S, Taps10>(source, taps, rowStride, stride, outHeight, outWidth, dy, dyRow, tile); break;
            case 11: Tile<T, TV, S, Taps11>(source, taps, rowStride, stride, outHeight, outWidth, dy, dyRow, tile); break;
            case 12: Tile<T, TV, S, Taps12>(source, taps, rowStride, stride, outHeight, outWidth, dy, dyRow, tile); break;
            case 13: Tile<T, TV, S, Taps13>(source, taps, rowStride, stride, outHeight, outWidth, dy, dyRow, tile); break;
            default: throw new System.ArgumentOutOfRangeException(nameof(count), count, $"A tile holds {MinTaps} to {MaxTaps} taps.");
        }
    }

    /// <summary>
    /// <see cref="Run{T, TV, S}"/> for <typeparamref name="TCount"/> taps, a constant of the compiled copy: the accumulators
    /// past it, and their loads and stores, are not compiled in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<T, TV, S, TCount>(T* source, nint* taps, nint rowStride, int stride, int outHeight, int outWidth,
        T* dy, nint dyRow, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T> where TCount : struct, ITapCount
    {
        int n = TCount.Value;
        TV s0 = S.Zero, s1 = S.Zero, s2 = S.Zero, s3 = S.Zero, s4 = S.Zero, s5 = S.Zero, s6 = S.Zero;
        TV s7 = S.Zero, s8 = S.Zero, s9 = S.Zero, s10 = S.Zero, s11 = S.Zero, s12 = S.Zero;
        // The taps past the count point at the first one; nothing reads them.
        T* a0 = source + taps[0], a1 = source + taps[1], a2 = source + taps[2], a3 = source + taps[3];
        T* a4 = source + taps[4], a5 = source + taps[5];
        T* a6 = source + taps[n > 6 ? 6 : 0], a7 = source + taps[n > 7 ? 7 : 0], a8 = source + taps[n > 8 ? 8 : 0];
        T* a9 = source + taps[n > 9 ? 9 : 0], a10 = source + taps[n > 10 ? 10 : 0], a11 = source + taps[n > 11 ? 11 : 0];
        T* a12 = source + taps[n > 12 ? 12 : 0];
        ref T bp = ref *dy;
        nint step = rowStride * stride;
        for (int oh = 0; oh < outHeight; oh++)
        {
            nint off = 0;
            int ow = 0;
            if (stride == 1)
            {
                // Two positions per iteration, each the same step as below: half the loop's own instructions, and the
                // taps' pointers that do not fit the registers reloaded once per two positions. The step is written out
                // three times on purpose: as an inlined helper taking each tap's value by reference, the 13-tap copy ran
                // 1.6× slower (conv1 backward 0.601 and 1/1.598, the references held in registers the taps needed).
                for (; ow + 2 <= outWidth; ow += 2, off += 2)
                {
                    TV b = S.Load(ref bp, 0);
                    s0 = S.Fma(b, S.Splat(a0[off]), s0);
                    s1 = S.Fma(b, S.Splat(a1[off]), s1);
                    s2 = S.Fma(b, S.Splat(a2[off]), s2);
                    s3 = S.Fma(b, S.Splat(a3[off]), s3);
                    s4 = S.Fma(b, S.Splat(a4[off]), s4);
                    s5 = S.Fma(b, S.Splat(a5[off]), s5);
                    if (n > 6) s6 = S.Fma(b, S.Splat(a6[off]), s6);
                    if (n > 7) s7 = S.Fma(b, S.Splat(a7[off]), s7);
                    if (n > 8) s8 = S.Fma(b, S.Splat(a8[off]), s8);
                    if (n > 9) s9 = S.Fma(b, S.Splat(a9[off]), s9);
                    if (n > 10) s10 = S.Fma(b, S.Splat(a10[off]), s10);
                    if (n > 11) s11 = S.Fma(b, S.Splat(a11[off]), s11);
                    if (n > 12) s12 = S.Fma(b, S.Splat(a12[off]), s12);
                    b = S.Load(ref bp, (nuint)dyRow);
                    s0 = S.Fma(b, S.Splat(a0[off + 1]), s0);
                    s1 = S.Fma(b, S.Splat(a1[off + 1]), s1);
                    s2 = S.Fma(b, S.Splat(a2[off + 1]), s2);
                    s3 = S.Fma(b, S.Splat(a3[off + 1]), s3);
                    s4 = S.Fma(b, S.Splat(a4[off + 1]), s4);
                    s5 = S.Fma(b, S.Splat(a5[off + 1]), s5);
                    if (n > 6) s6 = S.Fma(b, S.Splat(a6[off + 1]), s6);
                    if (n > 7) s7 = S.Fma(b, S.Splat(a7[off + 1]), s7);
                    if (n > 8) s8 = S.Fma(b, S.Splat(a8[off + 1]), s8);
                    if (n > 9) s9 = S.Fma(b, S.Splat(a9[off + 1]), s9);
                    if (n > 10) s10 = S.Fma(b, S.Splat(a10[off + 1]), s10);
                    if (n > 11) s11 = S.Fma(b, S.Splat(a11[off + 1]), s11);
                    if (n > 12) s12 = S.Fma(b, S.Splat(a12[off + 1]), s12);
                    bp = ref Unsafe.Add(ref bp, 2 * dyRow);
                }
            }
            for (; ow < outWidth; ow++, off += stride)
            {
                TV b = S.Load(ref bp, 0);
                s0 = S.Fma(b, S.Splat(a0[off]), s0);
                s1 = S.Fma(b, S.Splat(a1[off]), s1);
                s2 = S.Fma(b, S.Splat(a2[off]), s2);
                s3 = S.Fma(b, S.Splat(a3[off]), s3);
                s4 = S.Fma(b, S.Splat(a4[off]), s4);
                s5 = S.Fma(b, S.Splat(a5[off]), s5);
                if (n > 6) s6 = S.Fma(b, S.Splat(a6[off]), s6);
                if (n > 7) s7 = S.Fma(b, S.Splat(a7[off]), s7);
                if (n > 8) s8 = S.Fma(b, S.Splat(a8[off]), s8);
                if (n > 9) s9 = S.Fma(b, S.Splat(a9[off]), s9);
                if (n > 10) s10 = S.Fma(b, S.Splat(a10[off]), s10);
                if (n > 11) s11 = S.Fma(b, S.Splat(a11[off]), s11);
                if (n > 12) s12 = S.Fma(b, S.Splat(a12[off]), s12);
                bp = ref Unsafe.Add(ref bp, dyRow);
            }
            a0 += step; a1 += step; a2 += step; a3 += step; a4 += step; a5 += step; a6 += step;
            a7 += step; a8 += step; a9 += step; a10 += step; a11 += step; a12 += step;
        }
        nuint w = (nuint)S.Width;
        ref T t = ref *tile;
        S.Store(s0, ref t, 0); S.Store(s1, ref t, w); S.Store(s2, ref t, 2 * w);
        S.Store(s3, ref t, 3 * w); S.Store(s4, ref t, 4 * w); S.Store(s5, ref t, 5 * w);
        if (n > 6) S.Store(s6, ref t, 6 * w);
        if (n > 7) S.Store(s7, ref t, 7 * w);
        if (n > 8) S.Store(s8, ref t, 8 * w);
        if (n > 9) S.Store(s9, ref t, 9 * w);
        if (n > 10) S.Store(s10, ref t, 10 * w);
        if (n > 11) S.Store(s11, ref t, 11 * w);
        if (n > 12) S.Store(s12, ref t, 12 * w);
    }

    /// <summary>A tile's number of taps as a type, so that each count compiles to its own copy of <see cref="Tile{T, TV, S, TCount}"/>.</summary>
    private interface ITapCount
    {
        static abstract int Value { get; }
    }

    private readonly struct Taps6 : ITapCount { public static int Value => 6; }
    private readonly struct Taps7 : ITapCount { public static int Value => 7; }
    private readonly struct Taps8 : ITapCount { public static int Value => 8; }
    private readonly struct Taps9 : ITapCount { public static int Value => 9; }
    private readonly struct Taps10 : ITapCount { public static int Value => 10; }
    private readonly struct Taps11 : ITapCount { public static int Value => 11; }
    private readonly struct Taps12 : ITapCount { public static int Value => 12; }
    private readonly struct Taps13 : ITapCount { public static int Value => 13; }
}
