using System;
using System.Numerics;
using System.Runtime.InteropServices;

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
    /// <summary>One step (t = <paramref name="step"/>, counting from 1) over all parameters.</summary>
    public static void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradients, Span<T> expAvg, Span<T> expAvgSq,
        Span<T> maxExpAvgSq, double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
        bool amsgrad, bool decoupledWeightDecay, long step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = parameters.Length, k = 0;
        Check.Length(gradients, n, nameof(gradients));
        Check.Length(expAvg, n, nameof(expAvg));
        Check.Length(expAvgSq, n, nameof(expAvgSq));
        if (amsgrad) Check.Length(maxExpAvgSq, n, nameof(maxExpAvgSq));

        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        T stepSize = T.CreateTruncating(learningRate / biasCorrection1);
        T bc2Sqrt = T.CreateTruncating(Math.Sqrt(biasCorrection2));
        T b1 = T.CreateTruncating(beta1), b2 = T.CreateTruncating(beta2);
        T oneMinusB1 = T.CreateTruncating(1 - beta1), oneMinusB2 = T.CreateTruncating(1 - beta2);
        T eps = T.CreateTruncating(epsilon);
        T coupled = decoupledWeightDecay ? T.Zero : T.CreateTruncating(weightDecay);
        T decay = T.CreateTruncating(1 - learningRate * weightDecay);
        bool decoupled = decoupledWeightDecay && weightDecay != 0;

        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T g = ref MemoryMarshal.GetReference(gradients);
        ref T m = ref MemoryMarshal.GetReference(expAvg);
        ref T v = ref MemoryMarshal.GetReference(expAvgSq);
        ref T vmax = ref MemoryMarshal.GetReference(maxExpAvgSq);
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vb1 = new(b1), vb2 = new(b2), v1b1 = new(oneMinusB1), v1b2 = new(oneMinusB2), veps = new(eps);
            Vector<T> vstep = new(stepSize), vbc2 = new(bc2Sqrt), vwd = new(coupled), vdecay = new(decay);
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                nuint i = (nuint)k;
                Vector<T> theta = Vector.LoadUnsafe(ref p, i);
                Vector<T> grad = Vector.LoadUnsafe(ref g, i);
                if (decoupled) theta *= vdecay;
                else if (weightDecay != 0) grad += vwd * theta;
                Vector<T> mk = Vector.LoadUnsafe(ref m, i) * vb1 + v1b1 * grad;
                Vector<T> vk = Vector.LoadUnsafe(ref v, i) * vb2 + v1b2 * grad * grad;
                mk.StoreUnsafe(ref m, i);
                vk.StoreUnsafe(ref v, i);
                if (amsgrad)
                {
                    vk = Vector.Max(Vector.LoadUnsafe(ref vmax, i), vk);
                    vk.StoreUnsafe(ref vmax, i);
                }
                Vector<T> denom = Vector.SquareRoot(vk) / vbc2 + veps;
                (theta - vstep * mk / denom).StoreUnsafe(ref p, i);
            }
        }
        for (; k < n; k++)
        {
            T theta = parameters[k], grad = gradients[k];
            if (decoupled) theta *= decay;
            else if (weightDecay != 0) grad += coupled * theta;
            T mk = expAvg[k] * b1 + oneMinusB1 * grad;
            T vk = expAvgSq[k] * b2 + oneMinusB2 * grad * grad;
            expAvg[k] = mk;
            expAvgSq[k] = vk;
            if (amsgrad)
            {
                vk = T.Max(maxExpAvgSq[k], vk);
                maxExpAvgSq[k] = vk;
            }
            T denom = T.Sqrt(vk) / bc2Sqrt + eps;
            parameters[k] = theta - stepSize * mk / denom;
        }
    }
}
