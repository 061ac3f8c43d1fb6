using ModelGen.Generator.Graph;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using ModelGen.Generator.Planning;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Emitting;

/// <summary>
/// What a layer module sees while it writes its forward or backward step: the writer, the scalar type, and the
/// names of the arrays that hold its operands, its output and their gradients, as the plan decided them.
/// </summary>
internal sealed class LayerStep
{
    public const string Kernels = "global::ModelGen.Kernels";
    public const string Span = "global::System.Span";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan";

    private readonly ModelPlan _model;
    private readonly ExecutionPlan _plan;

    public LayerStep(CodeWriter writer, ModelPlan model, ExecutionPlan plan, LayerPlan layer, bool inTrainingBranch)
    {
        W = writer;
        _model = model;
        _plan = plan;
        Layer = layer;
        InTrainingBranch = inTrainingBranch;
    }

    public CodeWriter W { get; }
    public LayerPlan Layer { get; }
    public LayerSpec Spec => Layer.Spec;

    /// <summary>"float" or "double".</summary>
    public string T => _model.ScalarType;
    public bool IsDouble => _model.Spec.Precision == PrecisionKind.Double;
    public bool Trainable => _model.IsTrainable;

    /// <summary>Set while the training branch of a group fused at inference is written (its layers need no mode test).</summary>
    public bool InTrainingBranch { get; }

    /// <summary>The last argument of the threaded kernels: <c>[Model(Threads = ..)]</c>, 0 for the process-wide limit.</summary>
    public string Threads => "threads: " + Int(_model.Spec.Threads);

    /// <summary>A literal of the model's scalar type.</summary>
    public string Lit(double value) => Scalar(value, IsDouble);

    /// <summary>The array (or <c>inputs</c> span) holding operand <paramref name="operand"/>'s values.</summary>
    public string Input(int operand = 0) => Names.Output(_model, _plan, Layer.Sources[operand]);

    /// <summary>The array holding this layer's output.</summary>
    public string Output => Names.Output(_model, _plan, Layer.Index);

    /// <summary>Whether the output has arrays of its own (false for a view, which shares its input's).</summary>
    public bool OwnsOutput => _plan.OwnsBuffer[Layer.Index];

    /// <summary>The array holding the loss gradient of this layer's output.</summary>
    public string OutputGradient => Names.Gradient(_model, _plan, Layer.Index);

    /// <summary>The array receiving the loss gradient of operand <paramref name="operand"/>.</summary>
    public string InputGradient(int operand = 0) => Names.Gradient(_model, _plan, Layer.Sources[operand]);

    /// <summary>Whether operand <paramref name="operand"/>'s gradient adds to what a later reader already wrote.</summary>
    public bool Accumulates(int operand = 0) => _plan.Accumulate(Layer.Index, operand);

    /// <summary><c>", accumulate: true"</c> when the operand's gradient accumulates, else nothing (the kernels' default).</summary>
    public string AccumulateArgument(int operand = 0) => Accumulates(operand) ? ", accumulate: true" : "";

    /// <summary>Whether this (dense) layer leaves dLoss/dInputs to the InputGradient property.</summary>
    public bool DefersInputGradient => _plan.DeferredInputLayer == Layer.Index;

    /// <summary>The first <c>n</c> rows of a buffer of rows of <paramref name="size"/>, as a span (the generated Rows helper).</summary>
    public static string Rows(string buffer, int size) =>
        buffer == "inputs" ? $"inputs.Slice(0, n * {Int(size)})" : $"Rows({buffer}, n, {Int(size)})";

    /// <summary>The private span property over a tensor's slice of the flat arrays.</summary>
    public static string Tensor(TensorPlan tensor) => GeneratedNames.TensorProperty(tensor);

    /// <summary>A tensor's gradient property, or an empty span for a missing tensor (no bias).</summary>
    public string GradientOrEmpty(TensorPlan? tensor) => tensor is null ? $"{Span}<{T}>.Empty" : Tensor(tensor) + "Gradient";

    /// <summary>A tensor's property, or an empty span for a missing tensor (no bias).</summary>
    public string TensorOrEmpty(TensorPlan? tensor) => tensor is null ? $"{ReadOnlySpan}<{T}>.Empty" : Tensor(tensor);

    /// <summary>One of this layer's scratch fields: "Mask" → <c>_dropout0Mask</c>.</summary>
    public string Scratch(string what) => GeneratedNames.ScratchField(Layer.Name, what);

    /// <summary>[n x d1 x d2 ...] of a shape, for comments.</summary>
    public static string Batched(Shape shape) => "[n x " + string.Join(" x ", System.Linq.Enumerable.Select(shape.Dims, Int)) + "]";
}
