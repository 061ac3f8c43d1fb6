using System;
using ModelGen;
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
    /// without weight decay and AMSGrad, on one thread and on all: each element as the scalar formula computes it in
    /// float (<c>m ← β1·m + (1−β1)·g</c>, <c>v ← β2·v + ((1−β2)·g)·g</c>, then <c>torch.optim.Adam</c>'s
    /// <c>θ ← θ − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε)</c> in the paper's order, <c>θ ← θ − αₜ·m / (√v + ε̂ₜ)</c>).
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

            // The paper's order (Adam's summary): αₜ = lr·√(1−β2ᵗ)/(1−β1ᵗ), ε̂ₜ = ε·√(1−β2ᵗ), in double, then float.
            double bc2 = Math.Sqrt(1 - Math.Pow(beta2, step));
            float stepSize = (float)(lr * bc2 / (1 - Math.Pow(beta1, step))), epsHat = (float)(eps * bc2);
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
                float denom = MathF.Sqrt(vk) + epsHat;
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

    /// <summary>Optimizer cases: name and the number of state arrays it keeps per parameter.</summary>
    public static TheoryData<string> Optimizers() => new()
    {
        "sgd", "sgd momentum nesterov decay", "rmsprop", "rmsprop centered momentum decay", "adagrad decay", "adadelta decay",
        "adamax decay", "nadam decay", "adam", "adamw amsgrad",
    };

    /// <summary>
    /// Every optimizer's pass over 203 elements (whole 512-, 256- and 128-bit vectors and a tail) on all threads, three
    /// steps, against the same steps given each element alone (which it updates one element at a time): the same bits
    /// for the parameters and every state array, so no lane of any width computes its elements differently.
    /// </summary>
    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Each_element_alone_gets_the_bits_of_the_whole_pass(string optimizer)
    {
        const int n = 203, states = 3;
        float[] wholeP = TestData.Floats(n, seed: 101), aloneP = (float[])wholeP.Clone();
        float[][] whole = new float[states][], alone = new float[states][];
        for (int i = 0; i < states; i++)
        {
            // Positive starting states (AdaDelta's and RMSprop's averages of squares), the same on both sides.
            whole[i] = Array.ConvertAll(TestData.Floats(n, seed: 110 + i, scale: 0.1), v => v * v);
            alone[i] = (float[])whole[i].Clone();
        }
        float wholeMu = 1f, aloneMu = 1f;
        for (int step = 1; step <= 3; step++)
        {
            float[] g = TestData.Floats(n, seed: 120 + step, scale: 0.1);
            Step(optimizer, wholeP, g, whole, 0, n, ref wholeMu, step, threads: 0);
            float muBefore = aloneMu;
            for (int k = 0; k < n; k++)
            {
                aloneMu = muBefore;
                Step(optimizer, aloneP, g, alone, k, 1, ref aloneMu, step, threads: 1);
            }
        }
        Assert.Equal(BitConverter.SingleToInt32Bits(wholeMu), BitConverter.SingleToInt32Bits(aloneMu));
        for (int k = 0; k < n; k++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(wholeP[k]) == BitConverter.SingleToInt32Bits(aloneP[k]),
                $"{optimizer}: parameter {k}, {wholeP[k]} against {aloneP[k]} alone");
            for (int i = 0; i < states; i++)
                Assert.True(BitConverter.SingleToInt32Bits(whole[i][k]) == BitConverter.SingleToInt32Bits(alone[i][k]),
                    $"{optimizer}: state {i}, element {k}");
        }
    }

    /// <summary>
    /// Every optimizer over a model's worth of parameters (298,000: enough work to be split on two processors), laid out
    /// as three tensors of rows (a 1000 × 290 weight, its bias, a 7 × 1000 weight), on all threads: the same bits as the
    /// pass in even shares on one thread, for the parameters and every state array, three steps.
    /// </summary>
    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_pass_split_by_the_rows_of_a_layout_gives_the_bits_of_one_thread(string optimizer)
    {
        const int n = 1000 * 290 + 1000 + 7 * 1000, states = 3;
        var layout = new ParameterLayout(new (int, int)[] { (1000, 290), (1000, 1), (7, 1000) });
        Assert.Equal(n, layout.Count);
        // Split wherever there are two processors to split over (SGD's 5 multiply-adds per value the least work).
        if (Parallelism.MaxThreads > 1 && Environment.ProcessorCount > 1)
            Assert.True(Parallelism.Parts(0, 5L * n, (n + 63) / 64) > 1);
        float[] byRows = TestData.Floats(n, seed: 131), alone = (float[])byRows.Clone();
        float[][] rowsState = new float[states][], aloneState = new float[states][];
        for (int i = 0; i < states; i++)
        {
            rowsState[i] = Array.ConvertAll(TestData.Floats(n, seed: 140 + i, scale: 0.1), v => v * v);
            aloneState[i] = (float[])rowsState[i].Clone();
        }
        float rowsMu = 1f, aloneMu = 1f;
        for (int step = 1; step <= 3; step++)
        {
            float[] g = TestData.Floats(n, seed: 150 + step, scale: 0.1);
            Step(optimizer, byRows, g, rowsState, 0, n, ref rowsMu, step, threads: 0, layout);
            Step(optimizer, alone, g, aloneState, 0, n, ref aloneMu, step, threads: 1);
        }
        Assert.True(byRows.AsSpan().SequenceEqual(alone), $"{optimizer}: parameters differ");
        for (int i = 0; i < states; i++)
            Assert.True(rowsState[i].AsSpan().SequenceEqual(aloneState[i]), $"{optimizer}: state {i} differs");
    }

    [Fact]
    public void A_layout_that_does_not_cover_the_parameters_is_refused_before_any_update()
    {
        var layout = new ParameterLayout(new (int, int)[] { (10, 20), (10, 1) });
        Assert.Equal(210, layout.Count);
        float[] p = TestData.Floats(211, seed: 160), before = (float[])p.Clone(), g = TestData.Floats(211, seed: 161);
        float[] m = new float[211], v = new float[211];
        var e = Assert.Throws<ArgumentException>(() =>
            Adam.Step<float>(p, g, m, v, Span<float>.Empty, 1e-3, 0.9, 0.999, 1e-8, 0, false, false, 1, threads: 0, layout));
        Assert.Contains("210", e.Message);
        Assert.Contains("211", e.Message);
        Assert.Equal(before, p);
        Assert.All(m, x => Assert.Equal(0f, x));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(5, 0)]
    [InlineData(-1, 5)]
    public void A_layout_tensor_needs_rows_of_values(int rows, int length)
    {
        var e = Assert.Throws<ArgumentException>(() => new ParameterLayout(new (int, int)[] { (4, 4), (rows, length) }));
        Assert.Contains("Tensor 1", e.Message);
    }

    [Fact]
    public void A_layout_of_more_values_than_an_array_holds_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ParameterLayout(new (int, int)[] { (65536, 32768), (1, 1) }));
        Assert.Contains("more than", e.Message);
    }

    /// <summary>One step of <paramref name="optimizer"/> over elements <c>[start, start + count)</c>.</summary>
    private static void Step(string optimizer, float[] p, float[] g, float[][] s, int start, int count, ref float mu, int step, int threads,
        ParameterLayout? layout = null)
    {
        Span<float> P = p.AsSpan(start, count), S0 = s[0].AsSpan(start, count), S1 = s[1].AsSpan(start, count), S2 = s[2].AsSpan(start, count);
        ReadOnlySpan<float> G = g.AsSpan(start, count);
        bool decay = optimizer.Contains("decay"), momentum = optimizer.Contains("momentum");
        double wd = decay ? 0.01 : 0;
        switch (optimizer.Split(' ')[0])
        {
            case "sgd":
                Sgd.Step<float>(P, G, momentum ? S0 : Span<float>.Empty, 0.1f, momentum ? 0.9f : 0f, 0.1f,
                    optimizer.Contains("nesterov"), (float)wd, firstStep: step == 1, threads, layout);
                break;
            case "rmsprop":
                RmsProp.Step<float>(P, G, S0, optimizer.Contains("centered") ? S1 : Span<float>.Empty, momentum ? S2 : Span<float>.Empty,
                    1e-2, 0.99, 1e-8, wd, momentum ? 0.9 : 0, optimizer.Contains("centered"), threads, layout);
                break;
            case "adagrad":
                AdaGrad.Step<float>(P, G, S0, 1e-2, 1e-10, wd, threads, layout);
                break;
            case "adadelta":
                AdaDelta.Step<float>(P, G, S0, S1, 1.0, 0.9, 1e-6, wd, threads, layout);
                break;
            case "adamax":
                Adamax.Step<float>(P, G, S0, S1, 2e-3, 0.9, 0.999, 1e-8, wd, step, threads, layout);
                break;
            case "nadam":
                NAdam.Step<float>(P, G, S0, S1, ref mu, 2e-3, 0.9, 0.999, 1e-8, wd, 4e-3, step, threads, layout);
                break;
            case "adam":
                Adam.Step<float>(P, G, S0, S1, S2, 1e-3, 0.9, 0.999, 1e-8, wd, amsgrad: false, decoupledWeightDecay: false, step, threads, layout);
                break;
            case "adamw":
                Adam.Step<float>(P, G, S0, S1, S2, 1e-3, 0.9, 0.999, 1e-8, 0.01, amsgrad: true, decoupledWeightDecay: true, step, threads, layout);
                break;
            default:
                throw new ArgumentException(optimizer);
        }
    }
}
