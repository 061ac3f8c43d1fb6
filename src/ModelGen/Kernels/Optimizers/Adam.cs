using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// Adam and AdamW as <c>torch.optim.Adam</c>/<c>AdamW</c> (1.13, single-tensor path): with coupled weight decay
/// <c>g ← g + λθ</c> (Adam) or decoupled <c>θ ← θ·(1 − lr·λ)</c> first (AdamW); <c>m ← β1·m + (1−β1)·g</c>;
/// <c>v ← β2·v + (1−β2)·g²</c>; with AMSGrad <c>v̂ ← max(v̂, v)</c> replaces v below;
/// <c>θ ← θ − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε)</c>, computed in the order of the Adam paper's remark on efficiency
/// (Kingma and Ba, section 2): <c>θ ← θ − αₜ·m / (√v + ε̂ₜ)</c> with <c>αₜ = lr·√(1−β2ᵗ)/(1−β1ᵗ)</c> and
/// <c>ε̂ₜ = ε·√(1−β2ᵗ)</c>, the same quantity with one division per element instead of two (PyTorch divides √v by
/// <c>√(1−β2ᵗ)</c> and then m by the sum): the pass is bound by its divisions and square root, and this makes it ~1.4×
/// faster. Results agree with PyTorch's to a rounding of the step (the fixtures' tolerance). The bias corrections,
/// αₜ and ε̂ₜ are computed once per step in double precision; the rest is one fused, vectorized pass.
/// </summary>
public static class Adam
{
    /// <summary>
    /// One step (t = <paramref name="step"/>, counting from 1) over all parameters. Large models split the pass over up to
    /// <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows); every element is
    /// updated the same way on any number of threads.
    /// With <paramref name="layout"/> (generated models pass theirs) each thread updates the rows it owns (see <see cref="ParameterLayout"/>).
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> expAvg, Span<T> expAvgSq,
        Span<T> maxExpAvgSq, double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
        bool amsgrad, bool decoupledWeightDecay, long step, int threads = 1, ParameterLayout? layout = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(expAvg, n, nameof(expAvg));
        Check.Length(expAvgSq, n, nameof(expAvgSq));
        if (amsgrad) Check.Length(maxExpAvgSq, n, nameof(maxExpAvgSq));

        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        fixed (T* p = parameters, g = gradients, m = expAvg, v = expAvgSq, vmax = maxExpAvgSq)
        {
            var pass = new Pass<T>
            {
                P = p, G = g, M = m, V = v, VMax = amsgrad ? vmax : null, N = n,
                StepSize = T.CreateTruncating(learningRate * Math.Sqrt(biasCorrection2) / biasCorrection1),
                B1 = T.CreateTruncating(beta1), B2 = T.CreateTruncating(beta2),
                OneMinusB1 = T.CreateTruncating(1 - beta1), OneMinusB2 = T.CreateTruncating(1 - beta2),
                Eps = T.CreateTruncating(epsilon * Math.Sqrt(biasCorrection2)),
                Coupled = decoupledWeightDecay ? T.Zero : T.CreateTruncating(weightDecay),
                Decay = T.CreateTruncating(1 - learningRate * weightDecay),
                Decoupled = decoupledWeightDecay && weightDecay != 0,
                HasCoupled = !decoupledWeightDecay && weightDecay != 0,
            };
            // About 16 multiply-add equivalents per element (a square root and a division among them).
            Parallelism.Elementwise(ref pass, threads, costPerElement: 16, layout);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob, ILanePass<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, M, V, VMax;
        public int N;
        public T StepSize, B1, B2, OneMinusB1, OneMinusB2, Eps, Coupled, Decay;
        public bool Decoupled, HasCoupled;

        public readonly int Count => N;

        public readonly void Run(int start, int end) => WidestLanes.Run<Pass<T>, T>(this, start, end);

        /// <inheritdoc/>
        public readonly int Update<TV, L>(int k, int end) where TV : struct where L : struct, ILanes<TV, T>
        {
            bool amsgrad = VMax != null;
            TV b1 = L.Splat(B1), b2 = L.Splat(B2), c1 = L.Splat(OneMinusB1), c2 = L.Splat(OneMinusB2), eps = L.Splat(Eps);
            TV stepSize = L.Splat(StepSize), coupled = L.Splat(Coupled), decay = L.Splat(Decay);
            for (; k + L.Width <= end; k += L.Width)
            {
                nuint i = (nuint)k;
                TV theta = L.Load(ref *P, i);
                TV grad = L.Load(ref *G, i);
                if (Decoupled) theta = L.Mul(theta, decay);
                else if (HasCoupled) grad = L.Add(grad, L.Mul(coupled, theta));
                TV mk = L.Add(L.Mul(L.Load(ref *M, i), b1), L.Mul(c1, grad));
                TV vk = L.Add(L.Mul(L.Load(ref *V, i), b2), L.Mul(L.Mul(c2, grad), grad));
                L.Store(mk, ref *M, i);
                L.Store(vk, ref *V, i);
                if (amsgrad)
                {
                    vk = L.Max(L.Load(ref *VMax, i), vk);
                    L.Store(vk, ref *VMax, i);
                }
                TV denom = L.Add(L.Sqrt(vk), eps); // √v + ε̂ₜ
                L.Store(L.Sub(theta, L.Div(L.Mul(stepSize, mk), denom)), ref *P, i);
            }
            return k;
        }
    }
}
