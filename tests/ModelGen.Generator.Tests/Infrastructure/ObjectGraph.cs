using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Tests.Infrastructure;

/// <summary>
/// Walks an object graph through every instance field (public or private, compiler-generated backing fields included,
/// up the base-type chain) and every array element, looking for Roslyn objects that would pin a compilation in the
/// incremental generator's cache. This is the check System.Text.Json's generator tests make on their model.
/// </summary>
internal static class ObjectGraph
{
    /// <summary>Types that must never be inside a cached model.</summary>
    public static readonly Type[] RoslynTypes =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation),
        typeof(SemanticModel), typeof(SyntaxReference), typeof(AttributeData), typeof(SyntaxToken), typeof(SyntaxTrivia),
        typeof(SyntaxNodeOrToken), typeof(TypedConstant), typeof(IOperation),
    };

    /// <summary>The paths (like <c>root.Layers._items[2].Name</c>) at which a Roslyn object, or a field that could hold one, was found.</summary>
    public static List<string> FindRoslynObjects(object root) => FindRoslynObjects(root, out _);

    /// <param name="visitedTypes">How many objects of each type the walk visited (to prove it got somewhere).</param>
    public static List<string> FindRoslynObjects(object root, out Dictionary<Type, int> visitedTypes)
    {
        var found = new List<string>();
        var counts = new Dictionary<Type, int>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, "root", found, counts, seen);
        visitedTypes = counts;
        return found;
    }

    private static void Walk(object? value, string path, List<string> found, Dictionary<Type, int> counts, HashSet<object> seen)
    {
        if (value is null) return;
        Type type = value.GetType();
        counts[type] = counts.TryGetValue(type, out int n) ? n + 1 : 1;

        if (RoslynTypes.Any(t => t.IsInstanceOfType(value)))
        {
            found.Add($"{path} ({type.FullName})");
            return;
        }
        if (type.IsPrimitive || type.IsEnum || value is string or decimal) return;
        if (value is Type or Delegate or Pointer)
        {
            found.Add($"{path} holds a {type.Name}, which does not belong in a model");
            return;
        }
        if (!type.IsValueType && !seen.Add(value)) return;

        if (value is Array array)
        {
            if (CouldHoldRoslynObject(type.GetElementType()!))
                found.Add($"{path} is a {type.Name} array, whose elements could be Roslyn objects");
            int i = 0;
            foreach (object? item in (IEnumerable)array) Walk(item, $"{path}[{i++}]", found, counts, seen);
            return;
        }

        for (Type? t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                string fieldPath = $"{path}.{field.Name}";
                if (CouldHoldRoslynObject(field.FieldType))
                    found.Add($"{fieldPath} is declared as {field.FieldType.Name}, which could hold a Roslyn object");
                Walk(field.GetValue(value), fieldPath, found, counts, seen);
            }
        }
    }

    /// <summary>True for a declared type that a Roslyn object could be stored in (object, an interface Roslyn types implement, ...).</summary>
    private static bool CouldHoldRoslynObject(Type declared)
    {
        if (declared.IsArray) return CouldHoldRoslynObject(declared.GetElementType()!);
        if (Nullable.GetUnderlyingType(declared) is { } underlying) declared = underlying;
        if (declared.IsPrimitive || declared.IsEnum || declared == typeof(string)) return false;
        return RoslynTypes.Any(r => declared.IsAssignableFrom(r) || r.IsAssignableFrom(declared));
    }
}
