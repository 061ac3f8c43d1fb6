using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// RMSProp exactly as <c>torch.optim.RMSprop</c> (1.13): <c>g ← g + λθ</c>; <c>v ← α·v + (1−α)·g²</c>; centered:
/// <c>ḡ ← α·ḡ + (1−α)·g</c> and the denominator uses <c>v − ḡ²</c>; <c>d = √(…) + ε</c>; with momentum μ
/// <c>b ← μ·b + g/d</c>, <c>θ ← θ − lr·b</c>, else <c>θ ← θ − lr·g/d</c>.
/// </summary>
public static class RmsProp
{
    /// <summary>One step over all parameters; <paramref name="gradAvg"/> is used when centered, <paramref name="momentumBuffer"/> when μ &gt; 0.</summary>
    public static void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> squareAvg, Span<T> gradAvg,
        Span<T> momentumBuffer, double learningRate, double alpha, double epsilon, double weightDecay, double momentum, bool centered)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(squareAvg, n, nameof(squareAvg));
        if (centered) Check.Length(gradAvg, n, nameof(gradAvg));
        if (momentum > 0) Check.Length(momentumBuffer, n, nameof(momentumBuffer));
        T a = T.CreateTruncating(alpha), oneMinusA = T.CreateTruncating(1 - alpha), eps = T.CreateTruncating(epsilon);
        T wd = T.CreateTruncating(weightDecay), mu = T.CreateTruncating(momentum), lr = T.CreateTruncating(learningRate);
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> va = new(a), v1a = new(oneMinusA), veps = new(eps), vwd = new(wd), vmu = new(mu), vlr = new(lr);
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                Vector<T> theta = new(parameters.Slice(k)), grad = new(gradients.Slice(k));
                if (weightDecay != 0) grad += vwd * theta;
                Vector<T> sq = new Vector<T>(squareAvg.Slice(k)) * va + v1a * grad * grad;
                sq.CopyTo(squareAvg.Slice(k));
                Vector<T> avg;
                if (centered)
                {
                    Vector<T> ga = new Vector<T>(gradAvg.Slice(k)) * va + v1a * grad;
                    ga.CopyTo(gradAvg.Slice(k));
                    avg = Vector.SquareRoot(sq - ga * ga) + veps;
                }
                else avg = Vector.SquareRoot(sq) + veps;
                if (momentum > 0)
                {
                    Vector<T> buf = new Vector<T>(momentumBuffer.Slice(k)) * vmu + grad / avg;
                    buf.CopyTo(momentumBuffer.Slice(k));
                    theta -= vlr * buf;
                }
                else theta -= vlr * grad / avg;
                theta.CopyTo(parameters.Slice(k));
            }
        }
        for (; k < n; k++)
        {
            T theta = parameters[k], grad = gradients[k];
            if (weightDecay != 0) grad += wd * theta;
            T sq = squareAvg[k] * a + oneMinusA * grad * grad;
            squareAvg[k] = sq;
            T avg;
            if (centered)
            {
                T ga = gradAvg[k] * a + oneMinusA * grad;
                gradAvg[k] = ga;
                avg = T.Sqrt(sq - ga * ga) + eps;
            }
            else avg = T.Sqrt(sq) + eps;
            if (momentum > 0)
            {
                T buf = momentumBuffer[k] * mu + grad / avg;
                momentumBuffer[k] = buf;
                theta -= lr * buf;
            }
            else theta -= lr * grad / avg;
            parameters[k] = theta;
        }
    }
}
