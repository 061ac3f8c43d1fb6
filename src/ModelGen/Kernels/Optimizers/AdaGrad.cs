using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>AdaGrad exactly as <c>torch.optim.Adagrad</c> (1.13, no learning-rate decay): <c>g ← g + λθ</c>; <c>s ← s + g²</c>; <c>θ ← θ − lr·g/(√s + ε)</c>.</summary>
public static class AdaGrad
{
    /// <summary>
    /// One step over all parameters; <paramref name="sum"/> starts at the initial accumulator value. Large models split
    /// the pass over up to <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/>
    /// allows); every element is updated the same way on any number of threads.
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> sum, double learningRate, double epsilon,
        double weightDecay, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(sum, n, nameof(sum));
        fixed (T* p = parameters, g = gradients, s = sum)
        {
            var pass = new Pass<T>
            {
                P = p, G = g, S = s, N = n,
                Lr = T.CreateTruncating(learningRate), Eps = T.CreateTruncating(epsilon), Wd = T.CreateTruncating(weightDecay),
                HasWeightDecay = weightDecay != 0,
            };
            // About 12 multiply-add equivalents per element (a square root and a division among them).
            Parallelism.Elementwise(ref pass, threads, costPerElement: 12);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, S;
        public int N;
        public T Lr, Eps, Wd;
        public bool HasWeightDecay;

        public readonly int Count => N;

        public readonly void Run(int start, int end)
        {
            int k = start;
            if (Vector.IsHardwareAccelerated)
            {
                Vector<T> vlr = new(Lr), veps = new(Eps), vwd = new(Wd);
                for (; k + Vector<T>.Count <= end; k += Vector<T>.Count)
                {
                    Vector<T> theta = Vector.Load(P + k), grad = Vector.Load(G + k);
                    if (HasWeightDecay) grad += vwd * theta;
                    Vector<T> s = Vector.Load(S + k) + grad * grad;
                    s.Store(S + k);
                    (theta - vlr * grad / (Vector.SquareRoot(s) + veps)).Store(P + k);
                }
            }
            for (; k < end; k++)
            {
                T grad = G[k];
                if (HasWeightDecay) grad += Wd * P[k];
                T s = S[k] + grad * grad;
                S[k] = s;
                P[k] -= Lr * grad / (T.Sqrt(s) + Eps);
            }
        }
    }
}
