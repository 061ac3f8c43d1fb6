using System.Linq;
using ModelGen.Generator.Model;
using ModelGen.Generator.Graph;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// <see cref="ShapeInference"/> on hand-built <see cref="ModelSpec"/> values, without Roslyn: shapes, parameter
/// layout, layer names and problems. Ordinals are made up; a problem must carry the ordinal of the attribute it is about.
/// </summary>
public class ShapeInferenceTests
{
    private const int ModelOrdinal = 0, InputOrdinal = 1;

    private static ModelSpec Spec(int[]? input, LayerSpec[] layers, LossSpec? loss = null, OptimizerSpec? optimizer = null,
        int batchSize = 32, PrecisionKind precision = PrecisionKind.Single, Problem[]? parserProblems = null) =>
        new(new TypeSpec("Demo", "M", "class", EquatableArray<ContainingTypeSpec>.Empty), ModelOrdinal, batchSize, 0, precision,
            input is null ? null : new InputSpec(InputOrdinal, input.ToEquatableArray()),
            layers.ToEquatableArray(), loss, optimizer, null, (parserProblems ?? new Problem[0]).ToEquatableArray());

    /// <summary>Layers numbered from ordinal 2 (after [Model] and [Input]) in the order given.</summary>
    private static LayerSpec[] Layers(params LayerSpec[] layers) =>
        layers.Select((l, i) => l with { Ordinal = 2 + i }).ToArray();

    private static LayerSpec Dense(int units, ActivationKind activation = ActivationKind.Linear, string? from = null) =>
        new(LayerKind.Dense, -1) { Units = units, Activation = activation, From = from };

    private static LayerSpec Layer(LayerKind kind) => new(kind, -1);

    private static OptimizerSpec Sgd(int ordinal, double learningRate = 0.1) => new(OptimizerKind.Sgd, ordinal) { LearningRate = learningRate };

    private static string[] Ids(ModelPlan plan) => plan.Problems.Select(p => p.Id).ToArray();

    [Fact]
    public void Xor_ShapesAndParameterLayout()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 2 }, Layers(Dense(8, ActivationKind.Tanh), Dense(1)),
            new LossSpec(4, LossKind.MeanSquaredError), Sgd(5)));

        Assert.Empty(plan.Problems);
        Assert.True(plan.IsValid);
        Assert.True(plan.IsTrainable);
        Assert.Equal("float", plan.ScalarType);
        Assert.Equal(new[] { 2 }, plan.Input!.Dims);
        Assert.Equal(new[] { "dense0", "dense1" }, plan.Layers.Select(l => l.Name));
        Assert.Equal(new[] { "[2]", "[8]" }, plan.Layers.Select(l => l.Input.ToString()));
        Assert.Equal(new[] { "[8]", "[1]" }, plan.Layers.Select(l => l.Output.ToString()));
        Assert.Equal(1, plan.Output.Size);

        Assert.Equal(
            new (string, string, int, int, int, int, InitKind)[]
            {
                ("dense0.weight", "8x2", 0, 16, 2, 8, InitKind.GlorotUniform),
                ("dense0.bias", "8", 16, 8, 8, 8, InitKind.Zeros),
                ("dense1.weight", "1x8", 24, 8, 8, 1, InitKind.GlorotUniform),
                ("dense1.bias", "1", 32, 1, 1, 1, InitKind.Zeros),
            },
            plan.Parameters.Select(t => (t.Name, string.Join("x", t.Shape), t.Offset, t.Length, t.FanIn, t.FanOut, t.Init)));
        Assert.Equal(new[] { 0, 1, 2, 3 }, plan.Parameters.Select(t => t.Stream));
        Assert.Equal(33, plan.ParameterCount);
        Assert.Equal(ActivationKind.Tanh, plan.Layers[0].Activation);
    }

    [Fact]
    public void Names_CountPerKind_InDeclarationOrder()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 4 }, Layers(
            Dense(8), Layer(LayerKind.ReLU), Dense(8), Layer(LayerKind.ReLU), new LayerSpec(LayerKind.LeakyReLU, -1) { Alpha = 0.1 },
            Layer(LayerKind.Tanh), Layer(LayerKind.Sigmoid), Dense(3), Layer(LayerKind.Softmax))));

        Assert.Empty(plan.Problems);
        Assert.Equal(new[] { "dense0", "relu0", "dense1", "relu1", "leakyrelu0", "tanh0", "sigmoid0", "dense2", "softmax0" },
            plan.Layers.Select(l => l.Name));
        Assert.Equal(new[] { "dense0.weight", "dense0.bias", "dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias" },
            plan.Parameters.Select(t => t.Name));
        Assert.False(plan.IsTrainable);
    }

    [Fact]
    public void CustomNames_ReplaceTheDefault_AndStillCountTowardsTheIndex()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 4 }, Layers(
            Dense(8) with { Name = "encoder" }, Dense(8), Layer(LayerKind.ReLU) with { Name = "act" }, Layer(LayerKind.ReLU), Dense(2) with { Name = "Head" })));

        Assert.Empty(plan.Problems);
        Assert.Equal(new[] { "encoder", "dense1", "act", "relu1", "Head" }, plan.Layers.Select(l => l.Name));
        Assert.Equal(new[] { "encoder.weight", "encoder.bias", "dense1.weight", "dense1.bias", "Head.weight", "Head.bias" },
            plan.Parameters.Select(t => t.Name));
    }

    [Fact]
    public void NoBias_LeavesOnlyTheWeight_AndOffsetsStayContiguous()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 3 }, Layers(
            Dense(5) with { UseBias = false, WeightInit = InitKind.HeNormal }, Dense(2) with { BiasInit = InitKind.Ones })));

        Assert.Null(plan.Layers[0].Bias);
        Assert.Equal(
            new (string, int, int, InitKind, int)[] { ("dense0.weight", 0, 15, InitKind.HeNormal, 0), ("dense1.weight", 15, 10, InitKind.GlorotUniform, 1), ("dense1.bias", 25, 2, InitKind.Ones, 2) },
            plan.Parameters.Select(t => (t.Name, t.Offset, t.Length, t.Init, t.Stream)));
        Assert.Equal(27, plan.ParameterCount);
    }

    [Fact]
    public void Flatten_TurnsAnImageIntoAVector()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 3, 4, 5 }, Layers(Layer(LayerKind.ReLU), Layer(LayerKind.Flatten), Dense(7))));

        Assert.Empty(plan.Problems);
        Assert.Equal(new[] { "[3 x 4 x 5]", "[3 x 4 x 5]", "[60]" }, plan.Layers.Select(l => l.Input.ToString()));
        Assert.Equal(new[] { "[3 x 4 x 5]", "[60]", "[7]" }, plan.Layers.Select(l => l.Output.ToString()));
        Assert.Equal(new[] { false, true, false }, plan.Layers.Select(l => l.IsView));
        Assert.Equal(60 * 7 + 7, plan.ParameterCount);
        Assert.Equal(60, plan.Input!.Size);
        Assert.Equal(new[] { 7, 60 }, plan.Parameters.First().Shape);
    }

    [Fact]
    public void DoublePrecision_UsesDouble()
    {
        Assert.Equal("double", ShapeInference.Plan(Spec(new[] { 1 }, Layers(Dense(1)), precision: PrecisionKind.Double)).ScalarType);
    }

    [Fact]
    public void MissingInput_And_NoLayers_AreReportedOnTheModelAttribute()
    {
        ModelPlan noInput = ShapeInference.Plan(Spec(null, Layers(Dense(1))));
        Assert.Equal(new[] { Problem.Create("MG0002", ModelOrdinal, "M") }, noInput.Problems);
        Assert.False(noInput.IsValid);

        ModelPlan noLayers = ShapeInference.Plan(Spec(new[] { 2 }, Layers()));
        Assert.Equal(new[] { Problem.Create("MG0003", ModelOrdinal, "M") }, noLayers.Problems);
        Assert.Empty(noLayers.Layers);
    }

    [Theory]
    [InlineData(new int[0], "[]", "a sample must be a vector [features] or an image [channels, height, width], but this has rank 0")]
    [InlineData(new[] { 2, 2 }, "[2, 2]", "a sample must be a vector [features] or an image [channels, height, width], but this has rank 2")]
    [InlineData(new[] { 1, 0, 3 }, "[1, 0, 3]", "every dimension must be at least 1")]
    [InlineData(new[] { 100000, 100000, 1 }, "[100000, 100000, 1]", "a batch of such samples does not fit in one array")]
    public void InvalidInput_IsReportedOnTheInputAttribute(int[] shape, string text, string reason)
    {
        ModelPlan plan = ShapeInference.Plan(Spec(shape, Layers(Dense(1))));
        Assert.Equal(new[] { Problem.Create("MG0004", InputOrdinal, text, reason) }, plan.Problems);
        Assert.Null(plan.Input);
        Assert.Empty(plan.Layers);
    }

    [Fact]
    public void ShapeMismatch_LaterLayersAreStillRangeChecked_ButNotShapeChecked()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 1, 4, 4 }, Layers(Layer(LayerKind.ReLU), Dense(3), Dense(0), Layer(LayerKind.Flatten)),
            new LossSpec(6, LossKind.MeanSquaredError), Sgd(7)));

        // dense0 cannot take the image: its output is unknown, so dense1 and flatten0 (which reads dense1) get no shape
        // check (a Flatten of a vector would be wrong, but it would only repeat dense0's mistake), while dense1's own
        // units are still range-checked; the loss is not checked against an unknown output.
        Assert.Equal(new[]
            {
                Problem.Create("MG0005", 3, "dense layer 'dense0'", "[1 x 4 x 4]", "a dense layer needs a vector; put [Flatten] before it"),
                Problem.Create("MG0006", 4, "Dense.units", "0", "at least 1"),
            },
            plan.Problems);
        Assert.Single(plan.Layers); // the layers planned before the first failure
        Assert.False(plan.IsValid);
    }

    [Fact]
    public void AfterAFailedLayer_LayersReadingKnownValues_AreStillShapeChecked()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 1, 4, 4 }, Layers(
            Dense(3),                                                                  // 2: needs a vector
            new LayerSpec(LayerKind.Conv2D, -1) { Filters = 2, KernelSize = 5, From = "input" },   // 3: kernel larger than 4x4
            new LayerSpec(LayerKind.MaxPool2D, -1) { PoolSize = 2, Stride = 2, From = "input" },   // 4: fine, [1 x 2 x 2]
            new LayerSpec(LayerKind.MaxPool2D, -1) { PoolSize = 3, Stride = 3 },                   // 5: window larger than 2x2
            new LayerSpec(LayerKind.Add, -1) { Operands = new[] { "dense0" }.ToEquatableArray() }, // 6: reads unknown values
            new LayerSpec(LayerKind.Dropout, -1) { Rate = 1.5 })));                                // 7: out of range

        Assert.Equal(new[] { "MG0005", "MG0005", "MG0005", "MG0006" }, Ids(plan));
        Assert.Equal(new[] { 2, 3, 5, 7 }, plan.Problems.Select(p => p.Ordinal));
        Assert.Contains("5x5 kernel is larger than its input of 4x4", plan.Problems[1].Arguments[2]);
        Assert.Contains("3x3 window is larger than its input of 2x2", plan.Problems[2].Arguments[2]);
        Assert.Equal("Dropout.rate", plan.Problems[3].Arguments[0]);
        Assert.Empty(plan.Layers);
    }

    [Fact]
    public void AnUnresolvedName_DoesNotHideTheLaterLayersMistakes()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 4 }, Layers(
            Dense(4),
            Dense(4) with { From = "nowhere" },
            new LayerSpec(LayerKind.Add, -1) { Operands = new[] { "dense0" }.ToEquatableArray() }, // reads dense1: unknown
            Dense(2, from: "dense0") with { L2 = -1 })));

        Assert.Equal(new[] { "MG0017", "MG0006" }, Ids(plan));
        Assert.Equal(new[] { 3, 5 }, plan.Problems.Select(p => p.Ordinal));
        Assert.Single(plan.Layers);
    }

    [Fact]
    public void OutOfRangeHyperparameters_AreReportedOnTheirAttributes()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 2 }, Layers(
                Dense(4) with { L1 = -1 }, new LayerSpec(LayerKind.LeakyReLU, -1) { Alpha = -0.5 }, Dense(0)),
            new LossSpec(5, LossKind.MeanSquaredError), Sgd(6, learningRate: 0), batchSize: 0));

        Assert.Equal(
            new[]
            {
                Problem.Create("MG0006", ModelOrdinal, "Model.BatchSize", "0", "at least 1"),
                Problem.Create("MG0006", 2, "Dense.L1", "-1", "finite and at least 0"),
                Problem.Create("MG0006", 3, "LeakyReLU.alpha", "-0.5", "finite and at least 0"),
                Problem.Create("MG0006", 4, "Dense.units", "0", "at least 1"),
                Problem.Create("MG0006", 6, "Sgd.LearningRate", "0", "finite and greater than 0"),
            },
            plan.Problems);
    }

    [Fact]
    public void UnknownEnumValues_AreOutOfRange()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 2 }, Layers(Dense(4, (ActivationKind)99) with { WeightInit = (InitKind)8 }, Dense(1)),
            new LossSpec(4, (LossKind)6), Sgd(5), precision: (PrecisionKind)7));

        Assert.Equal(
            new[]
            {
                Problem.Create("MG0006", ModelOrdinal, "Model.Precision", "7", "Precision.Single or Precision.Double"),
                Problem.Create("MG0006", 2, "Dense.activation", "99", "a member of Activation"),
                Problem.Create("MG0006", 2, "Dense.WeightInit", "8", "a member of Init"),
                Problem.Create("MG0006", 4, "Loss.loss", "6", "a member of LossFunction"),
            },
            plan.Problems);
    }

    [Fact]
    public void TrainingProblems_AreReportedOnLossAndOptimizer()
    {
        Assert.Equal(new[] { Problem.Create("MG0008", 3, "M") },
            ShapeInference.Plan(Spec(new[] { 2 }, Layers(Dense(1)), loss: new LossSpec(3, LossKind.MeanSquaredError))).Problems);
        Assert.Equal(new[] { Problem.Create("MG0009", 3, "Sgd", "M") },
            ShapeInference.Plan(Spec(new[] { 2 }, Layers(Dense(1)), optimizer: Sgd(3))).Problems);
        Assert.Equal(new[] { Problem.Create("MG0007", 3, "1") },
            ShapeInference.Plan(Spec(new[] { 2 }, Layers(Dense(1)), new LossSpec(3, LossKind.CrossEntropy), Sgd(4))).Problems);
        Assert.Equal(new[] { Problem.Create("MG0005", 3, "Loss MeanSquaredError", "[2 x 2 x 2]", "a loss compares vectors; put [Flatten] and a [Dense] layer before it") },
            ShapeInference.Plan(Spec(new[] { 2, 2, 2 }, Layers(Layer(LayerKind.ReLU)), new LossSpec(3, LossKind.MeanSquaredError), Sgd(4))).Problems);
    }

    [Fact]
    public void Warnings_DoNotMakeThePlanInvalid()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 4 }, Layers(Dense(8) with { WeightInit = InitKind.Zeros }, Dense(3, ActivationKind.Softmax)),
            new LossSpec(4, LossKind.CrossEntropy), Sgd(5)));

        Assert.Equal(
            new[]
            {
                Problem.Create("MG1001", 3, "dense layer 'dense1'"),
                Problem.Create("MG1003", 2, "dense layer 'dense0'", "0", "dense layer 'dense1'"),
            },
            plan.Problems);
        Assert.True(plan.IsValid);

        ModelPlan sigmoid = ShapeInference.Plan(Spec(new[] { 4 }, Layers(Dense(1), Layer(LayerKind.Sigmoid)),
            new LossSpec(4, LossKind.BinaryCrossEntropy), Sgd(5)));
        Assert.Equal(new[] { Problem.Create("MG1002", 3, "Sigmoid layer 'sigmoid0'") }, sigmoid.Problems);
        Assert.True(sigmoid.IsValid);
    }

    [Fact]
    public void InvalidAndDuplicateNames_AreReported()
    {
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 4 }, Layers(Dense(8) with { Name = "x-y" }, Dense(8), Dense(2) with { Name = "DENSE1" })));

        Assert.Equal(
            new[]
            {
                Problem.Create("MG0016", 2, "x-y", "must start with a letter and hold only letters, digits and underscores"),
                Problem.Create("MG0016", 4, "DENSE1", "is already the name of another layer (names ignore case)"),
            },
            plan.Problems);
    }

    [Fact]
    public void UnsupportedLayers_AreReported_AndStopInference()
    {
        var sameWithStride = new LayerSpec(LayerKind.Conv2D, -1) { Filters = 2, KernelSize = 3, Stride = 2, Padding = PaddingKind.Same };
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 1, 8, 8 }, Layers(Layer(LayerKind.ReLU), sameWithStride, Layer(LayerKind.Flatten), Dense(2))));
        Assert.Equal(new[] { Problem.Create("MG0015", 3, "Padding.Same with Stride = 2 on convolution 'conv2d0' (PyTorch allows 'same' only with stride 1)") }, plan.Problems);
        Assert.Single(plan.Layers);
    }

    [Fact]
    public void ParserProblems_ComeFirst_AndCompilerErrorsMakeThePlanInvalid()
    {
        Problem parserProblem = Problem.Create("MG0012", 3, "Input", "M");
        ModelPlan plan = ShapeInference.Plan(Spec(new[] { 2 }, Layers(Dense(0)), parserProblems: new[] { parserProblem }));
        Assert.Equal(parserProblem, plan.Problems[0]);
        Assert.Equal("MG0006", plan.Problems[1].Id);

        ModelSpec clean = Spec(new[] { 2 }, Layers(Dense(1)));
        Assert.True(ShapeInference.Plan(clean).IsValid);
        Assert.False(ShapeInference.Plan(clean with { HasCompilerErrors = true }).IsValid);
    }

    [Fact]
    public void Plan_IsAPureFunction()
    {
        ModelSpec spec = Spec(new[] { 1, 3, 3 }, Layers(Layer(LayerKind.Flatten), Dense(4) with { Name = "bad name" }, Dense(2, ActivationKind.Softmax)),
            new LossSpec(5, LossKind.CrossEntropy), Sgd(6));
        ModelSpec copy = spec with { };

        ModelPlan first = ShapeInference.Plan(spec), second = ShapeInference.Plan(spec);

        Assert.Equal(first.Problems, second.Problems);
        Assert.Equal(first.Parameters.Select(t => (t.Name, t.Offset)), second.Parameters.Select(t => (t.Name, t.Offset)));
        Assert.Equal(copy, spec);
        Assert.Empty(spec.Problems);
    }
}
