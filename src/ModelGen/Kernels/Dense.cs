using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

/// <summary>
/// Fully connected layer kernels. Layouts are PyTorch's: inputs <c>x [n x inputs]</c>, weights <c>w [outputs x inputs]</c>,
/// bias <c>b [outputs]</c>, outputs <c>y [n x outputs]</c>, all row-major. Generated code calls these with
/// compile-time constant sizes. The products are <see cref="PackedGemm"/>'s, on the widest vectors
/// the processor has.
/// </summary>
public static class Dense
{
    /// <summary>
    /// <c>y[i, o] = b[o] + Σ_k x[i, k]·w[o, k]</c>. An empty <paramref name="b"/> means no bias. A large product is split
    /// over up to <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows), by
    /// output units or, with many samples and packed weights, by samples; the result is the same on any number of threads. With <paramref name="relu"/> the layer's ReLU is
    /// applied as each value is stored (<c>y &lt; 0 ? 0 : y</c>, the same values as a separate
    /// <see cref="Activations.ReluForward{T}(Span{T})"/> pass, without the second pass over y).
    /// </summary>
    public static unsafe void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y,
        int n, int inputs, int outputs, int threads = 1, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSizes(n, inputs, outputs);
        Check.Length(x, Check.Product(n, inputs), nameof(x));
        Check.Length(w, Check.Product(outputs, inputs), nameof(w));
        Check.Length(y, Check.Product(n, outputs), nameof(y));
        bool hasBias = !b.IsEmpty;
        if (hasBias) Check.Length(b, outputs, nameof(b));

        fixed (T* px = x, pw = w, pb = b, py = y)
        {
            // y = x·wᵀ: B is w read as its transpose (element (k, o) at w[o·inputs + k]), packed per call.
            var product = new PackedGemm.Product<T>
            {
                A = px, ARow = inputs, ACol = 1,
                B = pw, BRow = 1, BCol = inputs,
                C = py, CRow = outputs, Bias = hasBias ? pb : null,
                M = n, N = outputs, K = inputs, Relu = relu, OwnedColumns = true,
            };
            PackedGemm.Run(ref product, threads);
        }
    }

    /// <summary>
    /// <see cref="Forward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, int, int, int, bool)"/>
    /// from weights packed once per <paramref name="version"/> of the model's weights (see <see cref="PackedWeights{T}"/>):
    /// the same bits, without packing <paramref name="w"/> again on every call.
    /// </summary>
    public static unsafe void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, PackedWeights<T> packed, long version,
        ReadOnlySpan<T> b, Span<T> y, int n, int inputs, int outputs, int threads = 1, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckPacked(packed, n, inputs, outputs);
        Check.Length(x, Check.Product(n, inputs), nameof(x));
        Check.Length(w, Check.Product(outputs, inputs), nameof(w));
        Check.Length(y, Check.Product(n, outputs), nameof(y));
        bool hasBias = !b.IsEmpty;
        if (hasBias) Check.Length(b, outputs, nameof(b));
        // Stale weights are packed by the product itself, each thread the panels it computes with (the same values in
        // the same places as PackedWeights.For): no separate pass, and each panel is still in the cache that uses it.
        T* pp = packed.Storage(version, out bool current);
        // A single sample against weights one core's L2 holds, but large: split or not as this layer's own calls have
        // shown faster (see PackedGemm.MaySplitFewRows). The columns are split, never a sum, so the bits are the same.
        bool choose = PackedGemm.MaySplitFewRows<T>(n, inputs, outputs)
            && PackedGemm.Parts<T>(n, outputs, inputs, splitRows: false, threads, splitFewRows: true) > 1;
        long start = 0;
        if (choose)
        {
            if (packed.SingleSample.Alone) threads = 1;
            start = packed.SingleSample.Start();
        }
        fixed (T* px = x, pw = w, pb = b, py = y)
        {
            var product = new PackedGemm.Product<T>
            {
                A = px, ARow = inputs, ACol = 1,
                B = pw, BRow = 1, BCol = inputs, PackedB = pp, PackBHere = !current,
                C = py, CRow = outputs, Bias = hasBias ? pb : null,
                M = n, N = outputs, K = inputs, Relu = relu, OwnedColumns = true, SplitFewRows = choose,
            };
            PackedGemm.Run(ref product, threads);
        }
        if (choose) packed.SingleSample.End(start);
        if (!current) packed.MarkPacked(version);
    }

    /// <summary>
    /// Gradients of a dense layer from the gradient of its outputs <paramref name="dy"/> [n x outputs]:
    /// <c>dw = dyᵀ·x</c> [outputs x inputs], <c>db = Σ_i dy[i, :]</c>, <c>dx = dy·w</c> [n x inputs].
    /// All three are overwritten (not accumulated), except that with <paramref name="accumulate"/> the input gradient is
    /// added to what <paramref name="dx"/> holds (see <see cref="InputGradient{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, int, int, int, bool)"/>). Empty <paramref name="db"/> or
    /// <paramref name="dx"/> skip that part. The products are split over up to <paramref name="threads"/> threads as in <c>Forward</c>.
    /// </summary>
    public static unsafe void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> dy,
        Span<T> dw, Span<T> db, Span<T> dx, int n, int inputs, int outputs, int threads = 1, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSizes(n, inputs, outputs);
        Check.Length(x, Check.Product(n, inputs), nameof(x));
        Check.Length(w, Check.Product(outputs, inputs), nameof(w));
        Check.Length(dy, Check.Product(n, outputs), nameof(dy));
        Check.Length(dw, Check.Product(outputs, inputs), nameof(dw));
        // Every length before the first write: db and dx are checked here, not when their turn comes.
        if (!db.IsEmpty) Check.Length(db, outputs, nameof(db));
        if (!dx.IsEmpty) Check.Length(dx, Check.Product(n, inputs), nameof(dx));

        // dw[o, k] = Σ_i dy[i, o]·x[i, k]: dyᵀ (read in place with strides) times x, the samples added in order.
        fixed (T* px = x, pdy = dy, pdw = dw)
        {
            var product = new PackedGemm.Product<T>
            {
                A = pdy, ARow = 1, ACol = outputs,
                B = px, BRow = inputs, BCol = 1,
                C = pdw, CRow = inputs,
                M = outputs, N = inputs, K = n, OwnedRows = true,
            };
            PackedGemm.Run(ref product, threads);
        }

        if (!db.IsEmpty) BiasGradient(dy, db, n, outputs, threads);

        if (!dx.IsEmpty) InputGradient(dy, w, dx, n, inputs, outputs, threads, accumulate);
    }

    /// <summary>
    /// <c>db[o] = Σ_i dy[i, o]</c>, the samples added in order; split over the threads by runs of outputs (each output's
    /// sum whole on one thread, so the same bits) when the batch is large: a pass over all of dy, bound by memory
    /// (batch-256 784-1024-1024-10: ~26 µs per hidden layer on the calling thread while the other core waited).
    /// </summary>
    private static unsafe void BiasGradient<T>(ReadOnlySpan<T> dy, Span<T> db, int n, int outputs, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pdy = dy, pdb = db)
        {
            var job = new BiasJob<T> { Dy = pdy, Db = pdb, Samples = n, Outputs = outputs };
            Parallelism.Shares(ref job, threads, (long)n * outputs * BiasCost);
        }
    }

    /// <summary>Multiply-add equivalents per value of dy read by the bias gradient (a memory-bound pass), for splitting it.</summary>
    private const int BiasCost = 8;

    /// <summary>The bias gradient over runs of 64 outputs <c>[start, end)</c>.</summary>
    private unsafe struct BiasJob<T> : IElementwiseJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* Dy, Db;
        public int Samples, Outputs;

        public readonly int Count => Parallelism.Blocks(Outputs, 64);

        public readonly void Run(int start, int end)
        {
            int first = start * 64, count = (int)(Math.Min((long)end * 64, Outputs) - first);
            var db = new Span<T>(Db + first, count);
            db.Clear();
            for (int i = 0; i < Samples; i++)
                RowMath.Add(new ReadOnlySpan<T>(Dy + (nint)i * Outputs + first, count), db);
        }
    }

    /// <summary>
    /// <c>dx = dy·w</c> [n x inputs], overwritten: the part of <see cref="Backward{T}"/> that a model may defer until
    /// someone reads its input gradient. The terms are added in order of the output unit, as in a plain loop (so the
    /// result does not depend on the blocking or the threads). With <paramref name="accumulate"/>, <c>dx += dy·w</c>: each
    /// value's chain of fused multiply-adds starts from what <paramref name="dx"/> holds instead of from zero (the
    /// product's own accumulation, no extra pass), so the result is <c>dx + dy·w</c> to within the rounding of that
    /// chain, not necessarily the bits of the sum computed first and added last.
    /// </summary>
    public static unsafe void InputGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx, int n, int inputs, int outputs,
        int threads = 1, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSizes(n, inputs, outputs);
        Check.Length(dy, Check.Product(n, outputs), nameof(dy));
        Check.Length(w, Check.Product(outputs, inputs), nameof(w));
        Check.Length(dx, Check.Product(n, inputs), nameof(dx));
        fixed (T* pdy = dy, pw = w, pdx = dx)
        {
            // dx[i, k] = Σ_o dy[i, o]·w[o, k]
            var product = new PackedGemm.Product<T>
            {
                A = pdy, ARow = outputs, ACol = 1,
                B = pw, BRow = inputs, BCol = 1,
                C = pdx, CRow = inputs,
                M = n, N = inputs, K = outputs, Accumulate = accumulate,
            };
            PackedGemm.Run(ref product, threads);
        }
    }

    /// <summary>
    /// <see cref="InputGradient{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, int, int, int, bool)"/> from the
    /// weights of <paramref name="version"/> as the forward pass packed them (<paramref name="packed"/>, kept with
    /// <c>keepPrevious</c>), so that a model need not copy them for a deferred input gradient: the same product, from
    /// the same packed panels (made from the forward pass's instead of from <c>w</c>), so the same bits.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither packed copy holds the weights of <paramref name="version"/>.</exception>
    public static unsafe void InputGradient<T>(ReadOnlySpan<T> dy, PackedWeights<T> packed, long version, Span<T> dx, int n, int inputs,
        int outputs, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckPacked(packed, n, inputs, outputs);
        Check.Length(dy, Check.Product(n, outputs), nameof(dy));
        Check.Length(dx, Check.Product(n, inputs), nameof(dx));
        T* pw = packed.PackedAt(version);
        if (pw == null)
            throw new InvalidOperationException($"The packed weights of version {version} are gone: the weights were packed again twice since.");
        // The forward pass's panels hold wᵀ: output unit o of panel g = o / NR, input k at pw[(g·inputs + k)·NR + o % NR].
        // The product dx = dy·w wants w's columns in panels of NR inputs, [⌈inputs/NR⌉][outputs][NR], which PackB would
        // make from w itself: each NR × NR block is the transpose of a block of the forward panels (one panel of those is
        // w [NR x inputs] with a row step of 1 and a column step of NR). Then one product over all the outputs, as from w.
        int nr = PackedGemm.Blocking<T>().Columns;
        T* b = ThreadScratch.For<T>(ThreadScratch.Slot.InputGradientWeights, PackedGemm.PackedLength<T>(outputs, inputs));
        for (int o = 0; o < outputs; o += nr)
            PackedGemm.PackBPanels(pw + (nint)o * inputs, 1, nr, o, Math.Min(nr, outputs - o), outputs, inputs, nr, b);
        fixed (T* pdy = dy, pdx = dx)
        {
            var product = new PackedGemm.Product<T>
            {
                A = pdy, ARow = outputs, ACol = 1,
                PackedB = b,
                C = pdx, CRow = inputs,
                M = n, N = inputs, K = outputs,
            };
            PackedGemm.Run(ref product, threads);
        }
    }

    /// <summary><see cref="CheckSizes"/>, and that <paramref name="packed"/> is there and holds weights of these sizes.</summary>
    private static void CheckPacked<T>(PackedWeights<T> packed, int n, int inputs, int outputs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(packed);
        CheckSizes(n, inputs, outputs);
        if (packed.Inputs != inputs || packed.Outputs != outputs)
            throw new ArgumentException($"The packed weights are for [{packed.Outputs} x {packed.Inputs}], not [{outputs} x {inputs}].", nameof(packed));
    }

    /// <summary>Throws unless <c>n ≥ 0</c> and <c>inputs, outputs &gt; 0</c> (the spans' lengths are checked in 64 bits by the callers).</summary>
    private static void CheckSizes(int n, int inputs, int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
    }
}
