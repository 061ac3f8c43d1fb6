using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using ModelGen.Generator.Graph;

namespace ModelGen.Generator;

/// <summary>
/// The incremental pipeline: [Model] classes → <see cref="ModelSpec"/> → <see cref="ModelPlan"/> (both value-equatable,
/// cached) → generated source (one file per model; for an invalid one, a stand-in whose members throw, or nothing, see StubEmitter). Diagnostics come from <see cref="ModelAnalyzer"/>, which runs the
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
        /// <summary>The generated file of each model (a stand-in whose members throw, for a model with errors).</summary>
        public const string GeneratedSource = nameof(GeneratedSource);
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ModelSpec> specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ModelParser.ModelAttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (ctx, ct) => ModelParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ct, ctx.SemanticModel.Compilation))
            .WithTrackingName(Steps.ModelSpec);

        IncrementalValuesProvider<ModelPlan> plans = specs
            .Select(static (spec, _) => ShapeInference.Plan(spec))
            .WithTrackingName(Steps.ModelPlan);

        IncrementalValuesProvider<GeneratedFile> files = plans
            .Select(static (plan, ct) => new GeneratedFile(plan.Spec.Type.FullName, plan.Spec.Type.MetadataName, ModelEmitter.Emit(plan, ct)))
            .WithTrackingName(Steps.GeneratedSource);

        // All files at once, so that two models whose names differ only in case get distinct hint names (HintNames).
        context.RegisterSourceOutput(files.Collect(), static (spc, all) =>
        {
            var valid = all.Where(f => f.Source is not null).ToList();
            IReadOnlyList<string> hints = HintNames.Assign(valid.Select(f => (f.FullName, f.MetadataName)).ToList());
            for (int i = 0; i < valid.Count; i++) spc.AddSource(hints[i], valid[i].Source!);
        });
    }

    /// <summary>A generated file: the model's full and metadata names (<c>Demo.Outer.Xor</c>, <c>Demo.Outer+Xor</c>) and the text (null when the model is invalid).</summary>
    private sealed record GeneratedFile(string FullName, string MetadataName, string? Source);
}
