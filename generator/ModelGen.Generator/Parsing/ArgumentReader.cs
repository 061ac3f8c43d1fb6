using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Parsing;

/// <summary>Reads constructor and named arguments of one attribute, falling back to defaults.</summary>
internal readonly struct ArgumentReader
{
    private readonly AttributeData _attribute;

    public ArgumentReader(AttributeData attribute) => _attribute = attribute;

    public int Positional(int index, int fallback) =>
        index < _attribute.ConstructorArguments.Length && _attribute.ConstructorArguments[index].Value is { } v
            ? Convert.ToInt32(v, CultureInfo.InvariantCulture) : fallback;

    public double Positional(int index, double fallback) =>
        index < _attribute.ConstructorArguments.Length && _attribute.ConstructorArguments[index].Value is { } v
            ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : fallback;

    public IEnumerable<int> IntArray(int index) =>
        Array(index).Select(v => v.Value is { } x ? Convert.ToInt32(x, CultureInfo.InvariantCulture) : 0).ToArray();

    /// <summary>A <c>params string[]</c> argument; a null element reads as "" (no layer has that name).</summary>
    public IEnumerable<string> StringArray(int index) => Array(index).Select(v => v.Value as string ?? "").ToArray();

    private IEnumerable<TypedConstant> Array(int index)
    {
        if (index >= _attribute.ConstructorArguments.Length) return System.Array.Empty<TypedConstant>();
        TypedConstant argument = _attribute.ConstructorArguments[index];
        if (argument.Kind != TypedConstantKind.Array || argument.IsNull) return System.Array.Empty<TypedConstant>();
        return argument.Values;
    }

    public int Named(string name, int fallback) =>
        Find(name) is { } v ? Convert.ToInt32(v, CultureInfo.InvariantCulture) : fallback;

    public double Named(string name, double fallback) =>
        Find(name) is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A named double argument, or null when the attribute does not write it.</summary>
    public double? NamedDouble(string name) =>
        Find(name) is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : null;

    public bool Named(string name, bool fallback) => Find(name) is bool v ? v : fallback;

    public string? NamedString(string name) => Find(name) as string;

    private object? Find(string name)
    {
        foreach (KeyValuePair<string, TypedConstant> pair in _attribute.NamedArguments)
            if (pair.Key == name) return pair.Value.Value;
        return null;
    }
}
