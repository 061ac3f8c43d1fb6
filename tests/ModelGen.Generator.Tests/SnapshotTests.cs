using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Parsing;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The generated code of representative models, compared with the checked-in <c>Snapshots/SnapshotTests.*.verified.cs</c>.
/// Each model must also produce no diagnostic at all, and the user's code plus the generated file must compile cleanly
/// (nullable on, every warning wave, documentation comments checked) and emit, and every member it declares must be one
/// that GeneratedNames lists.
/// </summary>
public partial class SnapshotTests
{
    [Fact]
    public void Xor() => Verify("QuickStart.Xor.g.cs", """
        using ModelGen;

        namespace QuickStart;

        /// <summary>The XOR problem: 2 inputs, 8 tanh units, 1 output, mean squared error, SGD with momentum.</summary>
        [Model(BatchSize = 32, Seed = 1)]
        [Input(2)]
        [Dense(8, Activation.Tanh)]
        [Dense(1)]
        [Loss(LossFunction.MeanSquaredError)]
        [Sgd(LearningRate = 0.1, Momentum = 0.9)]
        public partial class Xor;
        """);

    [Fact]
    public void CrossEntropyClassifier() => Verify("Demo.Iris.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>Three classes from four features, with separate activation layers.</summary>
        [Model(BatchSize = 16, Seed = 7)]
        [Input(4)]
        [Dense(16)]
        [ReLU]
        [Dense(8, Activation.LeakyReLU)]
        [LeakyReLU(0.2)]
        [Dense(3)]
        [Loss(LossFunction.CrossEntropy)]
        [Sgd(LearningRate = 0.05, Momentum = 0.9, Nesterov = true)]
        public partial class Iris;
        """);

    [Fact]
    public void BinaryCrossEntropyDouble() => Verify("Demo.Spam.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>A yes/no classifier in double precision with coupled weight decay.</summary>
        [Model(BatchSize = 8, Seed = 3, Precision = Precision.Double)]
        [Input(3)]
        [Dense(4, Activation.Sigmoid, WeightInit = Init.HeNormal)]
        [Tanh]
        [Dense(1)]
        [Loss(LossFunction.BinaryCrossEntropy)]
        [Sgd(LearningRate = 0.01, WeightDecay = 5e-4)]
        public partial class Spam;
        """);

    [Fact]
    public void InferenceOnlyImage() => Verify("Demo.TinyImage.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>No loss and no optimizer: only Predict and the accessors.</summary>
        [Model(BatchSize = 4)]
        [Input(1, 4, 4)]
        [Flatten]
        [Dense(2)]
        public partial class TinyImage;
        """);

    [Fact]
    public void NestedInNamespace() => Verify("Demo.Zoo.Outer.Pen.Tiny.g.cs", """
        using ModelGen;

        namespace Demo.Zoo
        {
            /// <summary>A static class holding models.</summary>
            public static partial class Outer
            {
                /// <summary>A struct holding a model.</summary>
                public partial struct Pen
                {
                    /// <summary>A model two types deep.</summary>
                    [Model(BatchSize = 2, Seed = 11)]
                    [Input(3)]
                    [Dense(2, Activation.ReLU)]
                    [Dense(1)]
                    [Loss(LossFunction.MeanSquaredError)]
                    [Sgd]
                    public partial class Tiny
                    {
                        /// <summary>User code beside the generated members.</summary>
                        public int Answer => 42;
                    }
                }
            }
        }
        """);

    [Fact]
    public void CustomNamesWithoutBias() => Verify("Demo.Named.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>Layers named by the user; the hidden layer has no bias.</summary>
        [Model(BatchSize = 10, Seed = 2)]
        [Input(3)]
        [Dense(5, Activation.ReLU, Name = "hidden", UseBias = false, WeightInit = Init.HeUniform)]
        [Dense(2, Name = "Head", BiasInit = Init.Ones)]
        [Loss(LossFunction.MeanSquaredError)]
        [Sgd(LearningRate = 0.2, Momentum = 0.5, Dampening = 0.1)]
        public partial class Named;
        """);

    [Fact]
    public void AdamWithPenaltiesAndClipping() => Verify("Demo.Regularized.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>Adam with AMSGrad, L1/L2 penalties on two layers, and both kinds of gradient clipping.</summary>
        [Model(BatchSize = 8, Seed = 5)]
        [Input(6)]
        [Dense(16, Activation.ReLU, L2 = 1e-4)]
        [Dense(8, Activation.Tanh, L1 = 1e-5, L2 = 1e-5)]
        [Dense(3)]
        [Loss(LossFunction.CrossEntropy)]
        [Adam(LearningRate = 3e-3, Amsgrad = true, WeightDecay = 1e-2)]
        [GradientClipping(MaxNorm = 1, MaxValue = 0.5)]
        public partial class Regularized;
        """);

    [Fact]
    public void NAdamDouble() => Verify("Demo.Smooth.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>NAdam in double precision: the optimizer that carries a running product besides its state tensors.</summary>
        [Model(BatchSize = 4, Seed = 8, Precision = Precision.Double)]
        [Input(2)]
        [Dense(4, Activation.Sigmoid)]
        [Dense(1)]
        [Loss(LossFunction.MeanSquaredError)]
        [NAdam(LearningRate = 0.01, MomentumDecay = 5e-3)]
        public partial class Smooth;
        """);

    [Fact]
    public void LeNetCnn() => Verify("Demo.LeNet.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>A LeNet-like CNN: convolutions, batch norm over channels, both poolings, dropout and layer norm.</summary>
        [Model(BatchSize = 32, Seed = 4)]
        [Input(1, 28, 28)]
        [Conv2D(6, 5, Activation.ReLU, Padding = Padding.Same)]
        [BatchNorm]
        [MaxPool2D(2)]
        [Conv2D(16, 5, Activation.ReLU, WeightInit = Init.HeUniform)]
        [AvgPool2D(2)]
        [Flatten]
        [Dense(120, Activation.ReLU)]
        [Dropout(0.25)]
        [Dense(84)]
        [LayerNorm]
        [ReLU]
        [Dense(10)]
        [Loss(LossFunction.CrossEntropy)]
        [Adam(LearningRate = 1e-3)]
        public partial class LeNet;
        """);

    [Fact]
    public void SmallResNet() => Verify("Demo.SmallResNet.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>The README's graph example: a residual block with batch norm, a parallel 1x1 branch, Concat, global pooling.</summary>
        [Model(BatchSize = 64, Seed = 1)]
        [Input(1, 28, 28)]
        [Conv2D(32, 3, Activation.ReLU, Padding = Padding.Same, Name = "stem")]
        [Conv2D(32, 3, Padding = Padding.Same)]
        [BatchNorm]
        [ReLU]
        [Conv2D(32, 3, Padding = Padding.Same)]
        [BatchNorm]
        [Add("stem")]
        [ReLU(Name = "block1")]
        [Conv2D(16, 1, From = "stem", Name = "side")]
        [Concat("block1")]
        [MaxPool2D(2)]
        [GlobalAvgPool2D]
        [Dense(10)]
        [Loss(LossFunction.CrossEntropy)]
        [Adam]
        public partial class SmallResNet;
        """);

    [Fact]
    public void WideAndDeepDouble() => Verify("Demo.WideAndDeep.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>
        /// Wide and deep: a deep residual path whose hidden value is read three times, a wide path straight from the
        /// input, joined by Concat; a flatten view of the input feeds the deep path.
        /// </summary>
        [Model(BatchSize = 16, Seed = 2, Precision = Precision.Double)]
        [Input(2, 3, 3)]
        [Flatten(Name = "pixels")]
        [Dense(32, Activation.ReLU, Name = "h")]
        [Dense(32, Activation.Tanh)]
        [Dense(32, From = "h", Name = "gate")]
        [Add("h", "dense1")]
        [LayerNorm(Name = "deep")]
        [Dense(4, From = "pixels", Name = "wide")]
        [Concat("deep")]
        [Dense(1)]
        [Loss(LossFunction.BinaryCrossEntropy)]
        [AdamW]
        public partial class WideAndDeep;
        """);

    [Fact]
    public void NormalizedMlpDouble() => Verify("Demo.Normalized.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>Batch norm over features (which needs two samples per step), dropout and layer norm, in double precision.</summary>
        [Model(BatchSize = 16, Seed = 6, Precision = Precision.Double)]
        [Input(8)]
        [Dense(12)]
        [BatchNorm(Momentum = 0.2, Epsilon = 1e-3)]
        [Tanh]
        [Dropout(0.5)]
        [Dense(6)]
        [LayerNorm(Epsilon = 1e-6)]
        [Dense(2)]
        [Loss(LossFunction.MeanSquaredError)]
        [Sgd(LearningRate = 0.01, Momentum = 0.9)]
        public partial class Normalized;
        """);

    [Fact]
    public void DeferredInputGradient() => Verify("Demo.Wide.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>A first dense layer of 784 x 32 weights: its input gradient is computed only when read.</summary>
        [Model(BatchSize = 16, Seed = 3)]
        [Input(1, 28, 28)]
        [Flatten]
        [Dense(32, Activation.ReLU)]
        [Dense(10)]
        [Loss(LossFunction.CrossEntropy)]
        [Adam]
        public partial class Wide;
        """);

    [Theory]
    [InlineData("AdamW", "[AdamW(LearningRate = 1e-3, WeightDecay = 0.05)]")]
    [InlineData("RmsPropCenteredMomentum", "[RmsProp(LearningRate = 1e-3, Centered = true, Momentum = 0.9, WeightDecay = 1e-4)]")]
    [InlineData("AdaGrad", "[AdaGrad(LearningRate = 0.05, InitialAccumulator = 0.1)]")]
    [InlineData("AdaDelta", "[AdaDelta(Rho = 0.95)]")]
    [InlineData("Adamax", "[Adamax(Beta1 = 0.8)]")]
    public void OptimizerFamily(string name, string optimizer) => Verify($"Demo.{name}.g.cs", $$"""
        using ModelGen;

        namespace Demo;

        /// <summary>One generated step of this optimizer family.</summary>
        [Model(BatchSize = 4, Seed = 2)]
        [Input(3)]
        [Dense(5, Activation.ReLU)]
        [Dense(2)]
        [Loss(LossFunction.CrossEntropy)]
        {{optimizer}}
        public partial class {{name}};
        """, testName: $"OptimizerFamily.{name}");

    private static void Verify(string hintName, string source, [System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        ModelGenRun run = ModelGenRun.Run(source);

        // No error or warning: not from the analyzer, and not from compiling the generated code. (ModelGen's suggestions,
        // Info severity, may remain: LeNet's biases before batch norm, Glorot before ReLU, ...; DiagnosticTests covers them.)
        run.Should().AndNoOtherThanSuggestions();
        Assert.Equal(hintName, run.Source.HintName);

        using var stream = new MemoryStream();
        EmitResult emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Select(ModelGenRun.Describe)));

        GeneratedMembers_AreTheOnesGeneratedNamesLists(run);
        Snapshot.Verify(run.Source.Text, testName: testName);
    }

    /// <summary>
    /// Every member the emitter declared in the model class is one GeneratedNames lists, so that the check of the class's
    /// own name against GeneratedNames (MG0013) covers everything the generated file may collide with.
    /// </summary>
    private static void GeneratedMembers_AreTheOnesGeneratedNamesLists(ModelGenRun run)
    {
        SyntaxTree userTree = run.Input.SyntaxTrees.First();
        TypeDeclarationSyntax declaration = userTree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()
            .First(t => t.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() == "Model"));
        var type = (INamedTypeSymbol)run.Input.GetSemanticModel(userTree).GetDeclaredSymbol(declaration)!;
        ModelPlan plan = ShapeInference.Plan(ModelParser.Parse(type, CancellationToken.None));
        var listed = new HashSet<string>(GeneratedNames.All(plan.Layers));

        TypeDeclarationSyntax generated = CSharpSyntaxTree.ParseText(run.Source.Text).GetRoot().DescendantNodes()
            .OfType<TypeDeclarationSyntax>().Single(t => t.Identifier.Text == type.Name);
        var declared = generated.Members.SelectMany(m => m switch
        {
            FieldDeclarationSyntax f => f.Declaration.Variables.Select(v => v.Identifier.Text),
            PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } p => new[] { p.Identifier.Text },
            // ToString is an override, written only when neither the class nor a base class declares one (no collision).
            MethodDeclarationSyntax { Identifier.Text: "ToString" } m2 when m2.Modifiers.Any(SyntaxKind.OverrideKeyword) => Array.Empty<string>(),
            MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } m2 => new[] { m2.Identifier.Text },
            _ => Array.Empty<string>(),
        }).ToList();
        Assert.NotEmpty(declared);
        string[] unlisted = declared.Where(name => !listed.Contains(name)).Distinct().ToArray();
        Assert.True(unlisted.Length == 0, "Generated members missing from GeneratedNames: " + string.Join(", ", unlisted));
    }
}
