using System.Collections.Generic;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.CodeFixes.Declarations;
using ModelGen.CodeFixes.Editing;

namespace ModelGen.CodeFixes.Fixes;

/// <summary>
/// MG1008 (a Glorot-initialized layer feeding a ReLU in a deep stack): He initialization of the same shape,
/// <c>Init.HeUniform</c> for Glorot uniform (written, or the default when <c>WeightInit</c> is not written) and
/// <c>Init.HeNormal</c> for Glorot normal.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HeInitializerFix)), Shared]
public sealed class HeInitializerFix : ModelGenCodeFix
{
    private const string WeightInit = "WeightInit";

    /// <summary>The underlying values of <c>Init.GlorotUniform</c> and <c>Init.GlorotNormal</c>.</summary>
    private const int GlorotUniform = 2, GlorotNormal = 3;

    /// <inheritdoc/>
    protected override string DiagnosticId => "MG1008";

    private protected override IEnumerable<Fix> Offer(FixSite site)
    {
        if (ModelDeclaration.LayerKind(site.Attribute, site.Model, site.CancellationToken) is not ("Dense" or "Conv2D")) yield break;
        AttributeArgumentSyntax? init = AttributeArguments.Named(site.Attribute, WeightInit);
        if (init is null)
        {
            yield return new Fix("Initialize for ReLU: WeightInit = Init.HeUniform", DiagnosticId,
                ArgumentEdits.Append(site.Attribute, "WeightInit = Init.HeUniform"));
            yield break;
        }
        string? he = AttributeArguments.ConstantInt(init, site.Model, site.CancellationToken) switch
        {
            GlorotUniform => "HeUniform",
            GlorotNormal => "HeNormal",
            _ => null,
        };
        if (he is not null)
            yield return new Fix($"Initialize for ReLU: Init.{he}", DiagnosticId, ArgumentEdits.ReplaceExpression(init, "Init." + he));
    }
}
