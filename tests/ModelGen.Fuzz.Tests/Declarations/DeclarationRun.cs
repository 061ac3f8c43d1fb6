using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelGen.Generator;

namespace ModelGen.Fuzz.Tests.Declarations;

/// <summary>
/// One run of ModelGen on one user source, as a build does it, in memory: the generator through a
/// <see cref="CSharpGeneratorDriver"/>, then the compiler and <see cref="ModelAnalyzer"/> over the compilation that
/// includes the generated files. Nothing throws: exceptions of the generator and the analyzer are recorded.
/// </summary>
internal sealed class DeclarationRun
{
    public const string UserPath = "/fuzz/Model.cs";

    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithDocumentationMode(DocumentationMode.Diagnose);

    /// <summary>A library with nullable on and every warning wave, as the generator tests compile user code.</summary>
    private static readonly CSharpCompilationOptions Options = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        warningLevel: 9999,
        deterministic: true,
        concurrentBuild: false);

    /// <summary>
    /// An empty compilation with the references of a user's project (the shared framework and the ModelGen runtime);
    /// each case adds its tree to it, so that the referenced assemblies' symbols are built once.
    /// </summary>
    private static readonly Lazy<CSharpCompilation> Empty = new(() =>
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        IEnumerable<MetadataReference> references = trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => string.Equals(Path.GetDirectoryName(p), framework, StringComparison.Ordinal))
            .Append(typeof(ModelAttribute).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("UserAssembly", Array.Empty<SyntaxTree>(), references, Options);
    });

    private DeclarationRun() { }

    public string Source { get; private init; } = "";
    public CSharpCompilation Input { get; private init; } = null!;
    public CSharpCompilation Output { get; private init; } = null!;
    public SyntaxTree UserTree { get; private init; } = null!;
    /// <summary>The generated files, by hint name.</summary>
    public ImmutableArray<GeneratedSourceResult> Generated { get; private init; }
    public Exception? GeneratorException { get; private init; }
    public List<Exception> AnalyzerExceptions { get; } = new();
    /// <summary>Generator, compiler (on <see cref="Output"/>) and analyzer diagnostics.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; private init; }
    /// <summary>The compiler's diagnostics on the user's code alone, without the generator.</summary>
    public ImmutableArray<Diagnostic> InputDiagnostics { get; private init; }

    public bool IsGenerated(SyntaxTree tree) => tree != UserTree && Generated.Any(g => g.SyntaxTree == tree);

    public static DeclarationRun Run(string source)
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, ParseOptions, UserPath, Encoding.UTF8);
        CSharpCompilation input = Empty.Value.AddSyntaxTrees(tree);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new ModelGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        var analyzerExceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => { lock (analyzerExceptions) analyzerExceptions.Add(exception); },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> compilerAndAnalyzer = output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer()), options)
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult();

        var run = new DeclarationRun
        {
            Source = source,
            Input = input,
            Output = (CSharpCompilation)output,
            UserTree = tree,
            Generated = result.GeneratedSources,
            GeneratorException = result.Exception,
            Diagnostics = generatorDiagnostics.AddRange(compilerAndAnalyzer),
            InputDiagnostics = input.GetDiagnostics(),
        };
        run.AnalyzerExceptions.AddRange(analyzerExceptions);
        return run;
    }

    /// <summary>A diagnostic as one line: <c>CS0102 Error Model.g.cs(12,5): message</c>.</summary>
    public static string Describe(Diagnostic d)
    {
        string where = d.Location.IsInSource
            ? $"{Path.GetFileName(d.Location.SourceTree!.FilePath)}({d.Location.GetLineSpan().StartLinePosition.Line + 1},{d.Location.GetLineSpan().StartLinePosition.Character + 1})"
            : "(no location)";
        return $"{d.Id} {d.Severity} {where}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
