using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// A project where the generator did not run (a plain ProjectReference without the README's Import): every use of a
/// generated member is error MG0900 naming the fix, with no "does not contain a definition" errors beside it; where the
/// generator ran, the generated members win and MG0900 never appears.
/// </summary>
/// <remarks>
/// The static members (<c>Net.InputSize</c>, ...) and properties (<c>Step</c>) are C# 14 extension members, which this project's Roslyn
/// (4.14, the generator's) does not bind; tests/ProjectReferenceConsumer/run.sh checks them with the SDK's compiler.
/// </remarks>
public class GeneratorMissingTests
{
    private const string Source = """
        using System;
        using ModelGen;

        [Model(BatchSize = 4)]
        [Input(2)]
        [Dense(2)]
        [Loss(LossFunction.CrossEntropy)]
        [Sgd]
        public partial class Net;

        public static class Use
        {
            public static float Run(float[] x, int[] y, float[] o)
            {
                var net = new Net();
                net.Predict(x, o);
                net.ApplyGradients();
                net.SaveWeights("w.safetensors");
                return net.TrainStep(x, y) + net.Evaluate(x, y);
            }
        }
        """;

    [Fact]
    public void Without_the_generator_every_generated_member_used_is_MG0900_naming_the_fix()
    {
        Compilation compilation = TestSources.Compile([TestSources.Parse(Source, "/0/Test0.cs")]);
        ImmutableArray<Diagnostic> errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal(GeneratorMissing.DiagnosticId, e.Id));
        // Predict, ApplyGradients, SaveWeights, TrainStep, Evaluate.
        Assert.Equal(5, errors.Length);
        Assert.All(errors, e => Assert.Contains("ModelGen.ProjectReference.targets", e.GetMessage(), System.StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Equal(GeneratorMissing.HelpUrl, e.Descriptor.HelpLinkUri));
    }

    [Fact]
    public void With_the_generator_the_generated_members_win()
    {
        ModelGenRun run = ModelGenRun.Run(Source);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == GeneratorMissing.DiagnosticId);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }
}
