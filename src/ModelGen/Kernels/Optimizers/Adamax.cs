using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// Adamax exactly as <c>torch.optim.Adamax</c> (1.13): <c>g ← g + λθ</c>; <c>m ← β1·m + (1−β1)·g</c>;
/// <c>u ← max(β2·u, |g| + ε)</c>; <c>θ ← θ − (lr/(1−β1ᵗ))·m/u</c>.
/// </summary>
public static class Adamax
{
    /// <summary>One step (t = <paramref name="step"/>, from 1) over all parameters.</summary>
    public static void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> expAvg, Span<T> expInf,
        double learningRate, double beta1, double beta2, double epsilon, double weightDecay, long step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length, k = 0;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(expAvg, n, nameof(expAvg));
        Check.Length(expInf, n, nameof(expInf));
        T clr = T.CreateTruncating(learningRate / (1 - Math.Pow(beta1, step)));
        T b1 = T.CreateTruncating(beta1), oneMinusB1 = T.CreateTruncating(1 - beta1), b2 = T.CreateTruncating(beta2);
        T eps = T.CreateTruncating(epsilon), wd = T.CreateTruncating(weightDecay);
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vclr = new(clr), vb1 = new(b1), v1b1 = new(oneMinusB1), vb2 = new(b2), veps = new(eps), vwd = new(wd);
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                Vector<T> theta = new(parameters.Slice(k)), grad = new(gradients.Slice(k));
                if (weightDecay != 0) grad += vwd * theta;
                Vector<T> m = new Vector<T>(expAvg.Slice(k)) * vb1 + v1b1 * grad;
                m.CopyTo(expAvg.Slice(k));
                Vector<T> u = Vector.Max(new Vector<T>(expInf.Slice(k)) * vb2, Vector.Abs(grad) + veps);
                u.CopyTo(expInf.Slice(k));
                (theta - vclr * m / u).CopyTo(parameters.Slice(k));
            }
        }
        for (; k < n; k++)
        {
            T grad = gradients[k];
            if (weightDecay != 0) grad += wd * parameters[k];
            T m = expAvg[k] * b1 + oneMinusB1 * grad;
            expAvg[k] = m;
            T u = T.Max(expInf[k] * b2, T.Abs(grad) + eps);
            expInf[k] = u;
            parameters[k] -= clr * m / u;
        }
    }
}
