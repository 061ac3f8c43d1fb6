using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ModelGen.Fuzz.Tests.Infrastructure;

namespace ModelGen.Fuzz.Tests.Declarations;

/// <summary>
/// What must hold for any source, valid or not:
/// <list type="number">
/// <item>the generator and the analyzer never throw (no CS8785, no AD0001);</item>
/// <item>no warning or error is located inside a generated file, and the generated code causes none in the user's code;</item>
/// <item>each [Model] type either gets its code, with no MG error, or gets no model code (at most a stand-in whose
/// members throw) and an MG error (or the user's code has a C# error of its own) says why;</item>
/// <item>a C# error inside a ModelGen attribute stands alone: no MG diagnostic on that model beside it;</item>
/// <item>a model that compiles cleanly has the sizes its declaration implies (<see cref="ReferenceSizes"/>), each of
/// which fits in one array.</item>
/// </list>
/// </summary>
internal static class DeclarationOracle
{
    /// <summary>How a case ended, for the counts (not a failure by itself).</summary>
    public static string Outcome(DeclarationRun run)
    {
        if (run.Diagnostics.Any(d => d.Id.StartsWith("MG0", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error)) return "MG error";
        if (run.InputDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) return "C# error";
        if (run.Generated.Length == 0) return "no model";
        return run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) ? "generated, with errors" : "compiled";
    }

    public static List<Failure> Check(DeclarationRun run)
    {
        var failures = new List<Failure>();

        if (run.GeneratorException is { } ge)
            failures.Add(new Failure($"the generator threw {ge.GetType().Name}{Frame(ge)} (CS8785: every model's code is dropped)", Brief(ge)));
        foreach (Diagnostic d in run.Diagnostics.Where(d => d.Id == "CS8785" && run.GeneratorException is null))
            failures.Add(new Failure("the generator failed (CS8785)", DeclarationRun.Describe(d)));
        foreach (Exception e in run.AnalyzerExceptions)
            failures.Add(new Failure($"the analyzer threw {e.GetType().Name}{Frame(e)} (AD0001)", Brief(e)));
        foreach (Diagnostic d in run.Diagnostics.Where(d => d.Id == "AD0001" && run.AnalyzerExceptions.Count == 0))
            failures.Add(new Failure("the analyzer failed (AD0001)", DeclarationRun.Describe(d)));

        // Nothing inside a generated file; one failure per case, named by its first error (the others mostly follow from it).
        List<Diagnostic> inGenerated = run.Diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.IsInSource && run.IsGenerated(d.Location.SourceTree!))
            .OrderByDescending(d => d.Severity).ThenBy(d => d.Location.SourceTree!.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start)
            .ToList();
        if (inGenerated.Count > 0)
        {
            Diagnostic first = inGenerated[0];
            failures.Add(new Failure($"{(first.Severity == DiagnosticSeverity.Error ? "error" : "warning")} inside generated code: {first.Id}",
                $"{inGenerated.Count} diagnostics in generated code ({string.Join(", ", inGenerated.Select(d => d.Id).Distinct().Take(8))}), the first: " +
                string.Join(Environment.NewLine, inGenerated.Take(3).Select(DeclarationRun.Describe)) + Environment.NewLine + GeneratedExcerpt(run, first)));
        }

        // Nothing new in the user's code because of the generated code.
        var before = new HashSet<(string, TextSpan)>(run.InputDiagnostics.Select(d => (d.Id, d.Location.SourceSpan)));
        List<Diagnostic> caused = run.Diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree == run.UserTree
                        && !d.Id.StartsWith("MG", StringComparison.Ordinal) && d.Id != "CS8785" && d.Id != "AD0001"
                        && !before.Contains((d.Id, d.Location.SourceSpan)))
            .OrderByDescending(d => d.Severity).ThenBy(d => d.Location.SourceSpan.Start).ToList();
        if (caused.Count > 0)
            failures.Add(new Failure($"the generated code causes {caused[0].Id} in the user's code",
                string.Join(Environment.NewLine, caused.Take(3).Select(DeclarationRun.Describe))));

        bool userErrors = run.InputDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
        bool anyError = run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
        foreach (INamedTypeSymbol model in Models(run))
        {
            List<SyntaxNode> declarations = model.DeclaringSyntaxReferences
                .Where(r => r.SyntaxTree == run.UserTree).Select(r => r.GetSyntax()).ToList();
            bool generated = model.DeclaringSyntaxReferences.Any(r => run.IsGenerated(r.SyntaxTree));
            List<Diagnostic> mine = run.Diagnostics.Where(d => d.Id.StartsWith("MG", StringComparison.Ordinal)
                && d.Location.SourceTree == run.UserTree && declarations.Any(n => n.FullSpan.Contains(d.Location.SourceSpan))).ToList();
            List<Diagnostic> mgErrors = mine.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            string name = model.ToDisplayString();

            if (!generated && mgErrors.Count == 0 && !userErrors && model.TypeKind == TypeKind.Class && run.GeneratorException is null)
                failures.Add(new Failure("no code generated for a [Model] class, and no error says why",
                    $"model {name}; diagnostics: {List(run.Diagnostics)}"));
            // A declaration with errors gets a stand-in (its members throw), never the model; a valid one never gets a stand-in.
            bool standIn = model.DeclaringSyntaxReferences.Any(r => run.IsGenerated(r.SyntaxTree)
                && r.SyntaxTree.ToString().Contains("this is a stand-in, not the model", StringComparison.Ordinal));
            if (generated && !standIn && mgErrors.Count > 0)
                failures.Add(new Failure($"model code generated although {mgErrors[0].Id} is reported (errors must stop generation)",
                    $"model {name}: {DeclarationRun.Describe(mgErrors[0])}"));
            if (standIn && mgErrors.Count == 0)
                failures.Add(new Failure("a stand-in generated for a model without MG errors", $"model {name}; diagnostics: {List(run.Diagnostics)}"));

            List<Diagnostic> attributeErrors = CompilerErrorsInModelGenAttributes(run, declarations);
            if (attributeErrors.Count > 0 && mine.Count > 0)
                failures.Add(new Failure($"MG diagnostic reported beside the compiler's {attributeErrors[0].Id} in a ModelGen attribute (the compiler's message must stand alone)",
                    $"model {name}: {DeclarationRun.Describe(attributeErrors[0])}; then {DeclarationRun.Describe(mine[0])}"));

            if (generated && !standIn && !anyError)
                CheckSizes(run, model, failures);
        }
        return failures;
    }

    /// <summary>The types of the user's code that carry [Model] (from the output compilation, with their generated parts).</summary>
    private static IEnumerable<INamedTypeSymbol> Models(DeclarationRun run)
    {
        SemanticModel semantics = run.Output.GetSemanticModel(run.UserTree);
        var seen = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (MemberDeclarationSyntax node in run.UserTree.GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>())
        {
            if (node is not (BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)) continue;
            if (semantics.GetDeclaredSymbol(node) is not INamedTypeSymbol type || !seen.Add(type)) continue;
            if (type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "ModelGen.ModelAttribute"))
                yield return type;
        }
    }

    /// <summary>The compiler's errors (without the generator) inside attributes of the declarations that bind to ModelGen's attributes.</summary>
    private static List<Diagnostic> CompilerErrorsInModelGenAttributes(DeclarationRun run, List<SyntaxNode> declarations)
    {
        SemanticModel semantics = run.Input.GetSemanticModel(run.UserTree);
        var spans = new List<TextSpan>();
        foreach (SyntaxNode declaration in declarations)
        {
            foreach (AttributeSyntax attribute in declaration.ChildNodes().OfType<AttributeListSyntax>().SelectMany(l => l.Attributes))
            {
                SymbolInfo info = semantics.GetSymbolInfo(attribute);
                ISymbol? symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                if (symbol?.ContainingType?.ContainingNamespace is { Name: "ModelGen", ContainingNamespace.IsGlobalNamespace: true })
                    spans.Add(attribute.Span);
            }
        }
        return run.InputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree == run.UserTree
            && spans.Any(s => s.Contains(d.Location.SourceSpan))).ToList();
    }

    private static void CheckSizes(DeclarationRun run, INamedTypeSymbol model, List<Failure> failures)
    {
        if (ReferenceSizes.Of(model) is not { } expected) return;
        string name = model.ToDisplayString();
        foreach ((string what, long length) in expected.Arrays)
        {
            if (length > ReferenceSizes.MaxArray)
            {
                failures.Add(new Failure("compiled without an MG error although an array it needs exceeds Array.MaxLength (int overflow)",
                    $"model {name}: {what} need {length} elements; Array.MaxLength is {ReferenceSizes.MaxArray}"));
                return;
            }
        }
        void Compare(string constant, long value)
        {
            object? actual = model.GetMembers(constant).OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst)?.ConstantValue;
            if (actual is int generated && generated != value)
                failures.Add(new Failure($"the generated {constant} differs from the declaration's",
                    $"model {name}: {constant} = {generated}, but the declaration gives {value}"));
        }
        Compare("InputSize", expected.InputSize);
        Compare("OutputSize", expected.OutputSize);
        Compare("BatchSize", expected.BatchSize);
        if (model.GetMembers("ParameterCount").Any()) Compare("ParameterCount", expected.ParameterCount);
    }

    private static string GeneratedExcerpt(DeclarationRun run, Diagnostic d)
    {
        SourceText text = d.Location.SourceTree!.GetText();
        int line = d.Location.GetLineSpan().StartLinePosition.Line;
        string hint = run.Generated.FirstOrDefault(g => g.SyntaxTree == d.Location.SourceTree).HintName ?? "?";
        return $"  in {hint}, line {line + 1}: {text.Lines[line].ToString().Trim()}";
    }

    private static string List(IEnumerable<Diagnostic> diagnostics)
    {
        List<string> lines = diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(DeclarationRun.Describe).ToList();
        return lines.Count == 0 ? "none" : Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", lines.Take(8));
    }

    /// <summary>" in Method" for the innermost frame of ModelGen's own code (tells crashes of one type apart).</summary>
    private static string Frame(Exception e)
    {
        string? frame = (e.StackTrace ?? "").Split('\n').Select(s => s.Trim())
            .FirstOrDefault(s => s.StartsWith("at ModelGen.", StringComparison.Ordinal));
        if (frame is null) return "";
        int paren = frame.IndexOf('(');
        string method = paren > 0 ? frame[3..paren] : frame[3..];
        return " in " + method;
    }

    private static string Brief(Exception e)
    {
        string[] stack = (e.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return $"{e.GetType().FullName}: {e.Message}{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", stack.Take(4).Select(s => s.Trim()))}";
    }
}
