using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Diagnostics.Problems;

namespace ModelGen.Generator.Layers;

/// <summary>[Flatten]: an image [c x h x w] as the vector [c·h·w], in PyTorch's order; a view of its input's memory.</summary>
internal sealed class Flatten : LayerModule
{
    public override LayerKind Kind => LayerKind.Flatten;
    public override string Label => "flatten layer";
    public override bool IsView => true;

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems)
    {
        if (inputs[0].Rank == 3) return new Shape(inputs[0].Size);
        problems.Add(ShapeMismatch(layer, label, inputs[0], "flatten turns a [channels x height x width] tensor into a vector, and this input is already a vector"));
        return null;
    }

    public override string Describe(LayerPlan layer) => $"flatten {layer.Input} -> {layer.Output}";

    public override string StepComment(LayerPlan layer) => $"flatten {LayerStep.Batched(layer.Input)} -> {LayerStep.Batched(layer.Output)}";

    public override void EmitForward(LayerStep s)
    {
        if (s.OwnsOutput) s.W.Line($"{LayerStep.Rows(s.Input(), s.Layer.Input.Size)}.CopyTo({s.Output});");
        else s.W.Line("// (a view: its values are its input's, already in [channel, row, column] order)");
    }

    public override void EmitBackward(LayerStep s)
    {
        s.W.Line($"// {s.Layer.Name}: flatten {s.Layer.Output} -> {s.Layer.Input}");
        if (!s.OwnsOutput)
            s.W.Line("// (a view: the gradient already lies in the input's gradient buffer)");
        else if (s.Accumulates())
            s.W.Line($"{LayerStep.Kernels}.Merge.Accumulate<{s.T}>({LayerStep.Rows(s.OutputGradient, s.Layer.Output.Size)}, {LayerStep.Rows(s.InputGradient(), s.Layer.Input.Size)});");
        else
            s.W.Line($"{LayerStep.Rows(s.OutputGradient, s.Layer.Output.Size)}.CopyTo({s.InputGradient()});");
    }
}
