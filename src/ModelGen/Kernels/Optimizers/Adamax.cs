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
    /// With <paramref name="layout"/> (generated models pass theirs) each thread updates the rows it owns (see <see cref="ParameterLayout"/>).
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> expAvg, Span<T> expInf,
        double learningRate, double beta1, double beta2, double epsilon, double weightDecay, long step, int threads = 1, ParameterLayout? layout = null)
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
            Parallelism.Elementwise(ref pass, threads, costPerElement: 12, layout);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob, ILanePass<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, M, U;
        public int N;
        public T Clr, B1, OneMinusB1, B2, Eps, Wd;
        public bool HasWeightDecay;

        public readonly int Count => N;

        public readonly void Run(int start, int end) => WidestLanes.Run<Pass<T>, T>(this, start, end);

        /// <inheritdoc/>
        public readonly int Update<TV, L>(int k, int end) where TV : struct where L : struct, ILanes<TV, T>
        {
            TV clr = L.Splat(Clr), b1 = L.Splat(B1), c1 = L.Splat(OneMinusB1), b2 = L.Splat(B2), eps = L.Splat(Eps), wd = L.Splat(Wd);
            for (; k + L.Width <= end; k += L.Width)
            {
                nuint i = (nuint)k;
                TV theta = L.Load(ref *P, i), grad = L.Load(ref *G, i);
                if (HasWeightDecay) grad = L.Add(grad, L.Mul(wd, theta));
                TV m = L.Add(L.Mul(L.Load(ref *M, i), b1), L.Mul(c1, grad));
                L.Store(m, ref *M, i);
                TV u = L.Max(L.Mul(L.Load(ref *U, i), b2), L.Add(L.Abs(grad), eps));
                L.Store(u, ref *U, i);
                L.Store(L.Sub(theta, L.Div(L.Mul(clr, m), u)), ref *P, i);
            }
            return k;
        }
    }
}
