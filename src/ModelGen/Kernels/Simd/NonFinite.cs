using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

/// <summary>
/// Finds NaN and ±∞ in a span, for the checks that keep non-finite values out of a model (the trainer before every
/// update, the weight-file and checkpoint loaders before they copy). One read pass, a vector at a time: for every
/// finite <c>x</c>, <c>x − x</c> is 0, and for NaN or ±∞ it is NaN. Allocates nothing.
/// </summary>
internal static class NonFinite
{
    /// <summary>The index of the first NaN or ±∞ in <paramref name="values"/>, or −1 when every value is finite.</summary>
    public static int IndexOf<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            ref T start = ref MemoryMarshal.GetReference(values);
            int width = Vector<T>.Count;
            for (; i <= values.Length - width; i += width)
            {
                Vector<T> v = Vector.LoadUnsafe(ref start, (nuint)i);
                if (!Vector.EqualsAll(v - v, Vector<T>.Zero)) break; // the scalar loop below finds the exact index
            }
        }
        for (; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i])) return i;
        }
        return -1;
    }

    /// <summary>Whether every value of <paramref name="values"/> is finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T> => IndexOf(values) < 0;
}
