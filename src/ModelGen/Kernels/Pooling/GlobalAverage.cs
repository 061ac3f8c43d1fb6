using System;
using System.Numerics;

namespace ModelGen.Kernels;

public static partial class Pooling
{
    /// <summary>
    /// Global average pooling (PyTorch's <c>AdaptiveAvgPool2d(1)</c> flattened): <c>y[s, c]</c> is the mean of the
    /// <paramref name="spatial"/> values of plane <c>(s, c)</c> of <paramref name="x"/> [n, channels, spatial]
    /// (<c>spatial = height·width</c>), their sum divided by <paramref name="spatial"/> as PyTorch divides it (not
    /// multiplied by its reciprocal). <paramref name="y"/> is [n, channels]. Each plane is summed with vectors.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than <c>n·channels·spatial</c> (x) or <c>n·channels</c> (y).</exception>
    public static void GlobalAvgForward<T>(ReadOnlySpan<T> x, Span<T> y, int n, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckGlobal(n, channels, spatial);
        Check.Length(x, Check.Product(n, channels, spatial), nameof(x));
        Check.Length(y, Check.Product(n, channels), nameof(y));
        T count = T.CreateTruncating(spatial);
        for (int plane = 0; plane < n * channels; plane++)
            y[plane] = RowMath.Sum(x.Slice(plane * spatial, spatial)) / count;
    }

    /// <summary>
    /// Gradient of <see cref="GlobalAvgForward{T}"/>: every value of plane <c>(s, c)</c> of <paramref name="dx"/>
    /// [n, channels, spatial] gets <c>dy[s, c] / spatial</c>, written or, with <paramref name="accumulate"/>, added to what
    /// it holds (exactly, one addition per value).
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than <c>n·channels</c> (dy) or <c>n·channels·spatial</c> (dx).</exception>
    public static void GlobalAvgBackward<T>(ReadOnlySpan<T> dy, Span<T> dx, int n, int channels, int spatial, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckGlobal(n, channels, spatial);
        Check.Length(dy, Check.Product(n, channels), nameof(dy));
        Check.Length(dx, Check.Product(n, channels, spatial), nameof(dx));
        T count = T.CreateTruncating(spatial);
        for (int plane = 0; plane < n * channels; plane++)
        {
            T g = dy[plane] / count;
            Span<T> target = dx.Slice(plane * spatial, spatial);
            if (accumulate) RowMath.AddScalar(g, target);
            else target.Fill(g);
        }
    }

    private static void CheckGlobal(int n, int channels, int spatial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spatial);
    }
}
