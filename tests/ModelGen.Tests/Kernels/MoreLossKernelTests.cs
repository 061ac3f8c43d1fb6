using System;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// The losses of contract 0.2 on hand-computed cases: the multi-class hinge loss, Huber on both sides of delta, mean
/// absolute error with a zero difference, label-smoothed cross-entropy against its definition, and their argument checks.
/// </summary>
public class MoreLossKernelTests
{
    [Fact]
    public void Hinge_is_multimarginloss()
    {
        // Row 0, label 1: margins 1 − 2 + 0.5 = −0.5 (off), 1 − 2 + 2.5 = 1.5; row 1, label 0: 1 − 0 + 0 = 1, 1 − 0 − 3 = −2 (off).
        double[] z = [0.5, 2.0, 2.5, 0.0, 0.0, -3.0];
        int[] labels = [1, 0];
        double[] g = new double[6];
        double loss = Losses.Hinge<double>(z, labels, g, 3);
        Assert.Equal((1.5 / 3 + 1.0 / 3) / 2, loss, 15);
        double step = 1.0 / 6;
        Assert.Equal([0, -step, step, -step, step, 0], g);
        // A margin of exactly 0 contributes no gradient (PyTorch: only z > 0).
        double[] tie = [1.0, 0.0];
        double[] gt = new double[2];
        Assert.Equal(0.0, Losses.Hinge<double>(tie, [0], gt, 2));
        Assert.Equal([0.0, 0.0], gt);
        Assert.Throws<ArgumentException>(() => Losses.Hinge<double>(z, [1, 3], g, 3));
    }

    [Fact]
    public void Huber_is_quadratic_inside_delta_and_linear_outside()
    {
        double[] p = [0.2, 3.0, -2.0, 1.0], t = [0.0, 1.0, 0.0, 1.0];
        double[] g = new double[4];
        double loss = Losses.Huber<double>(p, t, g, 0.5);
        // d = 0.2 (inside: 0.02), 2 (0.5·(2 − 0.25) = 0.875), −2 (0.875), 0 (0).
        Assert.Equal((0.02 + 0.875 + 0.875) / 4, loss, 15);
        Assert.Equal([0.2 / 4, 0.5 / 4, -0.5 / 4, 0.0], g);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Huber<double>(p, t, g, 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Huber<double>(p, t, g, double.PositiveInfinity));
    }

    [Fact]
    public void Mean_absolute_error_has_a_zero_gradient_where_prediction_equals_target()
    {
        float[] p = [1f, -2f, 3f], t = [1f, 0f, 2f];
        float[] g = new float[3];
        Assert.Equal(1f, Losses.MeanAbsoluteError<float>(p, t, g));
        Assert.Equal([0f, -1f / 3, 1f / 3], g);
    }

    [Fact]
    public void Label_smoothing_mixes_the_uniform_distribution_into_the_target()
    {
        double[] z = [1.0, -0.5, 2.0, 0.3, 0.3, -1.0];
        int[] labels = [2, 0];
        const double eps = 0.15;
        double[] g = new double[6];
        double loss = Losses.CrossEntropy<double>(z, labels, g, 3, eps);
        double expected = 0;
        for (int i = 0; i < 2; i++)
        {
            double lse = Math.Log(Math.Exp(z[3 * i]) + Math.Exp(z[3 * i + 1]) + Math.Exp(z[3 * i + 2]));
            double uniform = 0;
            for (int j = 0; j < 3; j++) uniform += (lse - z[3 * i + j]) / 3;
            expected += ((1 - eps) * (lse - z[3 * i + labels[i]]) + eps * uniform) / 2;
            for (int j = 0; j < 3; j++)
            {
                double target = (j == labels[i] ? 1 - eps : 0) + eps / 3;
                Assert.Equal((Math.Exp(z[3 * i + j] - lse) - target) / 2, g[3 * i + j], 15);
            }
        }
        Assert.Equal(expected, loss, 14);
        // ε = 0 is plain cross-entropy, bit for bit.
        double[] g0 = new double[6], gPlain = new double[6];
        Assert.Equal(Losses.CrossEntropy<double>(z, labels, gPlain, 3), Losses.CrossEntropy<double>(z, labels, g0, 3, 0.0));
        Assert.Equal(gPlain, g0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.CrossEntropy<double>(z, labels, g, 3, 1.0));
    }
}
