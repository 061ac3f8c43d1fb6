using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Shapes;

/// <summary>The shape of one sample at some point of the network: <c>[784]</c> or <c>[1 x 28 x 28]</c>.</summary>
internal sealed class Shape
{
    public Shape(params int[] dims) => Dims = dims;

    public int[] Dims { get; }

    public int Rank => Dims.Length;

    /// <summary>Scalars in one sample (product of the dimensions).</summary>
    public int Size => Dims.Aggregate(1, (a, b) => a * b);

    public override string ToString() => "[" + string.Join(" x ", Dims) + "]";
}

/// <summary>A parameter tensor: where it lives in the flat parameter array and how it starts.</summary>
internal sealed class TensorPlan
{
    public TensorPlan(string name, int[] shape, int offset, InitKind init, int fanIn, int fanOut, int stream)
    {
        Name = name;
        Shape = shape;
        Offset = offset;
        Init = init;
        FanIn = fanIn;
        FanOut = fanOut;
        Stream = stream;
    }

    /// <summary>Contract name, e.g. <c>dense0.weight</c>.</summary>
    public string Name { get; }
    public int[] Shape { get; }
    public int Offset { get; }
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
    public InitKind Init { get; }
    public int FanIn { get; }
    public int FanOut { get; }
    /// <summary>Random stream of the initializer: the tensor's position in ParameterNames.</summary>
    public int Stream { get; }
}

/// <summary>One layer with the shapes around it and its parameters.</summary>
internal sealed class LayerPlan
{
    public LayerPlan(LayerSpec spec, string name, Shape input, Shape output)
    {
        Spec = spec;
        Name = name;
        Input = input;
        Output = output;
    }

    public LayerSpec Spec { get; }
    /// <summary><c>dense0</c>, <c>relu1</c>, or the Name the attribute gives.</summary>
    public string Name { get; }
    public Shape Input { get; }
    public Shape Output { get; }
    public TensorPlan? Weight { get; set; }
    public TensorPlan? Bias { get; set; }
    /// <summary>Batch norm's running mean, in the buffer array.</summary>
    public TensorPlan? RunningMean { get; set; }
    /// <summary>Batch norm's running variance, in the buffer array.</summary>
    public TensorPlan? RunningVar { get; set; }
    /// <summary>Zero padding above and left of a convolution's input (below and right follow from the output size).</summary>
    public int PadTop { get; set; }
    public int PadLeft { get; set; }

    /// <summary>True for layers with trainable weights that units of the next layer see (Dense, Conv2D).</summary>
    public bool HasUnitWeights => Spec.Kind is LayerKind.Dense or LayerKind.Conv2D;

    /// <summary>True for layers that behave differently in training (Dropout, BatchNorm).</summary>
    public bool DependsOnMode => Spec.Kind is LayerKind.Dropout or LayerKind.BatchNorm;

    /// <summary>The activation this layer applies, fused (Dense) or as its whole job (ReLU, Tanh, ...).</summary>
    public ActivationKind Activation => Spec.Kind switch
    {
        LayerKind.Dense or LayerKind.Conv2D => Spec.Activation,
        LayerKind.ReLU => ActivationKind.ReLU,
        LayerKind.Tanh => ActivationKind.Tanh,
        LayerKind.Sigmoid => ActivationKind.Sigmoid,
        LayerKind.Softmax => ActivationKind.Softmax,
        LayerKind.LeakyReLU => ActivationKind.LeakyReLU,
        _ => ActivationKind.Linear,
    };

    /// <summary>True for layers that only reinterpret their input's memory (Flatten).</summary>
    public bool IsView => Spec.Kind == LayerKind.Flatten;
}

/// <summary>
/// A model with every shape inferred: what the emitter generates from. <see cref="IsValid"/> is false when any error
/// was found, and then the emitter writes nothing.
/// </summary>
internal sealed class ModelPlan
{
    public ModelPlan(ModelSpec spec, Shape? input, IReadOnlyList<LayerPlan> layers, IReadOnlyList<Problem> problems)
    {
        Spec = spec;
        Input = input;
        Layers = layers;
        Problems = problems;
    }

    public ModelSpec Spec { get; }
    public Shape? Input { get; }
    public IReadOnlyList<LayerPlan> Layers { get; }
    /// <summary>The parser's problems followed by those shape inference found.</summary>
    public IReadOnlyList<Problem> Problems { get; }

    public bool IsValid => !Spec.HasCompilerErrors && Problems.All(p => !Diagnostics.DiagnosticDescriptors.IsError(p.Id));

    public bool IsTrainable => Spec.Loss is not null && Spec.Optimizer is not null;

    public Shape Output => Layers.Count > 0 ? Layers[Layers.Count - 1].Output : Input!;

    public IEnumerable<TensorPlan> Parameters =>
        Layers.SelectMany(l => new[] { l.Weight, l.Bias }).Where(t => t is not null).Select(t => t!);

    public int ParameterCount => Parameters.Sum(t => t.Length);

    /// <summary>Non-trainable state tensors (batch norm's running statistics), in their own flat array.</summary>
    public IEnumerable<TensorPlan> Buffers =>
        Layers.SelectMany(l => new[] { l.RunningMean, l.RunningVar }).Where(t => t is not null).Select(t => t!);

    public int BufferCount => Buffers.Sum(t => t.Length);

    /// <summary>"float" or "double".</summary>
    public string ScalarType => Spec.Precision == PrecisionKind.Double ? "double" : "float";
}
