using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The pipeline's caching, through the tracked steps <see cref="ModelGenerator.Steps.ModelSpec"/> and
/// <see cref="ModelGenerator.Steps.GeneratedSource"/>: edits that do not touch a model's attributes must leave every
/// step Cached or Unchanged (so nothing is re-emitted on a keystroke elsewhere), and an edit of the attributes must
/// show up as Modified with new generated text.
/// </summary>
public class IncrementalTests
{
    private static readonly string[] TrackedSteps = { ModelGenerator.Steps.ModelSpec, ModelGenerator.Steps.GeneratedSource };

    private const string ModelFile = """
        using ModelGen;

        namespace Demo;

        [Model(BatchSize = 4, Seed = 1)]
        [Input(2)]
        [Dense(8, Activation.Tanh)]
        [Dense(1)]
        [Loss(LossFunction.MeanSquaredError)]
        [Sgd(LearningRate = 0.1, Momentum = 0.9)]
        partial class Xor
        {
            public int Helper() => 1;
        }

        [Model] [Input(3)] [Dense(2)]
        partial class Other;
        """;

    private const string UnrelatedFile = """
        namespace Demo;

        class Unrelated
        {
            public int Value() => 1;
        }
        """;

    private sealed class Session
    {
        public Session(params string[] sources)
        {
            Compilation = TestSources.Compile(sources);
            Driver = ModelGenRun.CreateDriver().RunGenerators(Compilation);
            GeneratorRunResult first = Driver.GetRunResult().Results.Single();
            Assert.Null(first.Exception);
            Assert.Equal(2, first.GeneratedSources.Length);
            foreach (string step in TrackedSteps)
                Assert.All(Outputs(first, step), o => Assert.Equal(IncrementalStepRunReason.New, o.Reason));
        }

        public CSharpCompilation Compilation { get; private set; }
        public GeneratorDriver Driver { get; private set; }

        public GeneratorRunResult Rerun(CSharpCompilation next)
        {
            Compilation = next;
            Driver = Driver.RunGenerators(next);
            GeneratorRunResult result = Driver.GetRunResult().Results.Single();
            Assert.Null(result.Exception);
            return result;
        }

        public CSharpCompilation Edit(int file, Func<string, string> edit)
        {
            SyntaxTree tree = Compilation.SyntaxTrees.ElementAt(file);
            string text = tree.GetText().ToString();
            string edited = edit(text);
            Assert.NotEqual(text, edited);
            return Compilation.ReplaceSyntaxTree(tree, TestSources.Parse(edited, tree.FilePath));
        }
    }

    private static ImmutableArray<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step)
    {
        Assert.True(result.TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> runs), $"Step '{step}' was not tracked.");
        var outputs = runs.SelectMany(r => r.Outputs).ToImmutableArray();
        Assert.NotEmpty(outputs);
        return outputs;
    }

    private static void AssertAllCached(GeneratorRunResult result)
    {
        foreach (string step in TrackedSteps)
            foreach ((object value, IncrementalStepRunReason reason) in Outputs(result, step))
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"Step '{step}' output {value} is {reason}, but nothing it depends on changed.");
        foreach ((string name, ImmutableArray<IncrementalGeneratorRunStep> runs) in result.TrackedOutputSteps)
            foreach ((object _, IncrementalStepRunReason reason) in runs.SelectMany(r => r.Outputs))
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Output step '{name}' is {reason}.");
    }

    [Fact]
    public void AddingAnUnrelatedFile_KeepsEveryStepCached()
    {
        var session = new Session(ModelFile);
        GeneratorRunResult result = session.Rerun(session.Compilation.AddSyntaxTrees(TestSources.Parse(UnrelatedFile, "/0/Added.cs")));
        AssertAllCached(result);
        Assert.Equal(2, result.GeneratedSources.Length);
    }

    [Fact]
    public void EditingAnotherFile_KeepsEveryStepCached()
    {
        var session = new Session(ModelFile, UnrelatedFile);
        AssertAllCached(session.Rerun(session.Edit(1, t => t.Replace("=> 1;", "=> 2 + 3;", StringComparison.Ordinal))));
    }

    [Fact]
    public void EditingCodeInsideTheModelClass_KeepsEveryStepCached()
    {
        // Same file, same class, but not its attributes: the spec is re-read and compares equal.
        var session = new Session(ModelFile);
        AssertAllCached(session.Rerun(session.Edit(0, t => t.Replace("public int Helper() => 1;", "public int Helper() => 41 + 1; // changed", StringComparison.Ordinal))));
    }

    [Fact]
    public void EditingOnlyTrivia_KeepsEveryStepCached()
    {
        var session = new Session(ModelFile);
        AssertAllCached(session.Rerun(session.Edit(0, t => t.Replace("[Dense(1)]", "[Dense(1)] // the output", StringComparison.Ordinal))));
    }

    [Fact]
    public void EditingTheAttributes_ModifiesThatModelOnly()
    {
        var session = new Session(ModelFile);
        string before = SourceOf(session.Driver, "Demo.Xor.g.cs");
        string otherBefore = SourceOf(session.Driver, "Demo.Other.g.cs");

        GeneratorRunResult result = session.Rerun(session.Edit(0, t => t.Replace("[Dense(8, Activation.Tanh)]", "[Dense(16, Activation.Tanh)]", StringComparison.Ordinal)));

        foreach (string step in TrackedSteps)
        {
            var reasons = Outputs(result, step).Select(o => o.Reason).ToList();
            Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Modified or IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }
        string after = SourceOf(session.Driver, "Demo.Xor.g.cs");
        Assert.NotEqual(before, after);
        Assert.Contains("dense [2] -> [16]", after, StringComparison.Ordinal);
        Assert.DoesNotContain("dense [2] -> [8]", after, StringComparison.Ordinal);
        Assert.Equal(otherBefore, SourceOf(session.Driver, "Demo.Other.g.cs"));
    }

    [Fact]
    public void MakingAModelInvalid_TurnsItsSourceIntoAStandIn_AndFixingItBringsTheModelBack()
    {
        var session = new Session(ModelFile);
        GeneratorRunResult broken = session.Rerun(session.Edit(0, t => t.Replace("[Dense(1)]", "[Dense(0)]", StringComparison.Ordinal)));
        Assert.Contains(Outputs(broken, ModelGenerator.Steps.ModelSpec), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(new[] { "Demo.Other.g.cs", "Demo.Xor.g.cs" }, broken.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Contains("this is a stand-in, not the model", broken.GeneratedSources.Single(s => s.HintName == "Demo.Xor.g.cs").SourceText.ToString(), StringComparison.Ordinal);

        GeneratorRunResult fixedAgain = session.Rerun(session.Edit(0, t => t.Replace("[Dense(0)]", "[Dense(1)]", StringComparison.Ordinal)));
        Assert.Equal(new[] { "Demo.Other.g.cs", "Demo.Xor.g.cs" }, fixedAgain.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.DoesNotContain("stand-in", fixedAgain.GeneratedSources.Single(s => s.HintName == "Demo.Xor.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StepOutputs_HoldNoRoslynObjects()
    {
        // What the driver caches between runs must not keep a compilation alive.
        var session = new Session(ModelFile);
        GeneratorRunResult result = session.Rerun(session.Compilation.AddSyntaxTrees(TestSources.Parse(UnrelatedFile, "/0/Added.cs")));
        foreach (string step in TrackedSteps)
            foreach ((object value, IncrementalStepRunReason _) in Outputs(result, step))
                Assert.Empty(ObjectGraph.FindRoslynObjects(value));
    }

    private static string SourceOf(GeneratorDriver driver, string hintName) =>
        driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
}
