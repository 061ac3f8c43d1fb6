using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

/// <summary>
/// The register kernels of the direct convolution (<see cref="Conv2D"/>), for the forward pass: a tile of 6 output positions by
/// NR filters (two vectors) kept in 12 accumulators over every tap <c>(c, ki, kj)</c>, reading the input in place
/// (six broadcasts per tap, one from each position's window) and the weights from a packed panel of NR filters
/// (two vector loads per tap). Nothing is unfolded: a table gives each tap's offset in the sample, the same for every
/// position, so one flat loop walks the taps (no loop per kernel row, whose few iterations would cost their exits). The
/// weight gradient's kernel is the same tile with the roles turned: six taps by NR filters, summed over the positions.
/// </summary>
/// <remarks>
/// Every output value is one chain of fused multiply-adds over the taps in the order <c>(c, ki, kj)</c>, from zero:
/// the order of the rows of the unfolded input, so the result has the bits of <see cref="PackedGemm"/> over an im2col
/// matrix, or of a scalar FMA loop over the same taps.
/// </remarks>
internal static unsafe class ConvolutionTile
{
    /// <summary>
    /// <c>tile[i, j] = Σ_k source[taps[k] + windows[i]]·weights[k·NR + j]</c> for the six positions <c>i</c> and the NR
    /// filters <c>j</c> of one panel, over the <paramref name="depth"/> taps <c>k = (c, ki, kj)</c> in order (
    /// <paramref name="taps"/>: each tap's offset in the sample); <paramref name="tile"/> is [6][NR].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Six<T, TV, S>(T* source, int* taps, int depth, nint* windows, T* weights, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = (nuint)S.Width;
        TV s00 = S.Zero, s01 = S.Zero, s10 = S.Zero, s11 = S.Zero, s20 = S.Zero, s21 = S.Zero;
        TV s30 = S.Zero, s31 = S.Zero, s40 = S.Zero, s41 = S.Zero, s50 = S.Zero, s51 = S.Zero;
        T* a0 = source + windows[0], a1 = source + windows[1], a2 = source + windows[2];
        T* a3 = source + windows[3], a4 = source + windows[4], a5 = source + windows[5];
        ref T bp = ref *weights;
        for (int k = 0; k < depth; k++)
        {
            nint off = taps[k];
            TV b0 = S.Load(ref bp, 0), b1 = S.Load(ref bp, w);
            TV x = S.Splat(a0[off]);
            s00 = S.Fma(x, b0, s00); s01 = S.Fma(x, b1, s01);
            x = S.Splat(a1[off]);
            s10 = S.Fma(x, b0, s10); s11 = S.Fma(x, b1, s11);
            x = S.Splat(a2[off]);
            s20 = S.Fma(x, b0, s20); s21 = S.Fma(x, b1, s21);
            x = S.Splat(a3[off]);
            s30 = S.Fma(x, b0, s30); s31 = S.Fma(x, b1, s31);
            x = S.Splat(a4[off]);
            s40 = S.Fma(x, b0, s40); s41 = S.Fma(x, b1, s41);
            x = S.Splat(a5[off]);
            s50 = S.Fma(x, b0, s50); s51 = S.Fma(x, b1, s51);
            bp = ref Unsafe.Add(ref bp, 2 * w);
        }
        Store<T, TV, S>(ref *tile, 2 * S.Width, s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51);
    }

    /// <summary>
    /// The weight gradient's tile, six taps by NR filters:
    /// <c>tile[i, j] = Σ_{oh,ow} source[taps[i] + (oh·rowStride + ow)·stride]·dy[(oh·outWidth + ow)·dyRow + j]</c>, where
    /// <paramref name="dy"/> is one sample's output gradient transposed to [position][filter] (row stride
    /// <paramref name="dyRow"/>), read two vectors per position, and the six taps' input values are broadcast.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightSix<T, TV, S>(T* source, nint* taps, nint rowStride, int stride, int outHeight, int outWidth, T* dy, nint dyRow, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = (nuint)S.Width;
        TV s00 = S.Zero, s01 = S.Zero, s10 = S.Zero, s11 = S.Zero, s20 = S.Zero, s21 = S.Zero;
        TV s30 = S.Zero, s31 = S.Zero, s40 = S.Zero, s41 = S.Zero, s50 = S.Zero, s51 = S.Zero;
        T* a0 = source + taps[0], a1 = source + taps[1], a2 = source + taps[2];
        T* a3 = source + taps[3], a4 = source + taps[4], a5 = source + taps[5];
        ref T bp = ref *dy;
        nint step = rowStride * stride;
        for (int oh = 0; oh < outHeight; oh++)
        {
            nint off = 0;
            for (int ow = 0; ow < outWidth; ow++, off += stride)
            {
                TV b0 = S.Load(ref bp, 0), b1 = S.Load(ref bp, w);
                TV x = S.Splat(a0[off]);
                s00 = S.Fma(x, b0, s00); s01 = S.Fma(x, b1, s01);
                x = S.Splat(a1[off]);
                s10 = S.Fma(x, b0, s10); s11 = S.Fma(x, b1, s11);
                x = S.Splat(a2[off]);
                s20 = S.Fma(x, b0, s20); s21 = S.Fma(x, b1, s21);
                x = S.Splat(a3[off]);
                s30 = S.Fma(x, b0, s30); s31 = S.Fma(x, b1, s31);
                x = S.Splat(a4[off]);
                s40 = S.Fma(x, b0, s40); s41 = S.Fma(x, b1, s41);
                x = S.Splat(a5[off]);
                s50 = S.Fma(x, b0, s50); s51 = S.Fma(x, b1, s51);
                bp = ref Unsafe.Add(ref bp, dyRow);
            }
            a0 += step; a1 += step; a2 += step; a3 += step; a4 += step; a5 += step;
        }
        Store<T, TV, S>(ref *tile, 2 * S.Width, s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51);
    }

    /// <summary>
    /// The forward tile turned around, for stride 1 and rows of output wide enough: six filters by NR consecutive
    /// positions of one output row (two vectors), the input read as vectors (the NR positions' windows are consecutive)
    /// and the weights broadcast from a panel packed as the GEMM's A operand, <c>[rows][6]</c>:
    /// <c>v[i, j] = Σ_k weights[k·6 + i]·source[taps[k] + j]</c>, the same chains over the
    /// taps as <see cref="Six{T, TV, S}"/>. Then, in registers, the epilogue of filter <c>f0 + i</c>, and the first
    /// <paramref name="filters"/> rows' first <paramref name="count"/> values stored at <c>output + i·outputRow</c>
    /// (straight from the registers when the row is whole, else through <paramref name="tile"/>, [6][NR]). With
    /// <paramref name="accumulate"/> the values are added to those at <paramref name="output"/> instead, except for the
    /// first <paramref name="skipRows"/> rows and <paramref name="skipColumns"/> columns (those a panel or step moved back
    /// shares with the one before it, which has added them already).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SixFilters<T, TV, S>(T* source, int* taps, int depth, T* weights,
        in TileEpilogue<T> epilogue, int f0, int filters, T* output, nint outputRow, int count, T* tile,
        bool accumulate = false, int skipRows = 0, int skipColumns = 0)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = (nuint)S.Width;
        TV s00 = S.Zero, s01 = S.Zero, s10 = S.Zero, s11 = S.Zero, s20 = S.Zero, s21 = S.Zero;
        TV s30 = S.Zero, s31 = S.Zero, s40 = S.Zero, s41 = S.Zero, s50 = S.Zero, s51 = S.Zero;
        T* a = weights;
        for (int k = 0; k < depth; k++, a += GemmBlocking.TileRows)
        {
            ref T row = ref source[taps[k]];
            TV b0 = S.Load(ref row, 0), b1 = S.Load(ref row, w);
            TV x = S.Splat(a[0]);
            s00 = S.Fma(x, b0, s00); s01 = S.Fma(x, b1, s01);
            x = S.Splat(a[1]);
            s10 = S.Fma(x, b0, s10); s11 = S.Fma(x, b1, s11);
            x = S.Splat(a[2]);
            s20 = S.Fma(x, b0, s20); s21 = S.Fma(x, b1, s21);
            x = S.Splat(a[3]);
            s30 = S.Fma(x, b0, s30); s31 = S.Fma(x, b1, s31);
            x = S.Splat(a[4]);
            s40 = S.Fma(x, b0, s40); s41 = S.Fma(x, b1, s41);
            x = S.Splat(a[5]);
            s50 = S.Fma(x, b0, s50); s51 = S.Fma(x, b1, s51);
        }
        if (epilogue.Any)
        {
            epilogue.Apply<TV, S>(ref s00, ref s01, f0);
            epilogue.Apply<TV, S>(ref s10, ref s11, f0 + 1);
            epilogue.Apply<TV, S>(ref s20, ref s21, f0 + 2);
            epilogue.Apply<TV, S>(ref s30, ref s31, f0 + 3);
            epilogue.Apply<TV, S>(ref s40, ref s41, f0 + 4);
            epilogue.Apply<TV, S>(ref s50, ref s51, f0 + 5);
        }
        bool direct = count == 2 * S.Width && filters == GemmBlocking.TileRows;
        if (accumulate)
        {
            if (direct && skipRows == 0 && skipColumns == 0)
            {
                AddStore<T, TV, S>(ref *output, outputRow, s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51);
                return;
            }
            Store<T, TV, S>(ref *tile, 2 * S.Width, s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51);
            for (int i = skipRows; i < filters; i++)
                for (int j = skipColumns; j < count; j++)
                    output[i * outputRow + j] += tile[i * 2 * S.Width + j];
            return;
        }
        Store<T, TV, S>(ref direct ? ref *output : ref *tile, direct ? outputRow : 2 * S.Width,
            s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51);
        if (direct) return;
        for (int i = 0; i < filters; i++)
            for (int j = 0; j < count; j++)
                output[i * outputRow + j] = tile[i * 2 * S.Width + j];
    }

    /// <summary>The twelve accumulators of a tile added to six rows of two vectors, <paramref name="row"/> values apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddStore<T, TV, S>(ref T c, nint row, TV s00, TV s01, TV s10, TV s11, TV s20, TV s21,
        TV s30, TV s31, TV s40, TV s41, TV s50, TV s51)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = (nuint)S.Width;
        S.Store(S.Add(S.Load(ref c, 0), s00), ref c, 0); S.Store(S.Add(S.Load(ref c, w), s01), ref c, w);
        c = ref Unsafe.Add(ref c, row);
        S.Store(S.Add(S.Load(ref c, 0), s10), ref c, 0); S.Store(S.Add(S.Load(ref c, w), s11), ref c, w);
        c = ref Unsafe.Add(ref c, row);
        S.Store(S.Add(S.Load(ref c, 0), s20), ref c, 0); S.Store(S.Add(S.Load(ref c, w), s21), ref c, w);
        c = ref Unsafe.Add(ref c, row);
        S.Store(S.Add(S.Load(ref c, 0), s30), ref c, 0); S.Store(S.Add(S.Load(ref c, w), s31), ref c, w);
        c = ref Unsafe.Add(ref c, row);
        S.Store(S.Add(S.Load(ref c, 0), s40), ref c, 0); S.Store(S.Add(S.Load(ref c, w), s41), ref c, w);
        c = ref Unsafe.Add(ref c, row);
        S.Store(S.Add(S.Load(ref c, 0), s50), ref c, 0); S.Store(S.Add(S.Load(ref c, w), s51), ref c, w);
    }

    /// <summary>The twelve accumulators of a tile as six rows of two vectors, <paramref name="row"/> values apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T, TV, S>(ref T c, nint row, TV s00, TV s01, TV s10, TV s11, TV s20, TV s21,
        TV s30, TV s31, TV s40, TV s41, TV s50, TV s51)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = (nuint)S.Width;
        S.Store(s00, ref c, 0); S.Store(s01, ref c, w);
        c = ref Unsafe.Add(ref c, row);
        S.Store(s10, ref c, 0); S.Store(s11, ref c, w);
        c = ref Unsafe.Add(ref c, row);
        S.Store(s20, ref c, 0); S.Store(s21, ref c, w);
        c = ref Unsafe.Add(ref c, row);
        S.Store(s30, ref c, 0); S.Store(s31, ref c, w);
        c = ref Unsafe.Add(ref c, row);
        S.Store(s40, ref c, 0); S.Store(s41, ref c, w);
        c = ref Unsafe.Add(ref c, row);
        S.Store(s50, ref c, 0); S.Store(s51, ref c, w);
    }
}

/// <summary>
/// What a convolution does to its sums before storing them, per filter <c>f</c> (arrays padded to whole tiles): in this
/// order <c>v + Bias[f]</c>; a ReLU if <see cref="ReluFirst"/>; <c>((v − Mean[f])·InvStd[f])·Gamma[f] + Beta[f]</c> if
/// <see cref="Normalize"/> (batch norm's inference form, the operations of <see cref="BatchNorm.ForwardInference{T}"/> in
/// its order); a ReLU if <see cref="Relu"/> (<c>v &lt; 0 ? 0 : v</c>, as <see cref="Activations.ReluForward{T}(Span{T})"/>).
/// </summary>
internal unsafe struct TileEpilogue<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T* Bias, Mean, InvStd, Gamma, Beta;
    public bool HasBias, Normalize, ReluFirst, Relu;

    public readonly bool Any => HasBias || Normalize || ReluFirst || Relu;

    /// <summary>The steps on two vectors of filter <paramref name="f"/>'s values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Apply<TV, S>(ref TV a, ref TV b, int f) where TV : struct where S : struct, ILanes<TV, T>
    {
        if (HasBias)
        {
            TV bias = S.Splat(Bias[f]);
            a = S.Add(a, bias);
            b = S.Add(b, bias);
        }
        if (ReluFirst)
        {
            a = S.Select(S.Less(a, S.Zero), S.Zero, a);
            b = S.Select(S.Less(b, S.Zero), S.Zero, b);
        }
        if (Normalize)
        {
            TV mean = S.Splat(Mean[f]), inv = S.Splat(InvStd[f]), gamma = S.Splat(Gamma[f]), beta = S.Splat(Beta[f]);
            a = S.Add(S.Mul(S.Mul(S.Sub(a, mean), inv), gamma), beta);
            b = S.Add(S.Mul(S.Mul(S.Sub(b, mean), inv), gamma), beta);
        }
        if (Relu)
        {
            a = S.Select(S.Less(a, S.Zero), S.Zero, a);
            b = S.Select(S.Less(b, S.Zero), S.Zero, b);
        }
    }

    /// <summary>The steps on one vector holding filters <c>[f, f + width)</c> (a tile whose lanes are filters).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TV ApplyAcross<TV, S>(TV v, int f) where TV : struct where S : struct, ILanes<TV, T>
    {
        if (HasBias) v = S.Add(v, S.Load(ref Bias[f], 0));
        if (ReluFirst) v = S.Select(S.Less(v, S.Zero), S.Zero, v);
        if (Normalize)
            v = S.Add(S.Mul(S.Mul(S.Sub(v, S.Load(ref Mean[f], 0)), S.Load(ref InvStd[f], 0)), S.Load(ref Gamma[f], 0)), S.Load(ref Beta[f], 0));
        if (Relu) v = S.Select(S.Less(v, S.Zero), S.Zero, v);
        return v;
    }
}
