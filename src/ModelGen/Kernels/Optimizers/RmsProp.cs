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
    /// With <paramref name="layout"/> (generated models pass theirs) each thread updates the rows it owns (see <see cref="ParameterLayout"/>).
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> squareAvg, Span<T> gradAvg,
        Span<T> momentumBuffer, double learningRate, double alpha, double epsilon, double weightDecay, double momentum, bool centered,
        int threads = 1, ParameterLayout? layout = null)
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
            Parallelism.Elementwise(ref pass, threads, costPerElement: 14, layout);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob, ILanePass<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, Sq, GradAvg, B;
        public int N;
        public T A, OneMinusA, Eps, Wd, Mu, Lr;
        public bool HasWeightDecay;

        public readonly int Count => N;

        public readonly void Run(int start, int end) => WidestLanes.Run<Pass<T>, T>(this, start, end);

        /// <inheritdoc/>
        public readonly int Update<TV, L>(int k, int end) where TV : struct where L : struct, ILanes<TV, T>
        {
            bool centered = GradAvg != null, useMomentum = B != null;
            TV a = L.Splat(A), c = L.Splat(OneMinusA), eps = L.Splat(Eps), wd = L.Splat(Wd), mu = L.Splat(Mu), lr = L.Splat(Lr);
            for (; k + L.Width <= end; k += L.Width)
            {
                nuint i = (nuint)k;
                TV theta = L.Load(ref *P, i), grad = L.Load(ref *G, i);
                if (HasWeightDecay) grad = L.Add(grad, L.Mul(wd, theta));
                TV sq = L.Add(L.Mul(L.Load(ref *Sq, i), a), L.Mul(L.Mul(c, grad), grad));
                L.Store(sq, ref *Sq, i);
                TV avg;
                if (centered)
                {
                    TV ga = L.Add(L.Mul(L.Load(ref *GradAvg, i), a), L.Mul(c, grad));
                    L.Store(ga, ref *GradAvg, i);
                    avg = L.Add(L.Sqrt(L.Sub(sq, L.Mul(ga, ga))), eps);
                }
                else avg = L.Add(L.Sqrt(sq), eps);
                if (useMomentum)
                {
                    TV buf = L.Add(L.Mul(L.Load(ref *B, i), mu), L.Div(grad, avg));
                    L.Store(buf, ref *B, i);
                    theta = L.Sub(theta, L.Mul(lr, buf));
                }
                else theta = L.Sub(theta, L.Div(L.Mul(lr, grad), avg));
                L.Store(theta, ref *P, i);
            }
            return k;
        }
    }
}
