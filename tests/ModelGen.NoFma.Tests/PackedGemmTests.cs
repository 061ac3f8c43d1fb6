using System;
using System.Runtime.Intrinsics;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.NoFma.Tests;

/// <summary>
/// Without FMA the packed product computes every element as a chain of separate multiplies and adds in depth order:
/// the bits of the plain scalar loop <c>sum = a·b + sum</c> at every width, within the usual rounding bound of the
/// exact product, and (being two roundings, not one) not the bits of the fused chain an FMA processor gives.
/// </summary>
public unsafe class PackedGemmTests
{
    private const float Epsilon = 1f / (1 << 23);
    private const double DoubleEpsilon = 1.0 / (1L << 52);

    [Theory]
    [InlineData(1, 300, 70)]
    [InlineData(7, 259, 48)]
    [InlineData(13, 64, 100)]
    [InlineData(130, 20, 35)]
    public void Float_products_are_the_separate_multiply_add_chain_within_the_rounding_bound(int m, int k, int n)
    {
        float[] a = Floats(m * k, seed: m + 1), b = Floats(k * n, seed: k + 2), bias = Floats(n, seed: 3);
        float[] separate = new float[m * n], fused = new float[m * n];
        double[] exact = new double[m * n], bound = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0f, f = 0f;
                double e = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    float x = a[i * k + p], y = b[p * n + j];
                    s = x * y + s;
                    f = MathF.FusedMultiplyAdd(x, y, f);
                    e += (double)x * y; // exact products (48 bits), sums to 53 bits: far below float rounding
                    magnitude += Math.Abs((double)x * y);
                }
                separate[i * n + j] = s + bias[j];
                fused[i * n + j] = f + bias[j];
                exact[i * n + j] = e + bias[j];
                // |error| ≤ γ(k+1)·(Σ|a·b| + |bias|), γ(k) = k·ε/(1 − k·ε) (Higham, 3.5).
                bound[i * n + j] = (k + 1) * Epsilon / (1 - (k + 1) * Epsilon) * (magnitude + Math.Abs(bias[j]));
            }

        fixed (float* pa = a, pb = b, pbias = bias)
        {
            for (int width = 0; width < 4; width++)
            {
                float[] c = new float[m * n];
                fixed (float* pc = c)
                {
                    var product = new PackedGemm.Product<float>
                    {
                        A = pa, ARow = k, ACol = 1, B = pb, BRow = n, BCol = 1, C = pc, CRow = n, Bias = pbias, M = m, N = n, K = k,
                    };
                    // The product as the library runs it (here: 128-bit), then each width explicitly.
                    if (width == 0) PackedGemm.Run(ref product, threads: 0);
                    else if (width == 1) PackedGemm.RunAtWidth<float, Vector512<float>, Lanes512<float>>(product);
                    else if (width == 2) PackedGemm.RunAtWidth<float, Vector256<float>, Lanes256<float>>(product);
                    else PackedGemm.RunAtWidth<float, Vector128<float>, Lanes128<float>>(product);
                }
                string what = width == 0 ? "PackedGemm.Run" : $"width {1024 >> width} bits";
                Assert.True(separate.AsSpan().SequenceEqual(c), $"{what}: not the bits of the separate multiply-add loop");
                for (int e = 0; e < c.Length; e++)
                    Assert.True(Math.Abs(c[e] - exact[e]) <= bound[e], $"{what}: element {e} is {c[e]:R}, exact {exact[e]:R}, bound {bound[e]:R}");
            }
        }
        Assert.False(separate.AsSpan().SequenceEqual(fused), "two roundings should differ from one somewhere");
    }

    [Fact]
    public void Double_products_are_the_separate_multiply_add_chain()
    {
        const int m = 11, k = 300, n = 21;
        double[] a = Doubles(m * k, seed: 5), b = Doubles(k * n, seed: 6), c = new double[m * n];
        fixed (double* pa = a, pb = b, pc = c)
        {
            var product = new PackedGemm.Product<double> { A = pa, ARow = k, ACol = 1, B = pb, BRow = n, BCol = 1, C = pc, CRow = n, M = m, N = n, K = k };
            PackedGemm.Run(ref product, threads: 0);
        }
        bool differs = false;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double separate = 0, fused = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = a[i * k + p], y = b[p * n + j];
                    separate = x * y + separate;
                    fused = Math.FusedMultiplyAdd(x, y, fused);
                    magnitude += Math.Abs(x * y);
                }
                Assert.Equal(separate, c[i * n + j]);
                // Both chains are within γ(k)·Σ|a·b| of the exact sum, so within twice that of each other.
                Assert.True(Math.Abs(separate - fused) <= 2 * k * DoubleEpsilon * magnitude, $"element ({i}, {j})");
                differs |= separate != fused;
            }
        Assert.True(differs, "two roundings should differ from one somewhere");
    }

    private static double[] Doubles(int count, int seed)
    {
        var random = new Random(seed);
        double[] values = new double[count];
        for (int i = 0; i < count; i++) values[i] = 2 * random.NextDouble() - 1;
        return values;
    }

    private static float[] Floats(int count, int seed) => Array.ConvertAll(Doubles(count, seed), v => (float)v);
}
