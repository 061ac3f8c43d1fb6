using System;

namespace ModelGen.Kernels;

/// <summary>
/// The kernels of a graph model's merge points: element-wise sums (<c>Merge.Add.cs</c>) and concatenation along the
/// features of each sample (<c>Merge.Concat.cs</c>), with their gradients. Layouts are row-major, one sample after
/// another; an image <c>[channels, height, width]</c> is its <c>channels·height·width</c> features, so concatenating
/// images along their channels is concatenating their features. The kernels never allocate.
/// </summary>
public static partial class Merge
{
    /// <summary>Throws unless <c>0 ≤ n, features</c> and the block <c>[offset, offset + features)</c> lies inside <c>[0, outFeatures)</c>.</summary>
    private static void CheckBlock(int n, int features, int outFeatures, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(features);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if ((long)offset + features > outFeatures)
            throw new ArgumentException(
                $"offset + features must be at most outFeatures = {outFeatures}, but offset {offset} + features {features} is {(long)offset + features}.",
                nameof(offset));
    }
}
