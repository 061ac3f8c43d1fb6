using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelGen.Generator;

namespace ModelGen.Generator.Benchmarks;

/// <summary>
/// Times ModelGen's generator and analyzer in a compilation of N model files plus one unrelated file, as the IDE runs
/// them: a full run (a fresh driver: opening the project), then incremental runs of the same driver after an edit to the
/// unrelated file (a keystroke elsewhere) and after an edit to one model's attribute (a keystroke in a declaration).
/// Medians of the repeats, in milliseconds, per run and per model.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine("usage: dotnet run -c Release --project tests/ModelGen.Generator.Benchmarks [-- --models 10,100,300] [--repeat 15]");
            return 0;
        }
        int[] counts = (Option(args, "--models") ?? "10,100,300").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int repeat = int.Parse(Option(args, "--repeat") ?? "15", CultureInfo.InvariantCulture);
        Console.WriteLine($"ModelGen generator cost: {Environment.ProcessorCount} processors, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; medians of {repeat} runs");
        Console.WriteLine();
        Console.WriteLine("| models | full run ms | per model | analyzer ms | unrelated edit ms | per model | attribute edit ms | per model |");
        Console.WriteLine("|--:|--:|--:|--:|--:|--:|--:|--:|");
        // A first pass that is not reported: the JIT compiles the generator and Roslyn's paths.
        Measure(10, 3, baseline: false);
        Measure(10, 3, baseline: true);
        foreach (int n in counts)
        {
            var (full, analyzer, unrelated, attribute) = Measure(n, repeat, baseline: false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n} | {full:0.0} | {full / n:0.00} | {analyzer:0.0} | {unrelated:0.00} | {unrelated / n:0.000} | {attribute:0.00} | {attribute / n:0.000} |"));
            (full, _, unrelated, attribute) = Measure(n, repeat, baseline: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n}, baseline: attributes read only | {full:0.0} | {full / n:0.00} | — | {unrelated:0.00} | {unrelated / n:0.000} | {attribute:0.00} | {attribute / n:0.000} |"));
        }
        return 0;
    }

    /// <summary>
    /// The timings of ModelGen's generator, or (<paramref name="baseline"/>) of <see cref="AttributeReader"/>: what any
    /// generator that reads the models' attributes pays on the same compilations, Roslyn's share of the cost.
    /// </summary>
    private static (double Full, double Analyzer, double Unrelated, double Attribute) Measure(int models, int repeat, bool baseline)
    {
        var full = new List<double>();
        var analyzer = new List<double>();
        var unrelated = new List<double>();
        var attribute = new List<double>();
        for (int r = 0; r < repeat; r++)
        {
            List<SyntaxTree> trees = Enumerable.Range(0, models).Select(i => Parse(ModelSource(i, 0), $"Model{i}.cs")).ToList();
            SyntaxTree other = Parse(OtherSource(0), "Other.cs");
            trees.Add(other);
            CSharpCompilation compilation = CSharpCompilation.Create("Bench", trees, References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

            // Checked on a copy: binding this compilation here would leave its caches warm for the timed full run.
            Diagnostic? error = compilation.Clone().GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
            if (error is not null) throw new InvalidOperationException($"the benchmark's sources do not compile: {error}");
            GeneratorDriver driver = CSharpGeneratorDriver.Create(
                [baseline ? new AttributeReader().AsSourceGenerator() : new ModelGenerator().AsSourceGenerator()], parseOptions: ParseOptions,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
            long start = Stopwatch.GetTimestamp();
            driver = driver.RunGenerators(compilation);
            full.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Check(driver, baseline ? 0 : models);

            start = Stopwatch.GetTimestamp();
            if (!baseline)
            {
                var diagnostics = compilation.WithAnalyzers([new ModelAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
                analyzer.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (diagnostics.Length != 0) throw new InvalidOperationException($"unexpected diagnostics: {diagnostics[0]}");
            }

            // A keystroke in an unrelated file.
            SyntaxTree otherEdited = Parse(OtherSource(r + 1), "Other.cs");
            compilation = compilation.ReplaceSyntaxTree(other, otherEdited);
            start = Stopwatch.GetTimestamp();
            driver = driver.RunGenerators(compilation);
            unrelated.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Check(driver, baseline ? 0 : models);

            // A keystroke in one model's attribute (its first Dense layer's units).
            int edited = r % models;
            SyntaxTree before = compilation.SyntaxTrees.First(t => t.FilePath == $"Model{edited}.cs");
            compilation = compilation.ReplaceSyntaxTree(before, Parse(ModelSource(edited, r + 1), $"Model{edited}.cs"));
            start = Stopwatch.GetTimestamp();
            driver = driver.RunGenerators(compilation);
            attribute.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Check(driver, baseline ? 0 : models);
        }
        return (Median(full), baseline ? 0 : Median(analyzer), Median(unrelated), Median(attribute));
    }

    /// <summary>
    /// The least a generator of attributed models does: finds the classes with <c>[Model]</c> and reads every attribute
    /// of each (type, constructor arguments, named arguments) into a value-equatable summary; it writes nothing.
    /// </summary>
    private sealed class AttributeReader : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<int> read = context.SyntaxProvider.ForAttributeWithMetadataName(
                "ModelGen.ModelAttribute",
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                static (ctx, _) =>
                {
                    int hash = 17;
                    foreach (AttributeData a in ctx.TargetSymbol.GetAttributes())
                    {
                        hash = hash * 31 + (a.AttributeClass?.Name.GetHashCode(StringComparison.Ordinal) ?? 0);
                        foreach (TypedConstant c in a.ConstructorArguments) hash = hash * 31 + (c.Kind == TypedConstantKind.Array ? c.Values.Length : c.Value?.GetHashCode() ?? 0);
                        foreach (var n in a.NamedArguments) hash = hash * 31 + n.Key.GetHashCode(StringComparison.Ordinal) + (n.Value.Value?.GetHashCode() ?? 0);
                    }
                    return hash;
                });
            context.RegisterSourceOutput(read.Collect(), static (_, _) => { });
        }
    }

    private static void Check(GeneratorDriver driver, int models)
    {
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null) throw result.Exception;
        if (result.Diagnostics.Length != 0) throw new InvalidOperationException($"unexpected diagnostic: {result.Diagnostics[0]}");
        if (result.GeneratedSources.Length != models) throw new InvalidOperationException($"{result.GeneratedSources.Length} files for {models} models");
    }

    /// <summary>Model <paramref name="i"/>: MLPs, CNNs and residual graphs in turn, sizes varied; <paramref name="edit"/> changes one attribute.</summary>
    private static string ModelSource(int i, int edit)
    {
        int units = 32 + i % 7 * 16 + edit;
        string body = (i % 3) switch
        {
            0 => $"""
                [Input(784)]
                [Dense({units}, Activation.ReLU)]
                [Dropout(0.1)]
                [Dense(64, Activation.ReLU)]
                [Dense(10)]
                [Loss(LossFunction.CrossEntropy)]
                [Adam(LearningRate = 1e-3)]
                """,
            1 => $"""
                [Input(1, 28, 28)]
                [Conv2D(8, 3, Activation.ReLU, Padding = Padding.Same)]
                [BatchNorm]
                [MaxPool2D(2)]
                [Conv2D(16, 3, Activation.ReLU)]
                [MaxPool2D(2)]
                [Flatten]
                [Dense({units}, Activation.ReLU)]
                [Dense(10)]
                [Loss(LossFunction.CrossEntropy)]
                [Sgd(LearningRate = 0.01, Momentum = 0.9)]
                """,
            _ => $"""
                [Input(16)]
                [Dense({units}, Activation.ReLU, Name = "a")]
                [Dense({units}, Activation.ReLU, Name = "b")]
                [Add("a", "b")]
                [Dense(8, From = "a", Name = "side")]
                [Concat("add0", "side")]
                [Dense(1)]
                [Loss(LossFunction.MeanSquaredError)]
                [RmsProp]
                """,
        };
        return $$"""
            using ModelGen;

            namespace Bench.Models;

            [Model(BatchSize = 32, Seed = {{i}})]
            {{body}}
            public partial class Net{{i}};
            """;
    }

    private static string OtherSource(int edit) => $$"""
        namespace Bench;

        public static class Other
        {
            public static int Value => {{edit}};
        }
        """;

    private static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path);

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        string framework = System.IO.Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return trusted.Split(System.IO.Path.PathSeparator)
            .Where(p => System.IO.Path.GetDirectoryName(p) == framework)
            .Append(typeof(ModelAttribute).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
    });

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
