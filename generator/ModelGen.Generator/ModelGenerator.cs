using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using ModelGen.Generator.Graph;

namespace ModelGen.Generator;

/// <summary>
/// The incremental pipeline: [Model] classes → <see cref="ModelSpec"/> → <see cref="ModelPlan"/> (both value-equatable,
/// cached) → generated source (one file per model, nothing for an invalid one). Diagnostics come from <see cref="ModelAnalyzer"/>, which runs the
/// same parser and shape inference.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ModelGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for caching tests.</summary>
    public static class Steps
    {
        /// <summary>The parsed <see cref="ModelSpec"/> of each [Model] class.</summary>
        public const string ModelSpec = nameof(ModelSpec);
        /// <summary>The <see cref="ModelPlan"/> of each model (value-equatable too: an unchanged plan is not emitted again).</summary>
        public const string ModelPlan = nameof(ModelPlan);
        /// <summary>The generated file of each valid model.</summary>
        public const string GeneratedSource = nameof(GeneratedSource);
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ModelSpec> specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ModelParser.ModelAttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (ctx, ct) => ModelParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ct))
            .WithTrackingName(Steps.ModelSpec);

        IncrementalValuesProvider<ModelPlan> plans = specs
            .Select(static (spec, _) => ShapeInference.Plan(spec))
            .WithTrackingName(Steps.ModelPlan);

        IncrementalValuesProvider<GeneratedFile> files = plans
            .Select(static (plan, ct) => new GeneratedFile(ModelEmitter.HintName(plan.Spec), ModelEmitter.Emit(plan, ct)))
            .WithTrackingName(Steps.GeneratedSource);

        context.RegisterSourceOutput(files, static (spc, file) =>
        {
            if (file.Source is not null) spc.AddSource(file.HintName, file.Source);
        });
    }

    /// <summary>A generated file: its hint name and text (null when the model is invalid).</summary>
    private sealed record GeneratedFile(string HintName, string? Source);
}
