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
    // Aligned to cache lines: the kernels stream these as whole vectors (see AlignedArray).
    private AlignedArray<T> _packed;
    /// <summary>The copy packed before the current one, kept when the layer asks for it (see <see cref="PackedAt"/>); else null.</summary>
    private AlignedArray<T>? _previous;
    private long _previousVersion = -1;

    /// <summary>Whether this layer's single-sample calls run split over the threads (convolutions, and dense layers whose weights one core's L2 holds; see <see cref="SplitChoice"/>).</summary>
    internal SplitChoice SingleSample;

    /// <summary>Whether single-sample calls of a pair of convolutions whose second block this layer is run split (see <see cref="Conv2D.ForwardNormalizedMaxPooledPair{T}"/>).</summary>
    internal SplitChoice PairSample;
    private long _version = -1;
    private bool _rows;
    private int _columns;

    /// <summary>Storage for the packed copy of a weight matrix <c>[outputs x inputs]</c> (allocated here, once).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputs"/> or <paramref name="outputs"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The weights, or their packed copy (the outputs rounded up to whole register
    /// tiles, times the inputs), would hold more than <see cref="Check.MaxSize"/> values; nothing is allocated.</exception>
    public PackedWeights(int inputs, int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        Check.Size(Check.Product(outputs, inputs), "outputs·inputs (the weights)", nameof(outputs));
        int length = Check.Size(Math.Max(PackedGemm.PackedSize<T>(inputs, outputs), PackedGemm.PackedASize(outputs, inputs)),
            "the packed weights (outputs rounded up to whole register tiles, times inputs)", nameof(outputs));
        Inputs = inputs;
        Outputs = outputs;
        _packed = new AlignedArray<T>(length);
    }

    /// <summary>
    /// Storage for the packed copy of a weight matrix <c>[outputs x inputs]</c>, and with <paramref name="keepPrevious"/>
    /// a second one that keeps the column panels packed before the current ones until the packing after next: a model's
    /// first dense layer computes its deferred input gradient from the weights of the last backward pass there, after the
    /// optimizer step has changed them, instead of copying them on every step.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputs"/> or <paramref name="outputs"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The packed copy would hold more than <see cref="Check.MaxSize"/> values; nothing is allocated.</exception>
    public PackedWeights(int inputs, int outputs, bool keepPrevious) : this(inputs, outputs)
    {
        if (keepPrevious) _previous = new AlignedArray<T>(_packed.Length);
    }

    /// <summary>Columns of the weight matrix.</summary>
    public int Inputs { get; }

    /// <summary>Rows of the weight matrix.</summary>
    public int Outputs { get; }

    /// <summary>
    /// The packed copy of <paramref name="w"/> as the column panels of a product's B operand (<c>wᵀ</c>, panels of NR
    /// outputs), packed again unless it was last packed so at <paramref name="version"/>, over up to
    /// <paramref name="threads"/> threads (0: all) when it is large enough to pay. <paramref name="nr"/>: the panels'
    /// width, 0 for this processor's product (see <see cref="PackedGemm.PackB{T}"/>).
    /// </summary>
    internal unsafe T* For(ReadOnlySpan<T> w, long version, int threads = 1, int nr = 0) => Packed(w, version, rows: false, threads, nr);

    /// <summary>
    /// The packed copy of <paramref name="w"/> as row panels of <paramref name="panel"/> outputs, six or eight
    /// (<see cref="PackRowPanels"/>), packed again unless it was last packed so at <paramref name="version"/>.
    /// </summary>
    internal unsafe T* ForRows(ReadOnlySpan<T> w, long version, int panel = GemmBlocking.TileRows) =>
        Packed(w, version, rows: true, threads: 1, nr: panel);

    // nr: the column panels' width (0: this processor's), or with rows, the row panels' height.
    private unsafe T* Packed(ReadOnlySpan<T> w, long version, bool rows, int threads, int nr)
    {
        if (nr == 0) nr = PackedGemm.Blocking<T>().Columns;
        Check.Length(w, Outputs * Inputs, nameof(w));
        if (version != _version || rows != _rows || nr != _columns)
        {
            Retire(); // first: it may swap the buffers
            fixed (T* pw = w)
            {
                if (rows) PackRowPanels(pw, Inputs, Outputs, _packed.Pointer, nr);
                else PackedGemm.PackB(pw, 1, Inputs, Inputs, Outputs, _packed.Pointer, threads, nr);
            }
            _version = version;
            _rows = rows;
            _columns = nr;
        }
        return _packed.Pointer;
    }

    /// <summary>
    /// The storage of the packed copy as the column panels of a product's B operand (this processor's width), and
    /// whether it holds the weights of <paramref name="version"/> so already. When it does not, the caller packs it
    /// (<see cref="PackedGemm.Product{T}.PackBHere"/>: each thread the panels it computes with) and then says so with
    /// <see cref="MarkPacked"/>; until then the copy counts as stale, for every version (a product that stopped half-way
    /// leaves no copy that passes for an older one).
    /// </summary>
    internal unsafe T* Storage(long version, out bool current)
    {
        current = version == _version && !_rows && _columns == PackedGemm.Blocking<T>().Columns;
        if (!current) Retire();
        return _packed.Pointer;
    }

    /// <summary>
    /// Marks the current copy stale. With a second buffer, whole column panels of a version become the previous copy
    /// first, and the next packing goes over the one before them (a copy left half-packed, or of row panels, is simply
    /// packed over).
    /// </summary>
    private void Retire()
    {
        if (_previous is not null && HoldsColumns)
        {
            (_packed, _previous) = (_previous, _packed);
            _previousVersion = _version;
        }
        _version = -1;
    }

    /// <summary>Whether the current copy is whole column panels of a version, at this processor's width.</summary>
    private bool HoldsColumns => _version != -1 && !_rows && _columns == PackedGemm.Blocking<T>().Columns;

    /// <summary>
    /// The column panels (this processor's width) of the weights of <paramref name="version"/>, current or previous, or
    /// null when neither copy holds them.
    /// </summary>
    internal unsafe T* PackedAt(long version)
    {
        if (version == _version && HoldsColumns) return _packed.Pointer;
        if (_previous is not null && version != -1 && version == _previousVersion) return _previous.Pointer;
        return null;
    }

    /// <summary>
    /// Whether packing the column panels of the weights of <paramref name="next"/> (a dense layer's forward pass) would
    /// write over the copy of <paramref name="keep"/>, which <see cref="PackedAt"/> would then no longer find.
    /// </summary>
    public bool WouldOverwrite(long keep, long next)
    {
        if (next == _version && HoldsColumns) return false; // current: nothing is packed
        // The current copy becomes the previous one when it is whole column panels (see Retire); otherwise it is packed over.
        return _previous is not null && HoldsColumns ? keep == _previousVersion : keep == _version;
    }

    /// <summary>Records that the storage now holds the column panels of the weights of <paramref name="version"/> (see <see cref="Storage"/>).</summary>
    internal void MarkPacked(long version)
    {
        _version = version;
        _rows = false;
        _columns = PackedGemm.Blocking<T>().Columns;
    }

    /// <summary>
    /// Packs <paramref name="w"/> [outputs × inputs] as panels of six rows, <c>[⌈outputs/6⌉][inputs][6]</c> (the layout of
    /// <see cref="PackedGemm.PackA{T}"/>), except that with six outputs or more the last panel starts at
    /// <see cref="RowPanelStart"/>: it ends at the last output, overlapping the panel before it, so that every panel is
    /// whole and a kernel can store all six of its rows.
    /// </summary>
    /// <remarks>Panels of eight (<paramref name="panel"/>) are laid out the same way, <c>[inputs][8]</c> each.</remarks>
    internal static unsafe void PackRowPanels(T* w, int inputs, int outputs, T* packed, int panel = GemmBlocking.TileRows)
    {
        int panels = (outputs + panel - 1) / panel;
        for (int q = 0; q < panels; q++)
        {
            int start = RowPanelStart(q, outputs, panel), rows = Math.Min(panel, outputs - start);
            T* dst = packed + (nint)q * inputs * panel;
            if (panel == GemmBlocking.TileRows)
            {
                PackedGemm.PackA(w + (nint)start * inputs, inputs, 1, rows, inputs, dst);
                continue;
            }
            for (int k = 0; k < inputs; k++)
                for (int r = 0; r < panel; r++)
                    dst[(nint)k * panel + r] = r < rows ? w[(nint)(start + r) * inputs + k] : T.Zero;
        }
    }

    /// <summary>The first output of row panel <paramref name="q"/> of <paramref name="panel"/> outputs (see <see cref="PackRowPanels"/>).</summary>
    internal static int RowPanelStart(int q, int outputs, int panel = GemmBlocking.TileRows) => Math.Max(0, Math.Min(q * panel, outputs - panel));

    /// <summary>Marks the copy stale, so the next forward pass packs the weights again.</summary>
    public void Invalidate() => Retire();
}
