using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ModelGen.CodeFixes.Editing;

/// <summary>Finds the arguments of an attribute as written: by property (<c>WeightInit = ...</c>) or by constructor parameter.</summary>
internal static class AttributeArguments
{
    /// <summary>The <c>Property = value</c> argument that sets <paramref name="property"/>, or null.</summary>
    public static AttributeArgumentSyntax? Named(AttributeSyntax attribute, string property) =>
        All(attribute).FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == property);

    /// <summary>The constructor arguments written by position (neither <c>name:</c> nor <c>Property =</c>).</summary>
    public static IEnumerable<AttributeArgumentSyntax> Positional(AttributeSyntax attribute) =>
        All(attribute).Where(a => a.NameEquals is null && a.NameColon is null);

    /// <summary>
    /// The argument bound to the constructor parameter <paramref name="parameter"/>, by position or as
    /// <c>parameter: value</c>; null when it is left at its default (or the constructor does not bind).
    /// </summary>
    public static AttributeArgumentSyntax? ForParameter(AttributeSyntax attribute, string parameter, SemanticModel model, CancellationToken cancellationToken)
    {
        AttributeArgumentSyntax? byName = All(attribute).FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameter);
        if (byName is not null) return byName;
        if (model.GetSymbolInfo(attribute, cancellationToken).Symbol is not IMethodSymbol constructor) return null;
        int index = constructor.Parameters.IndexOf(constructor.Parameters.FirstOrDefault(p => p.Name == parameter)!);
        if (index < 0 || constructor.Parameters[index].IsParams) return null;
        return Positional(attribute).ElementAtOrDefault(index);
    }

    /// <summary>The constant an argument holds, as an integer (an enum's underlying value), or null.</summary>
    public static int? ConstantInt(AttributeArgumentSyntax? argument, SemanticModel model, CancellationToken cancellationToken)
    {
        if (argument is null) return null;
        Optional<object?> value = model.GetConstantValue(argument.Expression, cancellationToken);
        return value.HasValue && value.Value is int or short or byte or long ? Convert.ToInt32(value.Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static IEnumerable<AttributeArgumentSyntax> All(AttributeSyntax attribute) =>
        attribute.ArgumentList?.Arguments ?? Enumerable.Empty<AttributeArgumentSyntax>();
}
