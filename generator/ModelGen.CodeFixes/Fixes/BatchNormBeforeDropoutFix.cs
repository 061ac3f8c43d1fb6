using System.Collections.Generic;
using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using ModelGen.CodeFixes.Declarations;

namespace ModelGen.CodeFixes.Fixes;

/// <summary>
/// MG1012 (batch norm right after dropout): swaps the two attributes, so that batch norm reads what dropout read and
/// dropout follows it. Offered only when that changes nothing else: the dropout is the layer written just before the
/// batch norm, neither reads another layer through <c>From</c>, and no layer reads either of them by name (its default
/// name stays, since the order among layers of one kind does not change).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BatchNormBeforeDropoutFix)), Shared]
public sealed class BatchNormBeforeDropoutFix : ModelGenCodeFix
{
    /// <inheritdoc/>
    protected override string DiagnosticId => "MG1012";

    private protected override IEnumerable<Fix> Offer(FixSite site)
    {
        if (ModelDeclaration.Of(site.Attribute, site.Model, site.CancellationToken) is not { } model) yield break;
        int index = model.IndexOf(site.Attribute);
        if (index < 1) yield break;
        LayerDeclaration batchNorm = model.Layers[index], dropout = model.Layers[index - 1];
        if (batchNorm.Kind != "BatchNorm" || dropout.Kind != "Dropout" || batchNorm.From is not null || dropout.From is not null) yield break;
        if (model.Layers.SelectMany(l => l.References).Any(r => r.Name == batchNorm.Name || r.Name == dropout.Name)) yield break;
        string batchNormText = batchNorm.Syntax.ToString(), dropoutText = dropout.Syntax.ToString();
        yield return new Fix("Put [BatchNorm] before [Dropout]", DiagnosticId,
            new TextChange(dropout.Syntax.Span, batchNormText), new TextChange(batchNorm.Syntax.Span, dropoutText));
    }
}
