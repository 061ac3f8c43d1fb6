using System;
using System.Numerics;

namespace ModelGen.Kernels;

/// <summary>
/// A dense layer's weights packed for its forward product (the transpose of <c>w [outputs x inputs]</c>, in the panels
/// <see cref="PackedGemm"/> reads), kept between calls as ONNX Runtime keeps its prepacked weights: a model packs them
/// on the first forward pass after its weights change, not on every call. The model numbers its weight versions (every
/// optimizer step, weight file load and <c>Parameter(name)</c> call starts a new one); the copy is refreshed when the
/// version it was packed from is not the current one.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class PackedWeights<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _packed;
    private long _version = -1;
    private bool _rows;

    /// <summary>Storage for the packed copy of a weight matrix <c>[outputs x inputs]</c> (allocated here, once).</summary>
    public PackedWeights(int inputs, int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        Inputs = inputs;
        Outputs = outputs;
        int length = Math.Max(PackedGemm.PackedLength<T>(inputs, outputs), PackedGemm.PackedALength(outputs, inputs));
        _packed = GC.AllocateUninitializedArray<T>(length, pinned: true);
    }

    /// <summary>Columns of the weight matrix.</summary>
    public int Inputs { get; }

    /// <summary>Rows of the weight matrix.</summary>
    public int Outputs { get; }

    /// <summary>
    /// The packed copy of <paramref name="w"/> as the column panels of a product's B operand (<c>wᵀ</c>, panels of NR
    /// outputs), packed again unless it was last packed so at <paramref name="version"/>.
    /// </summary>
    internal unsafe T* For(ReadOnlySpan<T> w, long version) => Packed(w, version, rows: false);

    /// <summary>
    /// The packed copy of <paramref name="w"/> as the row panels of a product's A operand (<c>w</c>, panels of 6 outputs,
    /// see <see cref="PackedGemm.PackA{T}"/>), packed again unless it was last packed so at <paramref name="version"/>.
    /// </summary>
    internal unsafe T* ForRows(ReadOnlySpan<T> w, long version) => Packed(w, version, rows: true);

    private unsafe T* Packed(ReadOnlySpan<T> w, long version, bool rows)
    {
        Check.Length(w, Outputs * Inputs, nameof(w));
        fixed (T* packed = _packed)
        {
            if (version != _version || rows != _rows)
            {
                fixed (T* pw = w)
                {
                    if (rows) PackedGemm.PackA(pw, Inputs, 1, Outputs, Inputs, packed);
                    else PackedGemm.PackB(pw, 1, Inputs, Inputs, Outputs, packed);
                }
                _version = version;
                _rows = rows;
            }
            return packed; // the array is pinned for its lifetime
        }
    }

    /// <summary>Marks the copy stale, so the next forward pass packs the weights again.</summary>
    public void Invalidate() => _version = -1;
}
