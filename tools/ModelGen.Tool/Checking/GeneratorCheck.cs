using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelGen.Generator;
using ModelGen.Onnx.Import;

namespace ModelGen.Tool.Checking;

/// <summary>The outcome of compiling an imported declaration with the generator: the compilation (with the generated
/// code), and its errors and warnings as import problems naming the layer's ONNX nodes.</summary>
internal sealed record CheckResult(CSharpCompilation Compilation, IReadOnlyList<ImportProblem> Errors, IReadOnlyList<ImportProblem> Warnings);

/// <summary>
/// Compiles an imported model's source in memory, as a user's project would: the ModelGen generator writes the model,
/// the analyzer reports MG diagnostics (the generator's own shape inference and checks), and the compiler reports any
/// error in the generated code. A declaration that passes compiles in the user's project.
/// </summary>
internal static class GeneratorCheck
{
    private static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions Options = new(OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999, deterministic: true);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>
    /// The running runtime's framework assemblies (from TRUSTED_PLATFORM_ASSEMBLIES, only those in the shared framework's
    /// folder) and the ModelGen runtime the tool ships with.
    /// </summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string
            ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not set: the tool must run on .NET (not self-contained single-file).");
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => string.Equals(Path.GetDirectoryName(p), framework, StringComparison.Ordinal))
            .Append(typeof(ModelAttribute).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    /// <summary>Runs the generator and the analyzer on <paramref name="result"/>'s source.</summary>
    public static CheckResult Check(ImportResult result)
    {
        string path = result.SourceFileName;
        SyntaxTree tree = CSharpSyntaxTree.ParseText(result.Source, ParseOptions, path, Encoding.UTF8);
        CSharpCompilation input = CSharpCompilation.Create("ImportedModel", new[] { tree }, References.Value, Options);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new ModelGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        var analyzerErrors = new List<Exception>();
        var analyzerOptions = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (e, _, _) => { lock (analyzerErrors) analyzerErrors.Add(e); },
            concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer()), analyzerOptions)
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        if (analyzerErrors.Count > 0) throw new InvalidOperationException("The ModelGen analyzer failed: " + analyzerErrors[0], analyzerErrors[0]);
        var all = generatorDiagnostics.Concat(diagnostics)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .OrderBy(d => d.Location.GetLineSpan().StartLinePosition.Line).ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        var errors = all.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => Describe(d, result)).ToList();
        var warnings = all.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => Describe(d, result)).ToList();
        return new CheckResult((CSharpCompilation)output, errors, warnings);
    }

    /// <summary>A diagnostic as an import problem: on a layer's attribute, named by the layer's ONNX nodes.</summary>
    private static ImportProblem Describe(Diagnostic d, ImportResult result)
    {
        string message = $"{d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}";
        if (d.Location.IsInSource && d.Location.SourceTree!.FilePath == result.SourceFileName)
        {
            int line = d.Location.GetLineSpan().StartLinePosition.Line + 1;
            if (result.Layers.FirstOrDefault(l => l.Line == line) is { } layer)
                return new ImportProblem(string.Join(" + ", layer.Nodes), layer.Declaration, $"{message} (layer {layer.Name}, {result.SourceFileName} line {line})");
            return new ImportProblem(result.SourceFileName, $"line {line}", message);
        }
        return new ImportProblem(d.Location.IsInSource ? Path.GetFileName(d.Location.SourceTree!.FilePath) : "compilation", "generated code", message);
    }
}
