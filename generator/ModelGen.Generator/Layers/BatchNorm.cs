using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using static ModelGen.Generator.Diagnostics.Problems;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>
/// [BatchNorm]: normalizes each feature of a vector (each channel of an image) with the batch's statistics in training
/// and the running statistics at inference, then scales by γ and shifts by β.
/// </summary>
internal sealed class BatchNorm : LayerModule
{
    public override LayerKind Kind => LayerKind.BatchNorm;
    public override string Label => "batch norm";
    public override bool DependsOnMode => true;

    public override string? NeedsTwoSamples(LayerPlan layer) =>
        layer.Input.Rank == 1 ? "normalizes each feature over the batch, which needs two samples (PyTorch refuses one as well)" : null;

    public override LayerSpec Read(LayerSpec layer, ArgumentReader arguments) =>
        layer with { Momentum = arguments.Named("Momentum", 0.1), Epsilon = arguments.Named("Epsilon", 1e-5) };

    public override void CheckHyperparameters(LayerSpec layer, List<Problem> problems)
    {
        if (!(layer.Momentum >= 0 && layer.Momentum <= 1))
            problems.Add(OutOfRange(layer.Ordinal, "BatchNorm.Momentum", layer.Momentum, "in [0, 1]"));
        Checks.Epsilon(layer, "BatchNorm", problems);
    }

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems)
    {
        if (inputs[0].Rank is 1 or 3) return inputs[0];
        problems.Add(ShapeMismatch(layer, label, inputs[0], "batch norm normalizes the features of a vector or the channels of a [channels x height x width] tensor"));
        return null;
    }

    public override long ParameterCount(LayerSpec layer, Shape input) => 2L * input.Dims[0];

    public override LayerPlan WithTensors(LayerPlan layer, TensorAllocator tensors)
    {
        int channels = layer.Input.Dims[0];
        return layer with
        {
            Weight = tensors.Parameter(".weight", new[] { channels }, InitKind.Ones, channels, channels),
            Bias = tensors.Parameter(".bias", new[] { channels }, InitKind.Zeros, channels, channels),
            RunningMean = tensors.Buffer(".running_mean", new[] { channels }, InitKind.Zeros),
            RunningVar = tensors.Buffer(".running_var", new[] { channels }, InitKind.Ones),
        };
    }

    public override IEnumerable<(string Name, string Value)> Hyperparameters(LayerSpec layer) =>
        new[] { ("Momentum", Number(layer.Momentum)), ("Epsilon", Number(layer.Epsilon)) };

    public override string Describe(LayerPlan layer) =>
        $"batchnorm {layer.Output}, momentum {Number(layer.Spec.Momentum)}, eps {Number(layer.Spec.Epsilon)}";

    public override string StepComment(LayerPlan layer) =>
        $"batch norm over {LayerStep.Batched(layer.Output)}, per {(layer.Input.Rank == 1 ? "feature" : "channel")}: batch statistics in training, running statistics in inference";

    public override void DeclareScratch(LayerStep s)
    {
        if (!s.Trainable) return;
        s.W.Line($"private readonly {s.T}[] {s.Scratch("Normalized")} = new {s.T}[BatchSize * {Int(s.Layer.Output.Size)}]; // {s.Layer.Name}: x̂ of the last training pass");
        s.W.Line($"private readonly {s.T}[] {s.Scratch("InvStd")} = new {s.T}[{Int(s.Layer.Input.Dims[0])}]; // {s.Layer.Name}: 1/√(σ² + ε) per channel");
    }

    public override void EmitForward(LayerStep s)
    {
        LayerPlan layer = s.Layer;
        int inSize = layer.Input.Size, outSize = layer.Output.Size;
        int channels = layer.Input.Dims[0], spatial = inSize / channels;
        string x = LayerStep.Rows(s.Input(), inSize), y = LayerStep.Rows(s.Output, outSize);
        string weight = LayerStep.Tensor(layer.Weight!), bias = LayerStep.Tensor(layer.Bias!);
        string mean = LayerStep.Tensor(layer.RunningMean!), variance = LayerStep.Tensor(layer.RunningVar!);
        string training = $"{LayerStep.Kernels}.BatchNorm.ForwardTraining<{s.T}>({x}, {weight}, {bias}, {y}, {LayerStep.Rows(s.Scratch("Normalized"), inSize)}, {s.Scratch("InvStd")}, {mean}, {variance},";
        string trainingArguments = $"n, channels: {Int(channels)}, spatial: {Int(spatial)}, momentum: {Number(s.Spec.Momentum)}, epsilon: {Number(s.Spec.Epsilon)}, {s.Threads});";
        string inference = $"{LayerStep.Kernels}.BatchNorm.ForwardInference<{s.T}>({x}, {weight}, {bias}, {mean}, {variance}, {y},";
        string inferenceArguments = $"n, channels: {Int(channels)}, spatial: {Int(spatial)}, epsilon: {Number(s.Spec.Epsilon)});";
        if (s.InTrainingBranch)
        {
            s.W.Line(training);
            s.W.Line("    " + trainingArguments);
        }
        else if (s.Trainable)
        {
            s.W.Line("if (training)");
            s.W.Line("    " + training);
            s.W.Line("        " + trainingArguments);
            s.W.Line("else");
            s.W.Line("    " + inference);
            s.W.Line("        " + inferenceArguments);
        }
        else
        {
            s.W.Line(inference);
            s.W.Line("    " + inferenceArguments);
        }
    }

    public override void EmitBackward(LayerStep s)
    {
        LayerPlan layer = s.Layer;
        int inSize = layer.Input.Size, outSize = layer.Output.Size;
        int channels = layer.Input.Dims[0], spatial = inSize / channels;
        string weight = LayerStep.Tensor(layer.Weight!);
        s.W.Line($"// {layer.Name}: dγ, dβ per channel and dX through the batch statistics");
        s.W.Line($"{LayerStep.Kernels}.BatchNorm.Backward<{s.T}>({LayerStep.Rows(s.OutputGradient, outSize)}, {LayerStep.Rows(s.Scratch("Normalized"), inSize)}, {weight}, {s.Scratch("InvStd")},");
        s.W.Line($"    {weight}Gradient, {LayerStep.Tensor(layer.Bias!)}Gradient, {LayerStep.Rows(s.InputGradient(), inSize)}, n, channels: {Int(channels)}, spatial: {Int(spatial)}{s.AccumulateArgument()}, {s.Threads});");
    }
}
