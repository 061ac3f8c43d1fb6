using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using Xunit;

namespace ModelGen.Generator.Tests.Infrastructure;

/// <summary>Runs <see cref="ModelParser"/> directly on a class of a fresh compilation.</summary>
internal static class SpecParsing
{
    /// <param name="source">C# source that must compile without errors (so that no attribute is silently broken).</param>
    /// <param name="metadataName">The model class, e.g. <c>Demo.Outer+Inner+M</c>.</param>
    public static ModelSpec Parse(string source, string metadataName = "M")
    {
        CSharpCompilation compilation = TestSources.Compile(source);
        Diagnostic[] errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "The test source does not compile:\n" + string.Join("\n", errors.Select(ModelGenRun.Describe)));
        INamedTypeSymbol type = compilation.GetTypeByMetadataName(metadataName)
            ?? throw new Xunit.Sdk.XunitException($"No type '{metadataName}' in the test source.");
        return ModelParser.Parse(type, CancellationToken.None);
    }
}
