using System;
using System.Collections.Generic;
using System.Composition;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using ModelGen.CodeFixes.Declarations;
using ModelGen.CodeFixes.Editing;

namespace ModelGen.CodeFixes.Fixes;

/// <summary>
/// MG0017 (a layer reads a name that is no layer's): replaces the name with the closest one the layer can read (the
/// input or an earlier layer), by edit distance ignoring case; on a tie, one fix per name. A name no closer than
/// half the candidate's length is not offered (nothing there looks like a typo), and neither is a replacement for a
/// name that belongs to the layer itself or a later one (the layers' order is the mistake there, not the name).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ClosestLayerNameFix)), Shared]
public sealed class ClosestLayerNameFix : ModelGenCodeFix
{
    /// <inheritdoc/>
    protected override string DiagnosticId => "MG0017";

    private protected override IEnumerable<Fix> Offer(FixSite site)
    {
        if (ModelDeclaration.Of(site.Attribute, site.Model, site.CancellationToken) is not { } model) yield break;
        int index = model.IndexOf(site.Attribute);
        if (index < 0) yield break;
        string[] readable = model.ReadableBy(index).ToArray();
        var unreadable = new HashSet<string>(model.Layers.Skip(index).Select(l => l.Name), StringComparer.OrdinalIgnoreCase);

        // Several unknown names on one attribute give one diagnostic each; its message quotes its own name.
        string message = site.Diagnostic.GetMessage(CultureInfo.InvariantCulture);
        List<LayerReference> unknown = model.Layers[index].References
            .Where(r => !readable.Contains(r.Name, StringComparer.Ordinal) && !unreadable.Contains(r.Name)).ToList();
        List<LayerReference> quoted = unknown.Where(r => message.Contains("'" + r.Name + "'")).ToList();

        // "Fix all" applies the fixes that share the first one's key: every diagnostic's first (closest) name. The other
        // fixes (a tie, or a second name when the message quotes none) get keys of their own.
        bool first = true;
        foreach (LayerReference reference in quoted.Count > 0 ? quoted : unknown)
            foreach (string name in Closest(reference.Name, readable))
            {
                yield return new Fix($"Use '{name}' (the closest name this layer can read)",
                    first ? DiagnosticId : $"{DiagnosticId}:{reference.Name}:{name}", AttributeEdits.ReplaceValue(reference.Argument, name));
                first = false;
            }
    }

    /// <summary>The candidates nearest to <paramref name="name"/> (all of them on a tie), if near enough to be a typo.</summary>
    private static IEnumerable<string> Closest(string name, IEnumerable<string> candidates)
    {
        var scored = candidates.Select(c => (Name: c, Distance: EditDistance.IgnoringCase(name, c)))
            .Where(c => c.Distance <= Math.Max(2, c.Name.Length / 2)).ToList();
        if (scored.Count == 0) return Enumerable.Empty<string>();
        int best = scored.Min(c => c.Distance);
        return scored.Where(c => c.Distance == best).Select(c => c.Name);
    }
}
