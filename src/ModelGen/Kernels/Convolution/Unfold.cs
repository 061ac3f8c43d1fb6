using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels;

/// <summary>
/// The layout helpers of the convolutions: a sample copied with its zero padding made explicit (so the direct kernels
/// never test a bound), and col2im, the adjoint of unfolding the input, whose row <c>(c, ki, kj)</c> holds for each
/// output position <c>(oh, ow)</c> the input value at <c>(oh·stride − padTop + ki, ow·stride − padLeft + kj)</c>.
/// </summary>
internal static unsafe partial class Unfold
{
    /// <summary>
    /// Copies sample <paramref name="x"/> [channels, height, width] into <paramref name="dst"/> as planes of
    /// <paramref name="spanHeight"/> × <paramref name="spanWidth"/> with the padding made explicit (zeros around it), so
    /// that every tap reads inside. Returns <paramref name="dst"/>.
    /// </summary>
    public static T* Pad<T>(T* x, int channels, int height, int width, int padTop, int padLeft, int spanHeight, int spanWidth, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint plane = (nint)spanHeight * spanWidth;
        new Span<T>(dst, checked((int)(channels * plane))).Clear();
        int rows = Math.Min(height, spanHeight - padTop), cols = Math.Min(width, spanWidth - padLeft);
        if (rows <= 0 || cols <= 0) return dst;
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < rows; i++)
                new ReadOnlySpan<T>(x + ((nint)c * height + i) * width, cols)
                    .CopyTo(new Span<T>(dst + c * plane + (nint)(i + padTop) * spanWidth + padLeft, cols));
        return dst;
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
        start = low <= 0 ? 0 : (int)Math.Min(((long)low + stride - 1) / stride, end); // 64 bits: the stride may be near int.MaxValue
    }

    /// <summary>Adds every value of <paramref name="columns"/> to the input position it was unfolded from, into <paramref name="dx"/> [channels, height, width].</summary>
    /// <remarks>
    /// Each input value receives its terms in the order of the rows <c>(c, ki, kj)</c>, then of the output rows: the
    /// order of a plain loop over the columns, whatever the stride. The runs of a row of output positions that land on
    /// one input row (all of them for stride 1) are added as vectors, without a call or a slice per run; for stride 1 and
    /// rows of at most two vectors, each input row is built in registers instead (<see cref="Col2ImRows{T, TV, S}"/>).
    /// </remarks>
    public static void Col2Im<T>(ReadOnlySpan<T> columns, Span<T> dx, int channels, int height, int width, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int positions = outHeight * outWidth;
        long rows = (long)channels * kernel * kernel, planeSize = (long)height * width;
        if (columns.Length < rows * positions)
            throw new ArgumentException($"Expected at least {rows * positions} values of columns (channels·kernel·kernel × output positions).", nameof(columns));
        if (dx.Length < channels * planeSize)
            throw new ArgumentException($"Expected at least {channels * planeSize} values of dx (channels × height × width).", nameof(dx));
        fixed (T* pc = columns, pdx = dx)
        {
            if (FoldsRows<T>(stride, width))
            {
                Col2ImRows(pc, (nint)(rows * positions), pdx, (nint)(channels * planeSize), channels, height, width, kernel, padTop, padLeft, outHeight, outWidth);
                return;
            }
            T* src = pc;
            for (int c = 0; c < channels; c++)
            {
                T* plane = pdx + c * planeSize;
                for (int ki = 0; ki < kernel; ki++)
                {
                    for (int kj = 0; kj < kernel; kj++, src += positions)
                    {
                        ValidRange(kj, width, stride, padLeft, outWidth, out int start, out int end);
                        if (start == end) continue;
                        int iw0 = start * stride - padLeft + kj, count = end - start;
                        for (int oh = 0; oh < outHeight; oh++)
                        {
                            int ih = oh * stride - padTop + ki;
                            if ((uint)ih >= (uint)height) continue;
                            T* line = src + (nint)oh * outWidth + start, dst = plane + (nint)ih * width + iw0;
                            if (stride == 1)
                            {
                                AddRun(line, dst, count);
                            }
                            else
                            {
                                for (nint k = 0, iw = 0; k < count; k++, iw += stride)
                                    dst[iw] += line[k];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary><c>dst[k] += src[k]</c> for <c>k &lt; count</c>: whole vectors, then one value at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRun<T>(T* src, T* dst, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; k + Vector256<T>.Count <= count; k += Vector256<T>.Count)
                Vector256.Store(Vector256.Load(dst + k) + Vector256.Load(src + k), dst + k);
        if (Vector128.IsHardwareAccelerated)
            for (; k + Vector128<T>.Count <= count; k += Vector128<T>.Count)
                Vector128.Store(Vector128.Load(dst + k) + Vector128.Load(src + k), dst + k);
        for (; k < count; k++) dst[k] += src[k];
    }
}
