using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ModelGen.CodeFixes.Declarations;

/// <summary>
/// One layer attribute of a model as written: its syntax, its kind (the attribute class without "Attribute":
/// <c>Dense</c>, <c>Conv2D</c>), the name other layers read it by, and the names it reads itself.
/// </summary>
internal sealed class LayerDeclaration
{
    public LayerDeclaration(AttributeSyntax syntax, string kind, string? explicitName, string name,
        AttributeArgumentSyntax? from, ImmutableArray<LayerReference> references)
    {
        Syntax = syntax;
        Kind = kind;
        ExplicitName = explicitName;
        Name = name;
        From = from;
        References = references;
    }

    public AttributeSyntax Syntax { get; }

    /// <summary>The attribute class without its suffix, as the generator's <c>LayerKind</c> spells it.</summary>
    public string Kind { get; }

    /// <summary>The <c>Name = "..."</c> argument's value, or null.</summary>
    public string? ExplicitName { get; }

    /// <summary>The name given, or the generator's default: the kind in lower case and an index per kind (<c>dense0</c>).</summary>
    public string Name { get; }

    /// <summary>The <c>From = "..."</c> argument, or null (the layer reads the previous one).</summary>
    public AttributeArgumentSyntax? From { get; }

    /// <summary>
    /// Every argument that names a layer to read, in order: <c>From</c>, then a merge's names
    /// (<c>[Add("a")]</c>, <c>[Concat("a", "b")]</c>).
    /// </summary>
    public ImmutableArray<LayerReference> References { get; }
}

/// <summary>An argument that names a layer (<c>From = "conv0"</c>, or a name in <c>[Add("conv0")]</c>), and the name it holds.</summary>
internal sealed class LayerReference
{
    public LayerReference(AttributeArgumentSyntax argument, string name)
    {
        Argument = argument;
        Name = name;
    }

    public AttributeArgumentSyntax Argument { get; }

    /// <summary>The string constant the argument holds.</summary>
    public string Name { get; }
}
