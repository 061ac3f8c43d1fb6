using System.Linq;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>A parameter or buffer tensor: where it lives in its flat array and how it starts.</summary>
/// <param name="Name">Contract name, e.g. <c>dense0.weight</c>.</param>
/// <param name="Stream">Random stream of the initializer: the tensor's position in ParameterNames (-1 for buffers).</param>
internal sealed record TensorPlan(string Name, EquatableArray<int> Shape, int Offset, InitKind Init, int FanIn, int FanOut, int Stream)
{
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
}
