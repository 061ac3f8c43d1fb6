using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

// The range checks of the activations and losses of contract 0.2: Huber's Delta, cross-entropy's LabelSmoothing, each
// only on the loss that uses it (MG0020), and ELU's alpha; each reported on the attribute at fault.
public partial class DiagnosticTests
{
    [Theory]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.Huber, Delta = 0)|]] [Sgd]", "Loss.Delta is 0, but it must be finite and greater than 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.Huber, Delta = -1)|]] [Sgd]", "Loss.Delta is -1, but it must be finite and greater than 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.Huber, Delta = double.PositiveInfinity)|]] [Sgd]", "Loss.Delta is Infinity, but it must be finite and greater than 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.Huber, Delta = double.NaN)|]] [Sgd]", "Loss.Delta is NaN, but it must be finite and greater than 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.Huber, Delta = 1e39)|]] [Sgd]", "Loss.Delta is 1e39, but it must be finite in single precision")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.CrossEntropy, LabelSmoothing = 1)|]] [Sgd]", "Loss.LabelSmoothing is 1, but it must be at least 0 and less than 1")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.CrossEntropy, LabelSmoothing = -0.1)|]] [Sgd]", "Loss.LabelSmoothing is -0.1, but it must be at least 0 and less than 1")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.CrossEntropy, LabelSmoothing = double.NaN)|]] [Sgd]", "Loss.LabelSmoothing is NaN, but it must be at least 0 and less than 1")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Elu(-1)|]]", "Elu.alpha is -1, but it must be finite and at least 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Elu(double.PositiveInfinity)|]]", "Elu.alpha is Infinity, but it must be finite and at least 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Elu(1e39)|]]", "Elu.alpha is 1e39, but it must be finite in single precision")]
    [InlineData("[Model] [Input(2)] [[|Dense(2, (Activation)11)|]]", "Dense.activation is 11, but it must be a member of Activation")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss((LossFunction)6)|]] [Sgd]", "Loss.loss is 6, but it must be a member of LossFunction")]
    public void MG0006_OutOfRange_ActivationAndLossSettings(string attributes, string message)
    {
        RunWithError(Source(attributes)).Should().Has("MG0006", Error, 0, message).AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.MeanSquaredError, Delta = 2)|]] [Sgd]", "[Loss(LossFunction.MeanSquaredError)] sets Delta, which only LossFunction.Huber uses; remove Delta, or use LossFunction.Huber")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.CrossEntropy, Delta = 1)|]] [Sgd]", "[Loss(LossFunction.CrossEntropy)] sets Delta, which only LossFunction.Huber uses")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.Hinge, LabelSmoothing = 0.1)|]] [Sgd]", "[Loss(LossFunction.Hinge)] sets LabelSmoothing, which only LossFunction.CrossEntropy uses; remove LabelSmoothing, or use LossFunction.CrossEntropy")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.Huber, LabelSmoothing = 0)|]] [Sgd]", "[Loss(LossFunction.Huber)] sets LabelSmoothing, which only LossFunction.CrossEntropy uses")]
    public void MG0020_LossSettingNotUsed(string attributes, string message)
    {
        RunWithError(Source(attributes)).Should().Has("MG0020", Error, 0, message).AndNoOther();
    }

    [Fact]
    public void MG0020_MG0006_BothSettingsWrong_BothReported()
    {
        RunWithError(Source("[Model] [Input(2)] [Dense(2)] [[|Loss(LossFunction.CrossEntropy, Delta = 0.5, LabelSmoothing = 2)|]] [Sgd]"))
            .Should()
            .Has("MG0020", Error, 0, "sets Delta")
            .Has("MG0006", Error, 0, "Loss.LabelSmoothing is 2")
            .AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(2)] [Dense(3, Activation.Gelu)] [Gelu(Approximate = true)] [Silu] [Elu(0.5)] [Softplus] [Dense(3, Activation.Elu)] [Loss(LossFunction.Hinge)] [Sgd]")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.Huber, Delta = 0.25)] [Adam]")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.CrossEntropy, LabelSmoothing = 0.2)] [Adam]")]
    [InlineData("[Model(Precision = Precision.Double)] [Input(1, 4, 4)] [Conv2D(2, 3, Activation.Silu)] [Flatten] [Dense(2, Activation.Softplus)] [Loss(LossFunction.MeanAbsoluteError)] [Adam]")]
    public void New_activations_and_losses_in_range_are_accepted_and_compile(string attributes)
    {
        ModelGenRun run = ModelGenRun.Run(Source(attributes));
        run.Should().AndNoOther();
        Assert.Single(run.Sources);
    }
}
