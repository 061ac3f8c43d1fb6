using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// NAdam exactly as <c>torch.optim.NAdam</c> 1.13 computes it: <c>g ← g + λθ</c>; <c>μₜ = β1·(1 − ½·0.96^(t·ψ))</c>;
/// the running product <c>P ← P·μₜ</c> (kept in the model's precision, as PyTorch keeps it in a tensor);
/// <c>m ← β1·m + (1−β1)·g</c>; <c>v ← β2·v + (1−β2)·g²</c>; <c>d = √(v/(1−β2ᵗ)) + ε</c>;
/// <c>θ ← θ − lr·(1−μₜ)/(1−P)·g/d − lr·μₜ₊₁/(1−P·μₜ·μₜ₊₁)·m/d</c>. The last denominator is 1.13's
/// <c>mu_product_next = mu_product * mu * mu_next</c> (μₜ counted twice; later PyTorch versions changed it), kept so the
/// numbers match the PyTorch ModelGen is checked against.
/// </summary>
public static class NAdam
{
    /// <summary>μₜ of step t.</summary>
    public static double Mu(double beta1, double momentumDecay, long step) =>
        beta1 * (1.0 - 0.5 * Math.Pow(0.96, step * momentumDecay));

    /// <summary>The running product after <paramref name="steps"/> steps, replayed in the same order as the steps compute it.</summary>
    public static T MuProduct<T>(double beta1, double momentumDecay, long steps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T product = T.One;
        for (long t = 1; t <= steps; t++) product *= T.CreateTruncating(Mu(beta1, momentumDecay, t));
        return product;
    }

    /// <summary>One step (t = <paramref name="step"/>, from 1); <paramref name="muProduct"/> is updated.</summary>
    public static void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> expAvg, Span<T> expAvgSq, ref T muProduct,
        double learningRate, double beta1, double beta2, double epsilon, double weightDecay, double momentumDecay, long step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length, k = 0;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(expAvg, n, nameof(expAvg));
        Check.Length(expAvgSq, n, nameof(expAvgSq));
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        double mu = Mu(beta1, momentumDecay, step), muNext = Mu(beta1, momentumDecay, step + 1);
        muProduct *= T.CreateTruncating(mu);
        T muProductNext = muProduct * T.CreateTruncating(mu) * T.CreateTruncating(muNext);
        T gradScale = T.CreateTruncating(-learningRate * (1.0 - mu) / (1.0 - double.CreateTruncating(muProduct)));
        T avgScale = T.CreateTruncating(-learningRate * muNext / (1.0 - double.CreateTruncating(muProductNext)));
        T b1 = T.CreateTruncating(beta1), oneMinusB1 = T.CreateTruncating(1 - beta1);
        T b2 = T.CreateTruncating(beta2), oneMinusB2 = T.CreateTruncating(1 - beta2);
        T bc2 = T.CreateTruncating(biasCorrection2), eps = T.CreateTruncating(epsilon), wd = T.CreateTruncating(weightDecay);
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vb1 = new(b1), v1b1 = new(oneMinusB1), vb2 = new(b2), v1b2 = new(oneMinusB2), vbc2 = new(bc2);
            Vector<T> veps = new(eps), vwd = new(wd), vgs = new(gradScale), vas = new(avgScale);
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                Vector<T> theta = new(parameters.Slice(k)), grad = new(gradients.Slice(k));
                if (weightDecay != 0) grad += vwd * theta;
                Vector<T> m = new Vector<T>(expAvg.Slice(k)) * vb1 + v1b1 * grad;
                Vector<T> v = new Vector<T>(expAvgSq.Slice(k)) * vb2 + v1b2 * grad * grad;
                m.CopyTo(expAvg.Slice(k));
                v.CopyTo(expAvgSq.Slice(k));
                Vector<T> denom = Vector.SquareRoot(v / vbc2) + veps;
                theta += vgs * grad / denom;
                theta += vas * m / denom;
                theta.CopyTo(parameters.Slice(k));
            }
        }
        for (; k < n; k++)
        {
            T theta = parameters[k], grad = gradients[k];
            if (weightDecay != 0) grad += wd * theta;
            T m = expAvg[k] * b1 + oneMinusB1 * grad;
            T v = expAvgSq[k] * b2 + oneMinusB2 * grad * grad;
            expAvg[k] = m;
            expAvgSq[k] = v;
            T denom = T.Sqrt(v / bc2) + eps;
            theta += gradScale * grad / denom;
            theta += avgScale * m / denom;
            parameters[k] = theta;
        }
    }
}
