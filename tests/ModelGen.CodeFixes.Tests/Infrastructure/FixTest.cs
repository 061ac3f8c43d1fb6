using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using ModelGen.Generator;

namespace ModelGen.CodeFixes.Tests.Infrastructure;

/// <summary>
/// Runs one code fix the way the IDE does: ModelGen's analyzer reports the MG diagnostics marked in the source
/// (<c>{|MG0005:Dense(10)|}</c>: every diagnostic must be marked, and nothing else may be reported), the fix is applied
/// to each (and through "fix all"), and the result must equal the expected source and be free of MG diagnostics
/// unless they are marked there too.
/// </summary>
internal static class FixTest<TFix> where TFix : CodeFixProvider, new()
{
    /// <summary>Asserts that the fix turns <paramref name="before"/> into <paramref name="after"/>.</summary>
    /// <param name="actionIndex">Which of the offered fixes to apply (several when names tie).</param>
    public static Task Fixes(string before, string after, int? actionIndex = null) =>
        Create(before, after, actionIndex).RunAsync(CancellationToken.None);

    /// <summary>Asserts that the diagnostics marked in <paramref name="source"/> are reported, and the fix offers nothing for them.</summary>
    public static Task OffersNothing(string source) =>
        Create(source, source, null).RunAsync(CancellationToken.None);

    private static CSharpCodeFixTest<ModelAnalyzer, TFix, DefaultVerifier> Create(string before, string after, int? actionIndex)
    {
        var test = new CSharpCodeFixTest<ModelAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = before,
            FixedCode = after,
            CodeActionIndex = actionIndex,
            // No reference package to download: the running framework's own assemblies and the ModelGen runtime.
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(References.Value);
        test.FixedState.AdditionalReferences.AddRange(References.Value);
        return test;
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>
    /// The framework assemblies of the running runtime (TRUSTED_PLATFORM_ASSEMBLIES, kept to the shared framework's
    /// folder so that xunit and Roslyn stay out) plus the ModelGen runtime, which holds the attributes.
    /// </summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string
            ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not set.");
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        IEnumerable<string> framework = trusted
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => string.Equals(Path.GetDirectoryName(p), frameworkDirectory, StringComparison.Ordinal));
        return framework
            .Append(typeof(ModelAttribute).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}
