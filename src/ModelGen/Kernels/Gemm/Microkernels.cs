using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

/// <summary>
/// The register kernels of <see cref="PackedGemm"/>: each keeps a tile of <c>C</c> in vector registers for one pass over
/// <c>kc</c> products, reading <c>B</c> from a packed panel (<c>kc</c> rows of <c>NR</c> = two vectors, contiguous) and
/// broadcasting values of <c>A</c> read in place: element <c>(r, p)</c> of <c>A</c> is at <c>a[r·aRow + p·aCol]</c>.
/// </summary>
/// <remarks>
/// Every element of a tile is one chain of fused multiply-adds in the order of <c>p</c>, started from zero or from the
/// value <c>C</c> holds (<c>load</c>), so a product cut into passes over <c>kc</c> gives the bits of one unbroken chain,
/// and every kernel here gives the same bits for the same element. The epilogue, after the last pass, adds the bias
/// (<c>sum + bias[j]</c>) and applies a ReLU (<c>v &lt; 0 ? 0 : v</c>, NaN kept).
/// </remarks>
internal static class Microkernels
{
    /// <summary>What happens to a tile after its last pass.</summary>
    public enum Epilogue : byte { None, Bias, Relu, BiasRelu }

    /// <summary>
    /// The 6 × NR tile: 12 accumulators; per product, two vector loads of <c>B</c>, six broadcasts of <c>A</c>, twelve
    /// fused multiply-adds. <paramref name="bias"/> is read only under an epilogue with a bias, <c>NR</c> values.
    /// <typeparamref name="TA"/> says how <c>A</c> is laid out (<see cref="PackedPanel"/> or <see cref="RowsInPlace"/>),
    /// so that its strides are constants where the layout fixes them.
    /// </summary>
    /// <remarks>
    /// The depth loop does four products per iteration: on Zen 3 one product per iteration ran the fused multiply-add
    /// units at 70–76% of their peak on operands in the L1 cache, four at about 90% (measured with
    /// <c>ModelGen.Benchmarks --microkernel</c>; the loop's own instructions and taken branch, one per six cycles of
    /// arithmetic, were the difference).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6<T, TV, S, TA>(ref T a, nint aRow, ref T b, int kc, ref T c, nint cRow, bool load,
        Epilogue epilogue, ref T bias)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T> where TA : struct, ITileA
    {
        nuint w = (nuint)S.Width;
        ref T c1 = ref Unsafe.Add(ref c, cRow);
        ref T c2 = ref Unsafe.Add(ref c, 2 * cRow);
        ref T c3 = ref Unsafe.Add(ref c, 3 * cRow);
        ref T c4 = ref Unsafe.Add(ref c, 4 * cRow);
        ref T c5 = ref Unsafe.Add(ref c, 5 * cRow);
        TV s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51;
        if (load)
        {
            s00 = S.Load(ref c, 0); s01 = S.Load(ref c, w);
            s10 = S.Load(ref c1, 0); s11 = S.Load(ref c1, w);
            s20 = S.Load(ref c2, 0); s21 = S.Load(ref c2, w);
            s30 = S.Load(ref c3, 0); s31 = S.Load(ref c3, w);
            s40 = S.Load(ref c4, 0); s41 = S.Load(ref c4, w);
            s50 = S.Load(ref c5, 0); s51 = S.Load(ref c5, w);
        }
        else
        {
            s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = s40 = s41 = s50 = s51 = S.Zero;
        }
        // Element (r, p) of A is at ap[r·row + p·col]: constants for a packed panel, the row stride for rows in place.
        nint row = TA.Packed ? 1 : aRow, col = TA.Packed ? GemmBlocking.TileRows : 1;
        nint r1 = row, r2 = 2 * row, r3 = 3 * row, r4 = 4 * row, r5 = 5 * row;
        ref T ap = ref a;
        ref T bp = ref b;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            Fma6<T, TV, S>(S.Load(ref bp, 0), S.Load(ref bp, w),
                ref ap, ref Unsafe.Add(ref ap, r1), ref Unsafe.Add(ref ap, r2), ref Unsafe.Add(ref ap, r3), ref Unsafe.Add(ref ap, r4), ref Unsafe.Add(ref ap, r5),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            Fma6<T, TV, S>(S.Load(ref bp, 2 * w), S.Load(ref bp, 3 * w),
                ref Unsafe.Add(ref ap, col), ref Unsafe.Add(ref ap, col + r1), ref Unsafe.Add(ref ap, col + r2), ref Unsafe.Add(ref ap, col + r3), ref Unsafe.Add(ref ap, col + r4), ref Unsafe.Add(ref ap, col + r5),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            Fma6<T, TV, S>(S.Load(ref bp, 4 * w), S.Load(ref bp, 5 * w),
                ref Unsafe.Add(ref ap, 2 * col), ref Unsafe.Add(ref ap, 2 * col + r1), ref Unsafe.Add(ref ap, 2 * col + r2), ref Unsafe.Add(ref ap, 2 * col + r3), ref Unsafe.Add(ref ap, 2 * col + r4), ref Unsafe.Add(ref ap, 2 * col + r5),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            Fma6<T, TV, S>(S.Load(ref bp, 6 * w), S.Load(ref bp, 7 * w),
                ref Unsafe.Add(ref ap, 3 * col), ref Unsafe.Add(ref ap, 3 * col + r1), ref Unsafe.Add(ref ap, 3 * col + r2), ref Unsafe.Add(ref ap, 3 * col + r3), ref Unsafe.Add(ref ap, 3 * col + r4), ref Unsafe.Add(ref ap, 3 * col + r5),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            ap = ref Unsafe.Add(ref ap, 4 * col);
            bp = ref Unsafe.Add(ref bp, 8 * w);
        }
        for (; p < kc; p++)
        {
            Fma6<T, TV, S>(S.Load(ref bp, 0), S.Load(ref bp, w),
                ref ap, ref Unsafe.Add(ref ap, r1), ref Unsafe.Add(ref ap, r2), ref Unsafe.Add(ref ap, r3), ref Unsafe.Add(ref ap, r4), ref Unsafe.Add(ref ap, r5),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            ap = ref Unsafe.Add(ref ap, col);
            bp = ref Unsafe.Add(ref bp, 2 * w);
        }
        if (epilogue != Epilogue.None)
        {
            if (epilogue is Epilogue.Bias or Epilogue.BiasRelu)
            {
                TV e0 = S.Load(ref bias, 0), e1 = S.Load(ref bias, w);
                s00 = S.Add(s00, e0); s01 = S.Add(s01, e1); s10 = S.Add(s10, e0); s11 = S.Add(s11, e1);
                s20 = S.Add(s20, e0); s21 = S.Add(s21, e1); s30 = S.Add(s30, e0); s31 = S.Add(s31, e1);
                s40 = S.Add(s40, e0); s41 = S.Add(s41, e1); s50 = S.Add(s50, e0); s51 = S.Add(s51, e1);
            }
            if (epilogue is Epilogue.Relu or Epilogue.BiasRelu)
            {
                s00 = Relu<T, TV, S>(s00); s01 = Relu<T, TV, S>(s01); s10 = Relu<T, TV, S>(s10); s11 = Relu<T, TV, S>(s11);
                s20 = Relu<T, TV, S>(s20); s21 = Relu<T, TV, S>(s21); s30 = Relu<T, TV, S>(s30); s31 = Relu<T, TV, S>(s31);
                s40 = Relu<T, TV, S>(s40); s41 = Relu<T, TV, S>(s41); s50 = Relu<T, TV, S>(s50); s51 = Relu<T, TV, S>(s51);
            }
        }
        S.Store(s00, ref c, 0); S.Store(s01, ref c, w);
        S.Store(s10, ref c1, 0); S.Store(s11, ref c1, w);
        S.Store(s20, ref c2, 0); S.Store(s21, ref c2, w);
        S.Store(s30, ref c3, 0); S.Store(s31, ref c3, w);
        S.Store(s40, ref c4, 0); S.Store(s41, ref c4, w);
        S.Store(s50, ref c5, 0); S.Store(s51, ref c5, w);
    }

    /// <summary>
    /// The 4 × NR tile, for the last rows of a product when four or fewer are left (64 = 10 × 6 + 4): 8 accumulators;
    /// per product, two vector loads of <c>B</c>, four broadcasts of <c>A</c>, eight fused multiply-adds. Eight chains
    /// still fill two fused multiply-add units of four cycles' latency. A 6-row tile over those rows computed six rows'
    /// arithmetic for four (a 30th of a batch of 64's product), through the scratch tile. In-process A/Bs both ways round
    /// on a Zen 5, AVX2 path: batch-64 784-1024-1024-10 1.079 and 1/0.954, 784-512-512-10 1.039 and 1/0.969,
    /// 784-128-10 1.022 and 1/0.973, the 784-128-10 step 1.062 and 1/0.971; AVX-512 path: the 784-128-10 step 1.034 and
    /// 1/0.978, batch 64 within 1% on 784-1024-1024-10. The larger steps (batches of 128 and 256) did not move. Laid out and chained as
    /// <see cref="Tile6{T, TV, S, TA}"/> (a packed panel's rows 4 and 5 are not read), so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile4<T, TV, S, TA>(ref T a, nint aRow, ref T b, int kc, ref T c, nint cRow, bool load,
        Epilogue epilogue, ref T bias)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T> where TA : struct, ITileA
    {
        nuint w = (nuint)S.Width;
        ref T c1 = ref Unsafe.Add(ref c, cRow);
        ref T c2 = ref Unsafe.Add(ref c, 2 * cRow);
        ref T c3 = ref Unsafe.Add(ref c, 3 * cRow);
        TV s00, s01, s10, s11, s20, s21, s30, s31;
        if (load)
        {
            s00 = S.Load(ref c, 0); s01 = S.Load(ref c, w);
            s10 = S.Load(ref c1, 0); s11 = S.Load(ref c1, w);
            s20 = S.Load(ref c2, 0); s21 = S.Load(ref c2, w);
            s30 = S.Load(ref c3, 0); s31 = S.Load(ref c3, w);
        }
        else
        {
            s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = S.Zero;
        }
        nint row = TA.Packed ? 1 : aRow, col = TA.Packed ? GemmBlocking.TileRows : 1;
        nint r1 = row, r2 = 2 * row, r3 = 3 * row;
        ref T ap = ref a;
        ref T bp = ref b;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            Fma4<T, TV, S>(S.Load(ref bp, 0), S.Load(ref bp, w),
                ref ap, ref Unsafe.Add(ref ap, r1), ref Unsafe.Add(ref ap, r2), ref Unsafe.Add(ref ap, r3),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31);
            Fma4<T, TV, S>(S.Load(ref bp, 2 * w), S.Load(ref bp, 3 * w),
                ref Unsafe.Add(ref ap, col), ref Unsafe.Add(ref ap, col + r1), ref Unsafe.Add(ref ap, col + r2), ref Unsafe.Add(ref ap, col + r3),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31);
            Fma4<T, TV, S>(S.Load(ref bp, 4 * w), S.Load(ref bp, 5 * w),
                ref Unsafe.Add(ref ap, 2 * col), ref Unsafe.Add(ref ap, 2 * col + r1), ref Unsafe.Add(ref ap, 2 * col + r2), ref Unsafe.Add(ref ap, 2 * col + r3),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31);
            Fma4<T, TV, S>(S.Load(ref bp, 6 * w), S.Load(ref bp, 7 * w),
                ref Unsafe.Add(ref ap, 3 * col), ref Unsafe.Add(ref ap, 3 * col + r1), ref Unsafe.Add(ref ap, 3 * col + r2), ref Unsafe.Add(ref ap, 3 * col + r3),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31);
            ap = ref Unsafe.Add(ref ap, 4 * col);
            bp = ref Unsafe.Add(ref bp, 8 * w);
        }
        for (; p < kc; p++)
        {
            Fma4<T, TV, S>(S.Load(ref bp, 0), S.Load(ref bp, w),
                ref ap, ref Unsafe.Add(ref ap, r1), ref Unsafe.Add(ref ap, r2), ref Unsafe.Add(ref ap, r3),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31);
            ap = ref Unsafe.Add(ref ap, col);
            bp = ref Unsafe.Add(ref bp, 2 * w);
        }
        if (epilogue != Epilogue.None)
        {
            if (epilogue is Epilogue.Bias or Epilogue.BiasRelu)
            {
                TV e0 = S.Load(ref bias, 0), e1 = S.Load(ref bias, w);
                s00 = S.Add(s00, e0); s01 = S.Add(s01, e1); s10 = S.Add(s10, e0); s11 = S.Add(s11, e1);
                s20 = S.Add(s20, e0); s21 = S.Add(s21, e1); s30 = S.Add(s30, e0); s31 = S.Add(s31, e1);
            }
            if (epilogue is Epilogue.Relu or Epilogue.BiasRelu)
            {
                s00 = Relu<T, TV, S>(s00); s01 = Relu<T, TV, S>(s01); s10 = Relu<T, TV, S>(s10); s11 = Relu<T, TV, S>(s11);
                s20 = Relu<T, TV, S>(s20); s21 = Relu<T, TV, S>(s21); s30 = Relu<T, TV, S>(s30); s31 = Relu<T, TV, S>(s31);
            }
        }
        S.Store(s00, ref c, 0); S.Store(s01, ref c, w);
        S.Store(s10, ref c1, 0); S.Store(s11, ref c1, w);
        S.Store(s20, ref c2, 0); S.Store(s21, ref c2, w);
        S.Store(s30, ref c3, 0); S.Store(s31, ref c3, w);
    }

    /// <summary>One product of a 4 × NR tile: <c>s_r0 += x_r·b0</c> and <c>s_r1 += x_r·b1</c> for the four values <c>x_r</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fma4<T, TV, S>(TV b0, TV b1, ref T x0, ref T x1, ref T x2, ref T x3,
        ref TV s00, ref TV s01, ref TV s10, ref TV s11, ref TV s20, ref TV s21, ref TV s30, ref TV s31)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        TV x = S.Splat(x0);
        s00 = S.Fma(x, b0, s00); s01 = S.Fma(x, b1, s01);
        x = S.Splat(x1);
        s10 = S.Fma(x, b0, s10); s11 = S.Fma(x, b1, s11);
        x = S.Splat(x2);
        s20 = S.Fma(x, b0, s20); s21 = S.Fma(x, b1, s21);
        x = S.Splat(x3);
        s30 = S.Fma(x, b0, s30); s31 = S.Fma(x, b1, s31);
    }

    /// <summary>
    /// Whether <see cref="Tile12{T, TV, S, TA}"/> fits the registers of vectors <typeparamref name="TV"/>: its 24
    /// accumulators, two vectors of <c>B</c> and a broadcast take 27 of AVX-512's 32; AVX2 has 16.
    /// </summary>
    public static bool HasTile12<TV>() where TV : struct => Unsafe.SizeOf<TV>() == 64;

    /// <summary>
    /// The 12 × NR tile, for 512-bit vectors (<see cref="HasTile12{TV}"/>): two 6-row halves of <c>A</c> against the same
    /// two vectors of <c>B</c> per product, 24 accumulators. Each vector of <c>B</c> loaded serves twelve fused
    /// multiply-adds instead of six, which halves what a micro-panel of <c>B</c> read from L2 costs per multiply-add: on
    /// an Intel Xeon (2 MiB L2, ~45 bytes per cycle) <see cref="Tile6{T, TV, S, TA}"/> ran at 65–79% of the peak with a
    /// 64 KiB micro-panel, beyond L1. Rows 6–11 start <paramref name="aHalf"/> values after rows 0–5 and are laid out as
    /// they are (<typeparamref name="TA"/>): the next 6-row panel of a packed <c>A</c>, or six rows further in place.
    /// The same chains as <see cref="Tile6{T, TV, S, TA}"/> on each half, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile12<T, TV, S, TA>(ref T a, nint aRow, nint aHalf, ref T b, int kc, ref T c, nint cRow, bool load,
        Epilogue epilogue, ref T bias)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T> where TA : struct, ITileA
    {
        nuint w = (nuint)S.Width;
        ref T d = ref Unsafe.Add(ref c, 6 * cRow);
        TV s00, s01, s10, s11, s20, s21, s30, s31, s40, s41, s50, s51;
        TV t00, t01, t10, t11, t20, t21, t30, t31, t40, t41, t50, t51;
        if (load)
        {
            s00 = S.Load(ref c, 0); s01 = S.Load(ref c, w);
            s10 = S.Load(ref Unsafe.Add(ref c, cRow), 0); s11 = S.Load(ref Unsafe.Add(ref c, cRow), w);
            s20 = S.Load(ref Unsafe.Add(ref c, 2 * cRow), 0); s21 = S.Load(ref Unsafe.Add(ref c, 2 * cRow), w);
            s30 = S.Load(ref Unsafe.Add(ref c, 3 * cRow), 0); s31 = S.Load(ref Unsafe.Add(ref c, 3 * cRow), w);
            s40 = S.Load(ref Unsafe.Add(ref c, 4 * cRow), 0); s41 = S.Load(ref Unsafe.Add(ref c, 4 * cRow), w);
            s50 = S.Load(ref Unsafe.Add(ref c, 5 * cRow), 0); s51 = S.Load(ref Unsafe.Add(ref c, 5 * cRow), w);
            t00 = S.Load(ref d, 0); t01 = S.Load(ref d, w);
            t10 = S.Load(ref Unsafe.Add(ref d, cRow), 0); t11 = S.Load(ref Unsafe.Add(ref d, cRow), w);
            t20 = S.Load(ref Unsafe.Add(ref d, 2 * cRow), 0); t21 = S.Load(ref Unsafe.Add(ref d, 2 * cRow), w);
            t30 = S.Load(ref Unsafe.Add(ref d, 3 * cRow), 0); t31 = S.Load(ref Unsafe.Add(ref d, 3 * cRow), w);
            t40 = S.Load(ref Unsafe.Add(ref d, 4 * cRow), 0); t41 = S.Load(ref Unsafe.Add(ref d, 4 * cRow), w);
            t50 = S.Load(ref Unsafe.Add(ref d, 5 * cRow), 0); t51 = S.Load(ref Unsafe.Add(ref d, 5 * cRow), w);
        }
        else
        {
            s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = s40 = s41 = s50 = s51 = S.Zero;
            t00 = t01 = t10 = t11 = t20 = t21 = t30 = t31 = t40 = t41 = t50 = t51 = S.Zero;
        }
        nint row = TA.Packed ? 1 : aRow, col = TA.Packed ? GemmBlocking.TileRows : 1;
        nint r1 = row, r2 = 2 * row, r3 = 3 * row, r4 = 4 * row, r5 = 5 * row;
        ref T ap = ref a;
        ref T aq = ref Unsafe.Add(ref a, aHalf);
        ref T bp = ref b;
        int p = 0;
        // Two products per iteration: 48 fused multiply-adds against the loop's few instructions.
        for (; p + 2 <= kc; p += 2)
        {
            TV b0 = S.Load(ref bp, 0), b1 = S.Load(ref bp, w);
            Fma6<T, TV, S>(b0, b1,
                ref ap, ref Unsafe.Add(ref ap, r1), ref Unsafe.Add(ref ap, r2), ref Unsafe.Add(ref ap, r3), ref Unsafe.Add(ref ap, r4), ref Unsafe.Add(ref ap, r5),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            Fma6<T, TV, S>(b0, b1,
                ref aq, ref Unsafe.Add(ref aq, r1), ref Unsafe.Add(ref aq, r2), ref Unsafe.Add(ref aq, r3), ref Unsafe.Add(ref aq, r4), ref Unsafe.Add(ref aq, r5),
                ref t00, ref t01, ref t10, ref t11, ref t20, ref t21, ref t30, ref t31, ref t40, ref t41, ref t50, ref t51);
            b0 = S.Load(ref bp, 2 * w);
            b1 = S.Load(ref bp, 3 * w);
            Fma6<T, TV, S>(b0, b1,
                ref Unsafe.Add(ref ap, col), ref Unsafe.Add(ref ap, col + r1), ref Unsafe.Add(ref ap, col + r2), ref Unsafe.Add(ref ap, col + r3), ref Unsafe.Add(ref ap, col + r4), ref Unsafe.Add(ref ap, col + r5),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            Fma6<T, TV, S>(b0, b1,
                ref Unsafe.Add(ref aq, col), ref Unsafe.Add(ref aq, col + r1), ref Unsafe.Add(ref aq, col + r2), ref Unsafe.Add(ref aq, col + r3), ref Unsafe.Add(ref aq, col + r4), ref Unsafe.Add(ref aq, col + r5),
                ref t00, ref t01, ref t10, ref t11, ref t20, ref t21, ref t30, ref t31, ref t40, ref t41, ref t50, ref t51);
            ap = ref Unsafe.Add(ref ap, 2 * col);
            aq = ref Unsafe.Add(ref aq, 2 * col);
            bp = ref Unsafe.Add(ref bp, 4 * w);
        }
        if (p < kc)
        {
            TV b0 = S.Load(ref bp, 0), b1 = S.Load(ref bp, w);
            Fma6<T, TV, S>(b0, b1,
                ref ap, ref Unsafe.Add(ref ap, r1), ref Unsafe.Add(ref ap, r2), ref Unsafe.Add(ref ap, r3), ref Unsafe.Add(ref ap, r4), ref Unsafe.Add(ref ap, r5),
                ref s00, ref s01, ref s10, ref s11, ref s20, ref s21, ref s30, ref s31, ref s40, ref s41, ref s50, ref s51);
            Fma6<T, TV, S>(b0, b1,
                ref aq, ref Unsafe.Add(ref aq, r1), ref Unsafe.Add(ref aq, r2), ref Unsafe.Add(ref aq, r3), ref Unsafe.Add(ref aq, r4), ref Unsafe.Add(ref aq, r5),
                ref t00, ref t01, ref t10, ref t11, ref t20, ref t21, ref t30, ref t31, ref t40, ref t41, ref t50, ref t51);
        }
        if (epilogue is Epilogue.Bias or Epilogue.BiasRelu)
        {
            TV e0 = S.Load(ref bias, 0), e1 = S.Load(ref bias, w);
            s00 = S.Add(s00, e0); s01 = S.Add(s01, e1); s10 = S.Add(s10, e0); s11 = S.Add(s11, e1);
            s20 = S.Add(s20, e0); s21 = S.Add(s21, e1); s30 = S.Add(s30, e0); s31 = S.Add(s31, e1);
            s40 = S.Add(s40, e0); s41 = S.Add(s41, e1); s50 = S.Add(s50, e0); s51 = S.Add(s51, e1);
            t00 = S.Add(t00, e0); t01 = S.Add(t01, e1); t10 = S.Add(t10, e0); t11 = S.Add(t11, e1);
            t20 = S.Add(t20, e0); t21 = S.Add(t21, e1); t30 = S.Add(t30, e0); t31 = S.Add(t31, e1);
            t40 = S.Add(t40, e0); t41 = S.Add(t41, e1); t50 = S.Add(t50, e0); t51 = S.Add(t51, e1);
        }
        if (epilogue is Epilogue.Relu or Epilogue.BiasRelu)
        {
            s00 = S.Relu(s00); s01 = S.Relu(s01); s10 = S.Relu(s10); s11 = S.Relu(s11);
            s20 = S.Relu(s20); s21 = S.Relu(s21); s30 = S.Relu(s30); s31 = S.Relu(s31);
            s40 = S.Relu(s40); s41 = S.Relu(s41); s50 = S.Relu(s50); s51 = S.Relu(s51);
            t00 = S.Relu(t00); t01 = S.Relu(t01); t10 = S.Relu(t10); t11 = S.Relu(t11);
            t20 = S.Relu(t20); t21 = S.Relu(t21); t30 = S.Relu(t30); t31 = S.Relu(t31);
            t40 = S.Relu(t40); t41 = S.Relu(t41); t50 = S.Relu(t50); t51 = S.Relu(t51);
        }
        S.Store(s00, ref c, 0); S.Store(s01, ref c, w);
        S.Store(s10, ref Unsafe.Add(ref c, cRow), 0); S.Store(s11, ref Unsafe.Add(ref c, cRow), w);
        S.Store(s20, ref Unsafe.Add(ref c, 2 * cRow), 0); S.Store(s21, ref Unsafe.Add(ref c, 2 * cRow), w);
        S.Store(s30, ref Unsafe.Add(ref c, 3 * cRow), 0); S.Store(s31, ref Unsafe.Add(ref c, 3 * cRow), w);
        S.Store(s40, ref Unsafe.Add(ref c, 4 * cRow), 0); S.Store(s41, ref Unsafe.Add(ref c, 4 * cRow), w);
        S.Store(s50, ref Unsafe.Add(ref c, 5 * cRow), 0); S.Store(s51, ref Unsafe.Add(ref c, 5 * cRow), w);
        S.Store(t00, ref d, 0); S.Store(t01, ref d, w);
        S.Store(t10, ref Unsafe.Add(ref d, cRow), 0); S.Store(t11, ref Unsafe.Add(ref d, cRow), w);
        S.Store(t20, ref Unsafe.Add(ref d, 2 * cRow), 0); S.Store(t21, ref Unsafe.Add(ref d, 2 * cRow), w);
        S.Store(t30, ref Unsafe.Add(ref d, 3 * cRow), 0); S.Store(t31, ref Unsafe.Add(ref d, 3 * cRow), w);
        S.Store(t40, ref Unsafe.Add(ref d, 4 * cRow), 0); S.Store(t41, ref Unsafe.Add(ref d, 4 * cRow), w);
        S.Store(t50, ref Unsafe.Add(ref d, 5 * cRow), 0); S.Store(t51, ref Unsafe.Add(ref d, 5 * cRow), w);
    }

    /// <summary>
    /// One product of a 6 × NR tile: <c>s_r0 += x_r·b0</c> and <c>s_r1 += x_r·b1</c> for the six values <c>x_r</c>, each
    /// broadcast from memory (the kernels of <see cref="ConvolutionTile"/> use it too).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Fma6<T, TV, S>(TV b0, TV b1, ref T x0, ref T x1, ref T x2, ref T x3, ref T x4, ref T x5,
        ref TV s00, ref TV s01, ref TV s10, ref TV s11, ref TV s20, ref TV s21, ref TV s30, ref TV s31, ref TV s40, ref TV s41,
        ref TV s50, ref TV s51)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        TV x = S.Splat(x0);
        s00 = S.Fma(x, b0, s00); s01 = S.Fma(x, b1, s01);
        x = S.Splat(x1);
        s10 = S.Fma(x, b0, s10); s11 = S.Fma(x, b1, s11);
        x = S.Splat(x2);
        s20 = S.Fma(x, b0, s20); s21 = S.Fma(x, b1, s21);
        x = S.Splat(x3);
        s30 = S.Fma(x, b0, s30); s31 = S.Fma(x, b1, s31);
        x = S.Splat(x4);
        s40 = S.Fma(x, b0, s40); s41 = S.Fma(x, b1, s41);
        x = S.Splat(x5);
        s50 = S.Fma(x, b0, s50); s51 = S.Fma(x, b1, s51);
    }

    /// <summary>
    /// One row of <c>C</c> across four packed panels (4·NR columns): 8 accumulators, enough independent chains to keep
    /// the fused multiply-add units busy when there is only one row (batch-1 inference, the last rows of a product).
    /// Panel <c>q</c> starts <c>q·panelStride</c> values after <paramref name="b"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row4<T, TV, S>(ref T a, nint aCol, ref T b, nint panelStride, int kc, ref T c, bool load,
        Epilogue epilogue, ref T bias)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = (nuint)S.Width, nr = 2 * w;
        TV s0, s1, s2, s3, s4, s5, s6, s7;
        if (load)
        {
            s0 = S.Load(ref c, 0); s1 = S.Load(ref c, w); s2 = S.Load(ref c, 2 * w); s3 = S.Load(ref c, 3 * w);
            s4 = S.Load(ref c, 4 * w); s5 = S.Load(ref c, 5 * w); s6 = S.Load(ref c, 6 * w); s7 = S.Load(ref c, 7 * w);
        }
        else
        {
            s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = S.Zero;
        }
        ref T ap = ref a;
        ref T b0 = ref b;
        ref T b1 = ref Unsafe.Add(ref b, panelStride);
        ref T b2 = ref Unsafe.Add(ref b, 2 * panelStride);
        ref T b3 = ref Unsafe.Add(ref b, 3 * panelStride);
        nuint o = 0;
        int p = 0;
        // Two products per iteration, as Tile6 does four: fewer loop instructions per multiply-add.
        for (; p + 2 <= kc; p += 2, o += 2 * nr)
        {
            TV x = S.Splat(ap);
            s0 = S.Fma(x, S.Load(ref b0, o), s0); s1 = S.Fma(x, S.Load(ref b0, o + w), s1);
            s2 = S.Fma(x, S.Load(ref b1, o), s2); s3 = S.Fma(x, S.Load(ref b1, o + w), s3);
            s4 = S.Fma(x, S.Load(ref b2, o), s4); s5 = S.Fma(x, S.Load(ref b2, o + w), s5);
            s6 = S.Fma(x, S.Load(ref b3, o), s6); s7 = S.Fma(x, S.Load(ref b3, o + w), s7);
            x = S.Splat(Unsafe.Add(ref ap, aCol));
            s0 = S.Fma(x, S.Load(ref b0, o + nr), s0); s1 = S.Fma(x, S.Load(ref b0, o + nr + w), s1);
            s2 = S.Fma(x, S.Load(ref b1, o + nr), s2); s3 = S.Fma(x, S.Load(ref b1, o + nr + w), s3);
            s4 = S.Fma(x, S.Load(ref b2, o + nr), s4); s5 = S.Fma(x, S.Load(ref b2, o + nr + w), s5);
            s6 = S.Fma(x, S.Load(ref b3, o + nr), s6); s7 = S.Fma(x, S.Load(ref b3, o + nr + w), s7);
            ap = ref Unsafe.Add(ref ap, 2 * aCol);
        }
        if (p < kc)
        {
            TV x = S.Splat(ap);
            s0 = S.Fma(x, S.Load(ref b0, o), s0); s1 = S.Fma(x, S.Load(ref b0, o + w), s1);
            s2 = S.Fma(x, S.Load(ref b1, o), s2); s3 = S.Fma(x, S.Load(ref b1, o + w), s3);
            s4 = S.Fma(x, S.Load(ref b2, o), s4); s5 = S.Fma(x, S.Load(ref b2, o + w), s5);
            s6 = S.Fma(x, S.Load(ref b3, o), s6); s7 = S.Fma(x, S.Load(ref b3, o + w), s7);
        }
        if (epilogue is Epilogue.Bias or Epilogue.BiasRelu)
        {
            s0 = S.Add(s0, S.Load(ref bias, 0)); s1 = S.Add(s1, S.Load(ref bias, w));
            s2 = S.Add(s2, S.Load(ref bias, 2 * w)); s3 = S.Add(s3, S.Load(ref bias, 3 * w));
            s4 = S.Add(s4, S.Load(ref bias, 4 * w)); s5 = S.Add(s5, S.Load(ref bias, 5 * w));
            s6 = S.Add(s6, S.Load(ref bias, 6 * w)); s7 = S.Add(s7, S.Load(ref bias, 7 * w));
        }
        if (epilogue is Epilogue.Relu or Epilogue.BiasRelu)
        {
            s0 = Relu<T, TV, S>(s0); s1 = Relu<T, TV, S>(s1); s2 = Relu<T, TV, S>(s2); s3 = Relu<T, TV, S>(s3);
            s4 = Relu<T, TV, S>(s4); s5 = Relu<T, TV, S>(s5); s6 = Relu<T, TV, S>(s6); s7 = Relu<T, TV, S>(s7);
        }
        S.Store(s0, ref c, 0); S.Store(s1, ref c, w); S.Store(s2, ref c, 2 * w); S.Store(s3, ref c, 3 * w);
        S.Store(s4, ref c, 4 * w); S.Store(s5, ref c, 5 * w); S.Store(s6, ref c, 6 * w); S.Store(s7, ref c, 7 * w);
    }

    /// <summary>One row of <c>C</c> across one packed panel (NR columns): two accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row1<T, TV, S>(ref T a, nint aCol, ref T b, int kc, ref T c, bool load, Epilogue epilogue, ref T bias)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w = (nuint)S.Width, nr = 2 * w;
        TV s0 = load ? S.Load(ref c, 0) : S.Zero, s1 = load ? S.Load(ref c, w) : S.Zero;
        ref T ap = ref a;
        nuint o = 0;
        for (int p = 0; p < kc; p++, o += nr)
        {
            TV x = S.Splat(ap);
            s0 = S.Fma(x, S.Load(ref b, o), s0);
            s1 = S.Fma(x, S.Load(ref b, o + w), s1);
            ap = ref Unsafe.Add(ref ap, aCol);
        }
        if (epilogue is Epilogue.Bias or Epilogue.BiasRelu)
        {
            s0 = S.Add(s0, S.Load(ref bias, 0));
            s1 = S.Add(s1, S.Load(ref bias, w));
        }
        if (epilogue is Epilogue.Relu or Epilogue.BiasRelu)
        {
            s0 = Relu<T, TV, S>(s0);
            s1 = Relu<T, TV, S>(s1);
        }
        S.Store(s0, ref c, 0);
        S.Store(s1, ref c, w);
    }

    /// <summary><c>v &lt; 0 ? 0 : v</c> per lane (NaN stays NaN, as in PyTorch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Relu<T, TV, S>(TV v)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T> =>
        S.Relu(v);
}

/// <summary>How <see cref="Microkernels.Tile6{T, TV, S, TA}"/> reads <c>A</c>; a type argument, so the JIT compiles each layout with its strides as constants.</summary>
internal interface ITileA
{
    /// <summary>A packed 6-row panel (<c>[kc][6]</c>, element <c>(r, p)</c> at <c>a[6p + r]</c>) rather than rows in place (element <c>(r, p)</c> at <c>a[r·aRow + p]</c>).</summary>
    static abstract bool Packed { get; }
}

/// <summary>A as a packed 6-row panel: element <c>(r, p)</c> at <c>a[6p + r]</c>.</summary>
internal readonly struct PackedPanel : ITileA
{
    public static bool Packed => true;
}

/// <summary>A's rows read in place, contiguous along the depth: element <c>(r, p)</c> at <c>a[r·aRow + p]</c>.</summary>
internal readonly struct RowsInPlace : ITileA
{
    public static bool Packed => false;
}
