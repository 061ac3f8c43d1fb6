using System;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// What a model's convolutions add to the plain kernel: the ReLU and batch norm's inference form applied to each register
/// tile, which must give exactly the bits of the separate passes (<see cref="Activations"/>, <see cref="BatchNorm"/>), and
/// weights kept packed between calls (<see cref="PackedWeights{T}"/>), which must give the bits of weights packed per call
/// and be packed again exactly when the version changes.
/// </summary>
public class ConvolutionFusionTests
{
    // n, channels, size, filters, kernel, stride, pad, out: LeNet's two layers (tiles of positions), a strided one, filter
    // counts that leave a part of a register tile empty (7, 20), and tiles along the rows (rows of 30, 9 filters).
    public static TheoryData<int, int, int, int, int, int, int, int> Shapes() => new()
    {
        { 3, 1, 28, 16, 5, 1, 2, 28 },
        { 2, 2, 30, 9, 3, 1, 1, 30 },
        { 3, 16, 14, 32, 5, 1, 0, 10 },
        { 2, 3, 11, 7, 3, 2, 1, 6 },
        { 1, 5, 9, 20, 3, 1, 1, 9 },
    };

    private static float[] Separate(float[] x, float[] w, float[] b, float[] gamma, float[] beta, float[] mean, float[] variance,
        int n, int c, int h, int f, int k, int s, int pad, int o, bool reluBefore, bool reluAfter)
    {
        float[] conv = new float[n * f * o * o], y = new float[n * f * o * o];
        Conv2D.Forward<float>(x, w, b, conv, n, c, h, h, f, k, s, pad, pad, o, o);
        if (reluBefore) Activations.ReluForward<float>(conv);
        BatchNorm.ForwardInference<float>(conv, gamma, beta, mean, variance, y, n, f, o * o, epsilon: 1e-5);
        if (reluAfter) Activations.ReluForward<float>(y);
        return y;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Batch_norm_and_relu_per_tile_give_the_bits_of_the_separate_passes(int n, int c, int h, int f, int k, int s, int pad, int o)
    {
        float[] x = TestData.Floats(n * c * h * h, seed: 1), w = TestData.Floats(f * c * k * k, seed: 2, scale: 0.3);
        float[] b = TestData.Floats(f, seed: 3), gamma = TestData.Floats(f, seed: 4), beta = TestData.Floats(f, seed: 5);
        float[] mean = TestData.Floats(f, seed: 6);
        float[] variance = Array.ConvertAll(TestData.Floats(f, seed: 7), v => 0.5f + v * v);
        var packed = new PackedWeights<float>(c * k * k, f);
        foreach (bool reluBefore in new[] { false, true })
        foreach (bool reluAfter in new[] { false, true })
        {
            float[] expected = Separate(x, w, b, gamma, beta, mean, variance, n, c, h, f, k, s, pad, o, reluBefore, reluAfter);
            float[] fused = new float[expected.Length], unpacked = new float[expected.Length];
            Conv2D.ForwardNormalized<float>(x, w, packed, 1, b, gamma, beta, mean, variance, fused,
                n, c, h, h, f, k, s, pad, pad, o, o, epsilon: 1e-5, threads: 0, reluBeforeNorm: reluBefore, relu: reluAfter);
            Conv2D.ForwardNormalized<float>(x, w, null, 0, b, gamma, beta, mean, variance, unpacked,
                n, c, h, h, f, k, s, pad, pad, o, o, epsilon: 1e-5, threads: 1, reluBeforeNorm: reluBefore, relu: reluAfter);
            Assert.True(expected.AsSpan().SequenceEqual(fused), $"relu before {reluBefore}, after {reluAfter}: fused differs");
            Assert.True(expected.AsSpan().SequenceEqual(unpacked), $"relu before {reluBefore}, after {reluAfter}: per-call packing differs");
        }
    }

    // n, channels, size, filters, kernel, stride, pad, out, pool, pool stride: LeNet's two layers at a batch the threads
    // split by samples and at batch 1 (split by tiles), a strided layer pooled 3×3 with stride 2 (the general pooling
    // kernel), an odd output size (the last row and column of the convolution left out of every window) and tiles
    // along the rows (rows of 30, 9 filters) at a batch and at batch 1. Position tiles pooled 2×2 keep their samples
    // position-major on AVX2 when eight pooled positions or more (LeNet's, 20 filters over 3×3), not below (2×2).
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> PooledShapes() => new()
    {
        { 16, 1, 28, 16, 5, 1, 2, 28, 2, 2 },
        { 1, 1, 28, 16, 5, 1, 2, 28, 2, 2 },
        { 16, 16, 14, 32, 5, 1, 0, 10, 2, 2 },
        { 1, 16, 14, 32, 5, 1, 0, 10, 2, 2 },
        { 5, 3, 15, 7, 3, 2, 1, 8, 3, 2 },
        { 4, 5, 9, 20, 3, 1, 0, 7, 2, 2 },
        { 3, 2, 30, 9, 3, 1, 1, 30, 2, 2 },
        { 1, 2, 30, 9, 3, 1, 1, 30, 2, 2 },
        { 2, 3, 4, 8, 3, 1, 1, 4, 2, 2 },
    };

    [Theory]
    [MemberData(nameof(PooledShapes))]
    public void Pooling_each_sample_as_it_is_computed_gives_the_bits_of_the_separate_passes(int n, int c, int h, int f, int k, int s, int pad, int o,
        int pool, int poolStride)
    {
        float[] x = TestData.Floats(n * c * h * h, seed: 21), w = TestData.Floats(f * c * k * k, seed: 22, scale: 0.3);
        x[x.Length / 3] = float.NaN; // a NaN window in one sample: pooling keeps the first NaN it meets
        float[] b = TestData.Floats(f, seed: 23), gamma = TestData.Floats(f, seed: 24), beta = TestData.Floats(f, seed: 25);
        float[] mean = TestData.Floats(f, seed: 26);
        float[] variance = Array.ConvertAll(TestData.Floats(f, seed: 27), v => 0.5f + v * v);
        int p = (o - pool) / poolStride + 1;
        var packed = new PackedWeights<float>(c * k * k, f);
        foreach (bool relu in new[] { false, true })
        {
            float[] y = Separate(x, w, b, gamma, beta, mean, variance, n, c, h, f, k, s, pad, o, reluBefore: false, relu);
            float[] expected = new float[n * f * p * p];
            Pooling.MaxForward<float>(y, expected, default, n, f, o, o, pool, poolStride, p, p);
            foreach (int threads in new[] { 1, 0 })
            {
                float[] pooled = new float[expected.Length];
                Conv2D.ForwardNormalizedMaxPooled<float>(x, w, packed, 1, b, gamma, beta, mean, variance, pooled,
                    n, c, h, h, f, k, s, pad, pad, o, o, epsilon: 1e-5, pool, poolStride, p, p, threads, relu: relu);
                Assert.True(expected.AsSpan().SequenceEqual(pooled), $"relu {relu}, threads {threads}: pooled per sample differs");
            }
            Assert.Contains(expected, float.IsNaN);
        }
    }

    [Fact]
    public void A_pooled_convolution_checks_the_pooled_output_s_length()
    {
        float[] x = new float[2 * 28 * 28], w = new float[16 * 25], stats = new float[16], pooled = new float[2 * 16 * 14 * 14 - 1];
        var e = Assert.Throws<ArgumentException>(() => Conv2D.ForwardNormalizedMaxPooled<float>(x, w, null, 0, default, stats, stats, stats, stats,
            pooled, 2, 1, 28, 28, 16, 5, 1, 2, 2, 28, 28, 1e-5, pool: 2, poolStride: 2, pooledHeight: 14, pooledWidth: 14));
        Assert.Equal("pooled", e.ParamName);
        Assert.Contains("6272", e.Message);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_relu_per_tile_gives_the_bits_of_a_separate_pass(int n, int c, int h, int f, int k, int s, int pad, int o)
    {
        double[] x = TestData.Doubles(n * c * h * h, seed: 11), w = TestData.Doubles(f * c * k * k, seed: 12), b = TestData.Doubles(f, seed: 13);
        double[] separate = new double[n * f * o * o], fused = new double[separate.Length];
        Conv2D.Forward<double>(x, w, b, separate, n, c, h, h, f, k, s, pad, pad, o, o);
        Activations.ReluForward<double>(separate);
        Conv2D.Forward<double>(x, w, b, fused, n, c, h, h, f, k, s, pad, pad, o, o, threads: 0, relu: true);
        Assert.True(separate.AsSpan().SequenceEqual(fused));
        Assert.Contains(fused, v => v == 0);
        Assert.Contains(fused, v => v > 0);
    }

    [Fact]
    public void Packed_weights_are_packed_again_exactly_when_the_version_changes()
    {
        const int n = 2, c = 4, h = 10, f = 18, k = 3, o = 8;
        float[] x = TestData.Floats(n * c * h * h, seed: 21), w = TestData.Floats(f * c * k * k, seed: 22), b = TestData.Floats(f, seed: 23);
        var packed = new PackedWeights<float>(c * k * k, f);
        float[] before = new float[n * f * o * o], cached = new float[before.Length], after = new float[before.Length], expected = new float[before.Length];

        Conv2D.Forward<float>(x, w, packed, 7, b, before, n, c, h, h, f, k, 1, 0, 0, o, o);
        Conv2D.Forward<float>(x, w, b, expected, n, c, h, h, f, k, 1, 0, 0, o, o);
        Assert.True(expected.AsSpan().SequenceEqual(before));

        w[5] += 1; // a write the version does not announce: the packed copy is still the old one
        Conv2D.Forward<float>(x, w, packed, 7, b, cached, n, c, h, h, f, k, 1, 0, 0, o, o);
        Assert.True(before.AsSpan().SequenceEqual(cached));

        Conv2D.Forward<float>(x, w, packed, 8, b, after, n, c, h, h, f, k, 1, 0, 0, o, o);
        Conv2D.Forward<float>(x, w, b, expected, n, c, h, h, f, k, 1, 0, 0, o, o);
        Assert.True(expected.AsSpan().SequenceEqual(after));
        Assert.False(before.AsSpan().SequenceEqual(after));
    }

    [Fact]
    public void Packed_weights_of_another_shape_are_rejected()
    {
        const int n = 1, c = 2, h = 6, f = 3, k = 3, o = 4;
        float[] x = new float[n * c * h * h], w = new float[f * c * k * k], y = new float[n * f * o * o];
        var wrong = new PackedWeights<float>(c * k * k + 1, f);
        var e = Assert.Throws<ArgumentException>(() => Conv2D.Forward<float>(x, w, wrong, 1, ReadOnlySpan<float>.Empty, y, n, c, h, h, f, k, 1, 0, 0, o, o));
        Assert.Contains("3 × 18", e.Message);
    }
}
