using System;
using ModelGen.Kernels.Optimizers;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// The optimizers' element-wise passes run on the widest vectors the processor has and a scalar tail; every element must
/// get the bits of the documented formula evaluated one element at a time, in its order, whatever lane or thread it
/// falls in. The PyTorch fixtures (ModelGen.Reference.Tests) check the formula itself.
/// </summary>
public class OptimizerKernelTests
{
    /// <summary>
    /// Adam and AdamW over 203 elements (whole 512-bit, 256-bit and 128-bit vectors and a tail), three steps, with and
    /// without weight decay and AMSGrad, on one thread and on all: each element as <c>torch.optim.Adam</c> computes it in
    /// float (<c>m ← β1·m + (1−β1)·g</c>, <c>v ← β2·v + ((1−β2)·g)·g</c>, <c>θ ← θ − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε)</c>).
    /// </summary>
    [Theory]
    [InlineData(0.0, false, false, 1)]
    [InlineData(0.01, false, false, 0)]
    [InlineData(0.01, true, false, 1)]
    [InlineData(0.0, false, true, 0)]
    public void Adam_gives_every_element_the_bits_of_the_scalar_formula(double weightDecay, bool decoupled, bool amsgrad, int threads)
    {
        const int n = 203;
        const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        float[] p = TestData.Floats(n, seed: 91), m = new float[n], v = new float[n], vmax = new float[n];
        float[] ep = (float[])p.Clone(), em = new float[n], ev = new float[n], evmax = new float[n];
        for (int step = 1; step <= 3; step++)
        {
            float[] g = TestData.Floats(n, seed: 92 + step, scale: 0.1);
            Adam.Step<float>(p, g, m, v, amsgrad ? vmax : Span<float>.Empty, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled, step, threads);

            float stepSize = (float)(lr / (1 - Math.Pow(beta1, step))), bc2 = (float)Math.Sqrt(1 - Math.Pow(beta2, step));
            float b1 = (float)beta1, b2 = (float)beta2, c1 = (float)(1 - beta1), c2 = (float)(1 - beta2);
            float decay = (float)(1 - lr * weightDecay), coupled = decoupled ? 0f : (float)weightDecay;
            for (int k = 0; k < n; k++)
            {
                float theta = ep[k], grad = g[k];
                if (decoupled && weightDecay != 0) theta *= decay;
                else if (!decoupled && weightDecay != 0) grad += coupled * theta;
                em[k] = em[k] * b1 + c1 * grad;
                ev[k] = ev[k] * b2 + c2 * grad * grad;
                float vk = ev[k];
                if (amsgrad) vk = evmax[k] = MathF.Max(evmax[k], vk);
                float denom = MathF.Sqrt(vk) / bc2 + (float)eps;
                ep[k] = theta - stepSize * em[k] / denom;
            }
        }
        for (int k = 0; k < n; k++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(ep[k]) == BitConverter.SingleToInt32Bits(p[k]), $"parameter {k}: {p[k]} against {ep[k]}");
            Assert.True(BitConverter.SingleToInt32Bits(em[k]) == BitConverter.SingleToInt32Bits(m[k]), $"first moment {k}");
            Assert.True(BitConverter.SingleToInt32Bits(ev[k]) == BitConverter.SingleToInt32Bits(v[k]), $"second moment {k}");
        }
    }
}
