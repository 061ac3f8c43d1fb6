using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ModelGen.Fuzz.Tests.Declarations;

/// <summary>
/// The sizes a declaration implies, computed independently of the generator in 64-bit arithmetic from the attributes
/// as the compiler bound them: the input and output sizes, the parameter and buffer counts, and the largest array any
/// layer needs (a batch of outputs, a sample's im2col columns). A model that compiles must agree with these, and each
/// must fit in one .NET array.
/// </summary>
internal sealed class ReferenceSizes
{
    /// <summary>Array.MaxLength: the most elements one array holds.</summary>
    public const long MaxArray = 0x7FFFFFC7;

    public long BatchSize { get; private set; }
    public long InputSize { get; private set; }
    public long OutputSize { get; private set; }
    public long ParameterCount { get; private set; }
    public long BufferCount { get; private set; }
    /// <summary>Every array the model needs, with what it is for: (what, elements).</summary>
    public List<(string What, long Length)> Arrays { get; } = new();

    private sealed record Value(long[] Dims)
    {
        public long Size => Dims.Aggregate(1L, (a, b) => Mul(a, b));
        public bool IsImage => Dims.Length == 3;
    }

    /// <summary>Multiplication saturating at long.MaxValue (the sizes involved are non-negative).</summary>
    private static long Mul(long a, long b)
    {
        if (a == 0 || b == 0) return 0;
        return a > long.MaxValue / b ? long.MaxValue : a * b;
    }

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>
    /// The sizes of <paramref name="model"/>, or null when the declaration is not one this reference understands
    /// (then the generator must have reported it; this class only checks models that compiled).
    /// </summary>
    public static ReferenceSizes? Of(INamedTypeSymbol model)
    {
        List<AttributeData> attributes = model.GetAttributes()
            .Where(a => a.AttributeClass?.ContainingNamespace?.Name == "ModelGen" && a.ApplicationSyntaxReference is not null)
            .ToList();
        // One declaration carrying the attributes: their order is the source order.
        if (attributes.Select(a => a.ApplicationSyntaxReference!.SyntaxTree).Distinct().Count() != 1) return null;
        if (model.DeclaringSyntaxReferences.Count(r => attributes.Any(a =>
                r.SyntaxTree == a.ApplicationSyntaxReference!.SyntaxTree && r.Span.Contains(a.ApplicationSyntaxReference.Span))) != 1) return null;
        attributes.Sort((a, b) => a.ApplicationSyntaxReference!.Span.Start.CompareTo(b.ApplicationSyntaxReference!.Span.Start));

        var sizes = new ReferenceSizes { BatchSize = 32 };
        Value? input = null;
        var values = new List<Value>();
        var names = new List<string>();
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (AttributeData a in attributes)
        {
            string kind = a.AttributeClass!.Name.EndsWith("Attribute", StringComparison.Ordinal)
                ? a.AttributeClass.Name[..^"Attribute".Length] : a.AttributeClass.Name;
            if (kind == "Model")
            {
                sizes.BatchSize = Named(a, "BatchSize", 32);
                continue;
            }
            if (kind == "Input")
            {
                if (a.ConstructorArguments.Length != 1 || a.ConstructorArguments[0].Kind != TypedConstantKind.Array) return null;
                input = new Value(a.ConstructorArguments[0].Values.Select(v => v.Value is int i ? (long)i : -1).ToArray());
                continue;
            }
            if (!IsLayer(kind)) continue;
            if (input is null) return null;

            counters.TryGetValue(kind, out int index);
            counters[kind] = index + 1;
            string name = NamedString(a, "Name") ?? kind.ToLowerInvariant() + index;
            string? from = NamedString(a, "From");
            Value? Source(string? n) => n is null ? (values.Count > 0 ? values[^1] : input)
                : n == "input" ? input
                : names.IndexOf(n) is int k && k >= 0 ? values[k] : null;
            Value? first = Source(from);
            if (first is null) return null;

            Value? output = sizes.Layer(kind, a, name, first, a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Kind == TypedConstantKind.Array
                ? a.ConstructorArguments[0].Values.Select(v => Source(v.Value as string)).ToList() : new List<Value?>());
            if (output is null) return null;
            names.Add(name);
            values.Add(output);
        }
        if (input is null || values.Count == 0) return null;

        sizes.InputSize = input.Size;
        sizes.OutputSize = values[^1].Size;
        sizes.Arrays.Add(("a batch of inputs", Mul(sizes.BatchSize, input.Size)));
        sizes.Arrays.Add(("the parameters", sizes.ParameterCount));
        sizes.Arrays.Add(("the buffers", sizes.BufferCount));
        return sizes;
    }

    private static bool IsLayer(string kind) => kind is "Dense" or "ReLU" or "Tanh" or "Sigmoid" or "Softmax" or "LeakyReLU"
        or "Dropout" or "BatchNorm" or "LayerNorm" or "Conv2D" or "MaxPool2D" or "AvgPool2D" or "Flatten" or "Add" or "Concat"
        or "GlobalAvgPool2D";

    private Value? Layer(string kind, AttributeData a, string name, Value x, List<Value?> operands)
    {
        Value? y;
        switch (kind)
        {
            case "Dense":
            {
                long units = Positional(a, 0, 0);
                if (units < 1 || x.IsImage) return null;
                ParameterCount = Add(ParameterCount, Add(Mul(units, x.Size), NamedBool(a, "UseBias", true) ? units : 0));
                y = new Value(new[] { units });
                break;
            }
            case "Conv2D":
            {
                long filters = Positional(a, 0, 0), k = Positional(a, 1, 0), stride = Named(a, "Stride", 1);
                if (!x.IsImage || filters < 1 || k < 1 || stride < 1) return null;
                long pad = Named(a, "Padding", 0) == 1 ? k - 1 : 0;
                long h = x.Dims[1] + pad, w = x.Dims[2] + pad;
                if (k > h || k > w) return null;
                long oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
                ParameterCount = Add(ParameterCount, Add(Mul(Mul(filters, x.Dims[0]), Mul(k, k)), NamedBool(a, "UseBias", true) ? filters : 0));
                Arrays.Add(($"{name}'s im2col columns of one sample", Mul(Mul(x.Dims[0], Mul(k, k)), Mul(oh, ow))));
                y = new Value(new[] { filters, oh, ow });
                break;
            }
            case "MaxPool2D":
            case "AvgPool2D":
            {
                long pool = Positional(a, 0, 0), stride = Named(a, "Stride", pool);
                if (!x.IsImage || pool < 1 || stride < 1 || pool > x.Dims[1] || pool > x.Dims[2]) return null;
                y = new Value(new[] { x.Dims[0], (x.Dims[1] - pool) / stride + 1, (x.Dims[2] - pool) / stride + 1 });
                break;
            }
            case "BatchNorm":
                ParameterCount = Add(ParameterCount, Mul(2, x.Dims[0]));
                BufferCount = Add(BufferCount, Mul(2, x.Dims[0]));
                y = x;
                break;
            case "LayerNorm":
                ParameterCount = Add(ParameterCount, Mul(2, x.Size));
                y = x;
                break;
            case "Flatten":
                if (!x.IsImage) return null;
                y = new Value(new[] { x.Size });
                break;
            case "GlobalAvgPool2D":
                if (!x.IsImage) return null;
                y = new Value(new[] { x.Dims[0] });
                break;
            case "Add":
                if (operands.Count == 0 || operands.Any(o => o is null || !o.Dims.SequenceEqual(x.Dims))) return null;
                y = x;
                break;
            case "Concat":
                if (operands.Count == 0 || operands.Any(o => o is null || o.IsImage != x.IsImage)) return null;
                if (x.IsImage)
                {
                    if (operands.Any(o => o!.Dims[1] != x.Dims[1] || o.Dims[2] != x.Dims[2])) return null;
                    y = new Value(new[] { operands.Aggregate(x.Dims[0], (s, o) => Add(s, o!.Dims[0])), x.Dims[1], x.Dims[2] });
                }
                else
                {
                    y = new Value(new[] { operands.Aggregate(x.Size, (s, o) => Add(s, o!.Size)) });
                }
                break;
            case "Softmax":
                if (x.IsImage) return null;
                y = x;
                break;
            default: // activations, dropout
                y = x;
                break;
        }
        Arrays.Add(($"a batch of {name}'s outputs", Mul(BatchSize, y.Size)));
        return y;
    }

    private static long Positional(AttributeData a, int index, long fallback) =>
        index < a.ConstructorArguments.Length && a.ConstructorArguments[index].Value is int v ? v : fallback;

    private static long Named(AttributeData a, string name, long fallback)
    {
        foreach (KeyValuePair<string, TypedConstant> pair in a.NamedArguments)
            if (pair.Key == name && pair.Value.Value is int v) return v;
        return fallback;
    }

    private static bool NamedBool(AttributeData a, string name, bool fallback)
    {
        foreach (KeyValuePair<string, TypedConstant> pair in a.NamedArguments)
            if (pair.Key == name && pair.Value.Value is bool v) return v;
        return fallback;
    }

    private static string? NamedString(AttributeData a, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> pair in a.NamedArguments)
            if (pair.Key == name) return pair.Value.Value as string;
        return null;
    }
}
