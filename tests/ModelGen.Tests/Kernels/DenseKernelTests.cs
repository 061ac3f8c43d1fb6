using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// <see cref="Dense"/>'s three products against plain loops in double precision, over sizes chosen to reach every
/// block of the register-tiled kernels: full 4×4 tiles, leftover rows (1–3), leftover whole vectors, a partial last
/// vector (computed again over the one before it), depths shorter than one vector and lengths that are not multiples
/// of any vector width. Also: each sample's outputs and input gradients carry the same bits whatever batch it is in.
/// </summary>
public class DenseKernelTests
{
    // (samples, inputs, outputs): inputs is the contiguous axis of x, w, dw and dx; outputs that of y and dy.
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 1, 1, 1 }, { 1, 3, 2 }, { 2, 7, 3 }, { 3, 15, 5 }, { 4, 16, 4 }, { 5, 17, 9 }, { 4, 31, 8 },
        { 7, 33, 13 }, { 9, 63, 6 }, { 8, 64, 16 }, { 6, 65, 7 }, { 5, 100, 11 }, { 12, 130, 17 }, { 3, 257, 5 },
        { 17, 96, 33 }, { 2, 784, 10 }, { 13, 80, 129 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_plain_loops(int n, int inputs, int outputs)
    {
        var rng = new Random(n * 1000 + inputs * 10 + outputs);
        double[] x = Values(rng, n * inputs), w = Values(rng, outputs * inputs), b = Values(rng, outputs);
        double[] expected = new double[n * outputs];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outputs; o++)
            {
                double s = b[o];
                for (int k = 0; k < inputs; k++) s += x[i * inputs + k] * w[o * inputs + k];
                expected[i * outputs + o] = s;
            }

        var y = new double[n * outputs];
        Dense.Forward<double>(x, w, b, y, n, inputs, outputs);
        AssertClose(expected, y, 1e-12);

        // Single precision, and without a bias.
        var yf = new float[n * outputs];
        Dense.Forward<float>(ToFloat(x), ToFloat(w), ReadOnlySpan<float>.Empty, yf, n, inputs, outputs);
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outputs; o++)
                expected[i * outputs + o] -= b[o];
        AssertClose(expected, yf.Select(v => (double)v).ToArray(), 2e-5 * Math.Sqrt(inputs));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_matches_plain_loops(int n, int inputs, int outputs)
    {
        var rng = new Random(n * 7 + inputs * 31 + outputs);
        double[] x = Values(rng, n * inputs), w = Values(rng, outputs * inputs), dy = Values(rng, n * outputs);
        double[] dwExpected = new double[outputs * inputs], dbExpected = new double[outputs], dxExpected = new double[n * inputs];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outputs; o++)
            {
                double g = dy[i * outputs + o];
                dbExpected[o] += g;
                for (int k = 0; k < inputs; k++)
                {
                    dwExpected[o * inputs + k] += g * x[i * inputs + k];
                    dxExpected[i * inputs + k] += g * w[o * inputs + k];
                }
            }

        // Garbage in the outputs: the kernels overwrite, they do not accumulate.
        double[] dw = Enumerable.Repeat(double.NaN, outputs * inputs).ToArray();
        double[] db = Enumerable.Repeat(double.NaN, outputs).ToArray();
        double[] dx = Enumerable.Repeat(double.NaN, n * inputs).ToArray();
        Dense.Backward<double>(x, w, dy, dw, db, dx, n, inputs, outputs);
        AssertClose(dwExpected, dw, 1e-12);
        AssertClose(dbExpected, db, 1e-12);
        AssertClose(dxExpected, dx, 1e-12);

        float[] dxf = new float[n * inputs];
        Dense.InputGradient<float>(ToFloat(dy), ToFloat(w), dxf, n, inputs, outputs);
        AssertClose(dxExpected, dxf.Select(v => (double)v).ToArray(), 2e-5 * Math.Sqrt(outputs));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_sample_gets_the_same_bits_alone_or_in_a_batch(int n, int inputs, int outputs)
    {
        var rng = new Random(inputs * 131 + outputs * 7 + n);
        float[] x = ToFloat(Values(rng, n * inputs)), w = ToFloat(Values(rng, outputs * inputs)), b = ToFloat(Values(rng, outputs));
        float[] dy = ToFloat(Values(rng, n * outputs));
        var y = new float[n * outputs];
        var dx = new float[n * inputs];
        Dense.Forward<float>(x, w, b, y, n, inputs, outputs);
        Dense.InputGradient<float>(dy, w, dx, n, inputs, outputs);
        var y1 = new float[outputs];
        var dx1 = new float[inputs];
        for (int i = 0; i < n; i++)
        {
            Dense.Forward<float>(x.AsSpan(i * inputs, inputs), w, b, y1, 1, inputs, outputs);
            Assert.True(y.AsSpan(i * outputs, outputs).SequenceEqual(y1), $"outputs of sample {i} differ alone and in the batch");
            Dense.InputGradient<float>(dy.AsSpan(i * outputs, outputs), w, dx1, 1, inputs, outputs);
            Assert.True(dx.AsSpan(i * inputs, inputs).SequenceEqual(dx1), $"input gradient of sample {i} differs alone and in the batch");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fused_relu_gives_the_bits_of_a_separate_relu_pass(int n, int inputs, int outputs)
    {
        var rng = new Random(n + inputs + outputs);
        float[] x = ToFloat(Values(rng, n * inputs)), w = ToFloat(Values(rng, outputs * inputs)), b = ToFloat(Values(rng, outputs));
        x[0] = float.NaN; // NaN stays NaN, as in PyTorch's relu
        float[] separate = new float[n * outputs], fused = new float[n * outputs];
        Dense.Forward<float>(x, w, b, separate, n, inputs, outputs);
        Activations.ReluForward<float>(separate);
        Dense.Forward<float>(x, w, b, fused, n, inputs, outputs, relu: true);
        Assert.True(separate.AsSpan().SequenceEqual(fused));
        Assert.True(float.IsNaN(fused[0]));
    }

    [Fact]
    public void Weight_gradient_adds_the_samples_in_order()
    {
        // dw[o, k] = Σ_i dy[i, o]·x[i, k] with one fused multiply-add per sample, in sample order: the same bits as
        // the plain loop written with Math.FusedMultiplyAdd, for every element, whichever tile it falls in.
        const int n = 37, inputs = 83, outputs = 11;
        var rng = new Random(5);
        float[] x = ToFloat(Values(rng, n * inputs)), w = ToFloat(Values(rng, outputs * inputs)), dy = ToFloat(Values(rng, n * outputs));
        var dw = new float[outputs * inputs];
        Dense.Backward<float>(x, w, dy, dw, Span<float>.Empty, Span<float>.Empty, n, inputs, outputs);
        for (int o = 0; o < outputs; o++)
            for (int k = 0; k < inputs; k++)
            {
                float s = 0;
                for (int i = 0; i < n; i++) s = MathF.FusedMultiplyAdd(dy[i * outputs + o], x[i * inputs + k], s);
                Assert.Equal(s, dw[o * inputs + k]);
            }
    }

    [Fact]
    public void Wrong_lengths_name_the_argument_and_the_expected_length()
    {
        var e = Assert.Throws<ArgumentException>(() => Dense.Forward<float>(new float[6], new float[6], new float[2], new float[3], 2, 3, 2));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("4", e.Message);
    }

    private static double[] Values(Random rng, int count) => Enumerable.Range(0, count).Select(_ => rng.NextDouble() * 2 - 1).ToArray();

    private static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
