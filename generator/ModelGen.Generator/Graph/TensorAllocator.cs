using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>
/// Places a model's tensors back to back as the layers are planned: parameters in one flat array (each with its random
/// stream, its position in ParameterNames), buffers (running statistics) in another.
/// </summary>
internal sealed class TensorAllocator
{
    private int _stream;

    /// <summary>Scalars placed in the parameter array so far.</summary>
    public int ParameterOffset { get; private set; }

    /// <summary>Scalars placed in the buffer array so far.</summary>
    public int BufferOffset { get; private set; }

    /// <summary>The layer's name, which prefixes its tensors' names (set before each layer).</summary>
    public string Layer { get; set; } = "";

    public TensorPlan Parameter(string suffix, int[] shape, InitKind init, int fanIn, int fanOut)
    {
        var tensor = new TensorPlan(Layer + suffix, shape.ToEquatableArray(), ParameterOffset, init, fanIn, fanOut, _stream++);
        ParameterOffset += tensor.Length;
        return tensor;
    }

    public TensorPlan Buffer(string suffix, int[] shape, InitKind init)
    {
        int length = shape.Length == 0 ? 1 : System.Linq.Enumerable.Aggregate(shape, 1, (a, b) => a * b);
        var tensor = new TensorPlan(Layer + suffix, shape.ToEquatableArray(), BufferOffset, init, length, length, -1);
        BufferOffset += tensor.Length;
        return tensor;
    }
}
