using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// AdaDelta exactly as <c>torch.optim.Adadelta</c> (1.13): <c>g ← g + λθ</c>; <c>v ← ρ·v + (1−ρ)·g²</c>;
/// <c>Δ = √(u + ε)/√(v + ε)·g</c>; <c>u ← ρ·u + (1−ρ)·Δ²</c>; <c>θ ← θ − lr·Δ</c>.
/// </summary>
public static class AdaDelta
{
    /// <summary>
    /// One step over all parameters. Large models split the pass over up to <paramref name="threads"/> threads (0: as
    /// many as <see cref="Parallelism.MaxThreads"/> allows); every element is updated the same way on any number of threads.
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> squareAvg, Span<T> accDelta,
        double learningRate, double rho, double epsilon, double weightDecay, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(squareAvg, n, nameof(squareAvg));
        Check.Length(accDelta, n, nameof(accDelta));
        fixed (T* p = parameters, g = gradients, sq = squareAvg, acc = accDelta)
        {
            var pass = new Pass<T>
            {
                P = p, G = g, Sq = sq, Acc = acc, N = n,
                Lr = T.CreateTruncating(learningRate), R = T.CreateTruncating(rho), OneMinusR = T.CreateTruncating(1 - rho),
                Eps = T.CreateTruncating(epsilon), Wd = T.CreateTruncating(weightDecay),
                HasWeightDecay = weightDecay != 0,
            };
            // About 16 multiply-add equivalents per element (two square roots and a division among them).
            Parallelism.Elementwise(ref pass, threads, costPerElement: 16);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, Sq, Acc;
        public int N;
        public T Lr, R, OneMinusR, Eps, Wd;
        public bool HasWeightDecay;

        public readonly int Count => N;

        public readonly void Run(int start, int end)
        {
            int k = start;
            if (Vector.IsHardwareAccelerated)
            {
                Vector<T> vlr = new(Lr), vr = new(R), v1r = new(OneMinusR), veps = new(Eps), vwd = new(Wd);
                for (; k + Vector<T>.Count <= end; k += Vector<T>.Count)
                {
                    Vector<T> theta = Vector.Load(P + k), grad = Vector.Load(G + k);
                    if (HasWeightDecay) grad += vwd * theta;
                    Vector<T> sq = Vector.Load(Sq + k) * vr + v1r * grad * grad;
                    sq.Store(Sq + k);
                    Vector<T> acc = Vector.Load(Acc + k);
                    Vector<T> delta = Vector.SquareRoot(acc + veps) / Vector.SquareRoot(sq + veps) * grad;
                    (acc * vr + v1r * delta * delta).Store(Acc + k);
                    (theta - vlr * delta).Store(P + k);
                }
            }
            for (; k < end; k++)
            {
                T grad = G[k];
                if (HasWeightDecay) grad += Wd * P[k];
                T sq = Sq[k] * R + OneMinusR * grad * grad;
                Sq[k] = sq;
                T delta = T.Sqrt(Acc[k] + Eps) / T.Sqrt(sq + Eps) * grad;
                Acc[k] = Acc[k] * R + OneMinusR * delta * delta;
                P[k] -= Lr * delta;
            }
        }
    }
}
