using System;
using System.Numerics;

namespace ModelGen.Kernels;

/// <summary>
/// Penalties on weights that are part of the loss: L1·Σ|w| + L2·Σw². The gradient gains L1·sign(w) + 2·L2·w
/// (sign(0) = 0, as PyTorch's gradient of |w|).
/// </summary>
public static class Regularization
{
    /// <summary>Adds the penalty's gradient to <paramref name="gradients"/> and returns the penalty.</summary>
    public static T Apply<T>(ReadOnlySpan<T> weights, Span<T> gradients, double l1, double l2)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(gradients, weights.Length, nameof(gradients));
        T a = T.CreateTruncating(l1), b = T.CreateTruncating(l2), twoB = T.CreateTruncating(2 * l2);
        T absSum = T.Zero, squareSum = T.Zero;
        for (int k = 0; k < weights.Length; k++)
        {
            T w = weights[k];
            absSum += T.Abs(w);
            squareSum += w * w;
            gradients[k] += a * T.CreateTruncating(T.Sign(w)) + twoB * w;
        }
        return a * absSum + b * squareSum;
    }

    /// <summary>The penalty alone (for Evaluate).</summary>
    public static T Penalty<T>(ReadOnlySpan<T> weights, double l1, double l2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T absSum = T.Zero, squareSum = T.Zero;
        foreach (T w in weights)
        {
            absSum += T.Abs(w);
            squareSum += w * w;
        }
        return T.CreateTruncating(l1) * absSum + T.CreateTruncating(l2) * squareSum;
    }
}
