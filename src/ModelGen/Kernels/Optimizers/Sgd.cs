using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// Stochastic gradient descent exactly as <c>torch.optim.SGD</c> (1.13): <c>g ← g + λθ</c>; with momentum μ,
/// <c>b ← g</c> on the first step and <c>b ← μb + (1 − τ)g</c> after; <c>g ← g + μb</c> (Nesterov) or <c>g ← b</c>;
/// <c>θ ← θ − lr·g</c>. One fused, vectorized pass over the parameters, their gradients and the momentum buffer.
/// </summary>
public static class Sgd
{
    /// <summary>
    /// One SGD step over <paramref name="parameters"/>. Large models split the pass over up to
    /// <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows); every element is
    /// updated the same way on any number of threads.
    /// With <paramref name="layout"/> (generated models pass theirs) each thread updates the rows it owns (see <see cref="ParameterLayout"/>).
    /// </summary>
    /// <param name="parameters">θ, updated in place.</param>
    /// <param name="gradients">g, the gradient of the loss (left unchanged).</param>
    /// <param name="momentumBuffer">b, the momentum buffer (same length; unused when <paramref name="momentum"/> is 0).</param>
    /// <param name="learningRate">lr.</param>
    /// <param name="momentum">μ.</param>
    /// <param name="dampening">τ.</param>
    /// <param name="nesterov">Nesterov momentum.</param>
    /// <param name="weightDecay">λ, coupled weight decay.</param>
    /// <param name="firstStep">True on the first step, when the momentum buffer starts as the gradient.</param>
    /// <param name="threads">The most threads the pass may use (1: the calling thread only).</param>
    /// <param name="layout">The parameters' tensors (see <see cref="ParameterLayout"/>), so that each thread updates the rows its layers' products computed; null: even shares.</param>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> momentumBuffer,
        T learningRate, T momentum, T dampening, bool nesterov, T weightDecay, bool firstStep, int threads = 1, ParameterLayout? layout = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length;
        Check.Length(gradients, n, nameof(gradients));
        bool useMomentum = momentum != T.Zero;
        if (useMomentum) Check.Length(momentumBuffer, n, nameof(momentumBuffer));
        T oneMinusDampening = T.One - dampening;

        fixed (T* p = parameters, g = gradients, b = momentumBuffer)
        {
            var pass = new Pass<T>
            {
                P = p, G = g, B = useMomentum ? b : null, N = n,
                LearningRate = learningRate, Momentum = momentum, OneMinusDampening = oneMinusDampening, WeightDecay = weightDecay,
                Nesterov = nesterov, FirstStep = firstStep,
            };
            // About 5 multiply-add equivalents per element at most (decay, momentum, Nesterov, update), no square root
            // or division: mostly memory traffic.
            Parallelism.Elementwise(ref pass, threads, costPerElement: 5, layout);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob, ILanePass<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, B;
        public int N;
        public T LearningRate, Momentum, OneMinusDampening, WeightDecay;
        public bool Nesterov, FirstStep;

        public readonly int Count => N;

        public readonly void Run(int start, int end) => WidestLanes.Run<Pass<T>, T>(this, start, end);

        /// <inheritdoc/>
        public readonly int Update<TV, L>(int k, int end) where TV : struct where L : struct, ILanes<TV, T>
        {
            bool useMomentum = B != null;
            TV lr = L.Splat(LearningRate), mu = L.Splat(Momentum), keep = L.Splat(OneMinusDampening), wd = L.Splat(WeightDecay);
            for (; k + L.Width <= end; k += L.Width)
            {
                nuint i = (nuint)k;
                TV theta = L.Load(ref *P, i);
                TV d = L.Load(ref *G, i);
                if (WeightDecay != T.Zero) d = L.Add(d, L.Mul(wd, theta));
                if (useMomentum)
                {
                    TV buf = FirstStep ? d : L.Add(L.Mul(L.Load(ref *B, i), mu), L.Mul(keep, d));
                    L.Store(buf, ref *B, i);
                    d = Nesterov ? L.Add(d, L.Mul(mu, buf)) : buf;
                }
                L.Store(L.Sub(theta, L.Mul(lr, d)), ref *P, i);
            }
            return k;
        }
    }
}
