using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using ModelGen.CodeFixes.Editing;

namespace ModelGen.CodeFixes;

/// <summary>
/// Base of every ModelGen code fix: one diagnostic ID per fix, reported (as all MG diagnostics are) on the attribute
/// that causes it. A fix looks at that attribute and its model and offers zero or more actions; offering none is how a
/// fix declines a case it does not handle. A new fix is a subclass in Fixes/ with <c>[ExportCodeFixProvider]</c>.
/// </summary>
public abstract class ModelGenCodeFix : CodeFixProvider
{
    /// <summary>The MG diagnostic this fix repairs.</summary>
    protected abstract string DiagnosticId { get; }

    /// <inheritdoc/>
    public sealed override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticId);

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        SourceText text = await context.Document.GetTextAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute) continue;
            var site = new FixSite(context.Document, text, model, attribute, diagnostic, context.CancellationToken);
            foreach (Fix fix in Offer(site))
                context.RegisterCodeFix(
                    CodeAction.Create(fix.Title, _ => Task.FromResult(AttributeEdits.Apply(context.Document, text, fix.Changes)), fix.EquivalenceKey),
                    diagnostic);
        }
    }

    /// <summary>The fixes that apply at <paramref name="site"/> (none when the diagnostic is a case this fix does not handle).</summary>
    private protected abstract IEnumerable<Fix> Offer(FixSite site);
}

/// <summary>Where a diagnostic is: its document, the attribute it is reported on, and the semantic model to read them.</summary>
internal sealed class FixSite
{
    internal FixSite(Document document, SourceText text, SemanticModel model, AttributeSyntax attribute, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        Document = document;
        Text = text;
        Model = model;
        Attribute = attribute;
        Diagnostic = diagnostic;
        CancellationToken = cancellationToken;
    }

    /// <summary>The document holding the attribute.</summary>
    public Document Document { get; }
    /// <summary>The document's text.</summary>
    public SourceText Text { get; }
    /// <summary>The document's semantic model.</summary>
    public SemanticModel Model { get; }
    /// <summary>The attribute the diagnostic is reported on.</summary>
    public AttributeSyntax Attribute { get; }
    /// <summary>The diagnostic.</summary>
    public Diagnostic Diagnostic { get; }
    /// <summary>Cancels the look-up.</summary>
    public CancellationToken CancellationToken { get; }
}

/// <summary>One offered fix: its title in the light-bulb menu, the key that groups it for "fix all", and its text changes.</summary>
internal sealed class Fix
{
    /// <summary>A fix of the given changes to the site's document.</summary>
    public Fix(string title, string equivalenceKey, params TextChange[] changes)
    {
        Title = title;
        EquivalenceKey = equivalenceKey;
        Changes = changes;
    }

    /// <summary>What the menu shows.</summary>
    public string Title { get; }
    /// <summary>Fixes with one key are applied together by "fix all".</summary>
    public string EquivalenceKey { get; }
    /// <summary>Non-overlapping changes to the document.</summary>
    public IReadOnlyList<TextChange> Changes { get; }
}
