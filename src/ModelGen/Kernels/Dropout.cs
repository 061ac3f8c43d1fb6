using System;
using System.Numerics;
using ModelGen.Initialization;

namespace ModelGen.Kernels;

/// <summary>
/// Inverted dropout. In training each value is kept with probability 1 − rate and then scaled by 1/(1 − rate), so the
/// expected activation is unchanged and inference is the identity. The mask holds the factor of each value (0 or
/// 1/(1 − rate)) for the backward pass; it is drawn from a <see cref="SplitMix64"/> stream, a value being dropped when
/// its uniform draw u ∈ [0, 1) is below rate.
/// </summary>
public static class Dropout
{
    /// <summary>Draws a mask and applies it: <c>y = x·mask</c>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<T> mask, double rate, ref SplitMix64 random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = x.Length;
        Check.Length(y, count, nameof(y));
        Check.Length(mask, count, nameof(mask));
        T scale = T.CreateTruncating(1.0 / (1.0 - rate));
        for (int k = 0; k < count; k++)
        {
            T factor = random.NextDouble() < rate ? T.Zero : scale;
            mask[k] = factor;
            y[k] = x[k] * factor;
        }
    }

    /// <summary><c>dx = dy·mask</c> (with <paramref name="accumulate"/>: <c>dx += dy·mask</c>).</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> mask, Span<T> dx, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = dy.Length, k = 0;
        Check.Length(mask, count, nameof(mask));
        Check.Length(dx, count, nameof(dx));
        if (accumulate)
        {
            if (Vector.IsHardwareAccelerated)
                for (; k + Vector<T>.Count <= count; k += Vector<T>.Count)
                    (new Vector<T>(dx.Slice(k)) + new Vector<T>(dy.Slice(k)) * new Vector<T>(mask.Slice(k))).CopyTo(dx.Slice(k));
            for (; k < count; k++)
                dx[k] += dy[k] * mask[k];
            return;
        }
        if (Vector.IsHardwareAccelerated)
            for (; k + Vector<T>.Count <= count; k += Vector<T>.Count)
                (new Vector<T>(dy.Slice(k)) * new Vector<T>(mask.Slice(k))).CopyTo(dx.Slice(k));
        for (; k < count; k++)
            dx[k] = dy[k] * mask[k];
    }
}
