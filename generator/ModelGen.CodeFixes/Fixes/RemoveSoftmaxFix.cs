using System.Collections.Generic;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.CodeFixes.Declarations;
using ModelGen.CodeFixes.Editing;

namespace ModelGen.CodeFixes.Fixes;

/// <summary>
/// MG1001 (a softmax feeds CrossEntropy, which applies softmax itself): removes the softmax. On a <c>[Softmax]</c>
/// layer, the attribute goes (unless it reads another layer through <c>From</c>: removing it would then make a
/// different layer the model's output); on a layer with a softmax activation (<c>[Dense(10, Activation.Softmax)]</c>),
/// the activation argument goes, leaving the default linear activation.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveSoftmaxFix)), Shared]
public sealed class RemoveSoftmaxFix : ModelGenCodeFix
{
    private const string ActivationParameter = "activation";

    /// <summary>The underlying value of <c>Activation.Softmax</c>.</summary>
    private const int Softmax = 4;

    /// <inheritdoc/>
    protected override string DiagnosticId => "MG1001";

    private protected override IEnumerable<Fix> Offer(FixSite site)
    {
        string? kind = ModelDeclaration.LayerKind(site.Attribute, site.Model, site.CancellationToken);
        if (kind == "Softmax")
        {
            if (AttributeArguments.Named(site.Attribute, "From") is null)
                yield return new Fix("Remove the [Softmax] layer (CrossEntropy applies softmax itself)", DiagnosticId,
                    AttributeEdits.RemoveAttribute(site.Text, site.Attribute));
            yield break;
        }
        AttributeArgumentSyntax? activation = AttributeArguments.ForParameter(site.Attribute, ActivationParameter, site.Model, site.CancellationToken);
        if (kind is not null && AttributeArguments.ConstantInt(activation, site.Model, site.CancellationToken) == Softmax)
            yield return new Fix("Remove the softmax activation (CrossEntropy applies softmax itself)", DiagnosticId,
                AttributeEdits.RemoveArgument(activation!));
    }
}
