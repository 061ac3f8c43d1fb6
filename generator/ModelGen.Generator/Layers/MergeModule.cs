using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Layers;

/// <summary>
/// The merges ([Add], [Concat]): layers that read the previous layer's output (or From's) and each layer their
/// attribute names. What they share: reading and checking that list, and the message when the operands do not fit.
/// </summary>
internal abstract class MergeModule : LayerModule
{
    public override bool IsMerge => true;

    public override LayerSpec Read(LayerSpec layer, ArgumentReader arguments) => layer with { Operands = arguments.StringArray(0).ToEquatableArray() };

    public override void CheckHyperparameters(LayerSpec layer, List<Problem> problems)
    {
        if (layer.Operands.Count == 0)
            problems.Add(Problem.Create(D.OutOfRangeId, layer.Ordinal, $"{Kind}.from", "empty",
                $"at least one earlier layer's name, such as [{Kind}(\"stem\")] (the previous layer is the first operand)"));
    }

    /// <summary>MG0018: the operands' shapes, each with its layer's name.</summary>
    protected static Problem Mismatch(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, string rule) =>
        Problem.Create(D.MergeShapeMismatchId, layer.Ordinal, label,
            string.Join(", ", operands.Zip(inputs, (name, shape) => $"{name} {shape}")), rule);
}
