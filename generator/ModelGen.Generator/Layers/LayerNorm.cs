using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>[LayerNorm]: normalizes each sample over all its values, then scales by γ and shifts by β (both of the sample's shape).</summary>
internal sealed class LayerNorm : LayerModule
{
    public override LayerKind Kind => LayerKind.LayerNorm;
    public override string Label => "layer norm";

    public override LayerSpec Read(LayerSpec layer, ArgumentReader arguments) => layer with { Epsilon = arguments.Named("Epsilon", 1e-5) };

    public override void CheckHyperparameters(LayerSpec layer, List<Problem> problems) => Checks.Epsilon(layer, "LayerNorm", problems);

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems) => inputs[0];

    public override long ParameterCount(LayerSpec layer, Shape input) => Sizes.Product(2, input.LongSize);

    public override LayerPlan WithTensors(LayerPlan layer, TensorAllocator tensors)
    {
        int[] shape = layer.Input.Dims.ToArray();
        int size = layer.Input.Size;
        return layer with
        {
            Weight = tensors.Parameter(".weight", shape, InitKind.Ones, size, size),
            Bias = tensors.Parameter(".bias", shape, InitKind.Zeros, size, size),
        };
    }

    public override IEnumerable<(string Name, string Value)> Hyperparameters(LayerSpec layer) => new[] { ("Epsilon", Number(layer.Epsilon)) };

    public override string Describe(LayerPlan layer) => $"layernorm {layer.Output}, eps {Number(layer.Spec.Epsilon)}";

    public override string StepComment(LayerPlan layer) => $"layer norm over each sample's {Int(layer.Output.Size)} values";

    public override void DeclareScratch(LayerStep s)
    {
        s.W.Line($"private readonly {s.T}[] {s.Scratch("Normalized")} = new {s.T}[BatchSize * {Int(s.Layer.Output.Size)}]; // {s.Layer.Name}: x̂ of the last pass");
        s.W.Line($"private readonly {s.T}[] {s.Scratch("InvStd")} = new {s.T}[BatchSize]; // {s.Layer.Name}: 1/√(σ² + ε) per sample");
    }

    public override void EmitForward(LayerStep s)
    {
        LayerPlan layer = s.Layer;
        int inSize = layer.Input.Size, outSize = layer.Output.Size;
        s.W.Line($"{LayerStep.Kernels}.LayerNorm.Forward<{s.T}>({LayerStep.Rows(s.Input(), inSize)}, {LayerStep.Tensor(layer.Weight!)}, {LayerStep.Tensor(layer.Bias!)}, {LayerStep.Rows(s.Output, outSize)},");
        s.W.Line($"    {LayerStep.Rows(s.Scratch("Normalized"), inSize)}, {s.Scratch("InvStd")}, n, features: {Int(inSize)}, epsilon: {Number(s.Spec.Epsilon)});");
    }

    public override void EmitBackward(LayerStep s)
    {
        LayerPlan layer = s.Layer;
        int inSize = layer.Input.Size, outSize = layer.Output.Size;
        string weight = LayerStep.Tensor(layer.Weight!);
        s.W.Line($"// {layer.Name}: dγ, dβ per feature and dX through each sample's statistics");
        s.W.Line($"{LayerStep.Kernels}.LayerNorm.Backward<{s.T}>({LayerStep.Rows(s.OutputGradient, outSize)}, {LayerStep.Rows(s.Scratch("Normalized"), inSize)}, {weight}, {s.Scratch("InvStd")},");
        s.W.Line($"    {weight}Gradient, {LayerStep.Tensor(layer.Bias!)}Gradient, {LayerStep.Rows(s.InputGradient(), inSize)}, n, features: {Int(inSize)}{s.AccumulateArgument()});");
    }
}
