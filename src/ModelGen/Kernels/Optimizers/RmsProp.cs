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
    /// <summary>
    /// One step over all parameters; <paramref name="gradAvg"/> is used when centered, <paramref name="momentumBuffer"/>
    /// when μ &gt; 0. Large models split the pass over up to <paramref name="threads"/> threads (0: as many as
    /// <see cref="Parallelism.MaxThreads"/> allows); every element is updated the same way on any number of threads.
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> squareAvg, Span<T> gradAvg,
        Span<T> momentumBuffer, double learningRate, double alpha, double epsilon, double weightDecay, double momentum, bool centered,
        int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(squareAvg, n, nameof(squareAvg));
        if (centered) Check.Length(gradAvg, n, nameof(gradAvg));
        if (momentum > 0) Check.Length(momentumBuffer, n, nameof(momentumBuffer));
        fixed (T* p = parameters, g = gradients, sq = squareAvg, ga = gradAvg, b = momentumBuffer)
        {
            var pass = new Pass<T>
            {
                P = p, G = g, Sq = sq, GradAvg = centered ? ga : null, B = momentum > 0 ? b : null, N = n,
                A = T.CreateTruncating(alpha), OneMinusA = T.CreateTruncating(1 - alpha), Eps = T.CreateTruncating(epsilon),
                Wd = T.CreateTruncating(weightDecay), Mu = T.CreateTruncating(momentum), Lr = T.CreateTruncating(learningRate),
                HasWeightDecay = weightDecay != 0,
            };
            // About 14 multiply-add equivalents per element (a square root and a division among them).
            Parallelism.Elementwise(ref pass, threads, costPerElement: 14);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, Sq, GradAvg, B;
        public int N;
        public T A, OneMinusA, Eps, Wd, Mu, Lr;
        public bool HasWeightDecay;

        public readonly int Count => N;

        public readonly void Run(int start, int end)
        {
            bool centered = GradAvg != null, useMomentum = B != null;
            int k = start;
            if (Vector.IsHardwareAccelerated)
            {
                Vector<T> va = new(A), v1a = new(OneMinusA), veps = new(Eps), vwd = new(Wd), vmu = new(Mu), vlr = new(Lr);
                for (; k + Vector<T>.Count <= end; k += Vector<T>.Count)
                {
                    Vector<T> theta = Vector.Load(P + k), grad = Vector.Load(G + k);
                    if (HasWeightDecay) grad += vwd * theta;
                    Vector<T> sq = Vector.Load(Sq + k) * va + v1a * grad * grad;
                    sq.Store(Sq + k);
                    Vector<T> avg;
                    if (centered)
                    {
                        Vector<T> ga = Vector.Load(GradAvg + k) * va + v1a * grad;
                        ga.Store(GradAvg + k);
                        avg = Vector.SquareRoot(sq - ga * ga) + veps;
                    }
                    else avg = Vector.SquareRoot(sq) + veps;
                    if (useMomentum)
                    {
                        Vector<T> buf = Vector.Load(B + k) * vmu + grad / avg;
                        buf.Store(B + k);
                        theta -= vlr * buf;
                    }
                    else theta -= vlr * grad / avg;
                    theta.Store(P + k);
                }
            }
            for (; k < end; k++)
            {
                T theta = P[k], grad = G[k];
                if (HasWeightDecay) grad += Wd * theta;
                T sq = Sq[k] * A + OneMinusA * grad * grad;
                Sq[k] = sq;
                T avg;
                if (centered)
                {
                    T ga = GradAvg[k] * A + OneMinusA * grad;
                    GradAvg[k] = ga;
                    avg = T.Sqrt(sq - ga * ga) + Eps;
                }
                else avg = T.Sqrt(sq) + Eps;
                if (useMomentum)
                {
                    T buf = B[k] * Mu + grad / avg;
                    B[k] = buf;
                    theta -= Lr * buf;
                }
                else theta -= Lr * grad / avg;
                P[k] = theta;
            }
        }
    }
}
