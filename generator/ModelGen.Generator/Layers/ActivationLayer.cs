using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using static ModelGen.Generator.Diagnostics.Problems;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>
/// [ReLU], [Tanh], [Sigmoid], [Softmax], [LeakyReLU(alpha)], [Gelu(Approximate = ..)], [Silu], [Elu(alpha)],
/// [Softplus]: an activation as a layer of its own.
/// </summary>
internal sealed class ActivationLayer : LayerModule
{
    private readonly ActivationKind _activation;

    public ActivationLayer(LayerKind kind, ActivationKind activation)
    {
        Kind = kind;
        _activation = activation;
    }

    public override LayerKind Kind { get; }

    /// <summary>[Gelu(Approximate = true)] is the tanh form.</summary>
    public override ActivationKind ActivationOf(LayerSpec layer) =>
        _activation == ActivationKind.Gelu && layer.Approximate ? ActivationKind.GeluTanh : _activation;

    public override LayerSpec Read(LayerSpec layer, ArgumentReader arguments) => _activation switch
    {
        ActivationKind.LeakyReLU => layer with { Alpha = arguments.Positional(0, 0.01) },
        ActivationKind.Elu => layer with { Alpha = arguments.Positional(0, 1.0) },
        ActivationKind.Gelu => layer with { Approximate = arguments.Named("Approximate", false) },
        _ => layer,
    };

    public override void CheckHyperparameters(LayerSpec layer, List<Problem> problems)
    {
        if (_activation is ActivationKind.LeakyReLU or ActivationKind.Elu && (!(layer.Alpha >= 0) || double.IsInfinity(layer.Alpha)))
            problems.Add(OutOfRange(layer.Ordinal, Kind + ".alpha", layer.Alpha, "finite and at least 0"));
    }

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems)
    {
        if (_activation == ActivationKind.Softmax && inputs[0].Rank != 1)
        {
            problems.Add(ShapeMismatch(layer, label, inputs[0], "softmax normalizes over the features of a vector; put [Flatten] before it"));
            return null;
        }
        return inputs[0];
    }

    public override IEnumerable<(string Name, string Value)> Hyperparameters(LayerSpec layer) => _activation switch
    {
        ActivationKind.LeakyReLU or ActivationKind.Elu => new[] { ("alpha", Number(layer.Alpha)) },
        ActivationKind.Gelu => new[] { ("Approximate", Bool(layer.Approximate)) },
        _ => System.Array.Empty<(string, string)>(),
    };

    public override string Describe(LayerPlan layer) =>
        (layer.Activation == ActivationKind.GeluTanh ? "Gelu (tanh form)" : layer.Spec.Kind.ToString()) + " " + layer.Output;

    public override string StepComment(LayerPlan layer) => $"{layer.Activation} over {LayerStep.Batched(layer.Output)}";

    public override void EmitForward(LayerStep s) =>
        ActivationInfo.EmitForward(s, LayerStep.Rows(s.Input(), s.Layer.Input.Size), LayerStep.Rows(s.Output, s.Layer.Output.Size));

    public override void EmitBackward(LayerStep s)
    {
        int inSize = s.Layer.Input.Size, outSize = s.Layer.Output.Size;
        if (ActivationInfo.ReadsInput(s.Layer.Activation))
        {
            // The derivative is a function of x: read the layer's input, which the forward pass left untouched.
            s.W.Line($"// {s.Layer.Name}: {s.Layer.Activation}, dX = f'(X) * dY elementwise over [n x {Int(outSize)}]");
            ActivationInfo.EmitBackward(s, LayerStep.Rows(s.Input(), inSize), LayerStep.Rows(s.OutputGradient, outSize),
                LayerStep.Rows(s.InputGradient(), inSize), s.AccumulateArgument());
            return;
        }
        s.W.Line($"// {s.Layer.Name}: {s.Layer.Activation}, dX = f'(Y) * dY elementwise over [n x {Int(outSize)}]");
        ActivationInfo.EmitBackward(s, LayerStep.Rows(s.Output, outSize), LayerStep.Rows(s.OutputGradient, outSize),
            LayerStep.Rows(s.InputGradient(), inSize), s.AccumulateArgument());
    }
}
