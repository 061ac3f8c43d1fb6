using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using static ModelGen.Generator.Diagnostics.Problems;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>[MaxPool2D(pool)] and [AvgPool2D(pool)]: the maximum or mean of square windows of each channel.</summary>
internal sealed class Pooling : LayerModule
{
    public Pooling(LayerKind kind) => Kind = kind;

    public override LayerKind Kind { get; }

    private bool IsMax => Kind == LayerKind.MaxPool2D;

    public override LayerSpec Read(LayerSpec layer, ArgumentReader arguments)
    {
        int pool = arguments.Positional(0, 0);
        return layer with { PoolSize = pool, Stride = arguments.Named("Stride", pool) };
    }

    public override void CheckHyperparameters(LayerSpec layer, List<Problem> problems)
    {
        if (layer.PoolSize < 1) problems.Add(OutOfRange(layer.Ordinal, $"{Kind}.poolSize", layer.PoolSize, "at least 1"));
        // The stride defaults to the pool size: report it only when it was set apart from a valid pool size.
        else if (layer.Stride < 1) problems.Add(OutOfRange(layer.Ordinal, $"{Kind}.Stride", layer.Stride, "at least 1"));
    }

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems)
    {
        Shape input = inputs[0];
        if (!Checks.NeedsImage(layer, input, label, "pooling", problems)) return null;
        if (layer.PoolSize < 1 || layer.Stride < 1) return null; // reported as out of range
        if (layer.PoolSize > input.Dims[1] || layer.PoolSize > input.Dims[2])
        {
            problems.Add(ShapeMismatch(layer, label, input,
                $"its {Format(layer.PoolSize)}x{Format(layer.PoolSize)} window is larger than its input of {Format(input.Dims[1])}x{Format(input.Dims[2])}"));
            return null;
        }
        return new Shape(input.Dims[0], (input.Dims[1] - layer.PoolSize) / layer.Stride + 1, (input.Dims[2] - layer.PoolSize) / layer.Stride + 1);
    }

    public override IEnumerable<(string Name, string Value)> Hyperparameters(LayerSpec layer) =>
        new[] { ("poolSize", Int(layer.PoolSize)), ("Stride", Int(layer.Stride)) };

    public override string Describe(LayerPlan layer) =>
        $"{layer.Spec.Kind} {layer.Input} -> {layer.Output}, {layer.Spec.PoolSize}x{layer.Spec.PoolSize}, stride {layer.Spec.Stride}";

    public override string StepComment(LayerPlan layer) =>
        $"{(IsMax ? "max" : "average")} pooling {LayerStep.Batched(layer.Input)} -> {LayerStep.Batched(layer.Output)}, {Int(layer.Spec.PoolSize)}x{Int(layer.Spec.PoolSize)} windows, stride {Int(layer.Spec.Stride)}";

    public override void DeclareScratch(LayerStep s)
    {
        // Where each maximum came from, for the backward pass: an inference-only model keeps none.
        if (IsMax && s.Trainable)
            s.W.Line($"private readonly int[] {s.Scratch("Argmax")} = new int[BatchSize * {Int(s.Layer.Output.Size)}]; // {s.Layer.Name}: where each maximum came from");
    }

    public override void EmitForward(LayerStep s)
    {
        LayerPlan layer = s.Layer;
        string window = $"pool: {Int(s.Spec.PoolSize)}, stride: {Int(s.Spec.Stride)}";
        if (IsMax)
        {
            // Indices only where a backward pass can follow: inference skips them (the same maxima).
            string argmax = s.InTrainingBranch ? s.Scratch("Argmax") : s.Trainable ? $"training ? {s.Scratch("Argmax")} : null" : "default";
            s.W.Line($"{LayerStep.Kernels}.Pooling.MaxForward<{s.T}>({s.Input()}, {s.Output}, {argmax},");
            s.W.Line($"    {Conv2D.InGeometry(layer)}, {window}, {Conv2D.OutGeometry(layer)}, {s.Threads});");
        }
        else
        {
            s.W.Line($"{LayerStep.Kernels}.Pooling.AvgForward<{s.T}>({s.Input()}, {s.Output},");
            s.W.Line($"    {Conv2D.InGeometry(layer)}, {window}, {Conv2D.OutGeometry(layer)});");
        }
    }

    public override void EmitBackward(LayerStep s)
    {
        LayerPlan layer = s.Layer;
        string dy = LayerStep.Rows(s.OutputGradient, layer.Output.Size), dx = LayerStep.Rows(s.InputGradient(), layer.Input.Size);
        if (IsMax)
        {
            s.W.Line($"// {layer.Name}: each gradient goes back to where its maximum came from");
            s.W.Line($"{LayerStep.Kernels}.Pooling.MaxBackward<{s.T}>({dy}, {s.Scratch("Argmax")}, {dx}, {Conv2D.InGeometry(layer)}, {Conv2D.OutGeometry(layer)}{s.AccumulateArgument()}, {s.Threads});");
        }
        else
        {
            s.W.Line($"// {layer.Name}: each gradient is shared equally by its window");
            s.W.Line($"{LayerStep.Kernels}.Pooling.AvgBackward<{s.T}>({dy}, {dx},");
            s.W.Line($"    {Conv2D.InGeometry(layer)}, pool: {Int(s.Spec.PoolSize)}, stride: {Int(s.Spec.Stride)}, {Conv2D.OutGeometry(layer)}{s.AccumulateArgument()});");
        }
    }
}
