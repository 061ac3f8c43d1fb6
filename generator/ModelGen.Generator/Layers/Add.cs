using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers;

/// <summary>[Add("a", ...)]: the elementwise sum of the previous layer's output (or From's) and each named layer's: a skip connection.</summary>
internal sealed class Add : MergeModule
{
    public override LayerKind Kind => LayerKind.Add;
    public override string Label => "add layer";

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems)
    {
        if (inputs.All(s => s.Equals(inputs[0]))) return inputs[0];
        problems.Add(Mismatch(layer, label, inputs, operands, "every operand of a sum must have the same shape (no broadcasting)"));
        return null;
    }

    public override string Describe(LayerPlan layer) => $"add {layer.Output} = {string.Join(" + ", layer.SourceNames)}";

    public override string StepComment(LayerPlan layer) => $"{string.Join(" + ", layer.SourceNames)}, elementwise over {LayerStep.Batched(layer.Output)}";

    public override void EmitForward(LayerStep s)
    {
        int size = s.Layer.Output.Size;
        string y = LayerStep.Rows(s.Output, size);
        s.W.Line($"{LayerStep.Kernels}.Merge.Add<{s.T}>({LayerStep.Rows(s.Input(0), size)}, {LayerStep.Rows(s.Input(1), size)}, {y});");
        for (int j = 2; j < s.Layer.Sources.Count; j++)
            s.W.Line($"{LayerStep.Kernels}.Merge.Accumulate<{s.T}>({LayerStep.Rows(s.Input(j), size)}, {y});");
    }

    public override void EmitBackward(LayerStep s)
    {
        int size = s.Layer.Output.Size;
        string dy = LayerStep.Rows(s.OutputGradient, size);
        s.W.Line($"// {s.Layer.Name}: the gradient of a sum goes unchanged to each operand");
        for (int j = 0; j < s.Layer.Sources.Count; j++)
        {
            string dx = LayerStep.Rows(s.InputGradient(j), size);
            s.W.Line(s.Accumulates(j)
                ? $"{LayerStep.Kernels}.Merge.Accumulate<{s.T}>({dy}, {dx}); // {s.Layer.SourceNames[j]}: added to its other readers' gradients"
                : $"{dy}.CopyTo({dx}); // {s.Layer.SourceNames[j]}");
        }
    }
}
