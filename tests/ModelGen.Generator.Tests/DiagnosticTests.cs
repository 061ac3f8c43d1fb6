using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// One test (or theory) per diagnostic ID. Each asserts the ID, severity, location (the marked <c>[| |]</c> span: the
/// offending attribute), a piece of the message, and that nothing else at all was reported. Errors must stop
/// generation (only a stand-in that throws is written, and code using the model compiles against it); warnings must not, and the code generated despite them must compile cleanly.
/// Test names start with the ID they cover (<see cref="EveryDiagnosticHasATest"/> checks that none is forgotten).
/// </summary>
public partial class DiagnosticTests
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;

    /// <summary>A file holding <paramref name="attributes"/> on <paramref name="declaration"/> (internal: no doc comments needed).</summary>
    private static string Source(string attributes, string declaration = "partial class M;") => $"""
        using ModelGen;

        {attributes}
        {declaration}
        """;

    /// <summary>Trainable boilerplate after the given layers.</summary>
    private const string Mse = "[Loss(LossFunction.MeanSquaredError)] [Sgd]";

    /// <summary>
    /// Runs a declaration with errors: the model is not generated, but (where the class can take one) a stand-in is,
    /// and code that uses every member of the model compiles against it with no diagnostic besides the MG ones.
    /// </summary>
    private static ModelGenRun RunWithError(params string[] sources)
    {
        ModelGenRun run = ModelGenRun.Run(sources);
        Assert.DoesNotContain(run.Sources, s => !s.Text.Contains("this is a stand-in, not the model", StringComparison.Ordinal));
        StandIns.AssertUsable(sources, run);
        return run;
    }

    private static ModelGenRun RunWithWarning(params string[] sources)
    {
        ModelGenRun run = ModelGenRun.Run(sources);
        Assert.Single(run.Sources);
        return run;
    }

    [Fact]
    public void MG0001_ModelNotPartial()
    {
        RunWithError(Source("[[|Model|]] [Input(2)] [Dense(1)]", "class M;"))
            .Should().Has("MG0001", Error, 0, "The [Model] class 'M' must be declared partial").AndNoOther();
    }

    [Fact]
    public void MG0001_ModelNotPartial_PointsAtModelAttributeAfterOthers()
    {
        // Ordinals count only ModelGen's attributes; [Model] comes last here, after a foreign attribute in its list.
        RunWithError(Source("[Input(2)] [Dense(1)]\n[System.Serializable, [|Model(Seed = 1)|]]", "class M;"))
            .Should().Has("MG0001", Error, 0).AndNoOther();
    }

    [Fact]
    public void MG0002_MissingInput()
    {
        RunWithError(Source("[[|Model|]] [Dense(1)]"))
            .Should().Has("MG0002", Error, 0, "Model 'M' has no [Input] attribute").AndNoOther();
    }

    [Fact]
    public void MG0003_NoLayers()
    {
        RunWithError(Source("[[|Model(BatchSize = 4)|]] [Input(2)]"))
            .Should().Has("MG0003", Error, 0, "Model 'M' has no layers").AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [[|Input(2, 3)|]] [Dense(1)]", "[Input] shape [2, 3] is not supported: a sample must be a vector [features] or an image [channels, height, width], but this has rank 2")]
    [InlineData("[Model] [[|Input()|]] [Dense(1)]", "[Input] shape [] is not supported: a sample must be a vector")]
    [InlineData("[Model] [[|Input(1, 2, 3, 4)|]] [Dense(1)]", "but this has rank 4")]
    [InlineData("[Model] [[|Input(0)|]] [Dense(1)]", "[Input] shape [0] is not supported: every dimension must be at least 1")]
    [InlineData("[Model] [[|Input(3, -2, 2)|]] [Dense(1)]", "[Input] shape [3, -2, 2] is not supported: every dimension must be at least 1")]
    [InlineData("[Model(BatchSize = 64)] [[|Input(1000, 1000, 1000)|]] [Dense(1)]", "a batch of such samples does not fit in one array")]
    public void MG0004_InvalidInputShape(string attributes, string message)
    {
        RunWithError(Source(attributes)).Should().Has("MG0004", Error, 0, message).AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(1, 4, 4)] [[|Dense(3)|]]", "dense layer 'dense0' cannot take its input of shape [1 x 4 x 4]: a dense layer needs a vector; put [Flatten] before it")]
    [InlineData("[Model] [Input(4)] [[|Flatten|]] [Dense(3)]", "flatten layer 'flatten0' cannot take its input of shape [4]")]
    [InlineData("[Model] [Input(2, 2, 2)] [ReLU] [[|Softmax|]]", "Softmax layer 'softmax0' cannot take its input of shape [2 x 2 x 2]")]
    [InlineData("[Model] [Input(2, 2, 2)] [Tanh] [[|Loss(LossFunction.MeanSquaredError)|]] [Sgd]", "Loss MeanSquaredError cannot take its input of shape [2 x 2 x 2]: a loss compares vectors")]
    [InlineData("[Model(BatchSize = 8)] [Input(2)] [[|Dense(1000000000)|]]", "its output [1000000000] times BatchSize does not fit in one array")]
    [InlineData("[Model(BatchSize = 1)] [Input(1, 256, 256)] [[|Conv2D(65536, 1)|]]", "its output [65536 x 256 x 256] times BatchSize does not fit in one array")]
    [InlineData("[Model(BatchSize = 1)] [Input(100000000)] [[|Concat(\"input\", \"input\", \"input\", \"input\", \"input\", \"input\", \"input\", \"input\", \"input\", \"input\")|]] [Dense(1)]", "its output [1100000000] times BatchSize does not fit in one array")]
    [InlineData("[Model(BatchSize = 1)] [Input(64, 64, 64)] [[|Conv2D(8, 64, Padding = Padding.Same)|]] [GlobalAvgPool2D] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [Sgd]", "its backward pass needs a scratch array of 1073741824 values per thread")]
    [InlineData("[Model] [Input(16)] [[|Conv2D(4, 3)|]]", "convolution 'conv2d0' cannot take its input of shape [16]: a convolution needs a [channels x height x width] tensor, but gets a vector")]
    [InlineData("[Model] [Input(8)] [[|MaxPool2D(2)|]]", "MaxPool2D layer 'maxpool2d0' cannot take its input of shape [8]: pooling needs a [channels x height x width] tensor")]
    [InlineData("[Model] [Input(1, 4, 6)] [[|Conv2D(2, 5)|]] [Flatten] [Dense(1)]", "convolution 'conv2d0' cannot take its input of shape [1 x 4 x 6]: its 5x5 kernel is larger than its input of 4x6")]
    [InlineData("[Model] [Input(3, 5, 5)] [Conv2D(4, 3)] [[|AvgPool2D(4)|]] [Flatten] [Dense(1)]", "AvgPool2D layer 'avgpool2d0' cannot take its input of shape [4 x 3 x 3]: its 4x4 window is larger than its input of 3x3")]
    public void MG0005_ShapeMismatch(string attributes, string message)
    {
        RunWithError(Source(attributes)).Should().Has("MG0005", Error, 0, message).AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(2)] [[|Dense(0)|]]", "Dense.units is 0, but it must be at least 1")]
    [InlineData("[Model] [Input(2)] [[|Dense(-5)|]] [Dense(1)]", "Dense.units is -5, but it must be at least 1")]
    [InlineData("[Model] [Input(2)] [[|Dense(2, (Activation)99)|]]", "Dense.activation is 99, but it must be a member of Activation")]
    [InlineData("[Model] [Input(2)] [[|Dense(2, WeightInit = (Init)42)|]]", "Dense.WeightInit is 42, but it must be a member of Init")]
    [InlineData("[Model] [Input(2)] [[|Dense(2, BiasInit = (Init)(-1))|]]", "Dense.BiasInit is -1, but it must be a member of Init")]
    [InlineData("[Model] [Input(2)] [[|Dense(2, L1 = -0.5)|]]", "Dense.L1 is -0.5, but it must be finite and at least 0")]
    [InlineData("[Model] [Input(2)] [[|Dense(2, L2 = double.NaN)|]]", "Dense.L2 is NaN, but it must be finite and at least 0")]
    [InlineData("[[|Model(BatchSize = 0)|]] [Input(2)] [Dense(1)]", "Model.BatchSize is 0, but it must be at least 1")]
    [InlineData("[[|Model(Precision = (Precision)2)|]] [Input(2)] [Dense(1)]", "Model.Precision is 2, but it must be Precision.Single or Precision.Double")]
    [InlineData("[[|Model(Threads = -1)|]] [Input(2)] [Dense(1)]", "Model.Threads is -1, but it must be between 0 (the process-wide limit) and 64")]
    [InlineData("[[|Model(Threads = 65)|]] [Input(2)] [Dense(1)]", "Model.Threads is 65, but it must be between 0 (the process-wide limit) and 64")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|LeakyReLU(-0.25)|]]", "LeakyReLU.alpha is -0.25, but it must be finite and at least 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|LeakyReLU(1e39)|]]", "LeakyReLU.alpha is 1e39, but it must be finite in single precision (at most 3.4028235e38 in magnitude)")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Sgd(Momentum = 1e39)|]]", "Sgd.Momentum is 1e39, but it must be finite in single precision")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Adam(Epsilon = 1e-50)|]]", "Adam.Epsilon is 1e-50, but it must be 0 or at least 1.4e-45 in magnitude in single precision")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [[|Loss((LossFunction)9)|]] [Sgd]", "Loss.loss is 9, but it must be a member of LossFunction")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Sgd(LearningRate = 0)|]]", "Sgd.LearningRate is 0, but it must be finite and greater than 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Sgd(LearningRate = -0.1)|]]", "Sgd.LearningRate is -0.1, but it must be finite and greater than 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Sgd(LearningRate = double.PositiveInfinity)|]]", "Sgd.LearningRate is Infinity, but it must be finite and greater than 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Sgd(Momentum = -0.9)|]]", "Sgd.Momentum is -0.9, but it must be finite and at least 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Sgd(Dampening = 1.5)|]]", "Sgd.Dampening is 1.5, but it must be in [0, 1]")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Sgd(WeightDecay = -1e-4)|]]", "Sgd.WeightDecay is -0.0001, but it must be finite and at least 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Sgd(Nesterov = true)|]]", "Sgd.Momentum is 0, but it must be greater than 0 when Nesterov is true")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Sgd(Momentum = 0.9, Dampening = 0.1, Nesterov = true)|]]", "Sgd.Dampening is 0.1, but it must be 0 when Nesterov is true")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Adam(Beta1 = 1)|]]", "Adam.Beta1 is 1, but it must be in [0, 1)")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|AdamW(Beta2 = -0.5)|]]", "AdamW.Beta2 is -0.5, but it must be in [0, 1)")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|NAdam(Epsilon = 0)|]]", "NAdam.Epsilon is 0, but it must be finite and greater than 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|RmsProp(Alpha = 1.5)|]]", "RmsProp.Alpha is 1.5, but it must be in [0, 1)")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|AdaDelta(Rho = 1)|]]", "AdaDelta.Rho is 1, but it must be in [0, 1)")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|AdaGrad(InitialAccumulator = -1)|]]", "AdaGrad.InitialAccumulator is -1, but it must be finite and at least 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [Sgd] [[|GradientClipping(MaxNorm = -1)|]]", "GradientClipping.MaxNorm is -1, but it must be finite and at least 0")]
    [InlineData("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [Sgd] [[|GradientClipping|]]", "GradientClipping.MaxNorm is 0, but it must be greater than 0, or MaxValue greater than 0")]
    [InlineData("[Model] [Input(1, 4, 4)] [[|Conv2D(0, 3)|]] [Flatten] [Dense(1)]", "Conv2D.filters is 0, but it must be at least 1")]
    [InlineData("[Model] [Input(1, 4, 4)] [[|Conv2D(2, 0)|]] [Flatten] [Dense(1)]", "Conv2D.kernelSize is 0, but it must be at least 1")]
    [InlineData("[Model] [Input(1, 4, 4)] [[|Conv2D(2, 3, Stride = 0)|]] [Flatten] [Dense(1)]", "Conv2D.Stride is 0, but it must be at least 1")]
    [InlineData("[Model] [Input(1, 4, 4)] [[|Conv2D(2, 3, L2 = -1)|]] [Flatten] [Dense(1)]", "Conv2D.L2 is -1, but it must be finite and at least 0")]
    [InlineData("[Model] [Input(1, 4, 4)] [[|MaxPool2D(0)|]] [Flatten] [Dense(1)]", "MaxPool2D.poolSize is 0, but it must be at least 1")]
    [InlineData("[Model] [Input(1, 4, 4)] [[|AvgPool2D(2, Stride = -1)|]] [Flatten] [Dense(1)]", "AvgPool2D.Stride is -1, but it must be at least 1")]
    [InlineData("[Model] [Input(4)] [[|Dropout(1)|]] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd]", "Dropout.rate is 1, but it must be in [0, 1)")]
    [InlineData("[Model] [Input(4)] [[|Dropout(-0.1)|]] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd]", "Dropout.rate is -0.1, but it must be in [0, 1)")]
    [InlineData("[Model] [Input(4)] [[|BatchNorm(Momentum = 1.5)|]] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd]", "BatchNorm.Momentum is 1.5, but it must be in [0, 1]")]
    [InlineData("[Model] [Input(4)] [[|BatchNorm(Epsilon = 0)|]] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd]", "BatchNorm.Epsilon is 0, but it must be finite and greater than 0")]
    [InlineData("[Model] [Input(4)] [[|LayerNorm(Epsilon = -1e-5)|]] [Dense(1)]", "LayerNorm.Epsilon is -1e-5, but it must be finite and greater than 0")]
    public void MG0006_OutOfRange(string attributes, string message)
    {
        RunWithError(Source(attributes)).Should().Has("MG0006", Error, 0, message).AndNoOther();
    }

    [Fact]
    public void MG0005_MG0006_EveryIndependentMistakeOfADeclaration_AtOnce()
    {
        // The Dropout after the convolution that cannot take its input is checked anyway, and so is the pooling reading
        // the input: each mistake on its own attribute. The Flatten and Dense after them read unknown shapes and add nothing.
        RunWithError(Source("""
            [Model] [Input(1, 4, 4)]
            [[|Conv2D(2, 5)|]]
            [[|Dropout(1.5)|]]
            [[|MaxPool2D(8, From = "input")|]]
            [Flatten] [Dense(3, From = "conv2d0")] [[|Dense(2, L2 = -1)|]]
            [Loss(LossFunction.MeanSquaredError)] [[|Sgd(LearningRate = 0)|]]
            """))
            .Should()
            .Has("MG0005", Error, 0, "its 5x5 kernel is larger than its input of 4x4")
            .Has("MG0006", Error, 1, "Dropout.rate is 1.5")
            .Has("MG0005", Error, 2, "its 8x8 window is larger than its input of 4x4")
            .Has("MG0006", Error, 3, "Dense.L2 is -1")
            .Has("MG0006", Error, 4, "Sgd.LearningRate is 0")
            .AndNoOther();
    }

    [Fact]
    public void MG0006_OutOfRange_EveryBadHyperparameterOfOneAttribute()
    {
        RunWithError(Source("[Model] [Input(2)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [[|Sgd(LearningRate = 0, Momentum = -1, WeightDecay = -1)|]]"))
            .Should()
            .Has("MG0006", Error, 0, "Sgd.LearningRate is 0")
            .Has("MG0006", Error, 0, "Sgd.Momentum is -1")
            .Has("MG0006", Error, 0, "Sgd.WeightDecay is -1")
            .AndNoOther();
    }

    [Fact]
    public void MG0007_CrossEntropyClasses()
    {
        RunWithError(Source("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [Dense(1)] [[|Loss(LossFunction.CrossEntropy)|]] [Sgd]"))
            .Should().Has("MG0007", Error, 0, "CrossEntropy needs at least 2 outputs (one per class), but the last layer has 1").AndNoOther();
    }

    [Fact]
    public void MG0008_LossWithoutOptimizer()
    {
        RunWithError(Source("[Model] [Input(2)] [Dense(1)] [[|Loss(LossFunction.MeanSquaredError)|]]"))
            .Should().Has("MG0008", Error, 0, "Model 'M' has a [Loss] but no optimizer").AndNoOther();
    }

    [Fact]
    public void MG0009_OptimizerWithoutLoss()
    {
        RunWithError(Source("[Model] [Input(2)] [Dense(1)] [[|Sgd(LearningRate = 0.5)|]]"))
            .Should().Has("MG0009", Error, 0, "[Sgd] has nothing to minimize; add a [Loss] to model 'M'").AndNoOther();
    }

    [Fact]
    public void MG0010_MultipleOptimizers_SameKind()
    {
        RunWithError(Source("[Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd] [[|Sgd(LearningRate = 0.5)|]]"))
            .Should().Has("MG0010", Error, 0, "Model 'M' already has the optimizer [Sgd]; a model takes exactly one, so remove [Sgd] or the other").AndNoOther();
    }

    [Fact]
    public void MG0010_MultipleOptimizers_DifferentKinds()
    {
        // Only the first optimizer is read and checked; the second one is reported as the extra, nothing more.
        RunWithError(Source("[Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd(Momentum = 0.9)] [[|Adam|]]"))
            .Should().Has("MG0010", Error, 0, "already has the optimizer [Sgd]; a model takes exactly one, so remove [Adam] or the other").AndNoOther();
    }

    [Fact]
    public void MG0011_SeveralDeclarations_InAnotherFile()
    {
        RunWithError(
                Source("[Model] [Input(2)] [Dense(4, Activation.Tanh)]"),
                Source("[[|Dense(1)|]] [[|Loss(LossFunction.MeanSquaredError)|]]\n[[|Sgd|]]"))
            .Should()
            .Has("MG0011", Error, 0, "[Dense] is on a different partial declaration of 'M' than [Model]")
            .Has("MG0011", Error, 1, "[Loss] is on a different partial declaration of 'M' than [Model]")
            .Has("MG0011", Error, 2, "[Sgd] is on a different partial declaration of 'M' than [Model]")
            .AndNoOther();
    }

    [Fact]
    public void MG0011_SeveralDeclarations_ModelOnTheSecondDeclaration()
    {
        // The declaration that carries [Model] defines the model; attributes of the other declaration are the strays.
        RunWithError(Source("[[|Dense(1)|]]\npartial class M;\n[Model] [Input(2)] [Dense(3)]"))
            .Should().Has("MG0011", Error, 0, "[Dense] is on a different partial declaration of 'M' than [Model]").AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(2)] [[|Input(3)|]] [Dense(1)]", "[Input] is given more than once on model 'M'; keep one")]
    [InlineData("[Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [[|Loss(LossFunction.MeanSquaredError)|]] [Sgd]", "[Loss] is given more than once on model 'M'; keep one")]
    public void MG0012_DuplicateAttribute(string attributes, string message)
    {
        RunWithError(Source(attributes)).Should().Has("MG0012", Error, 0, message).AndNoOther();
    }

    [Theory]
    [InlineData("[[|Model|]] [Input(2)] [Dense(1)]", "partial class M<T>;", "ModelGen cannot generate model 'M': a model class cannot be generic")]
    [InlineData("[[|Model|]] [Input(2)] [Dense(1)]", "static partial class M;", "ModelGen cannot generate model 'M': a model class cannot be static")]
    [InlineData("", "class Outer { [[|Model|]] [Input(2)] [Dense(1)] partial class M; }", "its containing type 'Outer' must be partial too")]
    public void MG0013_UnsupportedType(string attributes, string declaration, string message)
    {
        RunWithError(Source(attributes, declaration)).Should().Has("MG0013", Error, 0, message).AndNoOther();
    }

    [Theory]
    [InlineData("partial class M { public M() { } }", "it declares its own constructor M(), which ModelGen generates")]
    [InlineData("partial class M { public M(int size) { } }", "it declares its own constructor M(int), which ModelGen generates")]
    public void MG0013_UnsupportedType_OwnSeedConstructor(string declaration, string message)
    {
        RunWithError(Source("[[|Model|]] [Input(2)] [Dense(1)]", declaration)).Should().Has("MG0013", Error, 0, message).AndNoOther();
    }

    [Theory]
    [InlineData("partial class M { public int Rows = 1; }", "it declares 'Rows', a name ModelGen generates into the class; rename that member")]
    [InlineData("partial class M { public long Step { get; set; } }", "it declares 'Step', a name ModelGen generates")]
    [InlineData("partial class M { public class Predict { } }", "it declares 'Predict', a name ModelGen generates")]
    [InlineData("partial class M { public const int InputSize = 3; }", "it declares 'InputSize', a name ModelGen generates")]
    [InlineData("partial class M { public float[] _dense0Output = new float[1]; }", "it declares '_dense0Output', a name ModelGen generates")]
    [InlineData("partial class M : B; class B { public void Predict() { } }", "it inherits 'Predict', a name ModelGen generates into the class, which would hide it")]
    [InlineData("partial class M : B { public M(string name) : base(name.Length) { } } class B { public B(int size) { } }", "its base class 'B' has no constructor without arguments")]
    [InlineData("partial class System;", "a class named 'System' in the global namespace hides the namespace the generated code uses")]
    [InlineData("partial class M(string name) { public string Name => name; }", "it has a primary constructor")]
    [InlineData("file partial class M;", "a file-local class cannot be generated")]
    public void MG0013_UnsupportedType_MembersThatWouldCollide(string declaration, string message)
    {
        RunWithError(Source("[[|Model|]] [Input(2)] [Dense(1)]", declaration)).Should().Has("MG0013", Error, 0, message).AndNoOther();
    }

    [Fact]
    public void ConstructorsWithOtherParameters_AreTheUsersOwnBusiness()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [Input(2)] [Dense(1)]", "partial class M { public M(string name) : this() { Name = name; } public string Name { get; } = \"\"; }"));
        run.Should().AndNoOther();
        Assert.False(run.Sources.IsEmpty);
    }

    [Fact]
    public void MG0013_UnsupportedType_GenericContainingType_IsReportedOnce()
    {
        // The model class itself has no type parameters; only its container does (IsGenericType is true for both, so
        // the parser must look at the class's own type parameters, or a second, wrong "cannot be generic" appears).
        RunWithError(Source("", "partial class Outer<T> { [[|Model|]] [Input(2)] [Dense(1)] partial class M; }"))
            .Should().Has("MG0013", Error, 0, "ModelGen cannot generate model 'M': its containing type 'Outer' is generic").AndNoOther();
    }

    [Fact]
    public void MG0014_InputAfterLayers()
    {
        RunWithError(Source("[Model] [Dense(3)] [[|Input(2)|]] [Dense(1)]"))
            .Should().Has("MG0014", Error, 0, "[Input] must be written before the first layer of model 'M'").AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(1, 8, 8)] [[|Conv2D(4, 3, Stride = 2, Padding = Padding.Same)|]] [Flatten] [Dense(2)]",
        "Padding.Same with Stride = 2 on convolution 'conv2d0' (PyTorch allows 'same' only with stride 1) is not supported")]
    public void MG0015_NotSupportedYet(string attributes, string message)
    {
        RunWithError(Source(attributes)).Should().Has("MG0015", Error, 0, message + " by this version of ModelGen yet").AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(2)] [[|Dense(1, Name = \"1st\")|]]", "Layer name '1st' must start with a letter and hold only letters, digits and underscores")]
    [InlineData("[Model] [Input(2)] [[|Dense(1, Name = \"\")|]]", "Layer name '' must start with a letter")]
    [InlineData("[Model] [Input(2)] [[|Dense(1, Name = \"my layer\")|]]", "Layer name 'my layer' must start with a letter")]
    [InlineData("[Model] [Input(2)] [[|Dense(1, Name = \"caf\u00e9\")|]]", "Layer name 'caf\u00e9' must start with a letter")]
    [InlineData("[Model] [Input(2)] [Dense(3, Name = \"dense1\")] [[|Dense(1)|]]", "Layer name 'dense1' is already the name of another layer (names ignore case)")]
    [InlineData("[Model] [Input(2)] [Dense(3, Name = \"hidden\")] [[|ReLU(Name = \"Hidden\")|]] [Dense(1)]", "Layer name 'Hidden' is already the name of another layer")]
    public void MG0016_InvalidLayerName(string attributes, string message)
    {
        RunWithError(Source(attributes)).Should().Has("MG0016", Error, 0, message).AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [[|Dense(3, Activation.Softmax)|]] [Loss(LossFunction.CrossEntropy)] [Sgd]", "dense layer 'dense1' applies softmax to the logits that CrossEntropy expects")]
    [InlineData("[Model] [Input(4)] [Dense(3)] [[|Softmax|]] [Loss(LossFunction.CrossEntropy)] [Sgd]", "Softmax layer 'softmax0' applies softmax to the logits")]
    public void MG1001_SoftmaxBeforeCrossEntropy(string attributes, string message)
    {
        RunWithWarning(Source(attributes)).Should().Has("MG1001", Warning, 0, message).AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(4)] [[|Dense(1, Activation.Sigmoid)|]] [Loss(LossFunction.BinaryCrossEntropy)] [Sgd]", "dense layer 'dense0' applies a sigmoid to the logits that BinaryCrossEntropy expects")]
    [InlineData("[Model(Precision = Precision.Double)] [Input(4)] [Dense(1)] [[|Sigmoid(Name = \"prob\")|]] [Loss(LossFunction.BinaryCrossEntropy)] [Sgd]", "Sigmoid layer 'prob' applies a sigmoid")]
    public void MG1002_SigmoidBeforeBinaryCrossEntropy(string attributes, string message)
    {
        RunWithWarning(Source(attributes)).Should().Has("MG1002", Warning, 0, message).AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(4)] [[|Dense(8, Activation.Tanh, WeightInit = Init.Zeros)|]] [Dense(1)]", "dense layer 'dense0' starts every weight at 0 and dense layer 'dense1' follows it")]
    [InlineData("[Model] [Input(4)] [[|Dense(8, WeightInit = Init.Ones)|]] [ReLU] [Dense(2, Name = \"head\")]", "dense layer 'dense0' starts every weight at 1 and dense layer 'head' follows it")]
    public void MG1003_SymmetricInit(string attributes, string message)
    {
        RunWithWarning(Source(attributes + " " + Mse)).Should().Has("MG1003", Warning, 0, message).AndNoOther();
    }

    [Fact]
    public void MG1003_SymmetricInit_TwoLayers_WarnsForEach()
    {
        RunWithWarning(Source("[Model] [Input(4)] [[|Dense(8, WeightInit = Init.Zeros)|]] [[|Dense(4, WeightInit = Init.Ones)|]] [Dense(1, WeightInit = Init.Zeros)]"))
            .Should()
            .Has("MG1003", Warning, 0, "'dense0' starts every weight at 0 and dense layer 'dense1' follows it")
            .Has("MG1003", Warning, 1, "'dense1' starts every weight at 1 and dense layer 'dense2' follows it")
            .AndNoOther();
    }

    [Theory]
    // Zero weights on the last layer are fine (logistic regression starts that way); so is softmax before another loss,
    // or a softmax that is not the last layer.
    [InlineData("[Model] [Input(4)] [Dense(8, Activation.ReLU)] [Dense(2, WeightInit = Init.Zeros)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(3, Activation.Softmax)] " + Mse)]
    [InlineData("[Model] [Input(4)] [Dense(3, Activation.Softmax)] [Dense(3)] [Loss(LossFunction.CrossEntropy)] [Sgd]")]
    [InlineData("[Model] [Input(4)] [Dense(1, Activation.Sigmoid)] " + Mse)]
    public void NoWarning_ForDeclarationsThatOnlyLookLikePitfalls(string attributes)
    {
        ModelGenRun run = ModelGenRun.Run(Source(attributes));
        Assert.Single(run.Sources);
        run.Should().AndNoOther();
    }

    [Fact]
    public void MG1004_NoEffectWhenInferenceOnly()
    {
        RunWithWarning(Source("[Model] [Input(2)] [Dense(1)] [[|GradientClipping(MaxNorm = 1)|]]"))
            .Should().Has("MG1004", Warning, 0, "[GradientClipping] only acts during training, and this model has no [Loss] and optimizer, so it has no effect").AndNoOther();
        RunWithWarning(Source("[Model] [Input(4)] [Dense(3)] [[|Dropout(0.5)|]] [BatchNorm] [Dense(1)]"))
            .Should()
            .Has("MG1004", Warning, 0, "[Dropout] only acts during training")
            .AndNoOther();
        // Batch norm applies its running statistics in inference (loaded, for example imported, weights): no warning.
        ModelGenRun.Run(Source("[Model] [Input(4)] [Dense(3, UseBias = false)] [BatchNorm] [Dense(1)]")).Should().AndNoOther();
    }

    [Fact]
    public void MG1005_BatchNormBeforeLoss()
    {
        RunWithWarning(Source("[Model] [Input(4)] [Dense(3, UseBias = false)] [[|BatchNorm|]] [Loss(LossFunction.MeanSquaredError)] [Sgd]"))
            .Should().Has("MG1005", Warning, 0, "batch norm 'batchnorm0' normalizes the network's output right before the loss").AndNoOther();
        // Batch norm inside the network is the normal use, and training-mode layers in a trainable model warn about nothing
        // (the dense layer's bias, which the batch norm cancels, draws only a suggestion).
        RunWithWarning(Source("[Model] [Input(4)] [[|Dense(3)|]] [BatchNorm] [Dropout(0.1)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [Sgd]"))
            .Should().Has("MG1013", Info, 0).AndNoOther();
    }

    [Fact]
    public void Errors_AreAllReported_AndEachOnItsOwnAttribute()
    {
        RunWithError(Source("[[|Model(BatchSize = 0)|]] [Input(2)] [[|Dense(3, Name = \"bad name\")|]] [[|Loss(LossFunction.MeanSquaredError)|]]"))
            .Should()
            .Has("MG0006", Error, 0, "Model.BatchSize is 0")
            .Has("MG0016", Error, 1, "Layer name 'bad name'")
            .Has("MG0008", Error, 2, "has a [Loss] but no optimizer")
            .AndNoOther();
    }

    [Fact]
    public void OtherModelsInTheSameCompilation_AreStillGenerated()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [Input(2)] [[|Dense(0)|]]", "partial class Bad;") + "\n" +
                                          "[Model] [Input(2)] [Dense(1)] partial class Good;");
        run.Should().Has("MG0006", Error, 0, "Dense.units is 0").AndNoOther();
        Assert.Equal(new[] { "Bad.g.cs", "Good.g.cs" }, run.Sources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Contains("this is a stand-in, not the model", run.Sources.Single(s => s.HintName == "Bad.g.cs").Text, StringComparison.Ordinal);
        Assert.DoesNotContain("stand-in", run.Sources.Single(s => s.HintName == "Good.g.cs").Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Model] [Input(4)] [Dense(3)] [[|Dense(2, From = \"hidden\")|]]",
        "dense layer 'dense1' reads 'hidden', which is not the name of any layer; it can read input, dense0")]
    [InlineData("[Model] [Input(4)] [[|Dense(3, From = \"head\")|]] [Dense(2, Name = \"head\")]",
        "dense layer 'dense0' reads 'head', which is declared after it (a layer reads only layers written before it); it can read input")]
    [InlineData("[Model] [Input(4)] [Dense(3)] [[|Dense(3, Name = \"me\", From = \"me\")|]]",
        "dense layer 'me' reads 'me', which is this layer itself; it can read input, dense0")]
    [InlineData("[Model] [Input(4)] [Dense(4, Name = \"Stem\")] [Dense(4)] [[|Add(\"stem\")|]]",
        "add layer 'add0' reads 'stem', which is not a layer's name (names are case-sensitive here: did you mean 'Stem'?); it can read input, Stem, dense1")]
    [InlineData("[Model] [Input(4)] [Dense(4)] [[|Concat(\"dense0\", \"later\")|]] [Dense(2, Name = \"later\")]",
        "concat layer 'concat0' reads 'later', which is declared after it")]
    public void MG0017_UnknownLayerReference(string attributes, string message)
    {
        RunWithError(Source(attributes)).Should().Has("MG0017", Error, 0, message).AndNoOther();
    }

    [Fact]
    public void MG0017_UnknownLayerReference_ReportsEveryBadName_AndStopsThere()
    {
        // Both names of the merge are reported on its attribute; the layers after it are not checked against a guess.
        RunWithError(Source("[Model] [Input(4)] [Dense(4)] [[|Add(\"a\", \"b\")|]] [Dense(2)]"))
            .Should().Has("MG0017", Error, 0, "reads 'a'").Has("MG0017", Error, 0, "reads 'b'").AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(4)] [Dense(8, Name = \"h\")] [Dense(6)] [[|Add(\"h\")|]]",
        "add layer 'add0' cannot merge dense1 [6], h [8]: every operand of a sum must have the same shape (no broadcasting)")]
    [InlineData("[Model] [Input(1, 8, 8)] [Conv2D(4, 3, Name = \"a\")] [Conv2D(4, 3, From = \"input\", Padding = Padding.Same)] [[|Concat(\"a\")|]]",
        "concat layer 'concat0' cannot merge conv2d1 [4 x 8 x 8], a [4 x 6 x 6]: a concatenation joins vectors, or images of one height and width along their channels")]
    [InlineData("[Model] [Input(1, 4, 4)] [Flatten(Name = \"f\")] [Conv2D(2, 3, From = \"input\")] [[|Concat(\"f\", \"input\")|]]",
        "concat layer 'concat0' cannot merge conv2d0 [2 x 2 x 2], f [16], input [1 x 4 x 4]")]
    public void MG0018_MergeShapeMismatch(string attributes, string message)
    {
        RunWithError(Source(attributes)).Should().Has("MG0018", Error, 0, message).AndNoOther();
    }

    [Fact]
    public void MG0016_InvalidLayerName_InputIsReserved()
    {
        RunWithError(Source("[Model] [Input(4)] [[|Dense(4, Name = \"Input\")|]] [Dense(2)]"))
            .Should().Has("MG0016", Error, 0, "Layer name 'Input' is reserved: From = \"input\" reads the model's input").AndNoOther();
    }

    [Fact]
    public void MG0006_OutOfRange_MergeWithoutNames()
    {
        RunWithError(Source("[Model] [Input(4)] [Dense(4)] [[|Add|]] [Dense(2)]"))
            .Should().Has("MG0006", Error, 0, "Add.from is empty, but it must be at least one earlier layer's name").AndNoOther();
    }

    [Fact]
    public void MG0005_ShapeMismatch_GlobalAveragePoolingOfAVector()
    {
        RunWithError(Source("[Model] [Input(4)] [[|GlobalAvgPool2D|]] [Dense(2)]"))
            .Should().Has("MG0005", Error, 0, "global average pooling 'globalavgpool2d0' cannot take its input of shape [4]: global average pooling needs a [channels x height x width] tensor").AndNoOther();
    }

    [Fact]
    public void MG1006_UnreadOutput()
    {
        RunWithWarning(Source("[Model] [Input(4)] [Dense(8, Name = \"h\")] [[|Dense(3, Name = \"unused\")|]] [Dense(2, From = \"h\")]"))
            .Should().Has("MG1006", Warning, 0, "dense layer 'unused' computes an output that no layer reads").AndNoOther();
    }

    [Fact]
    public void MG1006_UnreadOutput_EveryLayerOfADeadBranch()
    {
        // a is read only by b, which nothing reads: both are dead, and both are reported (not only the branch's end).
        ModelGenRun run = RunWithWarning(Source("[Model] [Input(4)] [[|Dense(8, Name = \"a\")|]] [[|Dense(8, From = \"a\", Name = \"b\")|]] [Dense(3, From = \"input\")] [Loss(LossFunction.MeanSquaredError)] [Sgd]"));
        run.Should().Has("MG1006", Warning, 0, "dense layer 'a'").Has("MG1006", Warning, 1, "dense layer 'b'").AndNoOther();
        // Dead layers do not run: neither forward nor backward touches them.
        Assert.Contains("// a: skipped, the output does not depend on it", run.Source.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Dense.Forward<float>(inputs, AWeight", run.Source.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryDiagnosticHasATest()
    {
        string[] tested = typeof(DiagnosticTests).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .Select(m => m.Name.Split('_')[0])
            .ToArray();
        string[] untested = DiagnosticDescriptors.ById.Keys.Where(id => !tested.Contains(id)).OrderBy(id => id, StringComparer.Ordinal).ToArray();
        Assert.True(untested.Length == 0, "No test for " + string.Join(", ", untested));
    }

    [Fact]
    public void Descriptors_AreAllSupported_WithStableSeverityAndHelpLink()
    {
        var analyzer = new ModelAnalyzer();
        Assert.Equal(
            DiagnosticDescriptors.ById.Keys.OrderBy(id => id, StringComparer.Ordinal),
            analyzer.SupportedDiagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
        foreach (DiagnosticDescriptor d in analyzer.SupportedDiagnostics)
        {
            Assert.Matches("^MG[01][0-9]{3}$", d.Id);
            Assert.Equal(d.Id.StartsWith("MG0", StringComparison.Ordinal) ? DiagnosticSeverity.Error
                : Suggestions.Contains(d.Id) ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning, d.DefaultSeverity);
            Assert.Equal(DiagnosticDescriptors.IsError(d.Id), d.DefaultSeverity == DiagnosticSeverity.Error);
            Assert.True(d.IsEnabledByDefault, d.Id);
            Assert.Equal("ModelGen", d.Category);
            Assert.Equal(DiagnosticDescriptors.HelpBase + d.Id.ToLowerInvariant(), d.HelpLinkUri);
            Assert.True(Uri.IsWellFormedUriString(d.HelpLinkUri, UriKind.Absolute), d.HelpLinkUri);
        }
    }

    [Fact]
    public void HelpLinks_PointAtTheProjectsHome_AndEveryAnchorIsInTheReadme()
    {
        string root = RepositoryRoot();
        string props = File.ReadAllText(Path.Combine(root, "Directory.Build.props"));
        Match url = Regex.Match(props, "<ModelGenRepositoryUrl>(.*?)</ModelGenRepositoryUrl>");
        Assert.True(url.Success, "Directory.Build.props has no ModelGenRepositoryUrl");
        Assert.StartsWith(url.Groups[1].Value + "#", DiagnosticDescriptors.HelpBase, StringComparison.Ordinal);
        Assert.Equal(url.Groups[1].Value.Length + 1, DiagnosticDescriptors.HelpBase.Length);
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        foreach (string id in DiagnosticDescriptors.ById.Keys.Append(GeneratorMissing.DiagnosticId))
            Assert.Contains($"<a id=\"{id.ToLowerInvariant()}\"></a>", readme, StringComparison.Ordinal);
        Assert.StartsWith(url.Groups[1].Value + "#", GeneratorMissing.HelpUrl, StringComparison.Ordinal);
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "")
    {
        for (string? dir = Path.GetDirectoryName(thisFile); dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "ModelGen.sln"))) return dir;
        throw new InvalidOperationException("ModelGen.sln not found above " + thisFile);
    }
}
