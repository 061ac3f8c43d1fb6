using System.Collections.Generic;
using System.Linq;

namespace ModelGen.Onnx.Import;

/// <summary>A tensor of an imported layer: its suffix (<c>.weight</c>, ...), ModelGen shape and values.</summary>
internal sealed record LayerTensor(string Suffix, int[] Shape, float[] Values);

/// <summary>One layer attribute of the imported declaration, with where it came from.</summary>
internal sealed class LayerDecl
{
    public LayerDecl(string attribute, string name, IEnumerable<string> nodes)
    {
        Attribute = attribute;
        Name = name;
        Nodes.AddRange(nodes);
    }

    /// <summary>The attribute's class name without "Attribute": Dense, Conv2D, ReLU, ...</summary>
    public string Attribute { get; }

    /// <summary>The layer's default ModelGen name (<c>dense0</c>), under which its weights are stored.</summary>
    public string Name { get; }

    /// <summary>Positional arguments, as C# text.</summary>
    public List<string> Positional { get; } = new();

    /// <summary>Named properties (<c>Stride = 2</c>), as C# text, in order.</summary>
    public List<(string Name, string Value)> Named { get; } = new();

    /// <summary>The fused activation (<c>Activation.ReLU</c>, ...) of a Dense or Conv2D layer; null: linear.</summary>
    public string? Activation { get; set; }

    /// <summary>Whether the layer may take a fused activation (Dense, Conv2D).</summary>
    public bool CanFuse { get; init; }

    /// <summary><c>From</c>: the layer (or "input") this one reads, when it is not the previous layer.</summary>
    public string? From { get; set; }

    /// <summary>The other operands of Add and Concat.</summary>
    public List<string> Operands { get; } = new();

    /// <summary>The ONNX nodes it came from.</summary>
    public List<string> Nodes { get; } = new();

    /// <summary>Remarks for the comment (a fused activation, a dropped dropout before it, ...).</summary>
    public List<string> Notes { get; } = new();

    /// <summary>The ModelGen output shape of one sample.</summary>
    public int[] Output { get; set; } = System.Array.Empty<int>();

    /// <summary>The ONNX value its output is (after a fused activation: the activation's output).</summary>
    public string OutputValue { get; set; } = "";

    public List<LayerTensor> Tensors { get; } = new();

    /// <summary>The attribute as written: <c>[Dense(8, Activation.ReLU, From = "input")]</c>.</summary>
    public string Declaration()
    {
        var arguments = new List<string>();
        if (Attribute is "Add" or "Concat") arguments.AddRange(Operands.Select(Literal));
        arguments.AddRange(Positional);
        if (Activation is not null) arguments.Add(Activation);
        arguments.AddRange(Named.Select(n => $"{n.Name} = {n.Value}"));
        if (From is not null) arguments.Add($"From = {Literal(From)}");
        return arguments.Count == 0 ? $"[{Attribute}]" : $"[{Attribute}({string.Join(", ", arguments)})]";
    }

    public static string Literal(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    public static string Shape(IEnumerable<int> dims) => "[" + string.Join(", ", dims) + "]";
}
