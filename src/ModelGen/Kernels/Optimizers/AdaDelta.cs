using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// AdaDelta exactly as <c>torch.optim.Adadelta</c> (1.13): <c>g ← g + λθ</c>; <c>v ← ρ·v + (1−ρ)·g²</c>;
/// <c>Δ = √(u + ε)/√(v + ε)·g</c>; <c>u ← ρ·u + (1−ρ)·Δ²</c>; <c>θ ← θ − lr·Δ</c>.
/// </summary>
public static class AdaDelta
{
    /// <summary>One step over all parameters.</summary>
    public static void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> squareAvg, Span<T> accDelta,
        double learningRate, double rho, double epsilon, double weightDecay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length, k = 0;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(squareAvg, n, nameof(squareAvg));
        Check.Length(accDelta, n, nameof(accDelta));
        T lr = T.CreateTruncating(learningRate), r = T.CreateTruncating(rho), oneMinusR = T.CreateTruncating(1 - rho);
        T eps = T.CreateTruncating(epsilon), wd = T.CreateTruncating(weightDecay);
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vlr = new(lr), vr = new(r), v1r = new(oneMinusR), veps = new(eps), vwd = new(wd);
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                Vector<T> theta = new(parameters.Slice(k)), grad = new(gradients.Slice(k));
                if (weightDecay != 0) grad += vwd * theta;
                Vector<T> sq = new Vector<T>(squareAvg.Slice(k)) * vr + v1r * grad * grad;
                sq.CopyTo(squareAvg.Slice(k));
                Vector<T> acc = new(accDelta.Slice(k));
                Vector<T> delta = Vector.SquareRoot(acc + veps) / Vector.SquareRoot(sq + veps) * grad;
                (acc * vr + v1r * delta * delta).CopyTo(accDelta.Slice(k));
                (theta - vlr * delta).CopyTo(parameters.Slice(k));
            }
        }
        for (; k < n; k++)
        {
            T grad = gradients[k];
            if (weightDecay != 0) grad += wd * parameters[k];
            T sq = squareAvg[k] * r + oneMinusR * grad * grad;
            squareAvg[k] = sq;
            T delta = T.Sqrt(accDelta[k] + eps) / T.Sqrt(sq + eps) * grad;
            accDelta[k] = accDelta[k] * r + oneMinusR * delta * delta;
            parameters[k] -= lr * delta;
        }
    }
}
