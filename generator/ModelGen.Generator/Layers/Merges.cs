using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Layers;

/// <summary>What the merges ([Add], [Concat]) share: their operand list and the message when operands do not fit.</summary>
internal static class Merges
{
    public static void CheckOperands(LayerSpec layer, string kind, List<Problem> problems)
    {
        if (layer.Operands.Count == 0)
            problems.Add(Problem.Create(D.OutOfRangeId, layer.Ordinal, $"{kind}.from", "empty",
                $"at least one earlier layer's name, such as [{kind}(\"stem\")] (the previous layer is the first operand)"));
    }

    /// <summary>MG0018: the operands' shapes, each with its layer's name.</summary>
    public static Problem Mismatch(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, string rule) =>
        Problem.Create(D.MergeShapeMismatchId, layer.Ordinal, label,
            string.Join(", ", operands.Zip(inputs, (name, shape) => $"{name} {shape}")), rule);
}
