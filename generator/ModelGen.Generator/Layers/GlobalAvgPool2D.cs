using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>[GlobalAvgPool2D]: <c>[c x h x w]</c> to <c>[c]</c>, the mean of each channel over its h·w positions.</summary>
internal sealed class GlobalAvgPool2D : LayerModule
{
    public override LayerKind Kind => LayerKind.GlobalAvgPool2D;
    public override string Label => "global average pooling";

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems) =>
        Checks.NeedsImage(layer, inputs[0], label, "global average pooling", problems) ? new Shape(inputs[0].Dims[0]) : null;

    public override string Describe(LayerPlan layer) => $"global average pooling {layer.Input} -> {layer.Output}";

    public override string StepComment(LayerPlan layer) =>
        $"global average pooling {LayerStep.Batched(layer.Input)} -> {LayerStep.Batched(layer.Output)}, the mean of each channel's {Int(layer.Input.Spatial)} positions";

    private static string Geometry(LayerPlan layer) => $"n, channels: {Int(layer.Input.Channels)}, spatial: {Int(layer.Input.Spatial)}";

    public override void EmitForward(LayerStep s) =>
        s.W.Line($"{LayerStep.Kernels}.Pooling.GlobalAvgForward<{s.T}>({LayerStep.Rows(s.Input(), s.Layer.Input.Size)}, {LayerStep.Rows(s.Output, s.Layer.Output.Size)}, {Geometry(s.Layer)});");

    public override void EmitBackward(LayerStep s)
    {
        s.W.Line($"// {s.Layer.Name}: each position gets its channel's gradient divided by {Int(s.Layer.Input.Spatial)}");
        s.W.Line($"{LayerStep.Kernels}.Pooling.GlobalAvgBackward<{s.T}>({LayerStep.Rows(s.OutputGradient, s.Layer.Output.Size)}, {LayerStep.Rows(s.InputGradient(), s.Layer.Input.Size)}, {Geometry(s.Layer)}{s.AccumulateArgument()});");
    }
}
