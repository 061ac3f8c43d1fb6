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
    /// With <paramref name="layout"/> (generated models pass theirs) each thread updates the rows it owns (see <see cref="ParameterLayout"/>).
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> squareAvg, Span<T> accDelta,
        double learningRate, double rho, double epsilon, double weightDecay, int threads = 1, ParameterLayout? layout = null)
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
            Parallelism.Elementwise(ref pass, threads, costPerElement: 16, layout);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob, ILanePass<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, Sq, Acc;
        public int N;
        public T Lr, R, OneMinusR, Eps, Wd;
        public bool HasWeightDecay;

        public readonly int Count => N;

        public readonly void Run(int start, int end) => WidestLanes.Run<Pass<T>, T>(this, start, end);

        /// <inheritdoc/>
        public readonly int Update<TV, L>(int k, int end) where TV : struct where L : struct, ILanes<TV, T>
        {
            TV lr = L.Splat(Lr), r = L.Splat(R), c = L.Splat(OneMinusR), eps = L.Splat(Eps), wd = L.Splat(Wd);
            for (; k + L.Width <= end; k += L.Width)
            {
                nuint i = (nuint)k;
                TV theta = L.Load(ref *P, i), grad = L.Load(ref *G, i);
                if (HasWeightDecay) grad = L.Add(grad, L.Mul(wd, theta));
                TV sq = L.Add(L.Mul(L.Load(ref *Sq, i), r), L.Mul(L.Mul(c, grad), grad));
                L.Store(sq, ref *Sq, i);
                TV acc = L.Load(ref *Acc, i);
                TV delta = L.Mul(L.Div(L.Sqrt(L.Add(acc, eps)), L.Sqrt(L.Add(sq, eps))), grad);
                L.Store(L.Add(L.Mul(acc, r), L.Mul(L.Mul(c, delta), delta)), ref *Acc, i);
                L.Store(L.Sub(theta, L.Mul(lr, delta)), ref *P, i);
            }
            return k;
        }
    }
}
