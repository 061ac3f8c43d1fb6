using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using ModelGen.Generator.Planning;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The parser's output is plain data: no Roslyn object anywhere in the graph (or the incremental cache would pin whole
/// compilations), and structural equality all the way down (or caching would never hit).
/// </summary>
public class ModelSpecTests
{
    /// <summary>Every attribute kind, named arguments, containing types, and parser-level problems (a second optimizer, a second input).</summary>
    private const string RichModel = """
        using ModelGen;

        namespace Demo.Deep
        {
            partial class Outer
            {
                partial struct Inner
                {
                    [Model(BatchSize = 8, Seed = -3, Precision = Precision.Double)]
                    [Input(1, 8, 8)]
                    [Conv2D(4, 3, Activation.ReLU, Stride = 1, Padding = Padding.Same, UseBias = false, WeightInit = Init.HeNormal, Name = "conv")]
                    [MaxPool2D(2)]
                    [AvgPool2D(2, Stride = 1)]
                    [BatchNorm(Momentum = 0.2, Epsilon = 1e-4)]
                    [Flatten]
                    [Dense(16, Activation.LeakyReLU, UseBias = false, WeightInit = Init.LeCunNormal, BiasInit = Init.Ones, L1 = 1e-3, L2 = 2e-3)]
                    [LayerNorm(Epsilon = 1e-3)]
                    [ReLU] [Tanh] [Sigmoid] [LeakyReLU(0.3)] [Dropout(0.25)] [Softmax]
                    [Dense(3, Name = "head")]
                    [Loss(LossFunction.CrossEntropy)]
                    [Adam(LearningRate = 0.01, Beta1 = 0.8, Amsgrad = true, WeightDecay = 1e-5)]
                    [Sgd]
                    [GradientClipping(MaxNorm = 1, MaxValue = 0.5)]
                    [Input(3)]
                    public partial class Rich;
                }
            }
        }
        """;

    private const string RichName = "Demo.Deep.Outer+Inner+Rich";

    [Fact]
    public void SpecGraph_HoldsNoRoslynObjects()
    {
        ModelSpec spec = SpecParsing.Parse(RichModel, RichName);

        List<string> found = ObjectGraph.FindRoslynObjects(spec, out Dictionary<Type, int> visited);

        Assert.True(found.Count == 0, "Roslyn objects in the ModelSpec graph:\n" + string.Join("\n", found));
        // The walk really went everywhere: every record type of the model, and every layer.
        foreach (Type t in new[] { typeof(ModelSpec), typeof(TypeSpec), typeof(ContainingTypeSpec), typeof(InputSpec), typeof(LayerSpec),
                     typeof(LossSpec), typeof(OptimizerSpec), typeof(ClippingSpec), typeof(Problem) })
            Assert.True(visited.ContainsKey(t), $"The walk never reached a {t.Name}.");
        Assert.Equal(14, visited[typeof(LayerSpec)]);
        Assert.Equal(2, visited[typeof(ContainingTypeSpec)]);
        Assert.Equal(2, visited[typeof(Problem)]);
    }

    /// <summary>A graph: a skip connection, a branch from the input, a value read three times, a concatenation.</summary>
    private const string GraphModel = """
        using ModelGen;
        [Model(BatchSize = 4)]
        [Input(1, 6, 6)]
        [Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same, Name = "stem")]
        [Conv2D(4, 3, Padding = Padding.Same)]
        [BatchNorm]
        [Add("stem")]
        [Conv2D(2, 1, From = "stem", Name = "side")]
        [Concat("add0", "stem")]
        [Conv2D(3, 1, From = "input")]
        [Concat("concat0")]
        [GlobalAvgPool2D]
        [Dense(3)]
        [Loss(LossFunction.CrossEntropy)]
        [Adam]
        public partial class G;
        """;

    [Fact]
    public void PlanGraph_HoldsNoRoslynObjects_AndComparesByValue()
    {
        ModelPlan first = ShapeInference.Plan(SpecParsing.Parse(GraphModel, "G"));
        ModelPlan second = ShapeInference.Plan(SpecParsing.Parse(GraphModel, "G"));
        ExecutionPlan execution = Planner.Plan(first);

        Assert.True(first.IsValid, string.Join("; ", first.Problems));
        foreach (object root in new object[] { first, execution })
        {
            List<string> found = ObjectGraph.FindRoslynObjects(root, out Dictionary<Type, int> visited);
            Assert.True(found.Count == 0, "Roslyn objects in the plan:\n" + string.Join("\n", found));
            if (ReferenceEquals(root, first))
                foreach (Type t in new[] { typeof(ModelPlan), typeof(LayerPlan), typeof(Shape), typeof(TensorPlan), typeof(LayerSpec) })
                    Assert.True(visited.ContainsKey(t), $"The walk never reached a {t.Name}.");
        }

        // Cached by value: a plan made again from an equal spec is equal, and so is the execution plan.
        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.Equal(execution, Planner.Plan(second));
        Assert.NotEqual(first, ShapeInference.Plan(SpecParsing.Parse(GraphModel.Replace("[Conv2D(2, 1,", "[Conv2D(3, 1,"), "G")));

        // The graph itself: what each layer reads, and which gradients accumulate.
        Assert.Equal(new[] { "input", "stem", "conv2d1", "batchnorm0", "stem", "side", "input", "conv2d3", "concat1", "globalavgpool2d0" },
            first.Layers.Select(l => l.SourceNames[0]));
        Assert.Equal(new[] { "side", "add0", "stem" }, first.Layers.Single(l => l.Name == "concat0").SourceNames);
        // stem is read by conv2d1, add0, side and concat0; visited last to first, concat0 writes its gradient and the rest add to it.
        var stemReaders = first.Layers.SelectMany(l => l.Sources.Select((s, j) => (Layer: l, Operand: j, Source: s))).Where(r => r.Source == 0).ToList();
        Assert.Equal(new[] { "conv2d1", "add0", "side", "concat0" }, stemReaders.Select(r => r.Layer.Name));
        Assert.Equal(new[] { true, true, true, false }, stemReaders.Select(r => execution.Accumulate(r.Layer.Index, r.Operand)));
        Assert.All(execution.Live, Assert.True);
    }

    [Fact]
    public void ObjectGraphWalker_FindsRoslynObjects()
    {
        // The walker itself must work, or the test above proves nothing.
        var compilation = TestSources.Compile("class C { }");
        var holder = new Holder(new object[] { "fine", 1, compilation.SyntaxTrees.First().GetRoot() }, compilation.GetTypeByMetadataName("C")!);

        List<string> found = ObjectGraph.FindRoslynObjects(holder);

        Assert.Contains(found, f => f.Contains("Items", StringComparison.Ordinal) && f.Contains("[2]", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("Symbol", StringComparison.Ordinal));
    }

    private sealed record Holder(object[] Items, object Symbol);

    [Fact]
    public void ParsingTheSameSourceTwice_GivesEqualSpecs()
    {
        ModelSpec first = SpecParsing.Parse(RichModel, RichName);
        ModelSpec second = SpecParsing.Parse(RichModel, RichName);

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.Equal(first.Layers, second.Layers);
        Assert.Equal(first.Problems, second.Problems);
        Assert.True(first.Layers == second.Layers);
    }

    [Fact]
    public void ParsingTheSameModelAmidDifferentCode_GivesEqualSpecs()
    {
        ModelSpec alone = SpecParsing.Parse(RichModel, RichName);
        ModelSpec amid = SpecParsing.Parse(RichModel.Replace("[ReLU] [Tanh]", "[ReLU] /* a comment */\n[Tanh]", StringComparison.Ordinal) + "\nclass Unrelated { int F() => 2; }", RichName);
        Assert.Equal(alone, amid);
    }

    [Theory]
    [InlineData("[Dense(3, Name = \"head\")]", "[Dense(4, Name = \"head\")]")]
    [InlineData("[LeakyReLU(0.3)]", "[LeakyReLU(0.31)]")]
    [InlineData("Amsgrad = true", "Amsgrad = false")]
    [InlineData("Seed = -3", "Seed = 3")]
    [InlineData("[Input(1, 8, 8)]", "[Input(1, 8, 9)]")]
    [InlineData("[ReLU] [Tanh]", "[Tanh] [ReLU]")]
    [InlineData("partial struct Inner", "partial class Inner")]
    [InlineData("MaxValue = 0.5", "MaxValue = 0.25")]
    public void AnyChangeOfTheDeclaration_GivesADifferentSpec(string from, string to)
    {
        ModelSpec original = SpecParsing.Parse(RichModel, RichName);
        Assert.Contains(from, RichModel, StringComparison.Ordinal);
        ModelSpec changed = SpecParsing.Parse(RichModel.Replace(from, to, StringComparison.Ordinal), RichName);
        Assert.NotEqual(original, changed);
    }

    [Fact]
    public void RichModel_IsReadCompletely()
    {
        ModelSpec spec = SpecParsing.Parse(RichModel, RichName);

        Assert.Equal(new TypeSpec("Demo.Deep", "Rich", "class",
            new[] { new ContainingTypeSpec("class", "Outer"), new ContainingTypeSpec("struct", "Inner") }.ToEquatableArray()), spec.Type);
        Assert.Equal("Demo.Deep.Outer.Inner.Rich", spec.Type.FullName);
        Assert.Equal((8, -3, PrecisionKind.Double), (spec.BatchSize, spec.Seed, spec.Precision));
        Assert.Equal(new[] { 1, 8, 8 }, spec.Input!.Shape);
        Assert.Equal(
            new[] { LayerKind.Conv2D, LayerKind.MaxPool2D, LayerKind.AvgPool2D, LayerKind.BatchNorm, LayerKind.Flatten, LayerKind.Dense, LayerKind.LayerNorm,
                    LayerKind.ReLU, LayerKind.Tanh, LayerKind.Sigmoid, LayerKind.LeakyReLU, LayerKind.Dropout, LayerKind.Softmax, LayerKind.Dense },
            spec.Layers.Select(l => l.Kind));
        Assert.Equal(1, spec.Input.Ordinal);
        Assert.Equal(Enumerable.Range(2, 14), spec.Layers.Select(l => l.Ordinal));

        LayerSpec conv = spec.Layers[0];
        Assert.Equal((4, 3, ActivationKind.ReLU, 1, PaddingKind.Same, false, InitKind.HeNormal, "conv"),
            (conv.Filters, conv.KernelSize, conv.Activation, conv.Stride, conv.Padding, conv.UseBias, conv.WeightInit, conv.Name));
        Assert.Equal((2, 2), (spec.Layers[1].PoolSize, spec.Layers[1].Stride));
        Assert.Equal((2, 1), (spec.Layers[2].PoolSize, spec.Layers[2].Stride));
        Assert.Equal((0.2, 1e-4), (spec.Layers[3].Momentum, spec.Layers[3].Epsilon));
        LayerSpec dense = spec.Layers[5];
        Assert.Equal((16, ActivationKind.LeakyReLU, false, InitKind.LeCunNormal, InitKind.Ones, 1e-3, 2e-3, (string?)null),
            (dense.Units, dense.Activation, dense.UseBias, dense.WeightInit, dense.BiasInit, dense.L1, dense.L2, dense.Name));
        Assert.Equal(1e-3, spec.Layers[6].Epsilon);
        Assert.Equal(0.3, spec.Layers[10].Alpha);
        Assert.Equal(0.25, spec.Layers[11].Rate);
        Assert.Equal((3, "head"), (spec.Layers[13].Units, spec.Layers[13].Name));

        Assert.Equal(new LossSpec(16, LossKind.CrossEntropy), spec.Loss);
        OptimizerSpec adam = spec.Optimizer!;
        Assert.Equal((OptimizerKind.Adam, 17, 0.01, 0.8, 0.999, 1e-8, true, 1e-5),
            (adam.Kind, adam.Ordinal, adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.Amsgrad, adam.WeightDecay));
        Assert.Equal(new ClippingSpec(19, 1, 0.5), spec.Clipping);
        Assert.Equal(
            new[] { Problem.Create("MG0010", 18, "Rich", "Adam", "Sgd"), Problem.Create("MG0012", 20, "Input", "Rich") },
            spec.Problems);
        Assert.False(spec.HasCompilerErrors);
    }
}
