using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

public static partial class Merge
{
    /// <summary>
    /// <c>y[i] = a[i] + b[i]</c>: the forward pass of a sum of two branches. All three spans hold the same number of values;
    /// <paramref name="y"/> may be the same memory as <paramref name="a"/> or <paramref name="b"/> (in place). The gradient
    /// of each operand is the output's gradient itself (see <see cref="Accumulate{T}"/> to add it where several gradients meet).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="b"/> or <paramref name="y"/> does not hold as many values as <paramref name="a"/>.</exception>
    public static void Add<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = a.Length, k = 0;
        Check.ExactLength(b.Length, length, nameof(b), "as many as a");
        Check.ExactLength(y.Length, length, nameof(y), "as many as a");
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (Vector.IsHardwareAccelerated)
        {
            // Each vector of y is stored after both of its operands are loaded, so y may be a or b.
            for (; k + Vector<T>.Count <= length; k += Vector<T>.Count)
                (Vector.LoadUnsafe(ref ar, (nuint)k) + Vector.LoadUnsafe(ref br, (nuint)k)).StoreUnsafe(ref yr, (nuint)k);
        }
        for (; k < length; k++)
            Unsafe.Add(ref yr, k) = Unsafe.Add(ref ar, k) + Unsafe.Add(ref br, k);
    }

    /// <summary>
    /// <c>y[i] += x[i]</c>: adds a gradient to what a buffer holds (a value read by several layers gets the sum of their
    /// gradients), or a branch to a running sum. Both spans hold the same number of values.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> does not hold as many values as <paramref name="y"/>.</exception>
    public static void Accumulate<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.ExactLength(x.Length, y.Length, nameof(x), "as many as y");
        RowMath.Add(x, y);
    }
}
