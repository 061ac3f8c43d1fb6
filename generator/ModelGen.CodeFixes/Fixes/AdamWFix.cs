using System.Collections.Generic;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ModelGen.CodeFixes.Fixes;

/// <summary>
/// MG1010 (coupled weight decay on an adaptive optimizer): <c>[Adam(...)]</c> becomes <c>[AdamW(...)]</c> with the same
/// arguments (AdamW has all of Adam's: LearningRate, Beta1, Beta2, Epsilon, Amsgrad, WeightDecay), so the decay is
/// decoupled and its value kept. Not offered for Adamax, NAdam or RmsProp, whose arguments and update AdamW does not share.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AdamWFix)), Shared]
public sealed class AdamWFix : ModelGenCodeFix
{
    /// <inheritdoc/>
    protected override string DiagnosticId => "MG1010";

    private protected override IEnumerable<Fix> Offer(FixSite site)
    {
        SymbolInfo info = site.Model.GetSymbolInfo(site.Attribute, site.CancellationToken);
        if (info.Symbol?.ContainingType is not { Name: "AdamAttribute", ContainingNamespace: { Name: "ModelGen", ContainingNamespace.IsGlobalNamespace: true } })
            yield break;
        // The name as written, qualified or not, with or without the Attribute suffix: its last identifier gets the W.
        SimpleNameSyntax name = site.Attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right,
            AliasQualifiedNameSyntax alias => alias.Name,
            SimpleNameSyntax simple => simple,
            _ => null!,
        };
        if (name is not IdentifierNameSyntax { Identifier.ValueText: "Adam" or "AdamAttribute" } identifier) yield break; // an alias: leave it
        string replacement = identifier.Identifier.ValueText == "Adam" ? "AdamW" : "AdamWAttribute";
        yield return new Fix("Use AdamW (decoupled weight decay, same arguments)", DiagnosticId,
            new TextChange(identifier.Identifier.Span, replacement));
    }
}
