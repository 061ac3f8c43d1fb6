using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// Stochastic gradient descent exactly as <c>torch.optim.SGD</c> (1.13): <c>g ← g + λθ</c>; with momentum μ,
/// <c>b ← g</c> on the first step and <c>b ← μb + (1 − τ)g</c> after; <c>g ← g + μb</c> (Nesterov) or <c>g ← b</c>;
/// <c>θ ← θ − lr·g</c>. One fused, vectorized pass over the parameters, their gradients and the momentum buffer.
/// </summary>
public static class Sgd
{
    /// <summary>One SGD step over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">θ, updated in place.</param>
    /// <param name="gradients">g, the gradient of the loss (left unchanged).</param>
    /// <param name="momentumBuffer">b, the momentum buffer (same length; unused when <paramref name="momentum"/> is 0).</param>
    /// <param name="learningRate">lr.</param>
    /// <param name="momentum">μ.</param>
    /// <param name="dampening">τ.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="weightDecay">λ, coupled weight decay.</param>
    /// <param name="firstStep">True on the first step, when the momentum buffer starts as the gradient.</param>
    public static void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> momentumBuffer,
        T learningRate, T momentum, T dampening, bool nesterov, T weightDecay, bool firstStep)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length, k = 0;
        Check.Length(gradients, n, nameof(gradients));
        bool useMomentum = momentum != T.Zero;
        if (useMomentum) Check.Length(momentumBuffer, n, nameof(momentumBuffer));
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T g = ref MemoryMarshal.GetReference(gradients);
        ref T b = ref MemoryMarshal.GetReference(momentumBuffer);
        T oneMinusDampening = T.One - dampening;

        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> lr = new(learningRate), mu = new(momentum), keep = new(oneMinusDampening), wd = new(weightDecay);
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                Vector<T> theta = Vector.LoadUnsafe(ref p, (nuint)k);
                Vector<T> d = Vector.LoadUnsafe(ref g, (nuint)k);
                if (weightDecay != T.Zero) d += wd * theta;
                if (useMomentum)
                {
                    Vector<T> buf = firstStep ? d : Vector.LoadUnsafe(ref b, (nuint)k) * mu + keep * d;
                    buf.StoreUnsafe(ref b, (nuint)k);
                    d = nesterov ? d + mu * buf : buf;
                }
                (theta - lr * d).StoreUnsafe(ref p, (nuint)k);
            }
        }
        for (; k < n; k++)
        {
            T d = gradients[k];
            if (weightDecay != T.Zero) d += weightDecay * parameters[k];
            if (useMomentum)
            {
                T buf = firstStep ? d : momentumBuffer[k] * momentum + oneMinusDampening * d;
                momentumBuffer[k] = buf;
                d = nesterov ? d + momentum * buf : buf;
            }
            parameters[k] -= learningRate * d;
        }
    }
}
