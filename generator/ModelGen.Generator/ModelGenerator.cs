using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using ModelGen.Generator.Shapes;

namespace ModelGen.Generator;

/// <summary>
/// The incremental pipeline: [Model] classes → <see cref="ModelSpec"/> (value-equatable, cached) → generated source
/// (one file per model, nothing for an invalid one). Diagnostics come from <see cref="ModelAnalyzer"/>, which runs the
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

        IncrementalValuesProvider<GeneratedFile> files = specs
            .Select(static (spec, ct) =>
            {
                string? source = ModelEmitter.Emit(ShapeInference.Plan(spec), ct);
                return new GeneratedFile(ModelEmitter.HintName(spec), source);
            })
            .WithTrackingName(Steps.GeneratedSource);

        context.RegisterSourceOutput(files, static (spc, file) =>
        {
            if (file.Source is not null) spc.AddSource(file.HintName, file.Source);
        });
    }

    /// <summary>A generated file: its hint name and text (null when the model is invalid).</summary>
    private sealed record GeneratedFile(string HintName, string? Source);
}
