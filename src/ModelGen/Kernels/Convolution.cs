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
/// computed by <see cref="Gemm"/> along the contiguous output positions. The kernels never allocate.
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
            // y_s[f, p] = Σ_j w[f, j]·columns[j, p], then + b[f]
            Gemm.MultiplyAdd(ref wRef, rows, 1, ref colRef, positions, ref MemoryMarshal.GetReference(ys), positions,
                0, filters, rows, positions, accumulate: false);
            if (hasBias)
            {
                for (int f = 0; f < filters; f++)
                    RowMath.AddScalar(b[f], ys.Slice(f * positions, positions));
            }
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
            Gemm.DotRows(ref dyRef, positions, ref colRef, positions, ref dwRef, false, ref dwRef, rows,
                filters, 0, rows, positions, accumulate: true);

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
                Gemm.MultiplyAdd(ref wRef, 1, rows, ref dyRef, positions, ref colRef, positions, 0, rows, filters, positions, accumulate: false);
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
}
