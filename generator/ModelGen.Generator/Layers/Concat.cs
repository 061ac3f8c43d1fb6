using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>
/// [Concat("a", ...)]: the previous layer's output (or From's) followed by each named layer's, along features (vectors)
/// or channels (images of one height and width): PyTorch's <c>torch.cat(dim=1)</c>.
/// </summary>
internal sealed class Concat : MergeModule
{
    public override LayerKind Kind => LayerKind.Concat;
    public override string Label => "concat layer";

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems)
    {
        Shape first = inputs[0];
        // Sums in saturating 64-bit arithmetic: shape inference then rejects a result that does not fit an array.
        if (inputs.All(s => s.Rank == 1))
            return new Shape(Clamp(Sizes.Sum(inputs.Select(s => s.LongSize))));
        if (inputs.All(s => s.Rank == 3 && s.Dims[1] == first.Dims[1] && s.Dims[2] == first.Dims[2]))
            return new Shape(Clamp(Sizes.Sum(inputs.Select(s => (long)s.Dims[0]))), first.Dims[1], first.Dims[2]);
        problems.Add(Mismatch(layer, label, inputs, operands,
            "a concatenation joins vectors, or images of one height and width along their channels"));
        return null;
    }

    /// <summary>A dimension too large for an int as int.MaxValue (still too large for any array).</summary>
    private static int Clamp(long dimension) => (int)System.Math.Min(dimension, int.MaxValue);

    public override string Describe(LayerPlan layer) => $"concat {string.Join(", ", layer.SourceNames)} -> {layer.Output}";

    public override string StepComment(LayerPlan layer) =>
        $"{string.Join(", ", layer.SourceNames.Zip(layer.Inputs, (name, shape) => $"{name} {LayerStep.Batched(shape)}"))} joined into {LayerStep.Batched(layer.Output)}";

    /// <summary>Where operand <paramref name="operand"/> starts in each sample of the output, in scalars.</summary>
    private static int Offset(LayerPlan layer, int operand) => layer.Inputs.Take(operand).Sum(s => s.Size);

    public override void EmitForward(LayerStep s)
    {
        int size = s.Layer.Output.Size;
        for (int j = 0; j < s.Layer.Sources.Count; j++)
        {
            int part = s.Layer.Inputs[j].Size;
            s.W.Line($"{LayerStep.Kernels}.Merge.Concat<{s.T}>({LayerStep.Rows(s.Input(j), part)}, {LayerStep.Rows(s.Output, size)}, n, features: {Int(part)}, outFeatures: {Int(size)}, offset: {Int(Offset(s.Layer, j))});");
        }
    }

    public override void EmitBackward(LayerStep s)
    {
        int size = s.Layer.Output.Size;
        s.W.Line($"// {s.Layer.Name}: each operand gets its own part of the gradient back");
        for (int j = 0; j < s.Layer.Sources.Count; j++)
        {
            int part = s.Layer.Inputs[j].Size;
            s.W.Line($"{LayerStep.Kernels}.Merge.ConcatBackward<{s.T}>({LayerStep.Rows(s.OutputGradient, size)}, {LayerStep.Rows(s.InputGradient(j), part)}, n, features: {Int(part)}, outFeatures: {Int(size)}, offset: {Int(Offset(s.Layer, j))}{s.AccumulateArgument(j)});");
        }
    }
}
