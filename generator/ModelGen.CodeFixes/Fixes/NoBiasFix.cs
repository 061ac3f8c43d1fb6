using System.Collections.Generic;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.CodeFixes.Declarations;
using ModelGen.CodeFixes.Editing;

namespace ModelGen.CodeFixes.Fixes;

/// <summary>
/// MG1013 (a bias that the batch norm reading the layer cancels): <c>UseBias = false</c>, replacing a written
/// <c>UseBias = true</c> or added as the last argument. The layer then has no <c>.bias</c> parameter (weight files saved
/// with it no longer load).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NoBiasFix)), Shared]
public sealed class NoBiasFix : ModelGenCodeFix
{
    private const string UseBias = "UseBias";

    /// <inheritdoc/>
    protected override string DiagnosticId => "MG1013";

    private protected override IEnumerable<Fix> Offer(FixSite site)
    {
        if (ModelDeclaration.LayerKind(site.Attribute, site.Model, site.CancellationToken) is not ("Dense" or "Conv2D")) yield break;
        AttributeArgumentSyntax? written = AttributeArguments.Named(site.Attribute, UseBias);
        if (written is null)
            yield return new Fix("Drop the bias (UseBias = false)", DiagnosticId, ArgumentEdits.Append(site.Attribute, "UseBias = false"));
        else if (site.Model.GetConstantValue(written.Expression, site.CancellationToken) is { HasValue: true, Value: true })
            yield return new Fix("Drop the bias (UseBias = false)", DiagnosticId, ArgumentEdits.ReplaceExpression(written, "false"));
    }
}
