using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels;

/// <summary>
/// The two register-blocked matrix products every dense and convolution kernel is made of, on the widest vectors the
/// processor has (AVX-512, else AVX2, else 128-bit). Callers check spans; these take references, strides and sizes.
/// </summary>
/// <remarks>
/// <para><b>Summation order.</b> Every output element is computed the same way whatever the block it falls in, the
/// sizes of the call or the way a call is split over threads, so a sample gives the same bits alone or in a batch:
/// <list type="bullet">
/// <item><see cref="MultiplyAdd{T}"/> (the "broadcast" form, <c>C (+)= A·B</c> with <c>B</c>'s rows contiguous along
/// <c>C</c>'s rows) adds the <c>depth</c> products of an element one after another, each with one fused multiply-add;</item>
/// <item><see cref="DotRows{T}"/> (the "dot" form, <c>C (+)= A·Bᵀ</c> with both operands contiguous along the depth)
/// keeps one lane-wise running sum per vector lane, adds the lanes in a fixed order, then the leftover products one by one.</item>
/// </list></para>
/// <para><b>Blocking.</b> A tile of <c>C</c> (4 rows by 4 vectors, or 4 by 2 on narrower vectors) lives in registers for
/// the whole depth; the operand panels it reads are sized to stay in the L1 and L2 caches.</para>
/// <para>The kernels are written once over <see cref="ILanes{TV, T}"/> (Kernels/Simd), whose multiply-add is always
/// fused: on the rare x64 processors with AVX but no FMA it is computed in software, slower but with the same bits.</para>
/// </remarks>
internal static class Gemm
{
    /// <summary>Rows of <c>C</c> per register tile.</summary>
    private const int TileRows = 4;

    /// <summary>Multiply-adds from which <see cref="MultiplyAdd{T}"/> hands a product to <see cref="PackedGemm"/> (the same bits either way).</summary>
    private const long PackedFrom = 16 * 1024;

    /// <summary>Bytes of a <see cref="DotRows{T}"/> operand chunk that should stay in L2 while the other operand sweeps it.</summary>
    private const int L2ChunkBytes = 256 * 1024;

    /// <summary>
    /// <c>c[i·cRow + j] (+)= Σ_p a[i·aRow + p·aCol]·b[p·bRow + j]</c> for <c>i ∈ [rowStart, rowEnd)</c>, <c>j &lt; cols</c>,
    /// <c>p &lt; depth</c>. Overwrites <c>c</c> unless <paramref name="accumulate"/>, in which case the products are added to
    /// what is there, one after another.
    /// </summary>
    public static void MultiplyAdd<T>(ref T a, int aRow, int aCol, ref T b, int bRow, ref T c, int cRow,
        int rowStart, int rowEnd, int depth, int cols, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((long)(rowEnd - rowStart) * depth * cols >= PackedFrom && rowEnd - rowStart >= 4)
        {
            // Large enough to pay for packing: the packed product computes every element as the same chain.
            unsafe
            {
                fixed (T* pa = &a, pb = &b, pc = &c)
                {
                    var product = new PackedGemm.Product<T>
                    {
                        A = pa + (nint)rowStart * aRow, ARow = aRow, ACol = aCol,
                        B = pb, BRow = bRow, BCol = 1,
                        C = pc + (nint)rowStart * cRow, CRow = cRow,
                        M = rowEnd - rowStart, N = cols, K = depth, Accumulate = accumulate,
                    };
                    PackedGemm.Run(product, 0, cols);
                }
            }
            return;
        }
        if (Vector512.IsHardwareAccelerated)
            MultiplyAdd<T, Vector512<T>, Lanes512<T>>(ref a, aRow, aCol, ref b, bRow, ref c, cRow, rowStart, rowEnd, depth, cols, accumulate);
        else if (Vector256.IsHardwareAccelerated)
            MultiplyAdd<T, Vector256<T>, Lanes256<T>>(ref a, aRow, aCol, ref b, bRow, ref c, cRow, rowStart, rowEnd, depth, cols, accumulate);
        else
            MultiplyAdd<T, Vector128<T>, Lanes128<T>>(ref a, aRow, aCol, ref b, bRow, ref c, cRow, rowStart, rowEnd, depth, cols, accumulate);
    }

    /// <summary>
    /// <c>c[i·cRow + j] = bias[j] + Σ_p a[i·aRow + p]·b[j·bRow + p]</c> for <c>i &lt; rows</c>, <c>j ∈ [colStart, colEnd)</c>,
    /// <c>p &lt; depth</c>: dot products of rows of <c>a</c> with rows of <c>b</c>, both contiguous along the depth.
    /// Without <paramref name="hasBias"/> the bias term is left out; with <paramref name="accumulate"/> the sum is
    /// added to what <c>c</c> holds instead (and the bias must be absent). With <paramref name="relu"/> each stored value
    /// <c>v</c> becomes <c>v &lt; 0 ? 0 : v</c> (the epilogue of a dense layer with a ReLU, NaN kept as PyTorch keeps it).
    /// </summary>
    public static void DotRows<T>(ref T a, int aRow, ref T b, int bRow, ref T bias, bool hasBias, ref T c, int cRow,
        int rows, int colStart, int colEnd, int depth, bool accumulate, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
            DotRows<T, Vector512<T>, Lanes512<T>>(ref a, aRow, ref b, bRow, ref bias, hasBias, ref c, cRow, rows, colStart, colEnd, depth, accumulate, relu);
        else if (Vector256.IsHardwareAccelerated)
            DotRows<T, Vector256<T>, Lanes256<T>>(ref a, aRow, ref b, bRow, ref bias, hasBias, ref c, cRow, rows, colStart, colEnd, depth, accumulate, relu);
        else
            DotRows<T, Vector128<T>, Lanes128<T>>(ref a, aRow, ref b, bRow, ref bias, hasBias, ref c, cRow, rows, colStart, colEnd, depth, accumulate, relu);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Broadcast form: C (+)= A·B
    // ---------------------------------------------------------------------------------------------------------------

    private static void MultiplyAdd<T, TV, S>(ref T a, int aRow, int aCol, ref T b, int bRow, ref T c, int cRow,
        int rowStart, int rowEnd, int depth, int cols, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        int width = S.Width;
        // Four vectors per tile row where there are 32 vector registers (AVX-512), two where there are 16.
        int vectors = Unsafe.SizeOf<TV>() == 64 ? 4 : 2;
        int panel = vectors * width, j = 0;
        // Column panels outermost: a panel of B (depth × panel values) stays in L2 while every row block passes through it.
        for (; j + panel <= cols; j += panel)
        {
            ref T bj = ref Unsafe.Add(ref b, j);
            int i = rowStart;
            for (; i + TileRows <= rowEnd; i += TileRows)
            {
                ref T ai = ref Unsafe.Add(ref a, i * aRow);
                ref T ci = ref Unsafe.Add(ref c, i * cRow + j);
                if (vectors == 4) Broadcast4x4<T, TV, S>(ref ai, aRow, aCol, ref bj, bRow, ref ci, cRow, depth, accumulate);
                else Broadcast4x2<T, TV, S>(ref ai, aRow, aCol, ref bj, bRow, ref ci, cRow, depth, accumulate);
            }
            for (; i < rowEnd; i++)
            {
                ref T ai = ref Unsafe.Add(ref a, i * aRow);
                ref T ci = ref Unsafe.Add(ref c, i * cRow + j);
                if (vectors == 4) Broadcast1x4<T, TV, S>(ref ai, aCol, ref bj, bRow, ref ci, depth, accumulate);
                else Broadcast1x2<T, TV, S>(ref ai, aCol, ref bj, bRow, ref ci, depth, accumulate);
            }
        }
        for (; j + width <= cols; j += width)
            BroadcastColumn<T, TV, S>(ref a, aRow, aCol, ref Unsafe.Add(ref b, j), bRow, ref Unsafe.Add(ref c, j), cRow, rowStart, rowEnd, depth, accumulate);
        if (j == cols) return;
        if (!accumulate && cols >= width)
        {
            // The last partial vector: one more vector ending at the last column. The columns it shares with the one
            // before are computed again with the same operations in the same order, so they are overwritten with the
            // bits they already hold.
            j = cols - width;
            BroadcastColumn<T, TV, S>(ref a, aRow, aCol, ref Unsafe.Add(ref b, j), bRow, ref Unsafe.Add(ref c, j), cRow, rowStart, rowEnd, depth, accumulate);
            return;
        }
        for (; j < cols; j++)
        {
            for (int i = rowStart; i < rowEnd; i++)
            {
                ref T ai = ref Unsafe.Add(ref a, i * aRow);
                ref T cij = ref Unsafe.Add(ref c, i * cRow + j);
                T sum = accumulate ? cij : T.Zero;
                for (int p = 0; p < depth; p++)
                    sum = T.FusedMultiplyAdd(Unsafe.Add(ref ai, p * aCol), Unsafe.Add(ref b, p * bRow + j), sum);
                cij = sum;
            }
        }
    }

    /// <summary>One vector's width of C's columns, for rows <c>[rowStart, rowEnd)</c>: four rows at a time.</summary>
    private static void BroadcastColumn<T, TV, S>(ref T a, int aRow, int aCol, ref T b, int bRow, ref T c, int cRow,
        int rowStart, int rowEnd, int depth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        int i = rowStart;
        for (; i + TileRows <= rowEnd; i += TileRows)
            Broadcast4x1<T, TV, S>(ref Unsafe.Add(ref a, i * aRow), aRow, aCol, ref b, bRow, ref Unsafe.Add(ref c, i * cRow), cRow, depth, accumulate);
        for (; i < rowEnd; i++)
            Broadcast1x1<T, TV, S>(ref Unsafe.Add(ref a, i * aRow), aCol, ref b, bRow, ref Unsafe.Add(ref c, i * cRow), depth, accumulate);
    }

    /// <summary>A 4-row by 1-vector tile of C: four independent running sums.</summary>
    private static void Broadcast4x1<T, TV, S>(ref T a, int aRow, int aCol, ref T b, int bRow, ref T c, int cRow, int depth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        ref T c1 = ref Unsafe.Add(ref c, cRow);
        ref T c2 = ref Unsafe.Add(ref c, 2 * cRow);
        ref T c3 = ref Unsafe.Add(ref c, 3 * cRow);
        TV s0, s1, s2, s3;
        if (accumulate) { s0 = S.Load(ref c, 0); s1 = S.Load(ref c1, 0); s2 = S.Load(ref c2, 0); s3 = S.Load(ref c3, 0); }
        else s0 = s1 = s2 = s3 = S.Zero;
        ref T a1 = ref Unsafe.Add(ref a, aRow);
        ref T a2 = ref Unsafe.Add(ref a, 2 * aRow);
        ref T a3 = ref Unsafe.Add(ref a, 3 * aRow);
        ref T bp = ref b;
        nint ap = 0;
        for (int p = 0; p < depth; p++)
        {
            TV v = S.Load(ref bp, 0);
            s0 = S.Fma(S.Splat(Unsafe.Add(ref a, ap)), v, s0);
            s1 = S.Fma(S.Splat(Unsafe.Add(ref a1, ap)), v, s1);
            s2 = S.Fma(S.Splat(Unsafe.Add(ref a2, ap)), v, s2);
            s3 = S.Fma(S.Splat(Unsafe.Add(ref a3, ap)), v, s3);
            bp = ref Unsafe.Add(ref bp, bRow);
            ap += aCol;
        }
        S.Store(s0, ref c, 0); S.Store(s1, ref c1, 0); S.Store(s2, ref c2, 0); S.Store(s3, ref c3, 0);
    }

    /// <summary>A 4-row by 4-vector tile of C in 16 registers; each step loads 4 vectors of B and broadcasts 4 values of A.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Broadcast4x4<T, TV, S>(ref T a, int aRow, int aCol, ref T b, int bRow, ref T c, int cRow, int depth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w1 = (nuint)S.Width, w2 = 2 * w1, w3 = 3 * w1;
        ref T c1 = ref Unsafe.Add(ref c, cRow);
        ref T c2 = ref Unsafe.Add(ref c, 2 * cRow);
        ref T c3 = ref Unsafe.Add(ref c, 3 * cRow);
        TV s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33;
        if (accumulate)
        {
            s00 = S.Load(ref c, 0); s01 = S.Load(ref c, w1); s02 = S.Load(ref c, w2); s03 = S.Load(ref c, w3);
            s10 = S.Load(ref c1, 0); s11 = S.Load(ref c1, w1); s12 = S.Load(ref c1, w2); s13 = S.Load(ref c1, w3);
            s20 = S.Load(ref c2, 0); s21 = S.Load(ref c2, w1); s22 = S.Load(ref c2, w2); s23 = S.Load(ref c2, w3);
            s30 = S.Load(ref c3, 0); s31 = S.Load(ref c3, w1); s32 = S.Load(ref c3, w2); s33 = S.Load(ref c3, w3);
        }
        else
        {
            s00 = s01 = s02 = s03 = s10 = s11 = s12 = s13 = s20 = s21 = s22 = s23 = s30 = s31 = s32 = s33 = S.Zero;
        }
        ref T a1 = ref Unsafe.Add(ref a, aRow);
        ref T a2 = ref Unsafe.Add(ref a, 2 * aRow);
        ref T a3 = ref Unsafe.Add(ref a, 3 * aRow);
        ref T bp = ref b;
        nint ap = 0;
        for (int p = 0; p < depth; p++)
        {
            TV b0 = S.Load(ref bp, 0), b1 = S.Load(ref bp, w1), b2 = S.Load(ref bp, w2), b3 = S.Load(ref bp, w3);
            TV x = S.Splat(Unsafe.Add(ref a, ap));
            s00 = S.Fma(x, b0, s00); s01 = S.Fma(x, b1, s01); s02 = S.Fma(x, b2, s02); s03 = S.Fma(x, b3, s03);
            x = S.Splat(Unsafe.Add(ref a1, ap));
            s10 = S.Fma(x, b0, s10); s11 = S.Fma(x, b1, s11); s12 = S.Fma(x, b2, s12); s13 = S.Fma(x, b3, s13);
            x = S.Splat(Unsafe.Add(ref a2, ap));
            s20 = S.Fma(x, b0, s20); s21 = S.Fma(x, b1, s21); s22 = S.Fma(x, b2, s22); s23 = S.Fma(x, b3, s23);
            x = S.Splat(Unsafe.Add(ref a3, ap));
            s30 = S.Fma(x, b0, s30); s31 = S.Fma(x, b1, s31); s32 = S.Fma(x, b2, s32); s33 = S.Fma(x, b3, s33);
            bp = ref Unsafe.Add(ref bp, bRow);
            ap += aCol;
        }
        S.Store(s00, ref c, 0); S.Store(s01, ref c, w1); S.Store(s02, ref c, w2); S.Store(s03, ref c, w3);
        S.Store(s10, ref c1, 0); S.Store(s11, ref c1, w1); S.Store(s12, ref c1, w2); S.Store(s13, ref c1, w3);
        S.Store(s20, ref c2, 0); S.Store(s21, ref c2, w1); S.Store(s22, ref c2, w2); S.Store(s23, ref c2, w3);
        S.Store(s30, ref c3, 0); S.Store(s31, ref c3, w1); S.Store(s32, ref c3, w2); S.Store(s33, ref c3, w3);
    }

    /// <summary>A 4-row by 2-vector tile of C in 8 registers (for 16-register vector units).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Broadcast4x2<T, TV, S>(ref T a, int aRow, int aCol, ref T b, int bRow, ref T c, int cRow, int depth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w1 = (nuint)S.Width;
        ref T c1 = ref Unsafe.Add(ref c, cRow);
        ref T c2 = ref Unsafe.Add(ref c, 2 * cRow);
        ref T c3 = ref Unsafe.Add(ref c, 3 * cRow);
        TV s00, s01, s10, s11, s20, s21, s30, s31;
        if (accumulate)
        {
            s00 = S.Load(ref c, 0); s01 = S.Load(ref c, w1);
            s10 = S.Load(ref c1, 0); s11 = S.Load(ref c1, w1);
            s20 = S.Load(ref c2, 0); s21 = S.Load(ref c2, w1);
            s30 = S.Load(ref c3, 0); s31 = S.Load(ref c3, w1);
        }
        else
        {
            s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = S.Zero;
        }
        ref T a1 = ref Unsafe.Add(ref a, aRow);
        ref T a2 = ref Unsafe.Add(ref a, 2 * aRow);
        ref T a3 = ref Unsafe.Add(ref a, 3 * aRow);
        ref T bp = ref b;
        nint ap = 0;
        for (int p = 0; p < depth; p++)
        {
            TV b0 = S.Load(ref bp, 0), b1 = S.Load(ref bp, w1);
            TV x = S.Splat(Unsafe.Add(ref a, ap));
            s00 = S.Fma(x, b0, s00); s01 = S.Fma(x, b1, s01);
            x = S.Splat(Unsafe.Add(ref a1, ap));
            s10 = S.Fma(x, b0, s10); s11 = S.Fma(x, b1, s11);
            x = S.Splat(Unsafe.Add(ref a2, ap));
            s20 = S.Fma(x, b0, s20); s21 = S.Fma(x, b1, s21);
            x = S.Splat(Unsafe.Add(ref a3, ap));
            s30 = S.Fma(x, b0, s30); s31 = S.Fma(x, b1, s31);
            bp = ref Unsafe.Add(ref bp, bRow);
            ap += aCol;
        }
        S.Store(s00, ref c, 0); S.Store(s01, ref c, w1);
        S.Store(s10, ref c1, 0); S.Store(s11, ref c1, w1);
        S.Store(s20, ref c2, 0); S.Store(s21, ref c2, w1);
        S.Store(s30, ref c3, 0); S.Store(s31, ref c3, w1);
    }

    /// <summary>One row by four vectors of C (the last rows of a product): four independent running sums.</summary>
    private static void Broadcast1x4<T, TV, S>(ref T a, int aCol, ref T b, int bRow, ref T c, int depth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w1 = (nuint)S.Width, w2 = 2 * w1, w3 = 3 * w1;
        TV s0, s1, s2, s3;
        if (accumulate) { s0 = S.Load(ref c, 0); s1 = S.Load(ref c, w1); s2 = S.Load(ref c, w2); s3 = S.Load(ref c, w3); }
        else s0 = s1 = s2 = s3 = S.Zero;
        ref T bp = ref b;
        nint ap = 0;
        for (int p = 0; p < depth; p++)
        {
            TV x = S.Splat(Unsafe.Add(ref a, ap));
            s0 = S.Fma(x, S.Load(ref bp, 0), s0); s1 = S.Fma(x, S.Load(ref bp, w1), s1);
            s2 = S.Fma(x, S.Load(ref bp, w2), s2); s3 = S.Fma(x, S.Load(ref bp, w3), s3);
            bp = ref Unsafe.Add(ref bp, bRow);
            ap += aCol;
        }
        S.Store(s0, ref c, 0); S.Store(s1, ref c, w1); S.Store(s2, ref c, w2); S.Store(s3, ref c, w3);
    }

    /// <summary>One row by two vectors of C (the last rows of a product on 16-register vector units).</summary>
    private static void Broadcast1x2<T, TV, S>(ref T a, int aCol, ref T b, int bRow, ref T c, int depth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        nuint w1 = (nuint)S.Width;
        TV s0 = accumulate ? S.Load(ref c, 0) : S.Zero, s1 = accumulate ? S.Load(ref c, w1) : S.Zero;
        ref T bp = ref b;
        nint ap = 0;
        for (int p = 0; p < depth; p++)
        {
            TV x = S.Splat(Unsafe.Add(ref a, ap));
            s0 = S.Fma(x, S.Load(ref bp, 0), s0);
            s1 = S.Fma(x, S.Load(ref bp, w1), s1);
            bp = ref Unsafe.Add(ref bp, bRow);
            ap += aCol;
        }
        S.Store(s0, ref c, 0); S.Store(s1, ref c, w1);
    }

    /// <summary>One row by one vector of C (the edges of a product).</summary>
    private static void Broadcast1x1<T, TV, S>(ref T a, int aCol, ref T b, int bRow, ref T c, int depth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        TV s = accumulate ? S.Load(ref c, 0) : S.Zero;
        ref T bp = ref b;
        nint ap = 0;
        for (int p = 0; p < depth; p++)
        {
            s = S.Fma(S.Splat(Unsafe.Add(ref a, ap)), S.Load(ref bp, 0), s);
            bp = ref Unsafe.Add(ref bp, bRow);
            ap += aCol;
        }
        S.Store(s, ref c, 0);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Dot form: C (+)= A·Bᵀ (+ bias)
    // ---------------------------------------------------------------------------------------------------------------

    private static void DotRows<T, TV, S>(ref T a, int aRow, ref T b, int bRow, ref T bias, bool hasBias, ref T c, int cRow,
        int rows, int colStart, int colEnd, int depth, bool accumulate, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        if (depth < S.Width)
        {
            // Too short for one vector: the lanes would all be zero, so the plain sums give the same bits, sooner.
            for (int i = 0; i < rows; i++)
                for (int j = colStart; j < colEnd; j++)
                    Finish(T.Zero, ref Unsafe.Add(ref a, i * aRow), ref Unsafe.Add(ref b, j * bRow), 0, depth, ref bias, hasBias, j,
                        ref Unsafe.Add(ref c, i * cRow), accumulate, relu);
            return;
        }
        // Rows of A per tile: four where there are 32 vector registers (16 sums + 4 + 1 operands), else two.
        int tileRows = Unsafe.SizeOf<TV>() == 64 ? 4 : 2;
        // B's rows in chunks that stay in L2 while every tile of A's rows passes through them; A's tile stays in L1.
        int chunk = Math.Max(4, L2ChunkBytes / Math.Max(1, depth * Unsafe.SizeOf<T>()) & ~3);
        for (int j0 = colStart; j0 < colEnd; j0 += chunk)
        {
            int j1 = Math.Min(colEnd, j0 + chunk);
            int i = 0;
            for (; i + tileRows <= rows; i += tileRows)
            {
                ref T ai = ref Unsafe.Add(ref a, i * aRow);
                ref T ci = ref Unsafe.Add(ref c, i * cRow);
                int j = j0;
                for (; j + 4 <= j1; j += 4)
                {
                    if (tileRows == 4) Dot4x4<T, TV, S>(ref ai, aRow, ref b, bRow, j, ref bias, hasBias, ref ci, cRow, depth, accumulate, relu);
                    else Dot2x4<T, TV, S>(ref ai, aRow, ref b, bRow, j, ref bias, hasBias, ref ci, cRow, depth, accumulate, relu);
                }
                for (; j < j1; j++)
                    for (int r = 0; r < tileRows; r++)
                        Dot1x1<T, TV, S>(ref Unsafe.Add(ref ai, r * aRow), ref b, bRow, j, ref bias, hasBias, ref Unsafe.Add(ref ci, r * cRow), depth, accumulate, relu);
            }
            for (; i < rows; i++)
            {
                ref T ai = ref Unsafe.Add(ref a, i * aRow);
                ref T ci = ref Unsafe.Add(ref c, i * cRow);
                int j = j0;
                for (; j + 4 <= j1; j += 4)
                    Dot1x4<T, TV, S>(ref ai, ref b, bRow, j, ref bias, hasBias, ref ci, depth, accumulate, relu);
                for (; j < j1; j++)
                    Dot1x1<T, TV, S>(ref ai, ref b, bRow, j, ref bias, hasBias, ref ci, depth, accumulate, relu);
            }
        }
    }

    /// <summary>Stores one finished dot product: the leftover products added one by one, then the bias or the old value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<T>(T lanes, ref T a, ref T b, int vectorEnd, int depth, ref T bias, bool hasBias, int j, ref T c,
        bool accumulate, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = lanes;
        for (int p = vectorEnd; p < depth; p++)
            sum = T.FusedMultiplyAdd(Unsafe.Add(ref a, p), Unsafe.Add(ref b, p), sum);
        ref T cj = ref Unsafe.Add(ref c, j);
        T value = accumulate ? cj + sum : hasBias ? Unsafe.Add(ref bias, j) + sum : sum;
        cj = relu && value < T.Zero ? T.Zero : value;
    }

    /// <summary>Rows <c>j..j+3</c> of B against four rows of A: 16 running sums, 8 loads per 16 multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4<T, TV, S>(ref T a, int aRow, ref T b, int bRow, int j, ref T bias, bool hasBias, ref T c, int cRow, int depth, bool accumulate, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        ref T a1 = ref Unsafe.Add(ref a, aRow);
        ref T a2 = ref Unsafe.Add(ref a, 2 * aRow);
        ref T a3 = ref Unsafe.Add(ref a, 3 * aRow);
        ref T b0 = ref Unsafe.Add(ref b, j * bRow);
        ref T b1 = ref Unsafe.Add(ref b0, bRow);
        ref T b2 = ref Unsafe.Add(ref b0, 2 * bRow);
        ref T b3 = ref Unsafe.Add(ref b0, 3 * bRow);
        TV s00 = S.Zero, s01 = S.Zero, s02 = S.Zero, s03 = S.Zero, s10 = S.Zero, s11 = S.Zero, s12 = S.Zero, s13 = S.Zero;
        TV s20 = S.Zero, s21 = S.Zero, s22 = S.Zero, s23 = S.Zero, s30 = S.Zero, s31 = S.Zero, s32 = S.Zero, s33 = S.Zero;
        int width = S.Width, p = 0;
        for (; p + width <= depth; p += width)
        {
            nuint o = (nuint)p;
            TV v0 = S.Load(ref b0, o), v1 = S.Load(ref b1, o), v2 = S.Load(ref b2, o), v3 = S.Load(ref b3, o);
            TV x = S.Load(ref a, o);
            s00 = S.Fma(x, v0, s00); s01 = S.Fma(x, v1, s01); s02 = S.Fma(x, v2, s02); s03 = S.Fma(x, v3, s03);
            x = S.Load(ref a1, o);
            s10 = S.Fma(x, v0, s10); s11 = S.Fma(x, v1, s11); s12 = S.Fma(x, v2, s12); s13 = S.Fma(x, v3, s13);
            x = S.Load(ref a2, o);
            s20 = S.Fma(x, v0, s20); s21 = S.Fma(x, v1, s21); s22 = S.Fma(x, v2, s22); s23 = S.Fma(x, v3, s23);
            x = S.Load(ref a3, o);
            s30 = S.Fma(x, v0, s30); s31 = S.Fma(x, v1, s31); s32 = S.Fma(x, v2, s32); s33 = S.Fma(x, v3, s33);
        }
        ref T c1 = ref Unsafe.Add(ref c, cRow);
        ref T c2 = ref Unsafe.Add(ref c, 2 * cRow);
        ref T c3 = ref Unsafe.Add(ref c, 3 * cRow);
        Finish(S.Sum(s00), ref a, ref b0, p, depth, ref bias, hasBias, j, ref c, accumulate, relu);
        Finish(S.Sum(s01), ref a, ref b1, p, depth, ref bias, hasBias, j + 1, ref c, accumulate, relu);
        Finish(S.Sum(s02), ref a, ref b2, p, depth, ref bias, hasBias, j + 2, ref c, accumulate, relu);
        Finish(S.Sum(s03), ref a, ref b3, p, depth, ref bias, hasBias, j + 3, ref c, accumulate, relu);
        Finish(S.Sum(s10), ref a1, ref b0, p, depth, ref bias, hasBias, j, ref c1, accumulate, relu);
        Finish(S.Sum(s11), ref a1, ref b1, p, depth, ref bias, hasBias, j + 1, ref c1, accumulate, relu);
        Finish(S.Sum(s12), ref a1, ref b2, p, depth, ref bias, hasBias, j + 2, ref c1, accumulate, relu);
        Finish(S.Sum(s13), ref a1, ref b3, p, depth, ref bias, hasBias, j + 3, ref c1, accumulate, relu);
        Finish(S.Sum(s20), ref a2, ref b0, p, depth, ref bias, hasBias, j, ref c2, accumulate, relu);
        Finish(S.Sum(s21), ref a2, ref b1, p, depth, ref bias, hasBias, j + 1, ref c2, accumulate, relu);
        Finish(S.Sum(s22), ref a2, ref b2, p, depth, ref bias, hasBias, j + 2, ref c2, accumulate, relu);
        Finish(S.Sum(s23), ref a2, ref b3, p, depth, ref bias, hasBias, j + 3, ref c2, accumulate, relu);
        Finish(S.Sum(s30), ref a3, ref b0, p, depth, ref bias, hasBias, j, ref c3, accumulate, relu);
        Finish(S.Sum(s31), ref a3, ref b1, p, depth, ref bias, hasBias, j + 1, ref c3, accumulate, relu);
        Finish(S.Sum(s32), ref a3, ref b2, p, depth, ref bias, hasBias, j + 2, ref c3, accumulate, relu);
        Finish(S.Sum(s33), ref a3, ref b3, p, depth, ref bias, hasBias, j + 3, ref c3, accumulate, relu);
    }

    /// <summary>Rows <c>j..j+3</c> of B against two rows of A (for 16-register vector units).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot2x4<T, TV, S>(ref T a, int aRow, ref T b, int bRow, int j, ref T bias, bool hasBias, ref T c, int cRow, int depth, bool accumulate, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        ref T a1 = ref Unsafe.Add(ref a, aRow);
        ref T b0 = ref Unsafe.Add(ref b, j * bRow);
        ref T b1 = ref Unsafe.Add(ref b0, bRow);
        ref T b2 = ref Unsafe.Add(ref b0, 2 * bRow);
        ref T b3 = ref Unsafe.Add(ref b0, 3 * bRow);
        TV s00 = S.Zero, s01 = S.Zero, s02 = S.Zero, s03 = S.Zero, s10 = S.Zero, s11 = S.Zero, s12 = S.Zero, s13 = S.Zero;
        int width = S.Width, p = 0;
        for (; p + width <= depth; p += width)
        {
            nuint o = (nuint)p;
            TV v0 = S.Load(ref b0, o), v1 = S.Load(ref b1, o), v2 = S.Load(ref b2, o), v3 = S.Load(ref b3, o);
            TV x = S.Load(ref a, o);
            s00 = S.Fma(x, v0, s00); s01 = S.Fma(x, v1, s01); s02 = S.Fma(x, v2, s02); s03 = S.Fma(x, v3, s03);
            x = S.Load(ref a1, o);
            s10 = S.Fma(x, v0, s10); s11 = S.Fma(x, v1, s11); s12 = S.Fma(x, v2, s12); s13 = S.Fma(x, v3, s13);
        }
        ref T c1 = ref Unsafe.Add(ref c, cRow);
        Finish(S.Sum(s00), ref a, ref b0, p, depth, ref bias, hasBias, j, ref c, accumulate, relu);
        Finish(S.Sum(s01), ref a, ref b1, p, depth, ref bias, hasBias, j + 1, ref c, accumulate, relu);
        Finish(S.Sum(s02), ref a, ref b2, p, depth, ref bias, hasBias, j + 2, ref c, accumulate, relu);
        Finish(S.Sum(s03), ref a, ref b3, p, depth, ref bias, hasBias, j + 3, ref c, accumulate, relu);
        Finish(S.Sum(s10), ref a1, ref b0, p, depth, ref bias, hasBias, j, ref c1, accumulate, relu);
        Finish(S.Sum(s11), ref a1, ref b1, p, depth, ref bias, hasBias, j + 1, ref c1, accumulate, relu);
        Finish(S.Sum(s12), ref a1, ref b2, p, depth, ref bias, hasBias, j + 2, ref c1, accumulate, relu);
        Finish(S.Sum(s13), ref a1, ref b3, p, depth, ref bias, hasBias, j + 3, ref c1, accumulate, relu);
    }

    /// <summary>Rows <c>j..j+3</c> of B against one row of A (batch-1 inference and the last rows of a batch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x4<T, TV, S>(ref T a, ref T b, int bRow, int j, ref T bias, bool hasBias, ref T c, int depth, bool accumulate, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        ref T b0 = ref Unsafe.Add(ref b, j * bRow);
        ref T b1 = ref Unsafe.Add(ref b0, bRow);
        ref T b2 = ref Unsafe.Add(ref b0, 2 * bRow);
        ref T b3 = ref Unsafe.Add(ref b0, 3 * bRow);
        TV s0 = S.Zero, s1 = S.Zero, s2 = S.Zero, s3 = S.Zero;
        int width = S.Width, p = 0;
        for (; p + width <= depth; p += width)
        {
            nuint o = (nuint)p;
            TV x = S.Load(ref a, o);
            s0 = S.Fma(x, S.Load(ref b0, o), s0);
            s1 = S.Fma(x, S.Load(ref b1, o), s1);
            s2 = S.Fma(x, S.Load(ref b2, o), s2);
            s3 = S.Fma(x, S.Load(ref b3, o), s3);
        }
        Finish(S.Sum(s0), ref a, ref b0, p, depth, ref bias, hasBias, j, ref c, accumulate, relu);
        Finish(S.Sum(s1), ref a, ref b1, p, depth, ref bias, hasBias, j + 1, ref c, accumulate, relu);
        Finish(S.Sum(s2), ref a, ref b2, p, depth, ref bias, hasBias, j + 2, ref c, accumulate, relu);
        Finish(S.Sum(s3), ref a, ref b3, p, depth, ref bias, hasBias, j + 3, ref c, accumulate, relu);
    }

    /// <summary>One dot product.</summary>
    private static void Dot1x1<T, TV, S>(ref T a, ref T b, int bRow, int j, ref T bias, bool hasBias, ref T c, int depth, bool accumulate, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        ref T bj = ref Unsafe.Add(ref b, j * bRow);
        TV s = S.Zero;
        int width = S.Width, p = 0;
        for (; p + width <= depth; p += width)
            s = S.Fma(S.Load(ref a, (nuint)p), S.Load(ref bj, (nuint)p), s);
        Finish(S.Sum(s), ref a, ref bj, p, depth, ref bias, hasBias, j, ref c, accumulate, relu);
    }
}
