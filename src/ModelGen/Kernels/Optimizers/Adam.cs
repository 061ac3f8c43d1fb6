using System;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// Adam and AdamW exactly as <c>torch.optim.Adam</c>/<c>AdamW</c> (1.13, single-tensor path): with coupled weight decay
/// <c>g ← g + λθ</c> (Adam) or decoupled <c>θ ← θ·(1 − lr·λ)</c> first (AdamW); <c>m ← β1·m + (1−β1)·g</c>;
/// <c>v ← β2·v + (1−β2)·g²</c>; with AMSGrad <c>v̂ ← max(v̂, v)</c> replaces v below;
/// <c>θ ← θ − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε)</c>. The bias corrections are computed once per step, in double
/// precision as PyTorch does in Python; the rest is one fused, vectorized pass.
/// </summary>
public static class Adam
{
    /// <summary>
    /// One step (t = <paramref name="step"/>, counting from 1) over all parameters. Large models split the pass over up to
    /// <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows); every element is
    /// updated the same way on any number of threads.
    /// </summary>
    public static unsafe void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> expAvg, Span<T> expAvgSq,
        Span<T> maxExpAvgSq, double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
        bool amsgrad, bool decoupledWeightDecay, long step, int threads = 1)
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
                StepSize = T.CreateTruncating(learningRate / biasCorrection1),
                Bc2Sqrt = T.CreateTruncating(Math.Sqrt(biasCorrection2)),
                B1 = T.CreateTruncating(beta1), B2 = T.CreateTruncating(beta2),
                OneMinusB1 = T.CreateTruncating(1 - beta1), OneMinusB2 = T.CreateTruncating(1 - beta2),
                Eps = T.CreateTruncating(epsilon),
                Coupled = decoupledWeightDecay ? T.Zero : T.CreateTruncating(weightDecay),
                Decay = T.CreateTruncating(1 - learningRate * weightDecay),
                Decoupled = decoupledWeightDecay && weightDecay != 0,
                HasCoupled = !decoupledWeightDecay && weightDecay != 0,
            };
            // About 16 multiply-add equivalents per element (a square root and a division among them).
            Parallelism.Elementwise(ref pass, threads, costPerElement: 16);
        }
    }

    /// <summary>The fused update of elements <c>[start, end)</c>, its operands pinned by <see cref="Step{T}"/>.</summary>
    private unsafe struct Pass<T> : IElementwiseJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* P, G, M, V, VMax;
        public int N;
        public T StepSize, Bc2Sqrt, B1, B2, OneMinusB1, OneMinusB2, Eps, Coupled, Decay;
        public bool Decoupled, HasCoupled;

        public readonly int Count => N;

        public readonly void Run(int start, int end)
        {
            bool amsgrad = VMax != null;
            int k = start;
            if (Vector512.IsHardwareAccelerated)
            {
                // The widest vectors (Vector<T> stays 256-bit on AVX-512 processors): the square root and the two
                // divisions bound this pass, and each runs on twice the lanes per instruction. The same operations in
                // the same order in every lane at any width, so the same bits.
                Vector512<T> vb1 = Vector512.Create(B1), vb2 = Vector512.Create(B2), v1b1 = Vector512.Create(OneMinusB1);
                Vector512<T> v1b2 = Vector512.Create(OneMinusB2), veps = Vector512.Create(Eps), vstep = Vector512.Create(StepSize);
                Vector512<T> vbc2 = Vector512.Create(Bc2Sqrt), vwd = Vector512.Create(Coupled), vdecay = Vector512.Create(Decay);
                for (; k + Vector512<T>.Count <= end; k += Vector512<T>.Count)
                {
                    Vector512<T> theta = Vector512.Load(P + k);
                    Vector512<T> grad = Vector512.Load(G + k);
                    if (Decoupled) theta *= vdecay;
                    else if (HasCoupled) grad += vwd * theta;
                    Vector512<T> mk = Vector512.Load(M + k) * vb1 + v1b1 * grad;
                    Vector512<T> vk = Vector512.Load(V + k) * vb2 + v1b2 * grad * grad;
                    mk.Store(M + k);
                    vk.Store(V + k);
                    if (amsgrad)
                    {
                        vk = Vector512.Max(Vector512.Load(VMax + k), vk);
                        vk.Store(VMax + k);
                    }
                    Vector512<T> denom = Vector512.Sqrt(vk) / vbc2 + veps;
                    (theta - vstep * mk / denom).Store(P + k);
                }
            }
            if (Vector.IsHardwareAccelerated)
            {
                Vector<T> vb1 = new(B1), vb2 = new(B2), v1b1 = new(OneMinusB1), v1b2 = new(OneMinusB2), veps = new(Eps);
                Vector<T> vstep = new(StepSize), vbc2 = new(Bc2Sqrt), vwd = new(Coupled), vdecay = new(Decay);
                for (; k + Vector<T>.Count <= end; k += Vector<T>.Count)
                {
                    Vector<T> theta = Vector.Load(P + k);
                    Vector<T> grad = Vector.Load(G + k);
                    if (Decoupled) theta *= vdecay;
                    else if (HasCoupled) grad += vwd * theta;
                    Vector<T> mk = Vector.Load(M + k) * vb1 + v1b1 * grad;
                    Vector<T> vk = Vector.Load(V + k) * vb2 + v1b2 * grad * grad;
                    mk.Store(M + k);
                    vk.Store(V + k);
                    if (amsgrad)
                    {
                        vk = Vector.Max(Vector.Load(VMax + k), vk);
                        vk.Store(VMax + k);
                    }
                    Vector<T> denom = Vector.SquareRoot(vk) / vbc2 + veps;
                    (theta - vstep * mk / denom).Store(P + k);
                }
            }
            for (; k < end; k++)
            {
                T theta = P[k], grad = G[k];
                if (Decoupled) theta *= Decay;
                else if (HasCoupled) grad += Coupled * theta;
                T mk = M[k] * B1 + OneMinusB1 * grad;
                T vk = V[k] * B2 + OneMinusB2 * grad * grad;
                M[k] = mk;
                V[k] = vk;
                if (amsgrad)
                {
                    vk = T.Max(VMax[k], vk);
                    VMax[k] = vk;
                }
                T denom = T.Sqrt(vk) / Bc2Sqrt + Eps;
                P[k] = theta - StepSize * mk / denom;
            }
        }
    }
}
