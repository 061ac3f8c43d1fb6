using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// Declarations that are wrong in ways the C# compiler already reports, or odd in ways nobody planned for. The
/// generator and analyzer must not crash (the harness fails on any generator or analyzer exception), must not add
/// diagnostics of their own on top of the compiler's, and must not emit code for a model they cannot read.
/// </summary>
public class MalformedInputTests
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;

    private static string Source(string attributes, string declaration = "partial class M;") => $"""
        using ModelGen;

        {attributes}
        {declaration}
        """;

    [Fact]
    public void StringForUnits_IsTheCompilersErrorAlone()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [Input(2)] [Dense([|\"x\"|])]"));
        run.Should().Has("CS1503", Error, 0, "cannot convert from 'string' to 'int'").AndNoOther();
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void DenseWithoutUnits_IsTheCompilersErrorAlone()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [Input(2)] [[|Dense|]]"));
        run.Should().Has("CS7036", Error, 0, "'units'").AndNoOther();
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void WrongTypeForANamedArgument_IsTheCompilersErrorAlone()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model(BatchSize = [|\"big\"|])] [Input(2)] [Dense(1)]"));
        run.Should().Has("CS0029", Error, 0, "Cannot implicitly convert type 'string' to 'int'").AndNoOther();
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void UnknownNamedArgument_IsTheCompilersErrorAlone()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd([|Bogus|] = 1)]"));
        // Roslyn drops the unresolved named argument from AttributeData, so the generator sees a plain [Sgd] (and may
        // generate the model); what matters is that the user sees the compiler's error and no ModelGen diagnostic.
        run.Should().Has("CS0246", Error, 0, "'Bogus'").AndNoOther();
    }

    [Fact]
    public void UnknownEnumValue_IsOutOfRange()
    {
        string markup = Source("[Model] [Input(2)] [[|Dense(units: 1, activation: (Activation)(-7))|]]");
        ModelGenRun run = ModelGenRun.Run(markup);
        run.Should().Has("MG0006", Error, 0, "Dense.activation is -7").AndNoOther();
        StandIns.AssertUsable(new[] { markup }, run); // the model is not generated: only its stand-in
    }

    [Fact]
    public void EmptyInput_IsAnInvalidShape()
    {
        string markup = Source("[Model] [[|Input()|]] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd]");
        ModelGenRun run = ModelGenRun.Run(markup);
        run.Should().Has("MG0004", Error, 0, "[Input] shape [] is not supported").AndNoOther();
        StandIns.AssertUsable(new[] { markup }, run); // the model is not generated: only its stand-in
    }

    [Fact]
    public void ExplicitEmptyArrayInput_IsAnInvalidShape()
    {
        string markup = Source("[Model] [[|Input(new int[0])|]] [Dense(1)]");
        ModelGenRun run = ModelGenRun.Run(markup);
        run.Should().Has("MG0004", Error, 0, "[Input] shape [] is not supported").AndNoOther();
        StandIns.AssertUsable(new[] { markup }, run); // the model is not generated: only its stand-in
    }

    [Fact]
    public void UnknownAttribute_DoesNotStopAValidModel()
    {
        // Not a ModelGen attribute: the compiler reports it, and the model itself is still complete and generated.
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [Input(2)] [[|Unknown|]] [Dense(1)]"));
        // Roslyn reports both lookups it tried, 'Unknown' and 'UnknownAttribute'.
        run.Should()
            .Has("CS0246", Error, 0, "'Unknown' could not be found")
            .Has("CS0246", Error, 0, "'UnknownAttribute' could not be found")
            .AndNoOther();
        Assert.Equal("M.g.cs", run.Source.HintName);
    }

    [Fact]
    public void CompileErrorsElsewhere_DoNotStopGeneration()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [Input(2)] [Dense(1)]") + "\nclass Broken { int F() => [|\"text\"|]; }");
        run.Should().Has("CS0029", Error, 0).AndNoOther();
        Assert.Single(run.Sources);
    }

    [Fact]
    public void DuplicateModelAttribute_IsTheCompilersErrorAlone()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [[|Model|]] [Input(2)] [Dense(1)]"));
        run.Should().Has("CS0579", Error, 0, "Duplicate 'Model' attribute").AndNoOther();
    }

    [Theory]
    [InlineData("partial interface IM;")]
    [InlineData("partial struct S;")]
    public void ModelOnSomethingOtherThanAClass_IsTheCompilersErrorAlone(string declaration)
    {
        ModelGenRun run = ModelGenRun.Run(Source("[[|Model|]] [[|Input|](2)] [[|Dense|](1)]", declaration));
        run.Should()
            .Has("CS0592", Error, 0, "'Model' is not valid on this declaration type")
            .Has("CS0592", Error, 1, "'Input' is not valid")
            .Has("CS0592", Error, 2, "'Dense' is not valid")
            .AndNoOther();
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("[Model]\n[Dense(4) Dense(5)]")] // found by the declaration fuzzer: MG0002 (no [Input]) stood beside CS1003
    [InlineData("[Model] [Input(2) Dense(1)]")]
    [InlineData("[Model, Input(2) Dense(1)]")]
    public void ASyntaxErrorBetweenAttributes_IsTheCompilersErrorAlone(string attributes)
    {
        // The missing comma is an error of the attribute list, not of either attribute in it.
        ModelGenRun run = ModelGenRun.Run(Source(attributes));
        Assert.Contains(run.Diagnostics, d => d.Id == "CS1003");
        Assert.DoesNotContain(run.Diagnostics, d => d.Id.StartsWith("MG", StringComparison.Ordinal));
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("[Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd(LearningRate = [|0.1m|])]", "CS0266")]
    [InlineData("[Model] [Input(2)] [Dense(4, [|1|])]", "CS1503")]
    [InlineData("[Model] [Input(2)] [Dense(1, [|Activation|] = Activation.ReLU)]", "CS0617")]
    public void ACompilerErrorInsideAnAttribute_StandsAlone(string attributes, string id)
    {
        // The compiler's conversion error alone: no MG diagnostic computed from the value it could not convert.
        ModelGenRun run = ModelGenRun.Run(Source(attributes));
        run.Should().Has(id, Error, 0).AndNoOther();
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("[Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd(LearningRate = (0.1m))]")]
    [InlineData("[Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd(LearningRate = K.D)]")]
    [InlineData("[Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd(LearningRate = 0.1m + 0.1m)]")]
    [InlineData("[Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd(LearningRate = +(0.1m))]")]
    [InlineData("[Model(BatchSize = (16L))] [Input(2)] [Dense(1)]")]
    [InlineData("[Model(BatchSize = K.L)] [Input(2)] [Dense(1)]")]
    [InlineData("[Model(Precision = K.I)] [Input(2)] [Dense(1)]")]
    [InlineData("[Model] [Input(2)] [Dense(1, WeightInit = K.I)]")]
    [InlineData("[Model] [Input(new int[] { 2, 3L })] [Flatten] [Dense(1)]")]
    [InlineData("[Model] [Input(new int[] { 2, 3.5 })] [Flatten] [Dense(1)]")]
    [InlineData("[Model] [Input(2)] [Dense(2, Name = \"x\")] [Add(new string[] { \"x\", K.C })] [Dense(1)]")]
    [InlineData("[Model] [Input(2)] [Dense(Name = \"a\", 1)]")]
    public void ACompilerErrorInAnExpressionInsideAnAttribute_StandsAlone(string attributes)
    {
        // The compiler keeps a converted value in the attribute data even where it reports the conversion; the model
        // must still be left to the compiler's error alone (found by review of the parser's cheap screen).
        const string constants = "static class K { public const decimal D = 0.5m; public const long L = 16; public const int I = 1; public const char C = 'x'; }";
        ModelGenRun run = ModelGenRun.Run(Source(attributes, "partial class M; " + constants));
        Assert.Contains(run.Diagnostics, d => d.Severity == Error && d.Id.StartsWith("CS", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Diagnostics, d => d.Id.StartsWith("MG", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Sources, s => !s.Text.Contains("InvalidOperationException", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelOnAnEnum_IsTheCompilersErrorAlone()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[[|Model|]] [[|Input|](2)] [[|Dense|](1)]", "enum E { A }"));
        run.Should()
            .Has("CS0592", Error, 0, "'Model' is not valid on this declaration type")
            .Has("CS0592", Error, 1)
            .Has("CS0592", Error, 2)
            .AndNoOther();
    }

    [Theory]
    [InlineData("[Model] [Input(2)] [Dense(1)] partial class { }")]
    [InlineData("namespace { [Model] [Input(2)] [Dense(1)] partial class M; }")]
    [InlineData("namespace A. { [Model] [Input(2)] [Dense(1)] partial class M; }")]
    public void AClassOrNamespaceWithoutAName_IsTheCompilersErrorAlone(string declaration)
    {
        // The compiler's error recovery gives a nameless symbol: no crash, no MG diagnostic, no generated file.
        ModelGenRun run = ModelGenRun.Run(Source("", declaration));
        Assert.Contains(run.Diagnostics, d => d.Severity == Error && d.Id.StartsWith("CS", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Diagnostics, d => d.Id.StartsWith("MG", StringComparison.Ordinal));
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void ModelsWhoseNamesDifferOnlyInCase_BothGenerate()
    {
        // Roslyn compares hint names without regard to case: "Net.g.cs" twice would fail the whole generator run.
        ModelGenRun run = ModelGenRun.Run(
            Source("[Model] [Input(2)] [Dense(1)]", "partial class Net;") + "\n[Model] [Input(3)] [Dense(2)]\npartial class NET;",
            "namespace A { [ModelGen.Model] [ModelGen.Input(2)] [ModelGen.Dense(1)] partial class M; }\nnamespace a { [ModelGen.Model] [ModelGen.Input(2)] [ModelGen.Dense(1)] partial class M; }");
        run.Should().AndNoOther();
        Assert.Equal(4, run.Sources.Length);
        Assert.Equal(4, run.Sources.Select(s => s.HintName.ToLowerInvariant()).Distinct().Count());
        Assert.Contains(run.Sources, s => s.HintName.StartsWith("Net.", StringComparison.Ordinal) && s.HintName.EndsWith(".g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{0} partial class var;")]
    [InlineData("namespace System {{ {0} partial class M; }}")]
    [InlineData("namespace Demo {{ {0} partial class System; }}")]
    [InlineData("{0} partial class Kernels;")]
    [InlineData("{0} partial class Initialization;")]
    public void ClassesNamedLikeKeywordsOrNamespaces_Compile(string declaration)
    {
        // Whatever the user's own code is warned about (a lower-case type name), nothing is reported in the generated file.
        string attributes = "[Model] [Input(2)] [Dense(3, Activation.ReLU)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Adam]";
        ModelGenRun run = ModelGenRun.Run(Source("", string.Format(System.Globalization.CultureInfo.InvariantCulture, declaration, attributes)));
        Assert.Single(run.Sources);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == Error);
        Assert.DoesNotContain(run.Diagnostics, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void NullLayerName_MeansTheDefaultName()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [Input(2)] [Dense(1, Name = null)]"));
        run.Should().AndNoOther();
        Assert.Contains("\"dense0.weight\"", run.Source.Text, System.StringComparison.Ordinal);
    }

    [Fact]
    public void KeywordNames_AreEscapedInGeneratedCode()
    {
        ModelGenRun run = ModelGenRun.Run("""
            using ModelGen;

            namespace @class.@event
            {
                [Model] [Input(2)] [Dense(3, Name = "int")] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd]
                partial class @operator;
            }
            """);
        run.Should().AndNoOther();
        Assert.Equal("class.event.operator.g.cs", run.Source.HintName);
        Assert.Contains("namespace @class.@event", run.Source.Text, System.StringComparison.Ordinal);
        Assert.Contains("partial class @operator", run.Source.Text, System.StringComparison.Ordinal);
        Assert.Contains("\"int.weight\"", run.Source.Text, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Model] [Input(2)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd]", "partial class Step;")]
    [InlineData("[Model] [Input(2)] [Dense(1)]", "partial class Forward;")]
    [InlineData("[Model] [Input(2)] [Dense(1, Name = \"m\")]", "partial class MWeight;")]
    public void ClassNamedLikeAGeneratedMember_IsADiagnosticNotBrokenCode(string attributes, string declaration)
    {
        // A member cannot have its class's name (CS0542): a class named like a generated member (Step, Forward,
        // <Layer>Weight) must get an MG diagnostic, never a compiler error inside the generated file.
        ModelGenRun run = ModelGenRun.Run(Source(attributes, declaration));
        Assert.DoesNotContain(run.Diagnostics, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true);
        Assert.True(run.Sources.IsEmpty || run.Diagnostics.IsEmpty, string.Join("\n", run.Diagnostics.Select(ModelGenRun.Describe)));
    }

    [Fact]
    public void RecordModel_CompilesCleanly()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [Input(2)] [Dense(4, Activation.Tanh)] [Dense(1)] [Loss(LossFunction.MeanSquaredError)] [Sgd]", "partial record R;"));
        run.Should().AndNoOther();
        Assert.Equal("R.g.cs", run.Source.HintName);
    }

    [Theory]
    // One tensor of 50000 x 50000 = 2.5e9 weights: its int length wraps to a negative ParameterCount.
    [InlineData("[Model(BatchSize = 1)] [Input(50000)] [[|Dense(50000)|]]")]
    // Two tensors of 1.6e9 each: each fits, their sum does not.
    [InlineData("[Model(BatchSize = 1)] [Input(40000)] [Dense(40000)] [[|Dense(40000)|]]")]
    public void ParameterCountBeyondInt_IsAnErrorNotBrokenCode(string attributes)
    {
        // The parameters do not fit in one int-indexed array, although every layer output does.
        ModelGenRun run = ModelGenRun.Run(Source(attributes));
        GeneratedFile standIn = Assert.Single(run.Sources);
        Assert.True(standIn.Text.Contains("this is a stand-in, not the model", StringComparison.Ordinal),
            "Code was generated for more parameters than an int can count:\n" + string.Join("\n", run.Diagnostics.Select(ModelGenRun.Describe)));
        Assert.Contains("public const int ParameterCount = 0; // unknown: a layer has errors", standIn.Text, StringComparison.Ordinal);
        Assert.Contains(run.Diagnostics, d => d.Id is "MG0005" or "MG0006" && d.Location.SourceSpan == run.Span(0).Span);
    }
}
