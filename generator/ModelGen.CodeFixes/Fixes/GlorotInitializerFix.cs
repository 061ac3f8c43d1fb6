using System.Collections.Generic;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.CodeFixes.Declarations;
using ModelGen.CodeFixes.Editing;

namespace ModelGen.CodeFixes.Fixes;

/// <summary>
/// MG1009 (a He-initialized layer feeding a sigmoid or tanh): Glorot initialization of the same shape,
/// <c>Init.GlorotUniform</c> for He uniform and <c>Init.GlorotNormal</c> for He normal.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GlorotInitializerFix)), Shared]
public sealed class GlorotInitializerFix : ModelGenCodeFix
{
    /// <summary>The underlying values of <c>Init.HeUniform</c> and <c>Init.HeNormal</c>.</summary>
    private const int HeUniform = 6, HeNormal = 7;

    /// <inheritdoc/>
    protected override string DiagnosticId => "MG1009";

    private protected override IEnumerable<Fix> Offer(FixSite site)
    {
        if (ModelDeclaration.LayerKind(site.Attribute, site.Model, site.CancellationToken) is not ("Dense" or "Conv2D")) yield break;
        AttributeArgumentSyntax? init = AttributeArguments.Named(site.Attribute, "WeightInit");
        string? glorot = AttributeArguments.ConstantInt(init, site.Model, site.CancellationToken) switch
        {
            HeUniform => "GlorotUniform",
            HeNormal => "GlorotNormal",
            _ => null,
        };
        if (glorot is not null)
            yield return new Fix($"Initialize for a saturating activation: Init.{glorot}", DiagnosticId, ArgumentEdits.ReplaceExpression(init!, "Init." + glorot));
    }
}
