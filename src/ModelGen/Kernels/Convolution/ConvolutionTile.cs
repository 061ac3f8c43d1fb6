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
    /// <paramref name="taps"/>: each tap's offset in the sample), then the <paramref name="epilogue"/> of filters
    /// <c>[f0, f0 + NR)</c> in registers; <paramref name="tile"/> is [6][NR], its rows <paramref name="tileRow"/> values apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Six<T, TV, S>(T* source, int* taps, int depth, nint* windows, T* weights, T* tile, nint tileRow,
        in TileEpilogue<T> epilogue, int f0)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = (nuint)S.Width;
        TV s00 = S.Zero, s01 = S.Zero, s10 = S.Zero, s11 = S.Zero, s20 = S.Zero, s21 = S.Zero;
        TV s30 = S.Zero, s31 = S.Zero, s40 = S.Zero, s41 = S.Zero, s50 = S.Zero, s51 = S.Zero;
        T* a0 = source + windows[0], a1 = source + windows[1], a2 = source + windows[2];
        T* a3 = source + windows[3], a4 = source + windows[4], a5 = source + windows[5];
        ref T bp = ref *weights;
        // Four taps per iteration: the loop's own instructions cost the fused multiply-add units a fifth of their time
        // at one tap per iteration (see Microkernels.Tile6).
        int k = 0;
        for (; k + 4 <= depth; k += 4)
        {
            nint o0 = taps[k];
            Microkernels.Fma6<T, TV, S>(S.Load(ref bp, 0), S.Load(ref bp, w),
                ref a0[o0], ref a1[o0], ref a2[o0], ref a3[o0], ref a4[o0], ref a5[o0],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            nint o1 = taps[k + 1];
            Microkernels.Fma6<T, TV, S>(S.Load(ref bp, 2 * w), S.Load(ref bp, 3 * w),
                ref a0[o1], ref a1[o1], ref a2[o1], ref a3[o1], ref a4[o1], ref a5[o1],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            nint o2 = taps[k + 2];
            Microkernels.Fma6<T, TV, S>(S.Load(ref bp, 4 * w), S.Load(ref bp, 5 * w),
                ref a0[o2], ref a1[o2], ref a2[o2], ref a3[o2], ref a4[o2], ref a5[o2],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            nint o3 = taps[k + 3];
            Microkernels.Fma6<T, TV, S>(S.Load(ref bp, 6 * w), S.Load(ref bp, 7 * w),
                ref a0[o3], ref a1[o3], ref a2[o3], ref a3[o3], ref a4[o3], ref a5[o3],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            bp = ref Unsafe.Add(ref bp, 8 * w);
        }
        for (; k < depth; k++)
        {
            nint off = taps[k];
            Microkernels.Fma6<T, TV, S>(S.Load(ref bp, 0), S.Load(ref bp, w),
                ref a0[off], ref a1[off], ref a2[off], ref a3[off], ref a4[off], ref a5[off],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            bp = ref Unsafe.Add(ref bp, 2 * w);
        }
        if (epilogue.Any)
            epilogue.ApplyColumns<TV, S>(f0, ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
        Store<T, TV, S>(ref *tile, tileRow, s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51);
    }

    /// <summary>
    /// <see cref="Six{T, TV, S}"/> for twelve positions (<paramref name="windows"/> has twelve), for 512-bit vectors
    /// (<see cref="Microkernels.HasTile12{TV}"/>): each tap's two vectors of weights serve 24 accumulators instead of 12.
    /// With 512-bit vectors a panel of 32 filters over LeNet's second layer (400 taps) is 51 KiB, more than the L1 cache,
    /// and <see cref="Six{T, TV, S}"/> ran at 57% of the peak reading it from L2. The same chains, so the same bits;
    /// <paramref name="tile"/> is [12][NR], rows <paramref name="tileRow"/> values apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Twelve<T, TV, S>(T* source, int* taps, int depth, nint* windows, T* weights, T* tile, nint tileRow,
        in TileEpilogue<T> epilogue, int f0)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = (nuint)S.Width;
        TV s00 = S.Zero, s01 = S.Zero, s10 = S.Zero, s11 = S.Zero, s20 = S.Zero, s21 = S.Zero;
        TV s30 = S.Zero, s31 = S.Zero, s40 = S.Zero, s41 = S.Zero, s50 = S.Zero, s51 = S.Zero;
        TV t00 = S.Zero, t01 = S.Zero, t10 = S.Zero, t11 = S.Zero, t20 = S.Zero, t21 = S.Zero;
        TV t30 = S.Zero, t31 = S.Zero, t40 = S.Zero, t41 = S.Zero, t50 = S.Zero, t51 = S.Zero;
        T* a0 = source + windows[0], a1 = source + windows[1], a2 = source + windows[2];
        T* a3 = source + windows[3], a4 = source + windows[4], a5 = source + windows[5];
        T* b0 = source + windows[6], b1 = source + windows[7], b2 = source + windows[8];
        T* b3 = source + windows[9], b4 = source + windows[10], b5 = source + windows[11];
        ref T bp = ref *weights;
        int k = 0;
        for (; k + 2 <= depth; k += 2)
        {
            nint o0 = taps[k], o1 = taps[k + 1];
            TV v0 = S.Load(ref bp, 0), v1 = S.Load(ref bp, w);
            Microkernels.Fma6<T, TV, S>(v0, v1, ref a0[o0], ref a1[o0], ref a2[o0], ref a3[o0], ref a4[o0], ref a5[o0],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            Microkernels.Fma6<T, TV, S>(v0, v1, ref b0[o0], ref b1[o0], ref b2[o0], ref b3[o0], ref b4[o0], ref b5[o0],
                ref t00, ref t01, ref t10, ref t11, ref t20, ref t21, ref t30, ref t31, ref t40, ref t41, ref t50, ref t51);
            v0 = S.Load(ref bp, 2 * w);
            v1 = S.Load(ref bp, 3 * w);
            Microkernels.Fma6<T, TV, S>(v0, v1, ref a0[o1], ref a1[o1], ref a2[o1], ref a3[o1], ref a4[o1], ref a5[o1],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            Microkernels.Fma6<T, TV, S>(v0, v1, ref b0[o1], ref b1[o1], ref b2[o1], ref b3[o1], ref b4[o1], ref b5[o1],
                ref t00, ref t01, ref t10, ref t11, ref t20, ref t21, ref t30, ref t31, ref t40, ref t41, ref t50, ref t51);
            bp = ref Unsafe.Add(ref bp, 4 * w);
        }
        if (k < depth)
        {
            nint o = taps[k];
            TV v0 = S.Load(ref bp, 0), v1 = S.Load(ref bp, w);
            Microkernels.Fma6<T, TV, S>(v0, v1, ref a0[o], ref a1[o], ref a2[o], ref a3[o], ref a4[o], ref a5[o],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            Microkernels.Fma6<T, TV, S>(v0, v1, ref b0[o], ref b1[o], ref b2[o], ref b3[o], ref b4[o], ref b5[o],
                ref t00, ref t01, ref t10, ref t11, ref t20, ref t21, ref t30, ref t31, ref t40, ref t41, ref t50, ref t51);
        }
        if (epilogue.Any)
        {
            epilogue.ApplyColumns<TV, S>(f0, ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            epilogue.ApplyColumns<TV, S>(f0, ref t00, ref t01, ref t10, ref t11, ref t20, ref t21, ref t30, ref t31, ref t40, ref t41, ref t50, ref t51);
        }
        Store<T, TV, S>(ref *tile, tileRow, s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51);
        Store<T, TV, S>(ref tile[6 * tileRow], tileRow, t00, t01, t10, t11, t20, t21, t30, t31, t40, t41, t50, t51);
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
    /// (straight from the registers when there are six rows and more than one vector's values, the second vector moved
    /// back to end at the last value when there are fewer than two vectors' values; else through <paramref name="tile"/>,
    /// [6][NR]). With
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
        // A step of between one and two vectors has its second vector moved back to end at the step's end (its first
        // lanes recompute, with the same values, the first vector's last ones), so both are stored whole; accumulating,
        // the overlap would be added twice, so the step goes through the tile instead.
        nuint second = !accumulate && count > S.Width && count < 2 * S.Width ? (nuint)(count - S.Width) : w;
        TV s00 = S.Zero, s01 = S.Zero, s10 = S.Zero, s11 = S.Zero, s20 = S.Zero, s21 = S.Zero;
        TV s30 = S.Zero, s31 = S.Zero, s40 = S.Zero, s41 = S.Zero, s50 = S.Zero, s51 = S.Zero;
        T* a = weights;
        int k = 0;
        for (; k + 4 <= depth; k += 4, a += 4 * GemmBlocking.TileRows)
        {
            ref T row0 = ref source[taps[k]];
            Microkernels.Fma6<T, TV, S>(S.Load(ref row0, 0), S.Load(ref row0, second),
                ref a[0], ref a[1], ref a[2], ref a[3], ref a[4], ref a[5],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            ref T row1 = ref source[taps[k + 1]];
            Microkernels.Fma6<T, TV, S>(S.Load(ref row1, 0), S.Load(ref row1, second),
                ref a[6], ref a[7], ref a[8], ref a[9], ref a[10], ref a[11],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            ref T row2 = ref source[taps[k + 2]];
            Microkernels.Fma6<T, TV, S>(S.Load(ref row2, 0), S.Load(ref row2, second),
                ref a[12], ref a[13], ref a[14], ref a[15], ref a[16], ref a[17],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            ref T row3 = ref source[taps[k + 3]];
            Microkernels.Fma6<T, TV, S>(S.Load(ref row3, 0), S.Load(ref row3, second),
                ref a[18], ref a[19], ref a[20], ref a[21], ref a[22], ref a[23],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
        }
        for (; k < depth; k++, a += GemmBlocking.TileRows)
        {
            ref T row = ref source[taps[k]];
            Microkernels.Fma6<T, TV, S>(S.Load(ref row, 0), S.Load(ref row, second),
                ref a[0], ref a[1], ref a[2], ref a[3], ref a[4], ref a[5],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
        }
        if (epilogue.Any)
            epilogue.ApplySix<TV, S>(f0, ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
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
        if (filters == GemmBlocking.TileRows && count > S.Width)
        {
            Store<T, TV, S>(ref *output, outputRow, s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51, second);
            return;
        }
        Store<T, TV, S>(ref *tile, 2 * S.Width, s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51, second);
        for (int i = 0; i < filters; i++)
            for (int j = 0; j < count; j++)
                output[i * outputRow + j] = tile[i * 2 * S.Width + j];
    }

    /// <summary>
    /// <see cref="SixFilters{T, TV, S}"/> for a panel of eight filters (<c>[rows][8]</c>), for 512-bit vectors, whose 32
    /// registers hold its 16 accumulators: LeNet's 16 filters are two such panels, where panels of six compute 18 rows
    /// (the third moved back over two of the second's), and each tap's two input vectors serve 16 multiply-adds instead
    /// of 12. It stores; it does not accumulate. The same chains, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void EightFilters<T, TV, S>(T* source, int* taps, int depth, T* weights,
        in TileEpilogue<T> epilogue, int f0, int filters, T* output, nint outputRow, int count, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint second = count > S.Width && count < 2 * S.Width ? (nuint)(count - S.Width) : (nuint)S.Width;
        TV s00 = S.Zero, s01 = S.Zero, s10 = S.Zero, s11 = S.Zero, s20 = S.Zero, s21 = S.Zero, s30 = S.Zero, s31 = S.Zero;
        TV s40 = S.Zero, s41 = S.Zero, s50 = S.Zero, s51 = S.Zero, s60 = S.Zero, s61 = S.Zero, s70 = S.Zero, s71 = S.Zero;
        T* a = weights;
        for (int k = 0; k < depth; k++, a += 8)
        {
            ref T row = ref source[taps[k]];
            TV x0 = S.Load(ref row, 0), x1 = S.Load(ref row, second);
            Microkernels.Fma6<T, TV, S>(x0, x1, ref a[0], ref a[1], ref a[2], ref a[3], ref a[4], ref a[5],
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            TV b = S.Splat(a[6]);
            s60 = S.Fma(b, x0, s60); s61 = S.Fma(b, x1, s61);
            b = S.Splat(a[7]);
            s70 = S.Fma(b, x0, s70); s71 = S.Fma(b, x1, s71);
        }
        if (epilogue.Any)
        {
            epilogue.ApplySix<TV, S>(f0, ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            epilogue.ApplyTwo<TV, S>(f0 + 6, ref s60, ref s61, ref s70, ref s71);
        }
        bool direct = filters == 8 && count > S.Width;
        T* at = direct ? output : tile;
        nint stride = direct ? outputRow : 2 * S.Width;
        Store<T, TV, S>(ref *at, stride, s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51, second);
        ref T last = ref at[6 * stride];
        S.Store(s60, ref last, 0); S.Store(s61, ref last, second);
        last = ref Unsafe.Add(ref last, stride);
        S.Store(s70, ref last, 0); S.Store(s71, ref last, second);
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

    /// <summary>
    /// The twelve accumulators of a tile as six rows of two vectors, <paramref name="row"/> values apart, each row's
    /// second vector <paramref name="second"/> values after its first (0: one vector width).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T, TV, S>(ref T c, nint row, TV s00, TV s01, TV s10, TV s11, TV s20, TV s21,
        TV s30, TV s31, TV s40, TV s41, TV s50, TV s51, nuint second = 0)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = second == 0 ? (nuint)S.Width : second;
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

    /// <summary>
    /// The steps on a tile of six filters <c>[f0, f0 + 6)</c> by two vectors (row <c>i</c>: filter <c>f0 + i</c>), one
    /// step at a time over the whole tile: one test of each flag and one read of each array's place per tile (a test
    /// and the table pointers per filter and step cost the first LeNet layer's tiles, 25 taps deep, a fifth of their time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void ApplySix<TV, S>(int f0, ref TV s00, ref TV s01, ref TV s10, ref TV s11, ref TV s20, ref TV s21,
        ref TV s30, ref TV s31, ref TV s40, ref TV s41, ref TV s50, ref TV s51)
        where TV : struct where S : struct, ILanes<TV, T>
    {
        if (HasBias)
        {
            T* bias = Bias + f0;
            AddSplat<TV, S>(ref s00, ref s01, bias[0]); AddSplat<TV, S>(ref s10, ref s11, bias[1]); AddSplat<TV, S>(ref s20, ref s21, bias[2]);
            AddSplat<TV, S>(ref s30, ref s31, bias[3]); AddSplat<TV, S>(ref s40, ref s41, bias[4]); AddSplat<TV, S>(ref s50, ref s51, bias[5]);
        }
        if (ReluFirst) ReluSix<TV, S>(ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
        if (Normalize)
        {
            T* mean = Mean + f0, inv = InvStd + f0, gamma = Gamma + f0, beta = Beta + f0;
            Normalized<TV, S>(ref s00, ref s01, mean + 0, inv + 0, gamma + 0, beta + 0);
            Normalized<TV, S>(ref s10, ref s11, mean + 1, inv + 1, gamma + 1, beta + 1);
            Normalized<TV, S>(ref s20, ref s21, mean + 2, inv + 2, gamma + 2, beta + 2);
            Normalized<TV, S>(ref s30, ref s31, mean + 3, inv + 3, gamma + 3, beta + 3);
            Normalized<TV, S>(ref s40, ref s41, mean + 4, inv + 4, gamma + 4, beta + 4);
            Normalized<TV, S>(ref s50, ref s51, mean + 5, inv + 5, gamma + 5, beta + 5);
        }
        if (Relu) ReluSix<TV, S>(ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
    }

    /// <summary>
    /// <see cref="ApplySix{TV, S}"/> on two more filters' rows, <c>f0</c> and <c>f0 + 1</c> (the last two of a panel of
    /// eight, <see cref="ConvolutionTile.EightFilters{T, TV, S}"/>): the same steps in the same order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void ApplyTwo<TV, S>(int f0, ref TV s00, ref TV s01, ref TV s10, ref TV s11)
        where TV : struct where S : struct, ILanes<TV, T>
    {
        if (HasBias)
        {
            AddSplat<TV, S>(ref s00, ref s01, Bias[f0]);
            AddSplat<TV, S>(ref s10, ref s11, Bias[f0 + 1]);
        }
        if (ReluFirst)
        {
            s00 = S.Relu(s00); s01 = S.Relu(s01); s10 = S.Relu(s10); s11 = S.Relu(s11);
        }
        if (Normalize)
        {
            Normalized<TV, S>(ref s00, ref s01, Mean + f0, InvStd + f0, Gamma + f0, Beta + f0);
            Normalized<TV, S>(ref s10, ref s11, Mean + f0 + 1, InvStd + f0 + 1, Gamma + f0 + 1, Beta + f0 + 1);
        }
        if (Relu)
        {
            s00 = S.Relu(s00); s01 = S.Relu(s01); s10 = S.Relu(s10); s11 = S.Relu(s11);
        }
    }

    /// <summary>
    /// The steps on a tile of six positions by two vectors whose lanes are filters <c>[f0, f0 + 2·width)</c> (the position
    /// tiles of <see cref="ConvolutionTile.Six{T, TV, S}"/>), in registers, one step at a time over the whole tile: each
    /// array's two vectors read once per tile, not once per position (as the tile's values were, stored and read back
    /// a vector at a time); the same operations in the same order, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void ApplyColumns<TV, S>(int f0, ref TV s00, ref TV s01, ref TV s10, ref TV s11, ref TV s20, ref TV s21,
        ref TV s30, ref TV s31, ref TV s40, ref TV s41, ref TV s50, ref TV s51)
        where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = (nuint)S.Width;
        if (HasBias)
        {
            TV b0 = S.Load(ref Bias[f0], 0), b1 = S.Load(ref Bias[f0], w);
            s00 = S.Add(s00, b0); s01 = S.Add(s01, b1); s10 = S.Add(s10, b0); s11 = S.Add(s11, b1);
            s20 = S.Add(s20, b0); s21 = S.Add(s21, b1); s30 = S.Add(s30, b0); s31 = S.Add(s31, b1);
            s40 = S.Add(s40, b0); s41 = S.Add(s41, b1); s50 = S.Add(s50, b0); s51 = S.Add(s51, b1);
        }
        if (ReluFirst) ReluSix<TV, S>(ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
        if (Normalize)
        {
            TV m0 = S.Load(ref Mean[f0], 0), m1 = S.Load(ref Mean[f0], w);
            s00 = S.Sub(s00, m0); s01 = S.Sub(s01, m1); s10 = S.Sub(s10, m0); s11 = S.Sub(s11, m1);
            s20 = S.Sub(s20, m0); s21 = S.Sub(s21, m1); s30 = S.Sub(s30, m0); s31 = S.Sub(s31, m1);
            s40 = S.Sub(s40, m0); s41 = S.Sub(s41, m1); s50 = S.Sub(s50, m0); s51 = S.Sub(s51, m1);
            MulSix<TV, S>(S.Load(ref InvStd[f0], 0), S.Load(ref InvStd[f0], w),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            MulSix<TV, S>(S.Load(ref Gamma[f0], 0), S.Load(ref Gamma[f0], w),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            TV c0 = S.Load(ref Beta[f0], 0), c1 = S.Load(ref Beta[f0], w);
            s00 = S.Add(s00, c0); s01 = S.Add(s01, c1); s10 = S.Add(s10, c0); s11 = S.Add(s11, c1);
            s20 = S.Add(s20, c0); s21 = S.Add(s21, c1); s30 = S.Add(s30, c0); s31 = S.Add(s31, c1);
            s40 = S.Add(s40, c0); s41 = S.Add(s41, c1); s50 = S.Add(s50, c0); s51 = S.Add(s51, c1);
        }
        if (Relu) ReluSix<TV, S>(ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
    }

    /// <summary>The six rows' two vectors each multiplied by <paramref name="a"/> and <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulSix<TV, S>(TV a, TV b, ref TV s00, ref TV s01, ref TV s10, ref TV s11, ref TV s20, ref TV s21,
        ref TV s30, ref TV s31, ref TV s40, ref TV s41, ref TV s50, ref TV s51)
        where TV : struct where S : struct, ILanes<TV, T>
    {
        s00 = S.Mul(s00, a); s01 = S.Mul(s01, b); s10 = S.Mul(s10, a); s11 = S.Mul(s11, b);
        s20 = S.Mul(s20, a); s21 = S.Mul(s21, b); s30 = S.Mul(s30, a); s31 = S.Mul(s31, b);
        s40 = S.Mul(s40, a); s41 = S.Mul(s41, b); s50 = S.Mul(s50, a); s51 = S.Mul(s51, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSplat<TV, S>(ref TV a, ref TV b, T value) where TV : struct where S : struct, ILanes<TV, T>
    {
        TV v = S.Splat(value);
        a = S.Add(a, v);
        b = S.Add(b, v);
    }

    /// <summary><c>((v − mean)·inv)·gamma + beta</c> on two vectors, in that order (as <see cref="BatchNorm.ForwardInference{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Normalized<TV, S>(ref TV a, ref TV b, T* mean, T* inv, T* gamma, T* beta) where TV : struct where S : struct, ILanes<TV, T>
    {
        TV m = S.Splat(*mean), i = S.Splat(*inv), g = S.Splat(*gamma), c = S.Splat(*beta);
        a = S.Add(S.Mul(S.Mul(S.Sub(a, m), i), g), c);
        b = S.Add(S.Mul(S.Mul(S.Sub(b, m), i), g), c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReluSix<TV, S>(ref TV s00, ref TV s01, ref TV s10, ref TV s11, ref TV s20, ref TV s21,
        ref TV s30, ref TV s31, ref TV s40, ref TV s41, ref TV s50, ref TV s51)
        where TV : struct where S : struct, ILanes<TV, T>
    {
        s00 = S.Relu(s00); s01 = S.Relu(s01); s10 = S.Relu(s10); s11 = S.Relu(s11); s20 = S.Relu(s20); s21 = S.Relu(s21);
        s30 = S.Relu(s30); s31 = S.Relu(s31); s40 = S.Relu(s40); s41 = S.Relu(s41); s50 = S.Relu(s50); s51 = S.Relu(s51);
    }
}
