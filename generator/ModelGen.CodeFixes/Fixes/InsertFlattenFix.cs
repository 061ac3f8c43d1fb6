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
/// MG0005 on a <c>[Dense]</c> or <c>[Softmax]</c> that reads an image (rank 3): inserts <c>[Flatten]</c> before it. When
/// the layer reads another layer through <c>From</c>, the <c>From</c> moves to the new <c>[Flatten]</c> (which the layer
/// then reads as its previous one). Other MG0005 cases (an array too large, a convolution after a vector, a loss
/// after an image) are left alone, and so is a model where the new layer would shift the default name
/// (<c>flatten1</c> to <c>flatten2</c>) of a later <c>[Flatten]</c> that some layer reads by that name.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenFix)), Shared]
public sealed class InsertFlattenFix : ModelGenCodeFix
{
    private const string Flatten = "Flatten";

    /// <summary>The generator's reason for exactly this case ("... needs a vector; put [Flatten] before it").</summary>
    private const string FlattenAdvice = "put [Flatten] before it";

    private static readonly string[] VectorLayers = { "Dense", "Softmax" };

    /// <inheritdoc/>
    protected override string DiagnosticId => "MG0005";

    private protected override IEnumerable<Fix> Offer(FixSite site)
    {
        if (!site.Diagnostic.GetMessage(CultureInfo.InvariantCulture).Contains(FlattenAdvice)) yield break;
        if (ModelDeclaration.Of(site.Attribute, site.Model, site.CancellationToken) is not { } model) yield break;
        int index = model.IndexOf(site.Attribute);
        if (index < 0 || !VectorLayers.Contains(model.Layers[index].Kind) || ShiftsAReadName(model, index)) yield break;

        LayerDeclaration layer = model.Layers[index];
        if (layer.From is null)
        {
            yield return new Fix("Insert [Flatten] before this layer", DiagnosticId + Flatten,
                AttributeEdits.InsertBefore(site.Attribute, Flatten));
            yield break;
        }
        string from = layer.From.ToString();
        yield return new Fix($"Insert [Flatten({from})] before this layer", DiagnosticId + Flatten,
            AttributeEdits.InsertBefore(site.Attribute, $"{Flatten}({from})"),
            AttributeEdits.RemoveArgument(layer.From));
    }

    /// <summary>
    /// True when a new <c>[Flatten]</c> at <paramref name="index"/> would change the default name of a later one that
    /// some layer reads by name, or give two layers one name: the fix would then change or break the network.
    /// </summary>
    private static bool ShiftsAReadName(ModelDeclaration model, int index)
    {
        var before = model.Layers.Select(l => (l.Kind, l.ExplicitName)).ToList();
        var after = new List<(string Kind, string? ExplicitName)>(before);
        after.Insert(index, (Flatten, null));
        string[] oldNames = ModelDeclaration.DefaultNames(before);
        string[] newNames = ModelDeclaration.DefaultNames(after);
        if (HasDuplicates(newNames) && !HasDuplicates(oldNames)) return true;
        var renamed = new HashSet<string>(oldNames.Where((name, i) => newNames[i >= index ? i + 1 : i] != name), StringComparer.Ordinal);
        return model.Layers.SelectMany(l => l.References).Any(r => renamed.Contains(r.Name));
    }

    private static bool HasDuplicates(string[] names) =>
        names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Length;
}
