using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// NAdam exactly as <c>torch.optim.NAdam</c> 1.13 computes it: <c>g ← g + λθ</c>; <c>μₜ = β1·(1 − ½·0.96^(t·ψ))</c>;
/// the running product <c>P ← P·μₜ</c> (kept in the model's precision, as PyTorch keeps it in a tensor);
/// <c>m ← β1·m + (1−β1)·g</c>; <c>v ← β2·v + (1−β2)·g²</c>; <c>d = √(v/(1−β2ᵗ)) + ε</c>;
/// <c>θ ← θ − lr·(1−μₜ)/(1−P)·g/d − lr·μₜ₊₁/(1−P·μₜ·μₜ₊₁)·m/d</c>. The last denominator is 1.13's
/// <c>mu_product_next = mu_product * mu * mu_next</c> (μₜ counted twice; later PyTorch versions changed it), kept so the
/// numbers match the PyTorch ModelGen is checked against.
/// </summary>
public static class NAdam
{
    /// <summary>μₜ of step t.</summary>
    public static double Mu(double beta1, double momentumDecay, long step) =>
        beta1 * (1.0 - 0.5 * Math.Pow(0.96, step * momentumDecay));

    /// <summary>The running product after <paramref name="steps"/> steps, replayed in the same order as the steps compute it.</summary>
    public static T MuProduct<T>(double beta1, double momentumDecay, long steps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T product = T.One;
        for (long t = 1; t <= steps; t++) product *= T.CreateTruncating(Mu(beta1, momentumDecay, t));
        return product;
    }

    /// <summary>
    /// One step (t = <paramref name="step"/>, from 1); <paramref name="muProduct"/> is updated (on the calling thread,
    /// once per step). Large models split the elementwise pass over up to <paramref name="threads"/> threads (0: as many
    /// as <see cref="Parallelism.MaxThreads"/> allows); every element is updated the same way on any number of threads.
    /// With <paramref name="layout"/> (generated models pass theirs) each thread updates the rows it owns (see <see cref="ParameterLayout"/>).
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> expAvg, Span<T> expAvgSq, ref T muProduct,
        double learningRate, double beta1, double beta2, double epsilon, double weightDecay, double momentumDecay, long step,
        int threads = 1, ParameterLayout? layout = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(expAvg, n, nameof(expAvg));
        Check.Length(expAvgSq, n, nameof(expAvgSq));
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        double mu = Mu(beta1, momentumDecay, step), muNext = Mu(beta1, momentumDecay, step + 1);
        muProduct *= T.CreateTruncating(mu);
        T muProductNext = muProduct * T.CreateTruncating(mu) * T.CreateTruncating(muNext);
        T gradScale = T.CreateTruncating(-learningRate * (1.0 - mu) / (1.0 - double.CreateTruncating(muProduct)));
        T avgScale = T.CreateTruncating(-learningRate * muNext / (1.0 - double.CreateTruncating(muProductNext)));
        fixed (T* p = parameters, g = gradients, m = expAvg, v = expAvgSq)
        {
            var pass = new Pass<T>
            {
                P = p, G = g, M = m, V = v, N = n,
                GradScale = gradScale, AvgScale = avgScale,
                B1 = T.CreateTruncating(beta1), OneMinusB1 = T.CreateTruncating(1 - beta1),
                B2 = T.CreateTruncating(beta2), OneMinusB2 = T.CreateTruncating(1 - beta2),
                Bc2 = T.CreateTruncating(biasCorrection2), Eps = T.CreateTruncating(epsilon), Wd = T.CreateTruncating(weightDecay),
                HasWeightDecay = weightDecay != 0,
            };
            // About 18 multiply-add equivalents per element (a square root and three divisions among them).
            Parallelism.Elementwise(ref pass, threads, costPerElement: 18, layout);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob, ILanePass<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, M, V;
        public int N;
        public T GradScale, AvgScale, B1, OneMinusB1, B2, OneMinusB2, Bc2, Eps, Wd;
        public bool HasWeightDecay;

        public readonly int Count => N;

        public readonly void Run(int start, int end) => WidestLanes.Run<Pass<T>, T>(this, start, end);

        /// <inheritdoc/>
        public readonly int Update<TV, L>(int k, int end) where TV : struct where L : struct, ILanes<TV, T>
        {
            TV b1 = L.Splat(B1), c1 = L.Splat(OneMinusB1), b2 = L.Splat(B2), c2 = L.Splat(OneMinusB2), bc2 = L.Splat(Bc2);
            TV eps = L.Splat(Eps), wd = L.Splat(Wd), gradScale = L.Splat(GradScale), avgScale = L.Splat(AvgScale);
            for (; k + L.Width <= end; k += L.Width)
            {
                nuint i = (nuint)k;
                TV theta = L.Load(ref *P, i), grad = L.Load(ref *G, i);
                if (HasWeightDecay) grad = L.Add(grad, L.Mul(wd, theta));
                TV m = L.Add(L.Mul(L.Load(ref *M, i), b1), L.Mul(c1, grad));
                TV v = L.Add(L.Mul(L.Load(ref *V, i), b2), L.Mul(L.Mul(c2, grad), grad));
                L.Store(m, ref *M, i);
                L.Store(v, ref *V, i);
                TV denom = L.Add(L.Sqrt(L.Div(v, bc2)), eps);
                theta = L.Add(theta, L.Div(L.Mul(gradScale, grad), denom));
                theta = L.Add(theta, L.Div(L.Mul(avgScale, m), denom));
                L.Store(theta, ref *P, i);
            }
            return k;
        }
    }
}
