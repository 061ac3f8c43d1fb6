using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>AdaGrad exactly as <c>torch.optim.Adagrad</c> (1.13, no learning-rate decay): <c>g ← g + λθ</c>; <c>s ← s + g²</c>; <c>θ ← θ − lr·g/(√s + ε)</c>.</summary>
public static class AdaGrad
{
    /// <summary>One step over all parameters; <paramref name="sum"/> starts at the initial accumulator value.</summary>
    public static void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> sum, double learningRate, double epsilon, double weightDecay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length, k = 0;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(sum, n, nameof(sum));
        T lr = T.CreateTruncating(learningRate), eps = T.CreateTruncating(epsilon), wd = T.CreateTruncating(weightDecay);
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vlr = new(lr), veps = new(eps), vwd = new(wd);
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                Vector<T> theta = new(parameters.Slice(k)), grad = new(gradients.Slice(k));
                if (weightDecay != 0) grad += vwd * theta;
                Vector<T> s = new Vector<T>(sum.Slice(k)) + grad * grad;
                s.CopyTo(sum.Slice(k));
                (theta - vlr * grad / (Vector.SquareRoot(s) + veps)).CopyTo(parameters.Slice(k));
            }
        }
        for (; k < n; k++)
        {
            T grad = gradients[k];
            if (weightDecay != 0) grad += wd * parameters[k];
            T s = sum[k] + grad * grad;
            sum[k] = s;
            parameters[k] -= lr * grad / (T.Sqrt(s) + eps);
        }
    }
}
