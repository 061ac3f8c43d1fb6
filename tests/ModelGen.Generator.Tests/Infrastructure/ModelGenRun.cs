using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace ModelGen.Generator.Tests.Infrastructure;

/// <summary>A generated file: its hint name and text.</summary>
internal sealed record GeneratedFile(string HintName, string Text);

/// <summary>
/// One run of ModelGen on user code, as the compiler does it: the generator (through <see cref="CSharpGeneratorDriver"/>,
/// with step tracking on) and then the analyzer over the compilation that includes the generated files. Everything
/// the user would see, generator, compiler and analyzer diagnostics alike, is in <see cref="Diagnostics"/>.
/// </summary>
internal sealed class ModelGenRun
{
    private ModelGenRun(IReadOnlyList<MarkedSource> files, CSharpCompilation input, CSharpCompilation output,
        GeneratorDriver driver, ImmutableArray<Diagnostic> diagnostics)
    {
        Files = files;
        Input = input;
        Output = output;
        Driver = driver;
        Result = driver.GetRunResult().Results.Single();
        Sources = Result.GeneratedSources
            .Select(s => new GeneratedFile(s.HintName, s.SourceText.ToString()))
            .ToImmutableArray();
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<MarkedSource> Files { get; }
    public CSharpCompilation Input { get; }
    /// <summary>The user's code plus the generated files.</summary>
    public CSharpCompilation Output { get; }
    public GeneratorDriver Driver { get; }
    public GeneratorRunResult Result { get; }
    public ImmutableArray<GeneratedFile> Sources { get; }
    /// <summary>Generator, compiler (on <see cref="Output"/>) and analyzer diagnostics, in a stable order.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>The single generated file.</summary>
    public GeneratedFile Source => Assert.Single(Sources);

    /// <summary>The <paramref name="index"/>th marked span over all files, in order.</summary>
    public (string Path, TextSpan Span) Span(int index) =>
        Files.SelectMany(f => f.Spans.Select(s => (f.Path, s))).ElementAt(index);

    /// <summary>Starts assertions on <see cref="Diagnostics"/>; end them with <see cref="DiagnosticAssertions.AndNoOther"/>.</summary>
    public DiagnosticAssertions Should() => new(this);

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new ModelGenerator().AsSourceGenerator() },
            parseOptions: TestSources.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs ModelGen on sources with <c>[| |]</c> markup (file i is <c>/0/Test{i}.cs</c>).</summary>
    public static ModelGenRun Run(params string[] markups)
    {
        List<MarkedSource> files = markups.Select((m, i) => MarkedSource.Parse(TestSources.FileName(i), m)).ToList();
        CSharpCompilation input = TestSources.Compile(files.Select(f => TestSources.Parse(f.Text, f.Path)));
        return Run(files, input);
    }

    public static ModelGenRun Run(IReadOnlyList<MarkedSource> files, CSharpCompilation input)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.True(result.Exception is null, $"The generator threw: {result.Exception}");

        var analyzerExceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => { lock (analyzerExceptions) analyzerExceptions.Add(exception); },
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> compilerAndAnalyzer = output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer()), options)
            .GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.True(analyzerExceptions.Count == 0, "The analyzer threw: " + string.Join(Environment.NewLine, analyzerExceptions));

        ImmutableArray<Diagnostic> all = generatorDiagnostics.Concat(compilerAndAnalyzer)
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
        return new ModelGenRun(files, input, (CSharpCompilation)output, driver, all);
    }

    /// <summary>A diagnostic as a readable line: <c>MG0006 Error /0/Test0.cs(5,2) 'Dense(0)': message</c>.</summary>
    public static string Describe(Diagnostic d)
    {
        string where = d.Location.IsInSource
            ? $"{d.Location.SourceTree!.FilePath}({d.Location.GetLineSpan().StartLinePosition.Line + 1},{d.Location.GetLineSpan().StartLinePosition.Character + 1}) '{d.Location.SourceTree.GetText().GetSubText(d.Location.SourceSpan)}'"
            : d.Location.ToString();
        return $"{d.Id} {d.Severity} {where}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
