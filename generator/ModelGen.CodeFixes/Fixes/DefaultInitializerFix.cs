using System.Collections.Generic;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.CodeFixes.Declarations;
using ModelGen.CodeFixes.Editing;

namespace ModelGen.CodeFixes.Fixes;

/// <summary>
/// MG1003 (constant weights on a layer that another weighted layer follows: its units never stop being identical):
/// removes the <c>WeightInit = Init.Zeros</c> (or <c>Init.Ones</c>) argument, so that the layer gets the default random
/// initializer (<c>Init.GlorotUniform</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DefaultInitializerFix)), Shared]
public sealed class DefaultInitializerFix : ModelGenCodeFix
{
    private const string WeightInit = "WeightInit";

    /// <summary>The underlying values of <c>Init.Zeros</c> and <c>Init.Ones</c>.</summary>
    private const int Zeros = 0, Ones = 1;

    /// <inheritdoc/>
    protected override string DiagnosticId => "MG1003";

    private protected override IEnumerable<Fix> Offer(FixSite site)
    {
        if (ModelDeclaration.LayerKind(site.Attribute, site.Model, site.CancellationToken) is null) yield break;
        AttributeArgumentSyntax? init = AttributeArguments.Named(site.Attribute, WeightInit);
        if (AttributeArguments.ConstantInt(init, site.Model, site.CancellationToken) is Zeros or Ones)
            yield return new Fix($"Use the default initializer (remove {init})", DiagnosticId, AttributeEdits.RemoveArgument(init!));
    }
}
