using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

/// <summary>
/// Two-dimensional convolution (cross-correlation, as PyTorch's <c>Conv2d</c>) with square kernels, one stride for both
/// axes and zero padding. Layouts are PyTorch's, row-major: inputs <c>x [n, channels, height, width]</c>, weights
/// <c>w [filters, channels, kernel, kernel]</c>, bias <c>b [filters]</c>, outputs <c>y [n, filters, outHeight, outWidth]</c>.
/// </summary>
/// <remarks>
/// Each sample is unfolded (im2col) into a caller-provided scratch matrix <c>columns [channels·kernel·kernel, outHeight·outWidth]</c>,
/// whose row <c>(c, ki, kj)</c> holds the input value each output position sees through kernel tap <c>(c, ki, kj)</c>
/// (zero where the tap falls into the padding). The convolution is then the matrix product <c>y = w·columns (+ b)</c>,
/// computed in 4-row by 2-vector register tiles along the contiguous output positions. The kernels never allocate.
/// </remarks>
public static class Conv2D
{
    /// <summary>
    /// Number of scratch values <see cref="Forward{T}"/> and <see cref="Backward{T}"/> need in their <c>columns</c>
    /// argument: <c>channels·kernel·kernel·outHeight·outWidth</c> (the im2col matrix of one sample).
    /// </summary>
    public static int ColumnsLength(int channels, int kernel, int outHeight, int outWidth) =>
        checked(channels * kernel * kernel * outHeight * outWidth);

    /// <summary>
    /// <c>y[s, f, oh, ow] = b[f] + Σ_{c,ki,kj} w[f, c, ki, kj]·x[s, c, oh·stride − padTop + ki, ow·stride − padLeft + kj]</c>,
    /// where input positions outside <c>[0, height) × [0, width)</c> read as zero (the bottom and right padding is whatever
    /// <paramref name="outHeight"/> and <paramref name="outWidth"/> imply). An empty <paramref name="b"/> means no bias.
    /// <paramref name="columns"/> is scratch of at least <see cref="ColumnsLength"/> values; its contents on return are unspecified.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, Span<T> columns,
        int n, int channels, int height, int width, int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckGeometry(n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        int inSize = channels * height * width, positions = outHeight * outWidth, outSize = filters * positions;
        int rows = channels * kernel * kernel;
        Check.Length(x, n * inSize, nameof(x));
        Check.Length(w, filters * rows, nameof(w));
        Check.Length(y, n * outSize, nameof(y));
        Check.Length(columns, rows * positions, nameof(columns));
        bool hasBias = !b.IsEmpty;
        if (hasBias) Check.Length(b, filters, nameof(b));

        ref T wRef = ref MemoryMarshal.GetReference(w);
        ref T colRef = ref MemoryMarshal.GetReference(columns);
        for (int s = 0; s < n; s++)
        {
            Im2Col(x.Slice(s * inSize, inSize), columns, channels, height, width, kernel, stride, padTop, padLeft, outHeight, outWidth);
            Span<T> ys = y.Slice(s * outSize, outSize);
            if (hasBias)
            {
                for (int f = 0; f < filters; f++)
                    ys.Slice(f * positions, positions).Fill(b[f]);
            }
            // y_s[f, p] (+)= Σ_j w[f, j]·columns[j, p]
            Gemm(ref wRef, rows, 1, ref colRef, positions, ref MemoryMarshal.GetReference(ys), positions,
                filters, rows, positions, accumulate: hasBias);
        }
    }

    /// <summary>
    /// Gradients of <see cref="Forward{T}"/> from the gradient of its outputs <paramref name="dy"/> [n, filters, outHeight, outWidth]:
    /// <paramref name="dw"/> [filters, channels, kernel, kernel] and <paramref name="db"/> [filters] summed over the batch, and
    /// <paramref name="dx"/> [n, channels, height, width]. All three are overwritten (not accumulated); an empty
    /// <paramref name="db"/> or <paramref name="dx"/> skips that part. <paramref name="columns"/> is scratch of at least
    /// <see cref="ColumnsLength"/> values; its contents on return are unspecified.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dw, Span<T> db, Span<T> dx, Span<T> columns,
        int n, int channels, int height, int width, int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckGeometry(n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        int inSize = channels * height * width, positions = outHeight * outWidth, outSize = filters * positions;
        int rows = channels * kernel * kernel;
        Check.Length(x, n * inSize, nameof(x));
        Check.Length(w, filters * rows, nameof(w));
        Check.Length(dy, n * outSize, nameof(dy));
        Check.Length(dw, filters * rows, nameof(dw));
        Check.Length(columns, rows * positions, nameof(columns));
        bool hasBias = !db.IsEmpty, hasInput = !dx.IsEmpty;
        if (hasBias) Check.Length(db, filters, nameof(db));
        if (hasInput) Check.Length(dx, n * inSize, nameof(dx));

        dw.Slice(0, filters * rows).Clear();
        if (hasBias) db.Slice(0, filters).Clear();
        ref T wRef = ref MemoryMarshal.GetReference(w);
        ref T dwRef = ref MemoryMarshal.GetReference(dw);
        ref T colRef = ref MemoryMarshal.GetReference(columns);
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<T> dys = dy.Slice(s * outSize, outSize);
            ref T dyRef = ref MemoryMarshal.GetReference(dys);

            // dw[f, j] += Σ_p dy_s[f, p]·columns[j, p]
            Im2Col(x.Slice(s * inSize, inSize), columns, channels, height, width, kernel, stride, padTop, padLeft, outHeight, outWidth);
            AccumulateDotsWithRows(ref dyRef, ref colRef, ref dwRef, filters, rows, positions);

            // db[f] += Σ_p dy_s[f, p]
            if (hasBias)
            {
                for (int f = 0; f < filters; f++)
                    db[f] += Sum(ref Unsafe.Add(ref dyRef, f * positions), positions);
            }

            if (hasInput)
            {
                // dcolumns[j, p] = Σ_f w[f, j]·dy_s[f, p], into columns (their im2col values are no longer needed),
                // then folded back (col2im) onto the input positions they were read from.
                Gemm(ref wRef, 1, rows, ref dyRef, positions, ref colRef, positions, rows, filters, positions, accumulate: false);
                Span<T> dxs = dx.Slice(s * inSize, inSize);
                dxs.Clear();
                Col2Im(columns, dxs, channels, height, width, kernel, stride, padTop, padLeft, outHeight, outWidth);
            }
        }
    }

    private static void CheckGeometry(int n, int channels, int height, int width, int filters, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padTop);
        ArgumentOutOfRangeException.ThrowIfNegative(padLeft);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outWidth);
    }

    /// <summary>
    /// The output columns <c>[start, end)</c> whose input column <c>ow·stride − padLeft + kj</c> lies inside <c>[0, width)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ValidRange(int kj, int width, int stride, int padLeft, int outWidth, out int start, out int end)
    {
        int low = padLeft - kj;                // ow·stride ≥ low
        int high = width - 1 + padLeft - kj;   // ow·stride ≤ high
        end = high < 0 ? 0 : Math.Min(outWidth, high / stride + 1);
        start = low <= 0 ? 0 : Math.Min((low + stride - 1) / stride, end);
    }

    /// <summary>Unfolds one sample <paramref name="x"/> [channels, height, width] into <paramref name="columns"/> [channels·kernel·kernel, outHeight·outWidth].</summary>
    private static void Im2Col<T>(ReadOnlySpan<T> x, Span<T> columns, int channels, int height, int width, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int positions = outHeight * outWidth, row = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<T> plane = x.Slice(c * height * width, height * width);
            for (int ki = 0; ki < kernel; ki++)
            {
                for (int kj = 0; kj < kernel; kj++, row++)
                {
                    ValidRange(kj, width, stride, padLeft, outWidth, out int start, out int end);
                    int iw0 = start * stride - padLeft + kj;
                    Span<T> dst = columns.Slice(row * positions, positions);
                    for (int oh = 0; oh < outHeight; oh++)
                    {
                        Span<T> line = dst.Slice(oh * outWidth, outWidth);
                        int ih = oh * stride - padTop + ki;
                        if ((uint)ih >= (uint)height || start == end)
                        {
                            line.Clear();
                            continue;
                        }
                        line.Slice(0, start).Clear();
                        line.Slice(end).Clear();
                        ReadOnlySpan<T> src = plane.Slice(ih * width);
                        if (stride == 1)
                        {
                            src.Slice(iw0, end - start).CopyTo(line.Slice(start));
                        }
                        else
                        {
                            for (int ow = start, iw = iw0; ow < end; ow++, iw += stride)
                                line[ow] = src[iw];
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds every value of <paramref name="columns"/> to the input position it was unfolded from, into <paramref name="dx"/> [channels, height, width].</summary>
    private static void Col2Im<T>(ReadOnlySpan<T> columns, Span<T> dx, int channels, int height, int width, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int positions = outHeight * outWidth, row = 0;
        for (int c = 0; c < channels; c++)
        {
            Span<T> plane = dx.Slice(c * height * width, height * width);
            for (int ki = 0; ki < kernel; ki++)
            {
                for (int kj = 0; kj < kernel; kj++, row++)
                {
                    ValidRange(kj, width, stride, padLeft, outWidth, out int start, out int end);
                    if (start == end) continue;
                    int iw0 = start * stride - padLeft + kj;
                    ReadOnlySpan<T> src = columns.Slice(row * positions, positions);
                    for (int oh = 0; oh < outHeight; oh++)
                    {
                        int ih = oh * stride - padTop + ki;
                        if ((uint)ih >= (uint)height) continue;
                        ReadOnlySpan<T> line = src.Slice(oh * outWidth + start, end - start);
                        Span<T> dst = plane.Slice(ih * width);
                        if (stride == 1)
                        {
                            RowMath.Add(line, dst.Slice(iw0, end - start));
                        }
                        else
                        {
                            for (int k = 0, iw = iw0; k < line.Length; k++, iw += stride)
                                dst[iw] += line[k];
                        }
                    }
                }
            }
        }
    }

    /// <summary><c>Σ_k a[k]</c> over <paramref name="length"/> values.</summary>
    private static T Sum<T>(ref T a, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && length >= Vector<T>.Count)
        {
            Vector<T> acc = Vector<T>.Zero;
            for (; k + Vector<T>.Count <= length; k += Vector<T>.Count)
                acc += Vector.LoadUnsafe(ref a, (nuint)k);
            sum = Vector.Sum(acc);
        }
        for (; k < length; k++)
            sum += Unsafe.Add(ref a, k);
        return sum;
    }

    /// <summary>
    /// <c>c[i, p] (+)= Σ_k a[i·aRow + k·aCol]·b[k·bRow + p]</c> for <c>i &lt; m</c>, <c>k &lt; depth</c>, <c>p &lt; cols</c>;
    /// <c>c</c> has row stride <paramref name="cRow"/>. Overwrites <c>c</c> unless <paramref name="accumulate"/>.
    /// Callers have checked that every index stays inside its span.
    /// </summary>
    private static void Gemm<T>(ref T a, int aRow, int aCol, ref T b, int bRow, ref T c, int cRow, int m, int depth, int cols, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
            GemmRows4(ref Unsafe.Add(ref a, i * aRow), aRow, aCol, ref b, bRow, ref Unsafe.Add(ref c, i * cRow), cRow, depth, cols, accumulate);
        for (; i < m; i++)
            GemmRow1(ref Unsafe.Add(ref a, i * aRow), aCol, ref b, bRow, ref Unsafe.Add(ref c, i * cRow), depth, cols, accumulate);
    }

    /// <summary>Four rows of <see cref="Gemm{T}"/>: each loaded vector of <c>b</c> serves four rows of <c>a</c>.</summary>
    private static void GemmRows4<T>(ref T a0, int aRow, int aCol, ref T b, int bRow, ref T c0, int cRow, int depth, int cols, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T a1 = ref Unsafe.Add(ref a0, aRow);
        ref T a2 = ref Unsafe.Add(ref a0, 2 * aRow);
        ref T a3 = ref Unsafe.Add(ref a0, 3 * aRow);
        ref T c1 = ref Unsafe.Add(ref c0, cRow);
        ref T c2 = ref Unsafe.Add(ref c0, 2 * cRow);
        ref T c3 = ref Unsafe.Add(ref c0, 3 * cRow);
        int p = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int v = Vector<T>.Count;
            for (; p + 2 * v <= cols; p += 2 * v)
            {
                Vector<T> s00, s01, s10, s11, s20, s21, s30, s31;
                if (accumulate)
                {
                    s00 = Vector.LoadUnsafe(ref c0, (nuint)p); s01 = Vector.LoadUnsafe(ref c0, (nuint)(p + v));
                    s10 = Vector.LoadUnsafe(ref c1, (nuint)p); s11 = Vector.LoadUnsafe(ref c1, (nuint)(p + v));
                    s20 = Vector.LoadUnsafe(ref c2, (nuint)p); s21 = Vector.LoadUnsafe(ref c2, (nuint)(p + v));
                    s30 = Vector.LoadUnsafe(ref c3, (nuint)p); s31 = Vector.LoadUnsafe(ref c3, (nuint)(p + v));
                }
                else
                {
                    s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = Vector<T>.Zero;
                }
                ref T bp = ref Unsafe.Add(ref b, p);
                for (int k = 0; k < depth; k++)
                {
                    ref T bk = ref Unsafe.Add(ref bp, k * bRow);
                    Vector<T> b0 = Vector.LoadUnsafe(ref bk);
                    Vector<T> b1 = Vector.LoadUnsafe(ref bk, (nuint)v);
                    int ak = k * aCol;
                    Vector<T> w0 = new(Unsafe.Add(ref a0, ak));
                    s00 += w0 * b0; s01 += w0 * b1;
                    Vector<T> w1 = new(Unsafe.Add(ref a1, ak));
                    s10 += w1 * b0; s11 += w1 * b1;
                    Vector<T> w2 = new(Unsafe.Add(ref a2, ak));
                    s20 += w2 * b0; s21 += w2 * b1;
                    Vector<T> w3 = new(Unsafe.Add(ref a3, ak));
                    s30 += w3 * b0; s31 += w3 * b1;
                }
                s00.StoreUnsafe(ref c0, (nuint)p); s01.StoreUnsafe(ref c0, (nuint)(p + v));
                s10.StoreUnsafe(ref c1, (nuint)p); s11.StoreUnsafe(ref c1, (nuint)(p + v));
                s20.StoreUnsafe(ref c2, (nuint)p); s21.StoreUnsafe(ref c2, (nuint)(p + v));
                s30.StoreUnsafe(ref c3, (nuint)p); s31.StoreUnsafe(ref c3, (nuint)(p + v));
            }
            for (; p + v <= cols; p += v)
            {
                Vector<T> s0, s1, s2, s3;
                if (accumulate)
                {
                    s0 = Vector.LoadUnsafe(ref c0, (nuint)p); s1 = Vector.LoadUnsafe(ref c1, (nuint)p);
                    s2 = Vector.LoadUnsafe(ref c2, (nuint)p); s3 = Vector.LoadUnsafe(ref c3, (nuint)p);
                }
                else
                {
                    s0 = s1 = s2 = s3 = Vector<T>.Zero;
                }
                ref T bp = ref Unsafe.Add(ref b, p);
                for (int k = 0; k < depth; k++)
                {
                    Vector<T> b0 = Vector.LoadUnsafe(ref Unsafe.Add(ref bp, k * bRow));
                    int ak = k * aCol;
                    s0 += new Vector<T>(Unsafe.Add(ref a0, ak)) * b0;
                    s1 += new Vector<T>(Unsafe.Add(ref a1, ak)) * b0;
                    s2 += new Vector<T>(Unsafe.Add(ref a2, ak)) * b0;
                    s3 += new Vector<T>(Unsafe.Add(ref a3, ak)) * b0;
                }
                s0.StoreUnsafe(ref c0, (nuint)p); s1.StoreUnsafe(ref c1, (nuint)p);
                s2.StoreUnsafe(ref c2, (nuint)p); s3.StoreUnsafe(ref c3, (nuint)p);
            }
        }
        for (; p < cols; p++)
        {
            T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
            ref T bp = ref Unsafe.Add(ref b, p);
            for (int k = 0; k < depth; k++)
            {
                T bk = Unsafe.Add(ref bp, k * bRow);
                int ak = k * aCol;
                s0 += Unsafe.Add(ref a0, ak) * bk;
                s1 += Unsafe.Add(ref a1, ak) * bk;
                s2 += Unsafe.Add(ref a2, ak) * bk;
                s3 += Unsafe.Add(ref a3, ak) * bk;
            }
            if (accumulate)
            {
                Unsafe.Add(ref c0, p) += s0; Unsafe.Add(ref c1, p) += s1;
                Unsafe.Add(ref c2, p) += s2; Unsafe.Add(ref c3, p) += s3;
            }
            else
            {
                Unsafe.Add(ref c0, p) = s0; Unsafe.Add(ref c1, p) = s1;
                Unsafe.Add(ref c2, p) = s2; Unsafe.Add(ref c3, p) = s3;
            }
        }
    }

    /// <summary>One row of <see cref="Gemm{T}"/>.</summary>
    private static void GemmRow1<T>(ref T a0, int aCol, ref T b, int bRow, ref T c0, int depth, int cols, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int v = Vector<T>.Count;
            for (; p + 2 * v <= cols; p += 2 * v)
            {
                Vector<T> s0 = accumulate ? Vector.LoadUnsafe(ref c0, (nuint)p) : Vector<T>.Zero;
                Vector<T> s1 = accumulate ? Vector.LoadUnsafe(ref c0, (nuint)(p + v)) : Vector<T>.Zero;
                ref T bp = ref Unsafe.Add(ref b, p);
                for (int k = 0; k < depth; k++)
                {
                    ref T bk = ref Unsafe.Add(ref bp, k * bRow);
                    Vector<T> w0 = new(Unsafe.Add(ref a0, k * aCol));
                    s0 += w0 * Vector.LoadUnsafe(ref bk);
                    s1 += w0 * Vector.LoadUnsafe(ref bk, (nuint)v);
                }
                s0.StoreUnsafe(ref c0, (nuint)p);
                s1.StoreUnsafe(ref c0, (nuint)(p + v));
            }
            for (; p + v <= cols; p += v)
            {
                Vector<T> s0 = accumulate ? Vector.LoadUnsafe(ref c0, (nuint)p) : Vector<T>.Zero;
                ref T bp = ref Unsafe.Add(ref b, p);
                for (int k = 0; k < depth; k++)
                    s0 += new Vector<T>(Unsafe.Add(ref a0, k * aCol)) * Vector.LoadUnsafe(ref Unsafe.Add(ref bp, k * bRow));
                s0.StoreUnsafe(ref c0, (nuint)p);
            }
        }
        for (; p < cols; p++)
        {
            T s0 = T.Zero;
            ref T bp = ref Unsafe.Add(ref b, p);
            for (int k = 0; k < depth; k++)
                s0 += Unsafe.Add(ref a0, k * aCol) * Unsafe.Add(ref bp, k * bRow);
            if (accumulate) Unsafe.Add(ref c0, p) += s0;
            else Unsafe.Add(ref c0, p) = s0;
        }
    }

    /// <summary>
    /// <c>d[f, j] += Σ_p a[f, p]·b[j, p]</c> for <c>f &lt; m</c>, <c>j &lt; rows</c>, <c>p &lt; length</c> (all row-major and
    /// contiguous): dot products along the shared contiguous axis, four rows of <c>a</c> per loaded vector of <c>b</c>.
    /// </summary>
    private static void AccumulateDotsWithRows<T>(ref T a, ref T b, ref T d, int m, int rows, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int f = 0;
        for (; f + 4 <= m; f += 4)
        {
            ref T a0 = ref Unsafe.Add(ref a, f * length);
            ref T a1 = ref Unsafe.Add(ref a0, length);
            ref T a2 = ref Unsafe.Add(ref a0, 2 * length);
            ref T a3 = ref Unsafe.Add(ref a0, 3 * length);
            ref T d0 = ref Unsafe.Add(ref d, f * rows);
            ref T d1 = ref Unsafe.Add(ref d0, rows);
            ref T d2 = ref Unsafe.Add(ref d0, 2 * rows);
            ref T d3 = ref Unsafe.Add(ref d0, 3 * rows);
            for (int j = 0; j < rows; j++)
            {
                ref T bj = ref Unsafe.Add(ref b, j * length);
                T t0 = T.Zero, t1 = T.Zero, t2 = T.Zero, t3 = T.Zero;
                int p = 0;
                if (Vector.IsHardwareAccelerated && length >= Vector<T>.Count)
                {
                    Vector<T> s0 = Vector<T>.Zero, s1 = Vector<T>.Zero, s2 = Vector<T>.Zero, s3 = Vector<T>.Zero;
                    for (; p + Vector<T>.Count <= length; p += Vector<T>.Count)
                    {
                        Vector<T> bv = Vector.LoadUnsafe(ref bj, (nuint)p);
                        s0 += Vector.LoadUnsafe(ref a0, (nuint)p) * bv;
                        s1 += Vector.LoadUnsafe(ref a1, (nuint)p) * bv;
                        s2 += Vector.LoadUnsafe(ref a2, (nuint)p) * bv;
                        s3 += Vector.LoadUnsafe(ref a3, (nuint)p) * bv;
                    }
                    t0 = Vector.Sum(s0); t1 = Vector.Sum(s1); t2 = Vector.Sum(s2); t3 = Vector.Sum(s3);
                }
                for (; p < length; p++)
                {
                    T bp = Unsafe.Add(ref bj, p);
                    t0 += Unsafe.Add(ref a0, p) * bp;
                    t1 += Unsafe.Add(ref a1, p) * bp;
                    t2 += Unsafe.Add(ref a2, p) * bp;
                    t3 += Unsafe.Add(ref a3, p) * bp;
                }
                Unsafe.Add(ref d0, j) += t0;
                Unsafe.Add(ref d1, j) += t1;
                Unsafe.Add(ref d2, j) += t2;
                Unsafe.Add(ref d3, j) += t3;
            }
        }
        for (; f < m; f++)
        {
            ref T a0 = ref Unsafe.Add(ref a, f * length);
            ref T d0 = ref Unsafe.Add(ref d, f * rows);
            for (int j = 0; j < rows; j++)
            {
                ref T bj = ref Unsafe.Add(ref b, j * length);
                T t0 = T.Zero;
                int p = 0;
                if (Vector.IsHardwareAccelerated && length >= Vector<T>.Count)
                {
                    Vector<T> s0 = Vector<T>.Zero;
                    for (; p + Vector<T>.Count <= length; p += Vector<T>.Count)
                        s0 += Vector.LoadUnsafe(ref a0, (nuint)p) * Vector.LoadUnsafe(ref bj, (nuint)p);
                    t0 = Vector.Sum(s0);
                }
                for (; p < length; p++)
                    t0 += Unsafe.Add(ref a0, p) * Unsafe.Add(ref bj, p);
                Unsafe.Add(ref d0, j) += t0;
            }
        }
    }
}
