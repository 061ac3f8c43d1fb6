using System.Linq;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>The shape of one sample at some point of the network: <c>[784]</c> or <c>[1 x 28 x 28]</c>.</summary>
internal sealed record Shape(EquatableArray<int> Dims)
{
    public Shape(params int[] dims) : this(dims.ToEquatableArray()) { }

    public int Rank => Dims.Count;

    /// <summary>Scalars in one sample (product of the dimensions); shape inference only keeps shapes where this fits an int.</summary>
    public int Size => (int)LongSize;

    /// <summary>The product of the dimensions in 64-bit arithmetic, saturating at long.MaxValue (see <see cref="Sizes"/>).</summary>
    public long LongSize => Sizes.Product(Dims.Select(d => (long)d));

    /// <summary>Channels of an image <c>[c x h x w]</c>.</summary>
    public int Channels => Dims[0];

    /// <summary>Positions of an image (<c>h·w</c>).</summary>
    public int Spatial => Dims[1] * Dims[2];

    public override string ToString() => "[" + string.Join(" x ", Dims) + "]";
}
