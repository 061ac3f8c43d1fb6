using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels;

/// <summary>
/// The matrix product in BLIS's structure: <c>C (+)= A·B</c> (then <c>+ bias</c> and a ReLU, if asked), with <c>B</c>
/// packed into contiguous panels of <c>NR</c> columns (per call, a <c>KC × NC</c> block at a time, or once for the whole
/// matrix by <see cref="PackB{T}"/>) and register tiles of 6 rows by <c>NR</c> columns (<see cref="Microkernels"/>; 12 rows
/// with 512-bit vectors, whose 32 registers hold twice the accumulators).
/// <c>A</c> is read in place through its strides: its rows are few and short enough to stay in cache.
/// </summary>
/// <remarks>
/// <para>Loop order, outermost first: columns of <c>C</c> in blocks of NC, then the depth in blocks of KC (B's block
/// packed here), then the NR-wide panels, then the rows in tiles of 6 (of 12 with 512-bit vectors, then one of 6 where
/// fewer rows are left), each tile one microkernel pass over KC.</para>
/// <para>Every element of <c>C</c> is one chain of fused multiply-adds in depth order, from zero (or from what <c>C</c>
/// holds, with <c>Accumulate</c>), whatever the tile, the blocking, the vector width's padding or the columns a thread
/// is given; so the result does not depend on how the product is cut. Tails are computed in a scratch tile with the
/// same kernels and copied out.</para>
/// </remarks>
internal static unsafe class PackedGemm
{
    /// <summary>The operands of one product (pinned by the caller while it runs).</summary>
    public struct Product<T> where T : unmanaged
    {
        /// <summary><c>A</c> [M × K]: element <c>(i, p)</c> at <c>A[i·ARow + p·ACol]</c>.</summary>
        public T* A;
        public nint ARow, ACol;
        /// <summary><c>B</c> [K × N]: element <c>(p, j)</c> at <c>B[p·BRow + j·BCol]</c>; not read when <see cref="PackedB"/> is set.</summary>
        public T* B;
        public nint BRow, BCol;
        /// <summary>All of <c>B</c> packed by <see cref="PackB{T}"/>, or null to pack it per call.</summary>
        public T* PackedB;
        /// <summary><c>C</c> [M × N]: element <c>(i, j)</c> at <c>C[i·CRow + j]</c>.</summary>
        public T* C;
        public nint CRow;
        /// <summary>N values added to every row after the sum, or null.</summary>
        public T* Bias;
        public int M, N, K;
        /// <summary>Continue the sums from what <c>C</c> holds instead of from zero.</summary>
        public bool Accumulate;
        /// <summary>Store <c>v &lt; 0 ? 0 : v</c> (after the bias).</summary>
        public bool Relu;
        /// <summary>All of <c>A</c> packed by <see cref="PackA{T}"/> (6-row panels over the whole depth), or null to pack it per block.</summary>
        public T* PackedA;
        /// <summary>
        /// <see cref="PackedB"/> is storage to fill, not yet packed: the panels of <c>B</c> (read through <see cref="B"/>)
        /// are packed into it as by <see cref="PackB{T}"/>, each by the thread that computes its columns, just before it
        /// does; on return all of it is packed (weights repacked after an optimizer step, in the forward pass that
        /// first reads them, without a pass of their own).
        /// </summary>
        public bool PackBHere;
        /// <summary>
        /// The rows of <c>C</c> are a layer's output units (a weight gradient): split over the threads in the fixed shares
        /// of <see cref="Parallelism.OwnedRange"/>, each thread packing its own blocks of B, so that each row is computed
        /// where the optimizer updates it.
        /// </summary>
        public bool OwnedRows;
        /// <summary>
        /// The columns of <c>C</c> are a layer's output units (a forward product against weights): with the columns split,
        /// in the fixed shares of <see cref="Parallelism.OwnedRange"/>, so that each thread packs and reads the weights
        /// of the outputs the optimizer updates on it.
        /// </summary>
        public bool OwnedColumns;
        /// <summary>
        /// A product of a few rows whose weights one core's L2 holds is split as if they streamed (fixed shares of the
        /// columns, each core reading its share from its own L2): what <see cref="Dense"/> asks for on the single-sample
        /// calls its <see cref="SplitChoice"/> has found faster split (see <see cref="MaySplitFewRows{T}"/>).
        /// </summary>
        public bool SplitFewRows;
    }

    /// <summary>
    /// Values <see cref="PackA{T}"/> writes for <paramref name="rows"/> × <paramref name="depth"/>; an
    /// <see cref="ArgumentException"/> when that is above <see cref="Check.MaxSize"/>.
    /// </summary>
    public static int PackedALength(int rows, int depth) =>
        Check.Size(PackedASize(rows, depth), "rows·depth of a packed A (rows rounded up to whole register tiles)", nameof(rows));

    /// <summary>
    /// Values <see cref="PackA{T}"/> writes for <paramref name="rows"/> × <paramref name="depth"/>, in 64 bits (saturating,
    /// see <see cref="Check.Product(long, long)"/>): for checking sizes before anything is packed.
    /// </summary>
    public static long PackedASize(long rows, long depth) => Check.Product(Check.RoundUp(rows, GemmBlocking.TileRows), depth);

    /// <summary>
    /// Packs all of <c>A</c> [rows × depth] (element <c>(i, p)</c> at <c>a[i·aRow + p·aCol]</c>) as 6-row panels
    /// <c>[⌈rows/6⌉][depth][6]</c>, zeros past the last row: the layout <see cref="Product{T}.PackedA"/> takes.
    /// </summary>
    public static void PackA<T>(T* a, nint aRow, nint aCol, int rows, int depth, T* packed) where T : unmanaged, IFloatingPointIeee754<T> =>
        PackABlock(a, aRow, aCol, rows, depth, packed);

    /// <summary>
    /// Values <see cref="PackB{T}"/> writes for a <paramref name="depth"/> × <paramref name="cols"/> matrix on this
    /// processor; an <see cref="ArgumentException"/> when that is above <see cref="Check.MaxSize"/>.
    /// </summary>
    public static int PackedLength<T>(int depth, int cols) where T : unmanaged, IFloatingPointIeee754<T> =>
        Check.Size(PackedSize<T>(depth, cols), "depth·cols of a packed B (cols rounded up to whole register tiles)", nameof(cols));

    /// <summary>
    /// Values <see cref="PackB{T}"/> writes for a <paramref name="depth"/> × <paramref name="cols"/> matrix on this
    /// processor, in 64 bits (saturating): for checking sizes before anything is packed.
    /// </summary>
    public static long PackedSize<T>(long depth, long cols) where T : unmanaged, IFloatingPointIeee754<T> =>
        Check.Product(Check.RoundUp(cols, Blocking<T>().Columns), depth);

    /// <summary>
    /// Multiply-add equivalents of packing one value of B (read with a stride or transposed, written once): what makes a
    /// pack worth splitting over threads (784 × 512 weights, repacked at every training step, take 100–200 µs on one core).
    /// 16 splits from about 65,000 values: the 784 × 128 weights of the smallest benchmark MLP too, whose step ran 1.04×
    /// faster with them and the copy then kept for its deferred input gradient split (both directions of bench/ab.sh, AVX2, 2 cores).
    /// </summary>
    private const int PackCostPerValue = 16;

    /// <summary>
    /// Packs all of <c>B</c> [depth × cols] (element <c>(p, j)</c> at <c>b[p·bRow + j·bCol]</c>) into panels of NR
    /// columns, <c>[⌈cols/NR⌉][depth][NR]</c>, the last padded with zeros: the layout <see cref="Product{T}.PackedB"/> takes.
    /// Over up to <paramref name="threads"/> threads (0: <see cref="Parallelism.MaxThreads"/>) when it is large enough,
    /// each packing whole panels: the same values in the same places. <paramref name="nr"/>: the panels' width, 0 for
    /// this processor's (<see cref="GemmBlocking.Columns"/>); a convolution's tiles may be narrower
    /// (<see cref="Conv2D.FilterColumns{T}"/>), never wider, so <see cref="PackedLength{T}"/> holds them.
    /// </summary>
    public static void PackB<T>(T* b, nint bRow, nint bCol, int depth, int cols, T* packed, int threads = 1, int nr = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (nr == 0) nr = Blocking<T>().Columns;
        int panels = Parallelism.Blocks(cols, nr);
        int parts = Parallelism.Parts(threads, Check.Product(depth, cols, PackCostPerValue), panels);
        if (parts <= 1)
        {
            PackBlock(b, bRow, bCol, 0, depth, 0, cols, nr, packed);
            return;
        }
        var job = new PackBJob<T> { B = b, BRow = bRow, BCol = bCol, Depth = depth, Cols = cols, Packed = packed, Nr = nr };
        WorkerPool.Shared.RunChunks(&PackBPart<T>, &job, Parallelism.Chunks(parts, panels), parts);
    }

    /// <summary>A whole B to pack (see <see cref="PackB{T}"/>).</summary>
    private struct PackBJob<T> where T : unmanaged
    {
        public T* B, Packed;
        public nint BRow, BCol;
        public int Depth, Cols, Nr;
    }

    /// <summary>The panels of chunk <paramref name="chunk"/> of a <see cref="PackBJob{T}"/>, at their places in the whole packed B.</summary>
    private static void PackBPart<T>(void* arguments, int chunk, int chunks) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly PackBJob<T> job = ref *(PackBJob<T>*)arguments;
        int nr = job.Nr;
        (int start, int end) = Parallelism.Range(job.Cols, chunk, chunks, nr);
        if (start < end) PackBlock(job.B, job.BRow, job.BCol, 0, job.Depth, start, end - start, nr, job.Packed + (nint)start * job.Depth);
    }

    /// <summary>The blocking in use for <typeparamref name="T"/> on this processor.</summary>
    public static GemmBlocking Blocking<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated) return GemmBlocking.For<T, Vector512<T>>();
        if (Vector256.IsHardwareAccelerated) return GemmBlocking.For<T, Vector256<T>>();
        return GemmBlocking.For<T, Vector128<T>>();
    }

    /// <summary>
    /// Computes columns <c>[colStart, colEnd)</c> of the product (<paramref name="colStart"/> a multiple of NR), first
    /// packing their panels of B with <see cref="Product{T}.PackBHere"/>.
    /// </summary>
    public static void Run<T>(in Product<T> p, int colStart, int colEnd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p.PackBHere && colStart < colEnd)
        {
            int nr = Blocking<T>().Columns;
            PackBlock(p.B, p.BRow, p.BCol, 0, p.K, colStart, colEnd - colStart, nr, p.PackedB + (nint)colStart * p.K);
        }
        if (Vector512.IsHardwareAccelerated) Run<T, Vector512<T>, Lanes512<T>>(p, colStart, colEnd);
        else if (Vector256.IsHardwareAccelerated) Run<T, Vector256<T>, Lanes256<T>>(p, colStart, colEnd);
        else Run<T, Vector128<T>, Lanes128<T>>(p, colStart, colEnd);
    }

    /// <summary>
    /// Rows from which a product with B packed once is split by rows, each thread packing its own rows of A and streaming
    /// all of B. Fewer rows are split by columns against A packed once for all the threads: each thread then streams
    /// only its share of B and every micro-panel of B serves all the rows while it is in L1. Columns instead of row
    /// halves made the 784-512-512-10 step (batch 128) and the 784-1024-1024-10 step (batch 256) 1.06× faster each
    /// (quartiles 0.98–1.15 and 1.00–1.12; AVX2, 2 cores, bench/ab.sh); the row split is kept for larger batches,
    /// where all of A packed at once would take a scratch buffer as large as A.
    /// </summary>
    private const int SplitRowsFrom = 512;

    /// <summary>Rows from which a product against packed B whose columns cannot be split as many ways splits its rows instead (two tiles for each of two parts; the work decides beyond that).</summary>
    private const int SplitFewColumnsFrom = 4 * GemmBlocking.TileRows;

    /// <summary>Rows of the tile that takes the last four rows or fewer (<see cref="Microkernels.Tile4{T, TV, S, TA}"/>).</summary>
    private const int TailRows = 4;

    /// <summary>Rows below which A is read in place against B packed once (see <see cref="ReadsAInPlace{T}"/>).</summary>
    private const int InPlaceRowsBelow = 96;

    /// <summary>Whether a <paramref name="depth"/> × <paramref name="cols"/> B outgrows half of one core's L2 cache, so that a product of a few rows streams it from beyond.</summary>
    private static bool StreamsWeights<T>(int depth, int cols) where T : unmanaged =>
        (long)depth * cols * sizeof(T) > CoreCache.L2Bytes / 2;

    /// <summary>
    /// Weights from which a product of a few rows that one core's L2 holds may still be split (<see cref="Product{T}.SplitFewRows"/>).
    /// Below, reading them from one core's L2 takes about as long as handing over to another core.
    /// </summary>
    private const long SplitFewRowsFromBytes = 256 * 1024;

    /// <summary>
    /// Whether a single sample's product (<paramref name="rows"/> = 1) against <paramref name="depth"/> × <paramref name="cols"/>
    /// weights could go either way: weights one core's L2 holds (not <see cref="StreamsWeights{T}"/>), but enough of them
    /// that two cores reading half each may pay for the hand-over. Whether it does depends on the core and the moment, not
    /// on the sizes: on an Intel Xeon with 2 MiB of L2 (a plain read of it ~136 GB/s, against ~220 on a Zen 5),
    /// 784-512-512-10 at batch 1, whose 512 × 512 layer (1 MiB) stayed on one core, took 32.9–47.5 µs, and 28.8–31.7 µs
    /// with the choice (four processes each, alternated); on a Zen 5 with 1 MiB, 784 × 128 (392 KiB) took 2.5 µs alone and 3.7 µs split when
    /// handing over was slow. <see cref="Dense"/> lets each layer's own calls decide (<see cref="SplitChoice"/>).
    /// </summary>
    internal static bool MaySplitFewRows<T>(int rows, int depth, int cols) where T : unmanaged =>
        rows == 1 && !StreamsWeights<T>(depth, cols) && (long)depth * cols * sizeof(T) >= SplitFewRowsFromBytes;

    /// <summary>Threads an M × N × K product runs on (see <see cref="Run{T}(ref Product{T}, int)"/>), split by rows or by columns.</summary>
    internal static int Parts<T>(int m, int n, int k, bool splitRows, int threads, bool owned = false, bool splitFewRows = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long work = Check.Product(m, n, k, m < 4 && (splitFewRows || StreamsWeights<T>(k, n)) ? 16 : 1);
        int units = owned ? Parallelism.Blocks(splitRows ? m : n, Parallelism.OwnerAlign)
            : splitRows ? Parallelism.Blocks(m, GemmBlocking.TileRows) : Parallelism.Blocks(n, Blocking<T>().Columns);
        return Parallelism.Parts(threads, work, units);
    }

    /// <summary>
    /// The product on up to <paramref name="threads"/> threads (0: <see cref="Parallelism.MaxThreads"/>). With B packed
    /// once (weights) and rows enough, the rows are split, so no thread packs what another packs too; otherwise the
    /// columns, each thread packing its own columns of B, against A read in place or packed once for all the threads
    /// (its row panels split over them). A layer's output units are split in the shares the threads own
    /// (<see cref="Parallelism.OwnedRange"/>) where that cuts as many ways: a forward product's columns
    /// (<see cref="Product{T}.OwnedColumns"/>), a weight gradient's rows (<see cref="Product{T}.OwnedRows"/>, each thread
    /// packing all of B for its rows: the batch, a small copy beside the product). Products of a few rows read every weight once per multiply-add and are bound
    /// by memory, not arithmetic: when their weights outgrow half of one core's L2 cache (<see cref="CoreCache"/>) they
    /// are split at a sixteenth of the work, in fixed shares, so that each core streams the same share of the weights on
    /// every call, which then stays in its L2 (batch-1 784-128-10 inference, 392 KiB of first-layer weights against a
    /// Zen 3's 512 KiB L2: 6.4–6.6 → 4.2–5.5 µs on two cores, AVX2, separate processes). Weights that one core's L2
    /// holds may be read from there about as fast as the cores would share them, and a split then only adds the
    /// hand-over (the same model on a Zen 5 with 1 MiB: 3.7 µs split and 2.5 µs on one core when handing over was slow,
    /// 2.4–2.5 µs either way when it was fast; README, "Batch-1 threading"), or not, on a core that reads its L2 more
    /// slowly: a single sample's layer with 256 KiB or more of them is split as its own calls have shown faster
    /// (<see cref="Product{T}.SplitFewRows"/>, <see cref="MaySplitFewRows{T}"/>).
    /// </summary>
    public static void Run<T>(ref Product<T> p, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int mr = GemmBlocking.TileRows;
        int nr = Blocking<T>().Columns;
        (int parts, bool splitRows, bool owned) = Plan(p, threads);
        if (parts <= 1)
        {
            Run(p, 0, p.N);
            return;
        }
        if (splitRows && p.PackBHere)
        {
            // Every row part reads all of B: packed first, over the threads.
            PackB(p.B, p.BRow, p.BCol, p.K, p.N, p.PackedB, threads);
            p.PackBHere = false;
        }
        var job = new SplitJob<T> { Product = p, SplitRows = splitRows, Owned = owned };
        if (p.M < 4 || (owned && splitRows))
        {
            // Fixed shares: a batch-1 product's columns (each core streams the same weights on every call) or a weight
            // gradient's owned rows, each thread packing B itself.
            WorkerPool.Shared.Run(&Part<T>, &job, parts);
            return;
        }
        // Otherwise chunks that the threads take as they become free, none packing what another packs too.
        if (splitRows)
        {
            // Rows of A against B packed once, each chunk packing its own rows. At least 16 tiles (96 rows) each where
            // the rows allow (one chunk per part otherwise, as for a classifier layer's few columns, whose B is small):
            // every chunk streams all of B from the shared cache, so smaller chunks would stream it more often for fewer
            // tiles per B micro-panel while it is in L1.
            WorkerPool.Shared.RunChunks(&Part<T>, &job, Parallelism.Chunks(parts, Parallelism.Blocks(p.M, mr), 16), parts);
            return;
        }
        if (!ReadsAInPlace(p) && p.PackedA == null && p.K > 0)
        {
            // Columns against A packed once, its row panels split over the threads, instead of all of it by every part.
            job.Product.PackedA = ThreadScratch.For<T>(ThreadScratch.Slot.GemmA, PackedALength(p.M, p.K));
            WorkerPool.Shared.RunChunks(&PackAPart<T>, &job, Parallelism.Chunks(parts, Parallelism.Blocks(p.M, mr)), parts);
        }
        if (owned) WorkerPool.Shared.Run(&Part<T>, &job, parts);
        else WorkerPool.Shared.RunChunks(&Part<T>, &job, Parallelism.Chunks(parts, Parallelism.Blocks(p.N, nr)), parts);
    }

    /// <summary>
    /// How <see cref="Run{T}(ref Product{T}, int)"/> splits a product over up to <paramref name="threads"/> threads: the
    /// number of parts, whether they split its rows (else its columns), and whether they are the threads' owned shares.
    /// </summary>
    internal static (int Parts, bool SplitRows, bool Owned) Plan<T>(in Product<T> p, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool splitRows = p.PackedB != null && p.M >= SplitRowsFrom;
        int parts = Parts<T>(p.M, p.N, p.K, splitRows, threads, splitFewRows: p.SplitFewRows);
        if (!splitRows && p.PackedB != null && p.M >= SplitFewColumnsFrom && !StreamsWeights<T>(p.K, p.N))
        {
            // Too few columns to split as many ways (a classifier's last layer, 10 outputs: one panel) and weights small
            // enough that each row part reading all of them costs little. Batch-256 784-1024-1024-10's last layer took
            // ~140 µs on the calling thread alone (AVX2 path) while the other core waited; split, ~90 µs. Not where the
            // columns split as many ways in the threads' owned shares.
            int rowParts = Parts<T>(p.M, p.N, p.K, splitRows: true, threads);
            int columnParts = Math.Max(parts, p.OwnedColumns ? Parts<T>(p.M, p.N, p.K, splitRows: false, threads, owned: true) : 1);
            if (rowParts > columnParts)
            {
                splitRows = true;
                parts = rowParts;
            }
        }
        // A layer's output units in the shares the threads own (Parallelism.OwnedRange): a weight gradient's rows, a
        // forward product's columns when those are what is split (not a batch-1 call's, not when the batch's rows are),
        // wherever that splits the product as many ways as the usual cut (a layer of 32 outputs or fewer keeps it).
        bool owned = false;
        if (p.OwnedRows || (p.OwnedColumns && !splitRows && p.M >= 4))
        {
            int ownedParts = Parts<T>(p.M, p.N, p.K, p.OwnedRows, threads, owned: true);
            if (ownedParts > 1 && ownedParts >= parts)
            {
                owned = true;
                splitRows = p.OwnedRows;
                parts = ownedParts;
            }
        }
        return (parts, splitRows, owned);
    }

    /// <summary>A product and the axis its parts split.</summary>
    private struct SplitJob<T> where T : unmanaged
    {
        public Product<T> Product;
        public bool SplitRows;
        /// <summary>Parts are the threads' owned shares (<see cref="Parallelism.OwnedRange"/>), not chunks.</summary>
        public bool Owned;
    }

    /// <summary>Rows of chunk <paramref name="chunk"/> of A packed into the job's <see cref="Product{T}.PackedA"/> (6-row panels over the whole depth).</summary>
    private static void PackAPart<T>(void* arguments, int chunk, int chunks) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly Product<T> p = ref ((SplitJob<T>*)arguments)->Product;
        (int start, int end) = Parallelism.Range(p.M, chunk, chunks, GemmBlocking.TileRows);
        if (start < end) PackABlock(p.A + start * p.ARow, p.ARow, p.ACol, end - start, p.K, p.PackedA + (nint)start * p.K);
    }

    private static void Part<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly SplitJob<T> job = ref *(SplitJob<T>*)arguments;
        Product<T> p = job.Product;
        if (job.SplitRows)
        {
            // Rows [start, end) as a product of their own: the same chains, so the same bits.
            (int start, int end) = job.Owned ? Parallelism.OwnedRange(p.M, part, parts) : Parallelism.Range(p.M, part, parts, GemmBlocking.TileRows);
            if (start >= end) return;
            p.A += start * p.ARow;
            p.C += start * p.CRow;
            p.M = end - start;
            Run(p, 0, p.N);
        }
        else
        {
            (int start, int end) = job.Owned ? Parallelism.OwnedRange(p.N, part, parts) : Parallelism.Range(p.N, part, parts, Blocking<T>().Columns);
            if (start < end) Run(p, start, end);
        }
    }

    /// <summary>The whole product on vectors of <typeparamref name="TV"/>, whatever the processor has (B packed per call): for tests of every width.</summary>
    internal static void RunAtWidth<T, TV, S>(in Product<T> p)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        if (p.PackedB != null) throw new ArgumentException("A product at another width cannot read B packed for this processor's.");
        Run<T, TV, S>(p, 0, p.N);
    }

    private static void Run<T, TV, S>(in Product<T> p, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        GemmBlocking blocking = GemmBlocking.For<T, TV>();
        int nr = blocking.Columns, kcMax = blocking.Depth, ncMax = blocking.Width;
        Microkernels.Epilogue last = p.Bias != null
            ? (p.Relu ? Microkernels.Epilogue.BiasRelu : Microkernels.Epilogue.Bias)
            : (p.Relu ? Microkernels.Epilogue.Relu : Microkernels.Epilogue.None);
        if (p.K == 0)
        {
            Empty(p, j0, j1, last);
            return;
        }
        const int mr = GemmBlocking.TileRows;
        int mcMax = blocking.Height;
        // With B packed once and few rows (inference batches), A is read in place: its rows stay in cache across B's
        // panels, and packing it would cost each thread a pass over all of it per call (784×128 at batch 64: ~20% less
        // time on 2 cores). Not when its rows lie a multiple of 4 KiB apart: the six rows a tile reads would fall in one
        // set of the L1 cache and alias in the load unit (1024 inputs: ~15% slower in place).
        bool inPlace = ReadsAInPlace(p);
        bool packA = (p.M >= 4 || p.PackedA != null) && !inPlace;
        nint kcUsed = Math.Min(GemmBlocking.LongestDepth(kcMax), p.K);
        // The blocks of A and B packed per call: at most MC × KC and KC × NC, KC the longest pass (a quarter more than the
        // blocking's; see GemmBlocking.DepthAt), the rows and columns rounded up, in 64 bits.
        nint aLength = packA && p.PackedA == null ? kcUsed * (nint)Math.Min(mcMax, Check.RoundUp(p.M, mr)) : 0;
        nint bLength = p.PackedB != null ? 0 : kcUsed * (nint)Math.Min(ncMax, Check.RoundUp(j1 - j0, nr));
        T* scratch = aLength + bLength > 0 ? ThreadScratch.For<T>(ThreadScratch.Slot.Gemm, aLength + bLength) : null;
        T* aBlock = scratch, block = scratch + aLength;
        T* tile = stackalloc T[GemmBlocking.TileRows * nr];
        // Each loop steps by the block it did (at most to its end), so no index passes int.MaxValue whatever the sizes.
        for (int jc = j0, nc; jc < j1; jc += nc)
        {
            nc = Math.Min(ncMax, j1 - jc);
            for (int pc = 0, kc; pc < p.K; pc += kc)
            {
                kc = GemmBlocking.DepthAt(pc, p.K, kcMax);
                T* bp;
                nint panelStride;
                if (p.PackedB != null)
                {
                    panelStride = (nint)p.K * nr;
                    bp = p.PackedB + jc / nr * panelStride + (nint)pc * nr;
                }
                else
                {
                    panelStride = (nint)kc * nr;
                    PackBlock(p.B, p.BRow, p.BCol, pc, kc, jc, nc, nr, block);
                    bp = block;
                }
                bool load = pc > 0 || p.Accumulate;
                Microkernels.Epilogue epilogue = pc + kc == p.K ? last : Microkernels.Epilogue.None;
                if (inPlace)
                {
                    InPlace<T, TV, S>(p, bp, panelStride, pc, kc, jc, nc, load, epilogue, tile);
                    continue;
                }
                if (!packA)
                {
                    Rows<T, TV, S>(p, bp, panelStride, pc, kc, jc, nc, load, epilogue, tile);
                    continue;
                }
                for (int ic = 0, mc; ic < p.M; ic += mc)
                {
                    mc = Math.Min(mcMax, p.M - ic);
                    T* a = aBlock;
                    nint aPanelStride = (nint)kc * mr;
                    if (p.PackedA != null)
                    {
                        aPanelStride = (nint)p.K * mr;
                        a = p.PackedA + ic / mr * aPanelStride + (nint)pc * mr;
                    }
                    else
                    {
                        PackABlock(p.A + ic * p.ARow + pc * p.ACol, p.ARow, p.ACol, mc, kc, aBlock);
                    }
                    Block<T, TV, S>(p, a, aPanelStride, ic, mc, bp, panelStride, kc, jc, nc, load, epilogue, tile);
                }
            }
        }
    }

    /// <summary>
    /// Whether A is read in place (see <see cref="Run{T, TV, S}"/>): B packed once, A not, rows contiguous, at least six
    /// and fewer than <see cref="InPlaceRowsBelow"/>, not a multiple of 4 KiB apart.
    /// </summary>
    private static bool ReadsAInPlace<T>(in Product<T> p) where T : unmanaged =>
        p.PackedA == null && p.PackedB != null && p.ACol == 1 && p.M >= GemmBlocking.TileRows && p.M < InPlaceRowsBelow
        && p.ARow * sizeof(T) % 4096 != 0;

    /// <summary>
    /// Rows <c>[ic, ic+mc)</c> of A, packed as 6-row panels <paramref name="aPanelStride"/> values apart from
    /// <paramref name="aBlock"/>, against one packed block of B (depth <c>kc</c>, columns <c>[jc, jc+nc)</c>): panel by
    /// panel of B, tile by tile of rows (12 at a time with 512-bit vectors), tails through the scratch tile.
    /// </summary>
    private static void Block<T, TV, S>(in Product<T> p, T* aBlock, nint aPanelStride, int ic, int mc, T* bp, nint panelStride, int kc,
        int jc, int nc, bool load, Microkernels.Epilogue epilogue, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        const int mr = GemmBlocking.TileRows;
        int nr = 2 * S.Width;
        int panels = (nc + nr - 1) / nr;
        T zero = T.Zero;
        ref T noBias = ref zero;
        for (int q = 0; q < panels; q++)
        {
            T* b = bp + q * panelStride;
            int j = jc + q * nr, cols = Math.Min(nr, nc - q * nr);
            ref T bias = ref p.Bias != null ? ref p.Bias[j] : ref noBias;
            for (int i = 0; i < mc; i += mr)
            {
                T* a = aBlock + i / mr * aPanelStride;
                T* c = p.C + (ic + i) * p.CRow + j;
                int rows = Math.Min(mr, mc - i);
                if (Microkernels.HasTile12<TV>() && i + 2 * mr <= mc && cols == nr)
                {
                    // Twelve rows: two 6-row panels of A against each vector of B loaded.
                    Microkernels.Tile12<T, TV, S, PackedPanel>(ref *a, 0, aPanelStride, ref *b, kc, ref *c, p.CRow, load, epilogue, ref bias);
                    i += mr;
                }
                else if (rows == mr && cols == nr)
                {
                    Microkernels.Tile6<T, TV, S, PackedPanel>(ref *a, 0, ref *b, kc, ref *c, p.CRow, load, epilogue, ref bias);
                }
                else if (rows == TailRows && cols == nr)
                {
                    Microkernels.Tile4<T, TV, S, PackedPanel>(ref *a, 0, ref *b, kc, ref *c, p.CRow, load, epilogue, ref bias);
                }
                else if (rows <= TailRows)
                {
                    // The last four rows or fewer, of a partial panel of B or fewer than four: the first rows of a 4-row tile.
                    if (load) CopyIn(c, p.CRow, tile, nr, rows, cols);
                    Microkernels.Tile4<T, TV, S, PackedPanel>(ref *a, 0, ref *b, kc, ref *tile, nr, load, Microkernels.Epilogue.None, ref noBias);
                    CopyOut(tile, nr, c, p.CRow, rows, cols, epilogue, p.Bias != null ? p.Bias + j : null);
                }
                else
                {
                    if (load) CopyIn(c, p.CRow, tile, nr, rows, cols);
                    Microkernels.Tile6<T, TV, S, PackedPanel>(ref *a, 0, ref *b, kc, ref *tile, nr, load, Microkernels.Epilogue.None, ref noBias);
                    CopyOut(tile, nr, c, p.CRow, rows, cols, epilogue, p.Bias != null ? p.Bias + j : null);
                }
            }
        }
    }

    /// <summary>
    /// All rows of A read in place (rows contiguous along the depth, at least six) against one packed block of B: panel
    /// by panel of B, tiles of six rows (twelve with 512-bit vectors; the microkernel broadcasting from each row of A); the last <c>M mod 6</c> rows
    /// by a 4-row tile when there are four, otherwise as the end of a tile over the last four rows (six for five),
    /// computed in the scratch tile, the rows before them computed again and dropped. Partial panels through the scratch tile. The same chains as the packed path, so the same bits.
    /// </summary>
    /// <remarks>
    /// The tail tile costs four rows' arithmetic (six for five rows) for fewer, but at a tile's rate: one row at a time
    /// keeps two chains of fused multiply-adds in flight, a quarter of what the units take (the four last rows of a
    /// batch of 64 took a fifth of the product's time that way).
    /// </remarks>
    private static void InPlace<T, TV, S>(in Product<T> p, T* bp, nint panelStride, int pc, int kc, int jc, int nc, bool load,
        Microkernels.Epilogue epilogue, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        const int mr = GemmBlocking.TileRows;
        int nr = 2 * S.Width, panels = (nc + nr - 1) / nr, whole = p.M / mr * mr, tail = p.M - whole;
        T zero = T.Zero;
        ref T noBias = ref zero;
        T* a0 = p.A + pc, c0 = p.C;
        nint aRow = p.ARow, cRow = p.CRow;
        for (int q = 0; q < panels; q++)
        {
            T* b = bp + q * panelStride;
            int j = jc + q * nr, cols = Math.Min(nr, nc - q * nr);
            T* biasAt = p.Bias != null ? p.Bias + j : null;
            ref T bias = ref biasAt != null ? ref *biasAt : ref noBias;
            for (int i = 0; i < whole; i += mr)
            {
                T* a = a0 + i * aRow, c = c0 + i * cRow + j;
                if (Microkernels.HasTile12<TV>() && i + 2 * mr <= whole && cols == nr)
                {
                    Microkernels.Tile12<T, TV, S, RowsInPlace>(ref *a, aRow, mr * aRow, ref *b, kc, ref *c, cRow, load, epilogue, ref bias);
                    i += mr;
                    continue;
                }
                if (cols == nr)
                {
                    Microkernels.Tile6<T, TV, S, RowsInPlace>(ref *a, aRow, ref *b, kc, ref *c, cRow, load, epilogue, ref bias);
                    continue;
                }
                if (load) CopyIn(c, cRow, tile, nr, mr, cols);
                Microkernels.Tile6<T, TV, S, RowsInPlace>(ref *a, aRow, ref *b, kc, ref *tile, nr, load, Microkernels.Epilogue.None, ref noBias);
                CopyOut(tile, nr, c, cRow, mr, cols, epilogue, biasAt);
            }
            if (tail == TailRows && cols == nr)
            {
                T* a = a0 + whole * aRow, c = c0 + whole * cRow + j;
                Microkernels.Tile4<T, TV, S, RowsInPlace>(ref *a, aRow, ref *b, kc, ref *c, cRow, load, epilogue, ref bias);
            }
            else if (tail > 0)
            {
                // The end of a tile over the last four rows (six when five are left), in the scratch tile: the rows
                // before the tail are computed again and dropped.
                int height = tail <= TailRows ? TailRows : mr, first = p.M - height, kept = height - tail;
                T* a = a0 + first * aRow, c = c0 + first * cRow + j;
                if (load) CopyIn(c, cRow, tile, nr, height, cols);
                if (height == TailRows)
                    Microkernels.Tile4<T, TV, S, RowsInPlace>(ref *a, aRow, ref *b, kc, ref *tile, nr, load, Microkernels.Epilogue.None, ref noBias);
                else
                    Microkernels.Tile6<T, TV, S, RowsInPlace>(ref *a, aRow, ref *b, kc, ref *tile, nr, load, Microkernels.Epilogue.None, ref noBias);
                CopyOut(tile + kept * nr, nr, c + kept * cRow, cRow, tail, cols, epilogue, biasAt);
            }
        }
    }

    /// <summary>
    /// Products of fewer than four rows (batch-1 inference): each row of A read in place against one packed block of B,
    /// four panels per pass.
    /// </summary>
    private static void Rows<T, TV, S>(in Product<T> p, T* bp, nint panelStride, int pc, int kc, int jc, int nc, bool load,
        Microkernels.Epilogue epilogue, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        int nr = 2 * S.Width;
        int panels = (nc + nr - 1) / nr, fullPanels = nc / nr;
        T zero = T.Zero;
        ref T noBias = ref zero;
        for (int i = 0; i < p.M; i++)
        {
            T* ai = p.A + i * p.ARow + pc * p.ACol;
            T* ci = p.C + i * p.CRow + jc;
            int q = 0;
            for (; q + 4 <= fullPanels; q += 4)
                Microkernels.Row4<T, TV, S>(ref *ai, p.ACol, ref bp[q * panelStride], panelStride, kc, ref ci[q * nr], load, epilogue,
                    ref p.Bias != null ? ref p.Bias[jc + q * nr] : ref noBias);
            for (; q < fullPanels; q++)
                Microkernels.Row1<T, TV, S>(ref *ai, p.ACol, ref bp[q * panelStride], kc, ref ci[q * nr], load, epilogue,
                    ref p.Bias != null ? ref p.Bias[jc + q * nr] : ref noBias);
            if (q < panels)
            {
                int cols = nc - q * nr;
                if (load) CopyIn(ci + q * nr, 0, tile, nr, 1, cols);
                Microkernels.Row1<T, TV, S>(ref *ai, p.ACol, ref bp[q * panelStride], kc, ref *tile, load, Microkernels.Epilogue.None, ref noBias);
                CopyOut(tile, nr, ci + q * nr, 0, 1, cols, epilogue, p.Bias != null ? p.Bias + jc + q * nr : null);
            }
        }
    }

    /// <summary>
    /// Packs <paramref name="mc"/> rows by <paramref name="kc"/> of A (element <c>(i, p)</c> at <c>a[i·aRow + p·aCol]</c>)
    /// as 6-row panels <c>[⌈mc/6⌉][kc][6]</c>, zeros past row <c>mc</c>.
    /// </summary>
    private static void PackABlock<T>(T* a, nint aRow, nint aCol, int mc, int kc, T* dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int mr = GemmBlocking.TileRows;
        for (int i0 = 0; i0 < mc; i0 += mr)
        {
            int rows = Math.Min(mr, mc - i0);
            T* panel = dst + (nint)i0 * kc;
            T* src = a + i0 * aRow;
            if (aRow == 1 && rows == mr)
            {
                // A transposed (its columns contiguous): six consecutive values per step, floats as four and two.
                int p = 0;
                if (typeof(T) == typeof(float))
                {
                    for (; p < kc; p++)
                    {
                        float* s = (float*)(src + p * aCol), d = (float*)(panel + p * mr);
                        Vector128.Store(Vector128.Load(s), d);
                        Unsafe.WriteUnaligned(d + 4, Unsafe.ReadUnaligned<long>(s + 4));
                    }
                }
                for (; p < kc; p++)
                {
                    T* s = src + p * aCol, d = panel + p * mr;
                    d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; d[3] = s[3]; d[4] = s[4]; d[5] = s[5];
                }
                continue;
            }
            if (aCol == 1 && rows == mr)
            {
                // Rows contiguous along the depth: six streams read side by side, the panel written in order; floats
                // eight steps at a time through an 8 × 8 register transpose (PackSixRows).
                T* s0 = src, s1 = src + aRow, s2 = src + 2 * aRow, s3 = src + 3 * aRow, s4 = src + 4 * aRow, s5 = src + 5 * aRow;
                int p = typeof(T) == typeof(float) && Avx.IsSupported
                    ? PackSixRows((float*)s0, (float*)s1, (float*)s2, (float*)s3, (float*)s4, (float*)s5, kc, (float*)panel)
                    : 0;
                for (T* d = panel + (nint)p * mr; p < kc; p++, d += mr)
                {
                    d[0] = s0[p]; d[1] = s1[p]; d[2] = s2[p]; d[3] = s3[p]; d[4] = s4[p]; d[5] = s5[p];
                }
                continue;
            }
            for (int r = 0; r < rows; r++)
            {
                T* s = src + r * aRow, d = panel + r;
                if (aCol == 1)
                    for (int p = 0; p < kc; p++) d[p * mr] = s[p];
                else
                    for (int p = 0; p < kc; p++) d[p * mr] = s[p * aCol];
            }
            for (int r = rows; r < mr; r++)
                for (int p = 0; p < kc; p++) panel[p * mr + r] = T.Zero;
        }
    }

    /// <summary>
    /// Steps <c>[0, p)</c> of six rows of A into a 6-row panel (<c>panel[k·6 + r] = s_r[k]</c>), eight steps at a time:
    /// the eight values of each row transposed in registers, each step's six values stored as a vector of eight whose
    /// last two the next step's store overwrites. Stops while at least one step is left (so the last store's two extra
    /// values fall inside the panel) and returns where the caller goes on one step at a time. A copy: the same values.
    /// </summary>
    private static int PackSixRows(float* s0, float* s1, float* s2, float* s3, float* s4, float* s5, int kc, float* panel)
    {
        const int mr = GemmBlocking.TileRows;
        Vector256<float> zero = Vector256<float>.Zero;
        int p = 0;
        for (; p + 8 < kc; p += 8)
        {
            Transpose.Eight(Vector256.Load(s0 + p), Vector256.Load(s1 + p), Vector256.Load(s2 + p), Vector256.Load(s3 + p),
                Vector256.Load(s4 + p), Vector256.Load(s5 + p), zero, zero,
                out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
                out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7);
            float* d = panel + (nint)p * mr;
            c0.Store(d);
            c1.Store(d + mr);
            c2.Store(d + 2 * mr);
            c3.Store(d + 3 * mr);
            c4.Store(d + 4 * mr);
            c5.Store(d + 5 * mr);
            c6.Store(d + 6 * mr);
            c7.Store(d + 7 * mr);
        }
        return p;
    }

    /// <summary>
    /// Packs rows <c>[0, kc)</c> of <c>B</c> (element <c>(p, j)</c> at <c>b[p·bRow + j·bCol]</c>, <paramref name="cols"/>
    /// columns) as rows <c>[depthStart, depthStart+kc)</c> of a whole packed B of depth <paramref name="depth"/>, the layout
    /// <see cref="PackB{T}"/> makes (<c>[⌈cols/nr⌉][depth][nr]</c>, zeros past the last column): a B packed a band of rows
    /// at a time from operands that hold those bands apart.
    /// </summary>
    internal static void PackBPanels<T>(T* b, nint bRow, nint bCol, int depthStart, int kc, int depth, int cols, int nr, T* packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j0 = 0; j0 < cols; j0 += nr)
            PackBlock(b, bRow, bCol, 0, kc, j0, Math.Min(nr, cols - j0), nr, packed + (nint)j0 * depth + (nint)depthStart * nr);
    }

    /// <summary>
    /// Packs <c>B</c>'s depth <c>[pc, pc+kc)</c> and columns <c>[jc, jc+nc)</c> as <c>[⌈nc/nr⌉][kc][nr]</c>, zeros past <c>nc</c>.
    /// </summary>
    private static void PackBlock<T>(T* b, nint bRow, nint bCol, int pc, int kc, int jc, int nc, int nr, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            T* panel = dst + (nint)j0 * kc;
            T* src = b + pc * bRow + (jc + j0) * bCol;
            if (bCol == 1)
            {
                // Rows of B contiguous along j: copy each row's nr values (two vectors when the panel is whole).
                if (cols == nr && Vector256.IsHardwareAccelerated && nr * sizeof(T) % 64 == 0)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        T* s = src + p * bRow, d = panel + (nint)p * nr;
                        for (int j = 0; j < nr * sizeof(T); j += 64)
                        {
                            Vector256.Store(Vector256.Load((byte*)s + j), (byte*)d + j);
                            Vector256.Store(Vector256.Load((byte*)s + j + 32), (byte*)d + j + 32);
                        }
                    }
                    continue;
                }
                for (int p = 0; p < kc; p++)
                {
                    T* s = src + p * bRow, d = panel + (nint)p * nr;
                    for (int j = 0; j < cols; j++) d[j] = s[j];
                    for (int j = cols; j < nr; j++) d[j] = T.Zero;
                }
            }
            else if (bRow == 1 && typeof(T) == typeof(float) && Avx.IsSupported && cols == nr && nr % 8 == 0)
            {
                // Columns of B contiguous along p (a weight matrix read as Wᵀ), a whole panel: 8 × 8 blocks
                // transposed in registers.
                TransposePanel((float*)src, bCol, kc, nr, (float*)panel);
            }
            else
            {
                // Columns of B contiguous along p (a transposed matrix, such as a weight matrix read as Wᵀ): walk
                // each column down and scatter it into the panel with a stride of nr.
                for (int j = 0; j < cols; j++)
                {
                    T* s = src + j * bCol;
                    T* d = panel + j;
                    if (bRow == 1)
                        for (int p = 0; p < kc; p++) d[(nint)p * nr] = s[p];
                    else
                        for (int p = 0; p < kc; p++) d[(nint)p * nr] = s[p * bRow];
                }
                for (int j = cols; j < nr; j++)
                    for (int p = 0; p < kc; p++) panel[(nint)p * nr + j] = T.Zero;
            }
        }
    }

    /// <summary>
    /// <c>dst[p·nr + j] = src[j·stride + p]</c> for <c>j &lt; nr</c> (a multiple of 8), <c>p &lt; kc</c>: eight columns of
    /// eight values at a time, transposed with AVX shuffles; the depth's last <c>kc mod 8</c> values one by one.
    /// </summary>
    private static void TransposePanel(float* src, nint stride, int kc, int nr, float* dst)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            for (int j = 0; j < nr; j += 8)
            {
                float* s = src + j * stride + p;
                Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + stride);
                Vector256<float> r2 = Avx.LoadVector256(s + 2 * stride), r3 = Avx.LoadVector256(s + 3 * stride);
                Vector256<float> r4 = Avx.LoadVector256(s + 4 * stride), r5 = Avx.LoadVector256(s + 5 * stride);
                Vector256<float> r6 = Avx.LoadVector256(s + 6 * stride), r7 = Avx.LoadVector256(s + 7 * stride);
                Transpose.Eight(r0, r1, r2, r3, r4, r5, r6, r7, out Vector256<float> c0, out Vector256<float> c1,
                    out Vector256<float> c2, out Vector256<float> c3, out Vector256<float> c4, out Vector256<float> c5,
                    out Vector256<float> c6, out Vector256<float> c7);
                float* d = dst + (nint)p * nr + j;
                nint row = nr;
                Avx.Store(d, c0);
                Avx.Store(d + row, c1);
                Avx.Store(d + 2 * row, c2);
                Avx.Store(d + 3 * row, c3);
                Avx.Store(d + 4 * row, c4);
                Avx.Store(d + 5 * row, c5);
                Avx.Store(d + 6 * row, c6);
                Avx.Store(d + 7 * row, c7);
            }
        }
        for (; p < kc; p++)
            for (int j = 0; j < nr; j++)
                dst[(nint)p * nr + j] = src[j * stride + p];
    }

    private static void CopyIn<T>(T* c, nint cRow, T* tile, int tileRow, int rows, int cols) where T : unmanaged
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
                tile[r * tileRow + j] = c[r * cRow + j];
    }

    /// <summary>Copies a tail tile out, applying the epilogue as the kernels do (<c>sum + bias[j]</c>, then the ReLU).</summary>
    private static void CopyOut<T>(T* tile, int tileRow, T* c, nint cRow, int rows, int cols, Microkernels.Epilogue epilogue, T* bias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool relu = epilogue is Microkernels.Epilogue.Relu or Microkernels.Epilogue.BiasRelu;
        bool addBias = epilogue is Microkernels.Epilogue.Bias or Microkernels.Epilogue.BiasRelu;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
            {
                T v = tile[r * tileRow + j];
                if (addBias) v += bias[j];
                c[r * cRow + j] = relu && v < T.Zero ? T.Zero : v;
            }
    }

    /// <summary>A product over an empty depth: the sums are zero (or what <c>C</c> holds), then the epilogue.</summary>
    private static void Empty<T>(in Product<T> p, int j0, int j1, Microkernels.Epilogue epilogue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < p.M; i++)
        {
            T* c = p.C + i * p.CRow;
            if (!p.Accumulate)
                for (int j = j0; j < j1; j++) c[j] = T.Zero;
            CopyOut(c + j0, 0, c + j0, 0, 1, j1 - j0, epilogue, p.Bias != null ? p.Bias + j0 : null);
        }
    }
}
