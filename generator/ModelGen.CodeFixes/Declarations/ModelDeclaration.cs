using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ModelGen.CodeFixes.Editing;

namespace ModelGen.CodeFixes.Declarations;

/// <summary>
/// The layer attributes of the class declaration that holds a diagnosed attribute, in the order written, with the
/// names the generator gives them. The generator requires every ModelGen attribute on one declaration (MG0011), so
/// one declaration is the whole model whenever its names matter.
/// </summary>
internal sealed class ModelDeclaration
{
    /// <summary>What <c>From</c> and merges call the model's input.</summary>
    public const string InputName = "input";

    private const string Namespace = "ModelGen";
    private const string LayerBase = "LayerAttribute";
    private const string Suffix = "Attribute";

    private ModelDeclaration(ImmutableArray<LayerDeclaration> layers) => Layers = layers;

    public ImmutableArray<LayerDeclaration> Layers { get; }

    /// <summary>The index of the layer written as <paramref name="attribute"/>, or -1 when it is not a layer.</summary>
    public int IndexOf(AttributeSyntax attribute)
    {
        for (int i = 0; i < Layers.Length; i++)
            if (Layers[i].Syntax == attribute) return i;
        return -1;
    }

    /// <summary>The names the layer at <paramref name="index"/> can read: the input, then every earlier layer.</summary>
    public IEnumerable<string> ReadableBy(int index) => new[] { InputName }.Concat(Layers.Take(index).Select(l => l.Name));

    /// <summary>The model around <paramref name="attribute"/>, or null when it does not sit on a type declaration.</summary>
    public static ModelDeclaration? Of(AttributeSyntax attribute, SemanticModel model, CancellationToken cancellationToken)
    {
        if (attribute.Parent?.Parent is not TypeDeclarationSyntax type) return null;
        var layers = new List<(AttributeSyntax Syntax, string Kind, string? Name)>();
        foreach (AttributeSyntax candidate in type.AttributeLists.SelectMany(l => l.Attributes))
            if (LayerKind(candidate, model, cancellationToken) is { } kind)
                layers.Add((candidate, kind, ConstantString(AttributeArguments.Named(candidate, "Name"), model, cancellationToken)));

        string[] names = DefaultNames(layers.Select(l => (l.Kind, l.Name)));
        return new ModelDeclaration(layers.Select((l, i) => new LayerDeclaration(l.Syntax, l.Kind, l.Name, names[i],
            AttributeArguments.Named(l.Syntax, "From"), References(l.Syntax, model, cancellationToken))).ToImmutableArray());
    }

    /// <summary>
    /// <c>From</c>, then a merge's names: its positional arguments that hold strings (other layers' positional
    /// arguments are numbers and enums).
    /// </summary>
    private static ImmutableArray<LayerReference> References(AttributeSyntax attribute, SemanticModel model, CancellationToken cancellationToken) =>
        new[] { AttributeArguments.Named(attribute, "From") }.Concat(AttributeArguments.Positional(attribute))
            .Select(a => a is not null && ConstantString(a, model, cancellationToken) is { } name ? new LayerReference(a, name) : null)
            .Where(r => r is not null).Select(r => r!)
            .ToImmutableArray();

    /// <summary>
    /// The generator's layer names: the given name, or the kind in lower case and an index that counts every layer of
    /// that kind written before it (named or not): <c>dense0</c>, <c>conv2d1</c>.
    /// </summary>
    public static string[] DefaultNames(IEnumerable<(string Kind, string? Name)> layers)
    {
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        return layers.Select(layer =>
        {
            counters.TryGetValue(layer.Kind, out int index);
            counters[layer.Kind] = index + 1;
            return layer.Name ?? layer.Kind.ToLowerInvariant() + index.ToString(CultureInfo.InvariantCulture);
        }).ToArray();
    }

    /// <summary>The kind of a ModelGen layer attribute (<c>Dense</c>), or null for any other attribute.</summary>
    public static string? LayerKind(AttributeSyntax attribute, SemanticModel model, CancellationToken cancellationToken)
    {
        SymbolInfo info = model.GetSymbolInfo(attribute, cancellationToken);
        INamedTypeSymbol? type = (info.Symbol ?? info.CandidateSymbols.FirstOrDefault())?.ContainingType;
        if (type is null || type.ContainingNamespace?.ToDisplayString() != Namespace) return null;
        for (INamedTypeSymbol? b = type.BaseType; b is not null; b = b.BaseType)
            if (b.Name == LayerBase && b.ContainingNamespace?.ToDisplayString() == Namespace)
                return type.Name.EndsWith(Suffix, StringComparison.Ordinal) ? type.Name.Substring(0, type.Name.Length - Suffix.Length) : type.Name;
        return null;
    }

    /// <summary>The string constant an argument holds, or null.</summary>
    public static string? ConstantString(AttributeArgumentSyntax? argument, SemanticModel model, CancellationToken cancellationToken) =>
        argument is null ? null : model.GetConstantValue(argument.Expression, cancellationToken) is { HasValue: true, Value: string s } ? s : null;
}
