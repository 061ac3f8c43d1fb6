using System;
using System.Numerics;

namespace ModelGen.Kernels;

public static partial class Merge
{
    /// <summary>
    /// One operand of a concatenation along the features: for each of the <paramref name="n"/> samples <c>s</c>,
    /// <c>x[s·features .. + features)</c> is copied to <c>y[s·outFeatures + offset .. + features)</c>. A concatenation of
    /// several operands calls this once per operand, each at its offset (the sum of the features of the operands before
    /// it). Images <c>[c, h, w]</c> concatenated along their channels take <c>features = c·h·w</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than <c>n·features</c> (x) or <c>n·outFeatures</c> (y), or
    /// the block <c>[offset, offset + features)</c> does not lie inside <c>[0, outFeatures)</c>.</exception>
    public static void Concat<T>(ReadOnlySpan<T> x, Span<T> y, int n, int features, int outFeatures, int offset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBlock(n, features, outFeatures, offset);
        Check.Length(x, Check.Product(n, features), nameof(x));
        Check.Length(y, Check.Product(n, outFeatures), nameof(y));
        for (int s = 0; s < n; s++)
            x.Slice(s * features, features).CopyTo(y.Slice(s * outFeatures + offset, features));
    }

    /// <summary>
    /// The gradient of one operand of <see cref="Concat{T}"/>: <c>dx[s·features + j] = dy[s·outFeatures + offset + j]</c>,
    /// or with <paramref name="accumulate"/> <c>dx[…] += dy[…]</c> (exactly, one addition per value).
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than <c>n·outFeatures</c> (dy) or <c>n·features</c> (dx), or
    /// the block <c>[offset, offset + features)</c> does not lie inside <c>[0, outFeatures)</c>.</exception>
    public static void ConcatBackward<T>(ReadOnlySpan<T> dy, Span<T> dx, int n, int features, int outFeatures, int offset,
        bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBlock(n, features, outFeatures, offset);
        Check.Length(dy, Check.Product(n, outFeatures), nameof(dy));
        Check.Length(dx, Check.Product(n, features), nameof(dx));
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<T> source = dy.Slice(s * outFeatures + offset, features);
            Span<T> target = dx.Slice(s * features, features);
            if (accumulate) RowMath.Add(source, target);
            else source.CopyTo(target);
        }
    }
}
