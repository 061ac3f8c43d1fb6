using System;
using Xunit;

namespace ModelGen.Tests;

/// <summary>
/// The worked backpropagation example of NPFL114 lecture 2 (slides 19–21): x = (1, 2); hidden pre-activations
/// i1 = w1·x1 + w2·x2, i2 = w3·x1 + w4·x2, i3 = w5·x1 + w6·x2 with ReLU; output o = w7·h1 + w8·h2 + w9·h3;
/// squared error with ∂L/∂o = 2(o − gold) = 6. Every value on the slide is a small integer, so the comparison is exact.
/// </summary>
public class LectureExampleTests
{
    private static LectureNetwork Build()
    {
        var net = new LectureNetwork();
        // dense0.weight [3 x 2], PyTorch layout [out, in]: row j holds the weights into hidden unit j.
        double[] w1to6 = [2, 1, /**/ 1, -2, /**/ 1, 2];
        w1to6.CopyTo(net.Parameter("dense0.weight"));
        double[] w7to9 = [-1, 3, 2];
        w7to9.CopyTo(net.Parameter("dense1.weight"));
        return net;
    }

    [Fact]
    public void Forward_pass_matches_the_slide()
    {
        var net = Build();
        double[] output = new double[1];
        net.Predict([1, 2], output);
        // i = (4, −3, 5), h = (4, 0, 5), o = −4 + 0 + 10 = 6.
        Assert.Equal(6.0, output[0]);
    }

    [Fact]
    public void Every_gradient_of_the_slide_exactly()
    {
        var net = Build();
        // gold = 3 gives ∂L/∂o = 2(6 − 3) = 6 and L = 9.
        double loss = net.ComputeGradients([1, 2], [3]);
        Assert.Equal(9.0, loss);

        // ∂L/∂w7 = 6·h1 = 24, ∂L/∂w8 = 6·h2 = 0, ∂L/∂w9 = 6·h3 = 30.
        Assert.Equal([24.0, 0.0, 30.0], net.Gradient("dense1.weight").ToArray());
        // ∂L/∂h = 6·(w7, w8, w9) = (−6, 18, 12); through ReLU ∂L/∂i = (−6, 0, 12);
        // ∂L/∂w1 = −6·x1 = −6, ∂L/∂w2 = −6·x2 = −12, ∂L/∂w3 = ∂L/∂w4 = 0, ∂L/∂w5 = 12, ∂L/∂w6 = 24.
        Assert.Equal([-6.0, -12.0, 0.0, 0.0, 12.0, 24.0], net.Gradient("dense0.weight").ToArray());
        // ∂L/∂x1 = Σ_j ∂L/∂ij · ∂ij/∂x1 = −6·2 + 0·1 + 12·1 = 0; ∂L/∂x2 = −6·1 + 0·(−2) + 12·2 = 18.
        Assert.Equal([0.0, 18.0], net.InputGradient.ToArray());
    }

    [Fact]
    public void One_sgd_step_moves_each_weight_against_its_gradient()
    {
        var net = Build();
        double loss = net.TrainStep([1, 2], [3]);
        Assert.Equal(9.0, loss);
        Assert.Equal(1, net.Step);
        // θ ← θ − 0.1·g, in double arithmetic exactly as written here.
        const double lr = 0.1;
        Assert.Equal([-1 - lr * 24, 3 - lr * 0, 2 - lr * 30], net.Parameter("dense1.weight").ToArray());
        Assert.Equal([2 - lr * -6, 1 - lr * -12, 1, -2, 1 - lr * 12, 2 - lr * 24], net.Parameter("dense0.weight").ToArray());
    }
}
