using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using static ModelGen.Generator.Diagnostics.Problems;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>[Dropout(rate)]: zeroes each value with probability rate in training and scales the rest by 1/(1 − rate).</summary>
internal sealed class Dropout : LayerModule
{
    public override LayerKind Kind => LayerKind.Dropout;
    public override bool DependsOnMode => true;
    public override bool IsRandom => true;

    public override LayerSpec Read(LayerSpec layer, ArgumentReader arguments) => layer with { Rate = arguments.Positional(0, 0.0) };

    public override void CheckHyperparameters(LayerSpec layer, List<Problem> problems)
    {
        if (!(layer.Rate >= 0 && layer.Rate < 1))
            problems.Add(OutOfRange(layer.Ordinal, "Dropout.rate", layer.Rate, "in [0, 1)"));
    }

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems) => inputs[0];

    public override IEnumerable<(string Name, string Value)> Hyperparameters(LayerSpec layer) => new[] { ("rate", Number(layer.Rate)) };

    public override string Describe(LayerPlan layer) => $"dropout {layer.Output}, rate {Number(layer.Spec.Rate)}";

    public override string StepComment(LayerPlan layer) => $"dropout over {LayerStep.Batched(layer.Output)}, rate {Number(layer.Spec.Rate)} (training only)";

    public override void DeclareScratch(LayerStep s)
    {
        if (s.Trainable)
            s.W.Line($"private readonly {s.T}[] {s.Scratch("Mask")} = new {s.T}[BatchSize * {Int(s.Layer.Output.Size)}]; // {s.Layer.Name}: 0 or 1/(1 - rate) per value of the last training pass");
    }

    public override void EmitForward(LayerStep s)
    {
        int inSize = s.Layer.Input.Size, outSize = s.Layer.Output.Size;
        string input = LayerStep.Rows(s.Input(), inSize);
        if (s.Trainable)
        {
            s.W.Line("if (training)");
            s.W.Line($"    {LayerStep.Kernels}.Dropout.Forward<{s.T}>({input}, {LayerStep.Rows(s.Output, outSize)}, {LayerStep.Rows(s.Scratch("Mask"), outSize)}, rate: {Number(s.Spec.Rate)}, ref _dropoutRandom);");
            s.W.Line("else");
            s.W.Line($"    {input}.CopyTo({s.Output}); // inference: the identity");
        }
        else
        {
            s.W.Line($"{input}.CopyTo({s.Output}); // dropout is the identity in inference");
        }
    }

    public override void EmitBackward(LayerStep s)
    {
        int inSize = s.Layer.Input.Size, outSize = s.Layer.Output.Size;
        s.W.Line($"// {s.Layer.Name}: the same mask as the forward pass");
        s.W.Line($"{LayerStep.Kernels}.Dropout.Backward<{s.T}>({LayerStep.Rows(s.OutputGradient, outSize)}, {LayerStep.Rows(s.Scratch("Mask"), outSize)}, {LayerStep.Rows(s.InputGradient(), inSize)}{s.AccumulateArgument()});");
    }
}
