using System.Collections.Immutable;
using System.Linq;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ModelGen.Generator.Diagnostics;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using ModelGen.Generator.Graph;

namespace ModelGen.Generator;

/// <summary>
/// Reports every problem of a [Model] declaration as an MG#### diagnostic on the attribute that causes it. It reuses
/// the generator's parser and shape inference, so the generator emits the model exactly when this reports no error
/// (and otherwise a stand-in whose members throw, naming these errors).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModelAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        DiagnosticDescriptors.ById.Values.ToImmutableArray();

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == ModelParser.ModelAttributeName))
            return;

        ModelSpec spec = ModelParser.Parse(type, context.CancellationToken, context.Compilation);
        if (spec.HasCompilerErrors) return;
        ModelPlan plan = ShapeInference.Plan(spec);
        IReadOnlyList<AttributeData> attributes = ModelParser.OrderedAttributes(type, context.CancellationToken);

        foreach (Problem problem in plan.Problems)
        {
            DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById[problem.Id];
            Location location = problem.Ordinal >= 0 && problem.Ordinal < attributes.Count
                && attributes[problem.Ordinal].ApplicationSyntaxReference is { } reference
                ? reference.GetSyntax(context.CancellationToken).GetLocation()
                : type.Locations.FirstOrDefault() ?? Location.None;
            context.ReportDiagnostic(Diagnostic.Create(descriptor, location, problem.Arguments.Cast<object>().ToArray()));
        }
    }
}
