using System;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Tests;

// Finite differences (GradientCheck, double precision) against the generated backward passes of GELU (both forms),
// SiLU, ELU and softplus, fused into dense and convolution layers (which keep their pre-activations) and as layers,
// and of the hinge, Huber, mean absolute error and label-smoothed cross-entropy losses.

[Model(BatchSize = 3, Seed = 61, Precision = Precision.Double)]
[Input(4)]
[Dense(5, Activation.Gelu)]
[Dense(5, Activation.GeluTanh)]
[Silu]
[Dense(4, Activation.Elu)]
[Elu(0.6)]
[Dense(4, Activation.Softplus)]
[Gelu]
[Gelu(Approximate = true)]
[Softplus]
[Dense(4, Activation.Silu)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy, LabelSmoothing = 0.2)]
[Sgd(LearningRate = 0.05)]
public partial class FdSmoothDense;

[Model(BatchSize = 3, Seed = 62, Precision = Precision.Double)]
[Input(2, 5, 5)]
[Conv2D(3, 3, Activation.Gelu)]
[Conv2D(3, 2, Activation.Silu, Padding = Padding.Same)]
[Conv2D(2, 2, Activation.Elu)]
[Conv2D(2, 1, Activation.GeluTanh)]
[Conv2D(2, 1, Activation.Softplus)]
[Flatten]
[Dense(2)]
[Loss(LossFunction.Huber, Delta = 0.3)]
[Sgd(LearningRate = 0.05)]
public partial class FdSmoothConv;

[Model(BatchSize = 4, Seed = 63, Precision = Precision.Double)]
[Input(3)]
[Dense(5, Activation.Tanh)]
[Dense(4)]
[Loss(LossFunction.Hinge)]
[Sgd(LearningRate = 0.05)]
public partial class FdHinge;

[Model(BatchSize = 4, Seed = 64, Precision = Precision.Double)]
[Input(3)]
[Dense(5, Activation.Silu)]
[Dense(2)]
[Loss(LossFunction.MeanAbsoluteError)]
[Sgd(LearningRate = 0.05)]
public partial class FdMae;

public class SmoothFiniteDifferenceTests(ITestOutputHelper output)
{
    private void Report(string what, double worst) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: worst error {worst:G3} of the allowed {GradientCheck.Tolerance:G1}·max(1, |g|)"));

    [Fact]
    public void Smooth_activations_fused_and_as_layers_with_label_smoothing_match_finite_differences()
    {
        var model = new FdSmoothDense();
        GradientCheck.Randomize(FdSmoothDense.ParameterNames, model.Parameter, seed: 600);
        double[] x = TestData.Doubles(3 * FdSmoothDense.InputSize, seed: 61);
        int[] labels = TestData.Labels(3, FdSmoothDense.OutputSize, seed: 62);
        Assert.Equal(model.ComputeGradients(x, labels), model.Evaluate(x, labels), 12);
        Report(nameof(FdSmoothDense), GradientCheck.Check(FdSmoothDense.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, labels)));
    }

    [Fact]
    public void Smooth_activations_fused_into_convolutions_with_huber_match_finite_differences()
    {
        var model = new FdSmoothConv();
        GradientCheck.Randomize(FdSmoothConv.ParameterNames, model.Parameter, seed: 610);
        double[] x = TestData.Doubles(3 * FdSmoothConv.InputSize, seed: 63);
        double[] y = TestData.Doubles(3 * FdSmoothConv.OutputSize, seed: 64);
        Assert.Equal(model.ComputeGradients(x, y), model.Evaluate(x, y), 12);
        Report(nameof(FdSmoothConv), GradientCheck.Check(FdSmoothConv.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, y)));
    }

    [Fact]
    public void Hinge_loss_matches_finite_differences()
    {
        var model = new FdHinge();
        GradientCheck.Randomize(FdHinge.ParameterNames, model.Parameter, seed: 620);
        double[] x = TestData.Doubles(4 * FdHinge.InputSize, seed: 65);
        int[] labels = TestData.Labels(4, FdHinge.OutputSize, seed: 66);
        double loss = model.ComputeGradients(x, labels);
        Assert.True(loss > 0, "every margin satisfied: the check would see only zeros");
        Assert.Equal(loss, model.Evaluate(x, labels), 12);
        Report(nameof(FdHinge), GradientCheck.Check(FdHinge.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, labels)));
    }

    [Fact]
    public void Mean_absolute_error_matches_finite_differences()
    {
        var model = new FdMae();
        GradientCheck.Randomize(FdMae.ParameterNames, model.Parameter, seed: 630);
        double[] x = TestData.Doubles(4 * FdMae.InputSize, seed: 67);
        double[] y = TestData.Doubles(4 * FdMae.OutputSize, seed: 68);
        Assert.Equal(model.ComputeGradients(x, y), model.Evaluate(x, y), 12);
        Report(nameof(FdMae), GradientCheck.Check(FdMae.ParameterNames, model.Parameter, model.Gradient, x, model.InputGradient,
            () => model.Evaluate(x, y)));
    }
}
