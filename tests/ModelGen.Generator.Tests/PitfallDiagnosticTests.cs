using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The training pitfalls of the lecture notes caught at compile time (MG0019, MG1007 to MG1015): each with a case that
/// is reported and a near miss that is not. Part of <see cref="DiagnosticTests"/>, whose rules apply (names start with the ID).
/// </summary>
public partial class DiagnosticTests
{
    private const DiagnosticSeverity Info = DiagnosticSeverity.Info;

    /// <summary>The MG1xxx IDs reported as suggestions (Info) rather than warnings.</summary>
    private static readonly HashSet<string> Suggestions = new() { "MG1008", "MG1009", "MG1010", "MG1013" };

    // ---- MG0019: batch norm of a vector in a model that trains on one sample at a time ----

    [Fact]
    public void MG0019_BatchNormOfOneSample()
    {
        RunWithError(Source("[Model(BatchSize = 1)] [Input(4)] [Dense(3, UseBias = false)] [[|BatchNorm|]] [ReLU] [Dense(2)] " + Mse))
            .Should().Has("MG0019", Error, 0, "batch norm 'batchnorm0' normalizes each feature over the batch, but [Model] has BatchSize = 1")
            .AndNoOther();
    }

    [Theory]
    // Two samples are enough; batch norm of an image normalizes each channel over its positions too; an inference-only
    // model never trains (and its batch norm draws no warning: in inference it applies the running statistics).
    [InlineData("[Model(BatchSize = 2)] [Input(4)] [Dense(3, UseBias = false)] [BatchNorm] [ReLU] [Dense(2)] " + Mse)]
    [InlineData("[Model(BatchSize = 1)] [Input(1, 4, 4)] [Conv2D(2, 3, UseBias = false)] [BatchNorm] [ReLU] [Flatten] [Dense(2)] " + Mse)]
    public void MG0019_BatchNormOfOneSample_NotForTwoSamplesOrAnImage(string attributes)
    {
        RunWithWarning(Source(attributes)).Should().AndNoOther();
    }

    // ---- MG1007: four saturating activations in a row ----

    [Fact]
    public void MG1007_SaturatingChain()
    {
        // Fused and layer activations count alike; a chain of five is reported once, where it starts.
        RunWithWarning(Source("[Model] [Input(4)] [[|Dense(8, Activation.Tanh)|]] [Dense(8, Activation.Tanh)] [Sigmoid] [Dense(8, Activation.Tanh)] [Tanh] [Dense(1)] " + Mse))
            .Should().Has("MG1007", Warning, 0,
                "The gradient that reaches dense layer 'dense0' comes back through 5 saturating activations (dense0, dense1, sigmoid0, dense2 and tanh0) with no [BatchNorm], [LayerNorm] or [Add] skip connection between them: the derivative of a sigmoid is at most 1/4")
            .AndNoOther();
    }

    [Fact]
    public void MG1007_SaturatingChain_ThroughAMergeWithoutAShortPath()
    {
        // Both operands of the sum come through three tanh layers: the merge is no skip connection, and the fourth follows.
        RunWithWarning(Source("[Model] [Input(4)] [[|Dense(8, Activation.Tanh)|]] [Dense(8, Activation.Tanh)] [Dense(8, Activation.Tanh, Name = \"a\")] [Dense(8, Activation.Tanh, From = \"dense1\")] [Add(\"a\")] [Tanh] [Dense(1)] " + Mse))
            .Should().Has("MG1007", Warning, 0, "comes back through 4 saturating activations (dense0, dense1, a and tanh0)").AndNoOther();
    }

    [Theory]
    // Three are not a chain; a normalization between them, or a skip connection around the last ones, breaks it;
    // ReLU does not saturate.
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.Tanh)] [Dense(8, Activation.Sigmoid)] [Dense(8, Activation.Tanh)] [Dense(1)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.Tanh)] [Dense(8, Activation.Tanh)] [LayerNorm] [Dense(8, Activation.Tanh)] [Dense(8, Activation.Tanh)] [Dense(1)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.Tanh)] [Dense(8, Activation.Tanh, Name = \"h\")] [Dense(8, Activation.Tanh)] [Dense(8, Activation.Tanh)] [Add(\"h\")] [Dense(1)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.Tanh)] [Dense(8, Activation.ReLU)] [Dense(8, Activation.Tanh)] [Dense(8, Activation.Tanh)] [Dense(1)] " + Mse)]
    public void MG1007_SaturatingChain_NotWhenBroken(string attributes)
    {
        RunWithWarning(Source(attributes)).Should().AndNoOther();
    }

    // ---- MG1008: Glorot before ReLU in a deep stack; MG1009: He before a saturating activation ----

    [Fact]
    public void MG1008_GlorotBeforeRelu()
    {
        // Three weighted layers feed ReLU-family activations (fused, or as the layer that reads them); the He layer and
        // the output layer (linear) are not reported.
        RunWithWarning(Source("[Model] [Input(4)] [[|Dense(8, Activation.ReLU)|]] [[|Dense(8, WeightInit = Init.GlorotNormal)|]] [LeakyReLU] [Dense(8, Activation.ReLU, WeightInit = Init.HeUniform)] [Dense(1)] " + Mse))
            .Should()
            .Has("MG1008", Info, 0, "dense layer 'dense0' feeds a ReLU and starts its weights with Glorot uniform (Init.GlorotUniform, the default), one of 3 layers feeding ReLU-family activations")
            .Has("MG1008", Info, 1, "feeds a leaky ReLU and starts its weights with Glorot normal (Init.GlorotNormal)")
            .AndNoOther();
    }

    [Theory]
    // Two layers are not a deep stack; batch norm between a layer and its ReLU takes care of the scale; LeCun is a choice.
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [Dense(8, Activation.ReLU)] [Dense(1)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(8, UseBias = false)] [BatchNorm] [ReLU] [Dense(8, UseBias = false)] [BatchNorm] [ReLU] [Dense(8, Activation.ReLU, WeightInit = Init.HeNormal)] [Dense(1)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.ReLU, WeightInit = Init.LeCunUniform)] [Dense(8, Activation.ReLU, WeightInit = Init.LeCunNormal)] [Dense(8, Activation.ReLU, WeightInit = Init.HeUniform)] [Dense(1)] " + Mse)]
    public void MG1008_GlorotBeforeRelu_NotInShallowOrNormalizedStacks(string attributes)
    {
        RunWithWarning(Source(attributes)).Should().AndNoOther();
    }

    [Fact]
    public void MG1009_HeBeforeSaturating()
    {
        RunWithWarning(Source("[Model] [Input(4)] [[|Dense(8, Activation.Tanh, WeightInit = Init.HeUniform)|]] [[|Dense(8, WeightInit = Init.HeNormal)|]] [Sigmoid] [Dense(1)] " + Mse))
            .Should()
            .Has("MG1009", Info, 0, "dense layer 'dense0' feeds a tanh but starts its weights with He uniform (Init.HeUniform), whose variance 2/fan_in is made for ReLU (which zeroes half of its inputs): before a tanh it doubles the signal's variance at every layer and drives the units into saturation, where their gradient vanishes. Use WeightInit = Init.GlorotUniform (Glorot, the default) or Init.LeCunUniform (LeCun).")
            .Has("MG1009", Info, 1, "feeds a sigmoid but starts its weights with He normal (Init.HeNormal)")
            .AndNoOther();
    }

    [Theory]
    // He before ReLU is right; Glorot or LeCun before tanh is right; He on the linear output layer feeds nothing.
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.ReLU, WeightInit = Init.HeUniform)] [Dense(8, Activation.Tanh, WeightInit = Init.LeCunNormal)] [Dense(8, Activation.Tanh)] [Dense(1, WeightInit = Init.HeNormal)] " + Mse)]
    public void MG1009_HeBeforeSaturating_NotBeforeReluOrOnTheOutput(string attributes)
    {
        RunWithWarning(Source(attributes)).Should().AndNoOther();
    }

    // ---- MG1010: coupled weight decay on an adaptive optimizer ----

    [Theory]
    [InlineData("Adam(WeightDecay = 1e-2)", "[Adam] applies WeightDecay = 0.01 as coupled L2 decay", "use [AdamW(WeightDecay = ...)], which takes the same arguments.")]
    [InlineData("Adamax(WeightDecay = 5e-4)", "[Adamax] applies WeightDecay = 0.0005 as coupled L2 decay", "use [AdamW(WeightDecay = ...)].")]
    [InlineData("NAdam(WeightDecay = 1e-3)", "[NAdam] applies WeightDecay = 0.001", "Decoupled decay shrinks every weight by the same factor")]
    [InlineData("RmsProp(WeightDecay = 1e-4)", "[RmsProp] applies WeightDecay = 0.0001", "before RmsProp divides it by its running root mean square")]
    public void MG1010_CoupledWeightDecay(string optimizer, string message, string advice)
    {
        ModelGenRun run = RunWithWarning(Source($"[Model] [Input(4)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|{optimizer}|]]"));
        run.Should().Has("MG1010", Info, 0, message).AndNoOther();
        Assert.Contains(advice, run.Diagnostics.Single(d => d.Id == "MG1010").GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    // AdamW's decay is decoupled; SGD's coupled decay is plain L2 (no adaptive scaling to distort it); no decay at all.
    [InlineData("AdamW(WeightDecay = 0.05)")]
    [InlineData("Sgd(WeightDecay = 1e-4)")]
    [InlineData("Adam(WeightDecay = 0)")]
    public void MG1010_CoupledWeightDecay_NotWhenDecoupledOrNotAdaptive(string optimizer)
    {
        RunWithWarning(Source($"[Model] [Input(4)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [{optimizer}]")).Should().AndNoOther();
    }

    // ---- MG1011: a learning rate far outside the optimizer's range ----

    [Theory]
    [InlineData("Adam(LearningRate = 0.5)", "[Adam] LearningRate = 0.5 is far above the range Adam usually trains with (1e-7 to 0.1): every step overshoots")]
    [InlineData("Sgd(LearningRate = 2)", "[Sgd] LearningRate = 2 is far above the range Sgd usually trains with (1e-7 to 1)")]
    [InlineData("RmsProp(LearningRate = 0.3)", "[RmsProp] LearningRate = 0.3 is far above the range RmsProp usually trains with (1e-7 to 0.1)")]
    [InlineData("AdaDelta(LearningRate = 50)", "[AdaDelta] LearningRate = 50 is far above the range AdaDelta usually trains with (1e-7 to 10)")]
    [InlineData("NAdam(LearningRate = 1e-9)", "[NAdam] LearningRate = 1e-9 is far below the range NAdam usually trains with (1e-7 to 0.1): the weights barely move")]
    public void MG1011_LearningRateOutOfRange(string optimizer, string message)
    {
        RunWithWarning(Source($"[Model] [Input(4)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|{optimizer}|]]"))
            .Should().Has("MG1011", Warning, 0, message).AndNoOther();
    }

    [Theory]
    // The edges of the ranges, large but usual rates, and a rate out of range only gets MG0006.
    [InlineData("Adam(LearningRate = 0.1)")]
    [InlineData("Sgd(LearningRate = 1)")]
    [InlineData("AdaGrad(LearningRate = 0.5)")]
    [InlineData("AdaDelta(LearningRate = 1.0)")]
    [InlineData("AdamW(LearningRate = 1e-7)")]
    public void MG1011_LearningRateOutOfRange_NotAtTheEdges(string optimizer)
    {
        RunWithWarning(Source($"[Model] [Input(4)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [{optimizer}]")).Should().AndNoOther();
    }

    [Fact]
    public void MG1011_LearningRateOutOfRange_NotBesideAnErrorOnTheOptimizer()
    {
        RunWithError(Source("[Model] [Input(4)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Adam(LearningRate = 5, Beta1 = 1)|]]"))
            .Should().Has("MG0006", Error, 0, "Adam.Beta1 is 1").AndNoOther();
    }

    // ---- MG1012: batch norm right after dropout ----

    [Fact]
    public void MG1012_BatchNormAfterDropout()
    {
        RunWithWarning(Source("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [Dropout(0.3)] [[|BatchNorm|]] [Dense(2)] " + Mse))
            .Should().Has("MG1012", Warning, 0, "batch norm 'batchnorm0' reads Dropout layer 'dropout0' directly: in training it collects the statistics of dropped-out values").AndNoOther();
    }

    [Theory]
    // Batch norm before dropout is the usual order; a layer between them; a rate of 0 drops nothing.
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [BatchNorm] [Dropout(0.3)] [Dense(2)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [Dropout(0.3)] [Dense(8, UseBias = false)] [BatchNorm] [Dense(2)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [Dropout(0)] [BatchNorm] [Dense(2)] " + Mse)]
    public void MG1012_BatchNormAfterDropout_NotInTheUsualOrder(string attributes)
    {
        RunWithWarning(Source(attributes)).Should().AndNoOther();
    }

    // ---- MG1013: a bias that batch norm cancels ----

    [Fact]
    public void MG1013_BiasBeforeBatchNorm()
    {
        RunWithWarning(Source("[Model] [Input(1, 6, 6)] [[|Conv2D(4, 3)|]] [BatchNorm] [ReLU] [Flatten] [[|Dense(5)|]] [BatchNorm] [Dense(2)] " + Mse))
            .Should()
            .Has("MG1013", Info, 0, "convolution 'conv2d0' adds a bias that batch norm 'batchnorm0' subtracts again with the batch mean (its own shift β takes the bias's role), so the bias gets no gradient and its 4 parameters are wasted: set UseBias = false.")
            .Has("MG1013", Info, 1, "dense layer 'dense0' adds a bias that batch norm 'batchnorm1' subtracts again")
            .AndNoOther();
    }

    [Theory]
    // No bias; an activation between the layer and the batch norm (the bias then matters); another reader of the layer.
    [InlineData("[Model] [Input(4)] [Dense(8, UseBias = false)] [BatchNorm] [Dense(2)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [BatchNorm] [Dense(2)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(8)] [BatchNorm] [Add(\"dense0\")] [Dense(2)] " + Mse)]
    public void MG1013_BiasBeforeBatchNorm_NotWhenTheBiasMatters(string attributes)
    {
        RunWithWarning(Source(attributes)).Should().AndNoOther();
    }

    // ---- MG1014: momentum of 1 or more ----

    [Theory]
    [InlineData("Sgd(Momentum = 1)", "[Sgd] Momentum = 1 keeps every past gradient forever")]
    [InlineData("RmsProp(Momentum = 1.5)", "[RmsProp] Momentum = 1.5 keeps every past gradient forever")]
    public void MG1014_MomentumAtLeastOne(string optimizer, string message)
    {
        RunWithWarning(Source($"[Model] [Input(4)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|{optimizer}|]]"))
            .Should().Has("MG1014", Warning, 0, message).AndNoOther();
    }

    [Theory]
    [InlineData("Sgd(Momentum = 0.99)")]
    [InlineData("RmsProp(Momentum = 0.9)")]
    public void MG1014_MomentumAtLeastOne_NotBelowOne(string optimizer)
    {
        RunWithWarning(Source($"[Model] [Input(4)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [{optimizer}]")).Should().AndNoOther();
    }

    // ---- MG1015: dropout as the last layer ----

    [Fact]
    public void MG1015_DropoutBeforeLoss()
    {
        RunWithWarning(Source("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [Dense(2)] [[|Dropout(0.2)|]] " + Mse))
            .Should().Has("MG1015", Warning, 0, "Dropout layer 'dropout0' is the last layer: in training it zeroes predictions at random").AndNoOther();
    }

    [Theory]
    // Dropout before the last weighted layer is the usual place; an inference-only model only gets MG1004 for it.
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [Dropout(0.5)] [Dense(2)] " + Mse)]
    public void MG1015_DropoutBeforeLoss_NotBeforeTheLastWeightedLayer(string attributes)
    {
        RunWithWarning(Source(attributes)).Should().AndNoOther();
    }
}
