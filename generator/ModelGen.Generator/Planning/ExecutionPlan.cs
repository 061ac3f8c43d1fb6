using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Planning;

/// <summary>
/// How the generated code runs a <see cref="ModelPlan"/>: which buffer holds each value and its gradient, which layers
/// the backward pass visits, which input gradients are written and which accumulated, what runs fused at inference,
/// and whether dLoss/dInputs is deferred. Made by <see cref="Planner"/>; the emitter only prints it.
/// </summary>
/// <param name="OwnsBuffer">Per layer: whether its output has arrays of its own (a view shares its input's).</param>
/// <param name="Live">Per layer: whether the model's output depends on it (only live layers run, forward and backward).</param>
/// <param name="Accumulates">Per layer, per operand (flattened, see <see cref="OperandStart"/>): whether its input
/// gradient is added to what an earlier step of the backward pass wrote there, rather than written.</param>
/// <param name="OperandStart">Per layer: where its operands start in <paramref name="Accumulates"/>.</param>
/// <param name="FusedGroup">Per layer: how many layers from it run as one pass at inference (0: not a group start).</param>
/// <param name="DeferredInputLayer">The dense layer whose dX (dLoss/dInputs) waits until InputGradient is read, or -1.</param>
/// <param name="ClearsInputGradient">True when no backward step writes dLoss/dInputs, so Backward zeroes it.</param>
internal sealed record ExecutionPlan(
    EquatableArray<bool> OwnsBuffer,
    EquatableArray<bool> Live,
    EquatableArray<bool> Accumulates,
    EquatableArray<int> OperandStart,
    EquatableArray<int> FusedGroup,
    int DeferredInputLayer,
    bool ClearsInputGradient)
{
    /// <summary>Whether layer <paramref name="layer"/>'s gradient for operand <paramref name="operand"/> accumulates.</summary>
    public bool Accumulate(int layer, int operand) => Accumulates[OperandStart[layer] + operand];
}

/// <summary>
/// The planning pass: buffers (own or shared with the input, for views), liveness, the gradient schedule, fusions and
/// deferrals. Pure: a function of the <see cref="ModelPlan"/>.
/// </summary>
internal static class Planner
{
    /// <summary>Smallest weight matrix for which the input gradient is deferred (below it, computing it costs less than deferring).</summary>
    private const long DeferInputGradientFrom = 4096;

    public static ExecutionPlan Plan(ModelPlan model)
    {
        IReadOnlyList<LayerPlan> layers = model.Layers;
        int count = layers.Count;

        // Buffers: a view (Flatten) shares its input's memory (row-major [c x h x w] already is the flattened order),
        // except a view of the model input that is the model's output, which copies so the output has arrays of its own.
        var owns = new bool[count];
        for (int i = 0; i < count; i++)
            owns[i] = !layers[i].IsView || (i == count - 1 && Storage(layers, owns, layers[i].Sources[0]) < 0);

        // Liveness: the output layer, and every layer a live layer reads (MG1006 warns about the others).
        bool[] live = ShapeInference.Liveness(layers);

        // Gradient schedule: the backward pass visits live layers last to first and each writes the gradient of every
        // value it reads. The first write to a gradient buffer (the value's last reader in declaration order) sets it,
        // the later ones add to it: a fixed order, so the sums are the same bits on any thread count. A view writes
        // nothing itself: its readers write straight into its input's gradient buffer.
        var start = new int[count];
        int operands = 0;
        for (int i = 0; i < count; i++) { start[i] = operands; operands += layers[i].Sources.Count; }
        var accumulates = new bool[operands];
        var written = new HashSet<int>();
        for (int i = count - 1; i >= 0; i--)
        {
            if (!live[i] || !owns[i] && layers[i].IsView) continue;
            for (int j = 0; j < layers[i].Sources.Count; j++)
                accumulates[start[i] + j] = !written.Add(Storage(layers, owns, layers[i].Sources[j]));
        }

        var fused = new int[count];
        for (int i = 0; i < count; i++) fused[i] = FusedAtInference(model, i);

        int deferred = model.IsTrainable ? DeferredInput(model, owns) : -1;
        return new ExecutionPlan(owns.ToEquatableArray(), live.ToEquatableArray(), accumulates.ToEquatableArray(),
            start.ToEquatableArray(), fused.ToEquatableArray(), deferred, ClearsInputGradient: !written.Contains(-1));
    }

    /// <summary>The layer whose arrays hold value <paramref name="source"/> (through views), or -1 for the model input.</summary>
    public static int Storage(IReadOnlyList<LayerPlan> layers, IReadOnlyList<bool> owns, int source)
    {
        while (source >= 0 && !owns[source]) source = layers[source].Sources[0];
        return source;
    }

    /// <summary>
    /// How many layers from <paramref name="i"/> run as one pass at inference: a convolution (linear or ReLU) whose only
    /// reader is a batch norm, a ReLU layer after that if it is the batch norm's only reader, and a max pooling after the
    /// last of these if it is its only reader (2 to 4); 0 otherwise.
    /// </summary>
    private static int FusedAtInference(ModelPlan model, int i)
    {
        IReadOnlyList<LayerPlan> layers = model.Layers;
        if (layers[i].Spec.Kind != LayerKind.Conv2D || layers[i].Activation is not (ActivationKind.Linear or ActivationKind.ReLU)) return 0;
        if (!OnlyReaderIsNext(model, i, LayerKind.BatchNorm)) return 0;
        int count = OnlyReaderIsNext(model, i + 1, LayerKind.ReLU) ? 3 : 2;
        return OnlyReaderIsNext(model, i + count - 1, LayerKind.MaxPool2D) ? count + 1 : count;
    }

    /// <summary>Whether layer i's output is read by layer i + 1 alone, and that layer is of <paramref name="kind"/>.</summary>
    private static bool OnlyReaderIsNext(ModelPlan model, int i, LayerKind kind) =>
        i + 1 < model.Layers.Count && model.Layers[i + 1].Spec.Kind == kind
        && model.Readers(i).Count() == 1 && model.Layers[i + 1].Sources.Count == 1 && model.Layers[i + 1].Sources[0] == i;

    /// <summary>
    /// The dense layer that reads the model input (directly or through a view) as the input's only reader, when it is
    /// large enough that its dX (dLoss/dInputs, which training itself never needs) is worth computing only when
    /// InputGradient is read; -1 otherwise.
    /// </summary>
    private static int DeferredInput(ModelPlan model, IReadOnlyList<bool> owns)
    {
        IReadOnlyList<LayerPlan> layers = model.Layers;
        // Views that share the input's memory are not readers: their readers read the input.
        var readers = layers.Where(l => owns[l.Index] && l.Sources.Any(s => Storage(layers, owns, s) < 0)).ToList();
        if (readers.Count != 1 || readers[0].Sources.Count != 1 || readers[0].Spec.Kind != LayerKind.Dense) return -1;
        LayerPlan reader = readers[0];
        return (long)reader.Input.Size * reader.Output.Size >= DeferInputGradientFrom ? reader.Index : -1;
    }
}
