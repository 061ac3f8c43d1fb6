using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

/// <summary>
/// The layout helpers of the convolutions: a sample copied with its zero padding made explicit (so the direct kernels
/// never test a bound), and col2im, the adjoint of unfolding the input, whose row <c>(c, ki, kj)</c> holds for each
/// output position <c>(oh, ow)</c> the input value at <c>(oh·stride − padTop + ki, ow·stride − padLeft + kj)</c>.
/// </summary>
internal static unsafe class Unfold
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
    public static void Col2Im<T>(ReadOnlySpan<T> columns, Span<T> dx, int channels, int height, int width, int kernel, int stride,
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
}
