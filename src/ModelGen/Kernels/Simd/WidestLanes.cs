using System.Numerics;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels;

/// <summary>
/// An element-wise pass written once over the lanes (<see cref="ILanes{TV, T}"/>), for <see cref="WidestLanes.Run"/>:
/// the same operations in the same order in every lane of every width, so an element gets the same bits wherever it falls.
/// </summary>
internal interface ILanePass<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements <c>[k, end)</c> in whole <typeparamref name="TV"/>s; returns where the first one left over starts.</summary>
    int Update<TV, L>(int k, int end) where TV : struct where L : struct, ILanes<TV, T>;
}

/// <summary>Runs an <see cref="ILanePass{T}"/> on the widest vectors the processor runs, then one element at a time.</summary>
internal static class WidestLanes
{
    /// <summary>
    /// Elements <c>[start, end)</c> of <paramref name="pass"/>: 512-bit vectors where they are accelerated (<c>Vector&lt;T&gt;</c>
    /// stays 256-bit on AVX-512 processors), else 256-bit, else 128-bit, then the rest one at a time.
    /// </summary>
    public static void Run<TPass, T>(TPass pass, int start, int end)
        where TPass : struct, ILanePass<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = start;
        if (Vector512.IsHardwareAccelerated) k = pass.Update<Vector512<T>, Lanes512<T>>(k, end);
        else if (Vector256.IsHardwareAccelerated) k = pass.Update<Vector256<T>, Lanes256<T>>(k, end);
        else if (Vector128.IsHardwareAccelerated) k = pass.Update<Vector128<T>, Lanes128<T>>(k, end);
        pass.Update<T, Lane<T>>(k, end);
    }
}
