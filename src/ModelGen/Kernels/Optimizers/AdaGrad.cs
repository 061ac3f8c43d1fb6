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
    /// With <paramref name="layout"/> (generated models pass theirs) each thread updates the rows it owns (see <see cref="ParameterLayout"/>).
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> sum, double learningRate, double epsilon,
        double weightDecay, int threads = 1, ParameterLayout? layout = null)
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
            Parallelism.Elementwise(ref pass, threads, costPerElement: 12, layout);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob, ILanePass<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, S;
        public int N;
        public T Lr, Eps, Wd;
        public bool HasWeightDecay;

        public readonly int Count => N;

        public readonly void Run(int start, int end) => WidestLanes.Run<Pass<T>, T>(this, start, end);

        /// <inheritdoc/>
        public readonly int Update<TV, L>(int k, int end) where TV : struct where L : struct, ILanes<TV, T>
        {
            TV lr = L.Splat(Lr), eps = L.Splat(Eps), wd = L.Splat(Wd);
            for (; k + L.Width <= end; k += L.Width)
            {
                nuint i = (nuint)k;
                TV theta = L.Load(ref *P, i), grad = L.Load(ref *G, i);
                if (HasWeightDecay) grad = L.Add(grad, L.Mul(wd, theta));
                TV s = L.Add(L.Load(ref *S, i), L.Mul(grad, grad));
                L.Store(s, ref *S, i);
                L.Store(L.Sub(theta, L.Div(L.Mul(lr, grad), L.Add(L.Sqrt(s), eps))), ref *P, i);
            }
            return k;
        }
    }
}
