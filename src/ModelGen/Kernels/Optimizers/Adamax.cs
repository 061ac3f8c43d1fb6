using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// Adamax exactly as <c>torch.optim.Adamax</c> (1.13): <c>g ← g + λθ</c>; <c>m ← β1·m + (1−β1)·g</c>;
/// <c>u ← max(β2·u, |g| + ε)</c>; <c>θ ← θ − (lr/(1−β1ᵗ))·m/u</c>.
/// </summary>
public static class Adamax
{
    /// <summary>
    /// One step (t = <paramref name="step"/>, from 1) over all parameters. Large models split the pass over up to
    /// <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows); every element is
    /// updated the same way on any number of threads.
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> expAvg, Span<T> expInf,
        double learningRate, double beta1, double beta2, double epsilon, double weightDecay, long step, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(expAvg, n, nameof(expAvg));
        Check.Length(expInf, n, nameof(expInf));
        T clr = T.CreateTruncating(learningRate / (1 - Math.Pow(beta1, step)));
        fixed (T* p = parameters, g = gradients, m = expAvg, u = expInf)
        {
            var pass = new Pass<T>
            {
                P = p, G = g, M = m, U = u, N = n,
                Clr = clr,
                B1 = T.CreateTruncating(beta1), OneMinusB1 = T.CreateTruncating(1 - beta1), B2 = T.CreateTruncating(beta2),
                Eps = T.CreateTruncating(epsilon), Wd = T.CreateTruncating(weightDecay),
                HasWeightDecay = weightDecay != 0,
            };
            // About 12 multiply-add equivalents per element (a division among them; no square root).
            Parallelism.Elementwise(ref pass, threads, costPerElement: 12);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, M, U;
        public int N;
        public T Clr, B1, OneMinusB1, B2, Eps, Wd;
        public bool HasWeightDecay;

        public readonly int Count => N;

        public readonly void Run(int start, int end)
        {
            int k = start;
            if (Vector.IsHardwareAccelerated)
            {
                Vector<T> vclr = new(Clr), vb1 = new(B1), v1b1 = new(OneMinusB1), vb2 = new(B2), veps = new(Eps), vwd = new(Wd);
                for (; k + Vector<T>.Count <= end; k += Vector<T>.Count)
                {
                    Vector<T> theta = Vector.Load(P + k), grad = Vector.Load(G + k);
                    if (HasWeightDecay) grad += vwd * theta;
                    Vector<T> m = Vector.Load(M + k) * vb1 + v1b1 * grad;
                    m.Store(M + k);
                    Vector<T> u = Vector.Max(Vector.Load(U + k) * vb2, Vector.Abs(grad) + veps);
                    u.Store(U + k);
                    (theta - vclr * m / u).Store(P + k);
                }
            }
            for (; k < end; k++)
            {
                T grad = G[k];
                if (HasWeightDecay) grad += Wd * P[k];
                T m = M[k] * B1 + OneMinusB1 * grad;
                M[k] = m;
                T u = T.Max(U[k] * B2, T.Abs(grad) + Eps);
                U[k] = u;
                P[k] -= Clr * m / u;
            }
        }
    }
}
