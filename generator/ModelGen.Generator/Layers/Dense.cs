using System.Collections.Generic;
using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using ModelGen.Generator.Parsing;
using static ModelGen.Generator.Diagnostics.Problems;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>[Dense(units, activation)]: <c>y = W·x + b</c> on a vector, W of shape [units x inputs] (PyTorch's layout).</summary>
internal sealed class Dense : LayerModule
{
    public override LayerKind Kind => LayerKind.Dense;
    public override string Label => "dense layer";
    public override bool HasUnitWeights => true;
    public override ActivationKind ActivationOf(LayerSpec layer) => layer.Activation;
    public override (int Inputs, int Outputs)? PackedWeights(LayerPlan layer) => (layer.Input.Size, layer.Output.Size);

    public override LayerSpec Read(LayerSpec layer, ArgumentReader arguments) => layer with
    {
        Units = arguments.Positional(0, 0),
        Activation = (ActivationKind)arguments.Positional(1, 0),
        UseBias = arguments.Named("UseBias", true),
        WeightInit = (InitKind)arguments.Named("WeightInit", (int)InitKind.GlorotUniform),
        BiasInit = (InitKind)arguments.Named("BiasInit", (int)InitKind.Zeros),
        L1 = arguments.Named("L1", 0.0),
        L2 = arguments.Named("L2", 0.0),
    };

    public override void CheckHyperparameters(LayerSpec layer, List<Problem> problems)
    {
        if (layer.Units < 1) problems.Add(OutOfRange(layer.Ordinal, "Dense.units", layer.Units, "at least 1"));
        Checks.Activation(layer, "Dense", problems);
        Checks.Init(layer, "Dense.WeightInit", layer.WeightInit, problems);
        Checks.Init(layer, "Dense.BiasInit", layer.BiasInit, problems);
        Checks.Penalties(layer, "Dense", problems);
    }

    public override Shape? OutputShape(LayerSpec layer, string label, IReadOnlyList<Shape> inputs, IReadOnlyList<string> operands, List<Problem> problems)
    {
        if (inputs[0].Rank != 1)
        {
            problems.Add(ShapeMismatch(layer, label, inputs[0], "a dense layer needs a vector; put [Flatten] before it"));
            return null;
        }
        return layer.Units >= 1 ? new Shape(layer.Units) : null;
    }

    public override long ParameterCount(LayerSpec layer, Shape input) =>
        Sizes.Sum(new[] { Sizes.Product(layer.Units, input.LongSize), layer.UseBias ? layer.Units : 0L });

    public override LayerPlan WithTensors(LayerPlan layer, TensorAllocator tensors)
    {
        LayerSpec spec = layer.Spec;
        int inputs = layer.Input.Size;
        TensorPlan weight = tensors.Parameter(".weight", new[] { spec.Units, inputs }, spec.WeightInit, inputs, spec.Units);
        // Keras's fans for a 1-D tensor: fan_in = fan_out = its length.
        TensorPlan? bias = spec.UseBias ? tensors.Parameter(".bias", new[] { spec.Units }, spec.BiasInit, spec.Units, spec.Units) : null;
        return layer with { Weight = weight, Bias = bias };
    }

    public override IEnumerable<(string Name, string Value)> Hyperparameters(LayerSpec layer) => new[]
    {
        ("units", Int(layer.Units)), ("activation", layer.Activation.ToString()), ("UseBias", Bool(layer.UseBias)),
        ("WeightInit", layer.WeightInit.ToString()), ("BiasInit", layer.BiasInit.ToString()), ("L1", Number(layer.L1)), ("L2", Number(layer.L2)),
    };

    public override string Describe(LayerPlan layer) =>
        $"dense {layer.Input} -> {layer.Output}" + (layer.Spec.UseBias ? "" : ", no bias") + Weighted.DescribeTail(layer);

    public override string StepComment(LayerPlan layer) =>
        $"dense {LayerStep.Batched(layer.Input)} -> {LayerStep.Batched(layer.Output)}" + (layer.Activation == ActivationKind.Linear ? "" : ", then " + layer.Activation);

    public override void EmitForward(LayerStep s)
    {
        int inSize = s.Layer.Input.Size, outSize = s.Layer.Output.Size;
        // A ReLU is applied as the product stores each value (the same values as a separate pass).
        bool fusedRelu = s.Layer.Activation == ActivationKind.ReLU;
        s.W.Line($"{LayerStep.Kernels}.Dense.Forward<{s.T}>({s.Input()}, {LayerStep.Tensor(s.Layer.Weight!)}, {Weighted.PackedField(s.Layer)}, _weightVersion, {s.TensorOrEmpty(s.Layer.Bias)}, {Weighted.ProductTarget(s)}, n, {Int(inSize)}, {Int(outSize)}, {s.Threads}{(fusedRelu ? ", relu: true" : "")});");
        if (!fusedRelu) Weighted.EmitActivation(s);
    }

    public override void DeclareScratch(LayerStep s) => Weighted.DeclarePreActivation(s);

    public override void EmitBackward(LayerStep s)
    {
        LayerPlan layer = s.Layer;
        int inSize = layer.Input.Size, outSize = layer.Output.Size;
        string weight = LayerStep.Tensor(layer.Weight!);
        string db = Weighted.EmitBackwardPrologue(s);
        bool deferred = s.DefersInputGradient;
        s.W.Line($"{LayerStep.Kernels}.Dense.Backward<{s.T}>({s.Input()}, {weight}, {s.OutputGradient},");
        s.W.Line($"    {weight}Gradient, {db}, {(deferred ? $"{LayerStep.Span}<{s.T}>.Empty" : s.InputGradient())}, n, {Int(inSize)}, {Int(outSize)}, {s.Threads}{s.AccumulateArgument()});");
        if (deferred)
        {
            s.W.Line("// dX (dLoss/dInputs) waits until InputGradient is read, from the weights as the forward pass packed them now.");
            s.W.Line("_inputGradientVersion = _forwardVersion;");
            s.W.Line("_inputGradientPending = true;");
        }
    }
}
