using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// <c>y[s, f, oh, ow] = b[f] + Σ_{c,ki,kj} w[f, c, ki, kj]·x[s, c, oh·stride − padTop + ki, ow·stride − padLeft + kj]</c>,
    /// where input positions outside <c>[0, height) × [0, width)</c> read as zero (the bottom and right padding is whatever
    /// <paramref name="outHeight"/> and <paramref name="outWidth"/> imply), then <c>v &lt; 0 ? 0 : v</c> if
    /// <paramref name="relu"/>. An empty <paramref name="b"/> means no bias. The samples (a single sample's output
    /// positions) are split over up to <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/>
    /// allows) when the work pays for it; the result is the same on any number of threads. The weights are packed for
    /// the kernel on every call; a model keeps them packed between calls with the overload that takes a
    /// <see cref="PackedWeights{T}"/>.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y,
        int n, int channels, int height, int width, int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth,
        int threads = 1, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Geometry g = Checked(x, w, y, n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        if (!b.IsEmpty) Check.Length(b, filters, nameof(b));
        Run(x, w, null, 0, b, default, default, default, default, T.Zero, y, g, threads, reluFirst: relu, relu: false);
    }

    /// <summary>
    /// <see cref="Forward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, int, int, int, int, int, int, int, int, int, int, int, bool)"/>
    /// reading the weights from <paramref name="packed"/> (the filters' weights <c>[filters × channels·kernel·kernel]</c>
    /// as <see cref="PackedWeights{T}"/> of that many inputs and outputs), packed again only when
    /// <paramref name="version"/> is not the one they were packed at: a model's convolutions pay for packing once per
    /// change of the weights, not once per call.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, PackedWeights<T> packed, long version, ReadOnlySpan<T> b, Span<T> y,
        int n, int channels, int height, int width, int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth,
        int threads = 1, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(packed);
        Geometry g = Checked(x, w, y, n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        if (!b.IsEmpty) Check.Length(b, filters, nameof(b));
        Run(x, w, packed, version, b, default, default, default, default, T.Zero, y, g, threads, reluFirst: relu, relu: false);
    }

    /// <summary>
    /// The convolution followed by batch norm in inference form, in one pass: <c>v = conv(x) + b</c> (as
    /// <see cref="Forward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, int, int, int, int, int, int, int, int, int, int, int, bool)"/>),
    /// a ReLU if <paramref name="reluBeforeNorm"/>, then per filter <c>f</c>
    /// <c>(v − runningMean[f])·(1/√(runningVar[f] + ε))·gamma[f] + beta[f]</c>, then a ReLU if <paramref name="relu"/>.
    /// The operations are those of <see cref="Activations.ReluForward{T}(Span{T})"/> and
    /// <see cref="BatchNorm.ForwardInference{T}"/> in their order, so the result has the bits of the separate passes;
    /// each register tile is normalized while it is in registers instead of in two more passes over memory. The weights
    /// come from <paramref name="packed"/> as in the overload of <c>Forward</c> that takes it (null: packed on this call).
    /// </summary>
    public static void ForwardNormalized<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, PackedWeights<T>? packed, long version, ReadOnlySpan<T> b,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVar, Span<T> y,
        int n, int channels, int height, int width, int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth,
        double epsilon, int threads = 1, bool reluBeforeNorm = false, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Geometry g = Checked(x, w, y, n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        CheckNormalization(b, gamma, beta, runningMean, runningVar, filters);
        Run(x, w, packed, version, b, gamma, beta, runningMean, runningVar, T.CreateTruncating(epsilon), y, g, threads, reluBeforeNorm, relu);
    }

    /// <summary>
    /// <see cref="ForwardNormalized{T}"/> followed by max pooling of its output (windows of <paramref name="pool"/> ×
    /// <paramref name="pool"/>, stride <paramref name="poolStride"/>, as <see cref="Pooling.MaxForward{T}"/>), of which
    /// only the pooled values are written: <paramref name="pooled"/> [n, filters, pooledHeight, pooledWidth]. Each
    /// sample's convolution output is pooled by the thread that computed it while it is still in that core's cache (in a
    /// per-thread buffer of one sample) instead of being stored for the whole batch and read back. The pooling is
    /// <see cref="Pooling.MaxForward{T}"/> on the same values, so the result has the bits of the separate passes.
    /// </summary>
    public static void ForwardNormalizedMaxPooled<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, PackedWeights<T>? packed, long version, ReadOnlySpan<T> b,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVar, Span<T> pooled,
        int n, int channels, int height, int width, int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth,
        double epsilon, int pool, int poolStride, int pooledHeight, int pooledWidth, int threads = 1, bool reluBeforeNorm = false, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Geometry g = CheckedInputs(x, w, n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        (_, int pooledSize) = Pooling.CheckGeometry(n, filters, outHeight, outWidth, pool, poolStride, pooledHeight, pooledWidth);
        Check.Length(pooled, Check.Product(n, pooledSize), nameof(pooled));
        CheckNormalization(b, gamma, beta, runningMean, runningVar, filters);
        var pooling = new MaxPooling(pool, poolStride, pooledHeight, pooledWidth, pooledSize);
        Run(x, w, packed, version, b, gamma, beta, runningMean, runningVar, T.CreateTruncating(epsilon), pooled, g, threads, reluBeforeNorm, relu, pooling);
    }

    /// <summary>The lengths of the bias (empty: none) and of batch norm's four per-filter operands.</summary>
    private static void CheckNormalization<T>(ReadOnlySpan<T> b, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> runningMean,
        ReadOnlySpan<T> runningVar, int filters)
    {
        if (!b.IsEmpty) Check.Length(b, filters, nameof(b));
        Check.Length(gamma, filters, nameof(gamma));
        Check.Length(beta, filters, nameof(beta));
        Check.Length(runningMean, filters, nameof(runningMean));
        Check.Length(runningVar, filters, nameof(runningVar));
    }

    /// <summary>Max pooling after a forward pass (<see cref="Pool"/> 0: none): its windows and the pooled sizes of one sample.</summary>
    private readonly record struct MaxPooling(int Pool, int Stride, int OutHeight, int OutWidth, int OutSize);

    /// <summary>One forward call's shared, read-only state (on the caller's stack while the parts run).</summary>
    private unsafe struct ForwardJob<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Geometry G;
        public T* X, Y;
        /// <summary>The weights packed for the tiles <see cref="ByRows"/> names (see <see cref="Direct{T}"/>).</summary>
        public T* Weights;
        /// <summary>The per-filter steps after the sum (their arrays padded to whole panels).</summary>
        public TileEpilogue<T> Epilogue;
        /// <summary>Offset of tap <c>(c, ki, kj)</c> in the (padded) sample: <c>c·planeStride + ki·rowStride + kj</c>.</summary>
        public int* Taps;
        /// <summary>Split the samples (true) or the position tiles (output rows) of each sample (false).</summary>
        public bool BySamples;
        /// <summary>Tiles of six (or eight, <see cref="Panel"/>) filters by NR positions of a row (see <see cref="PositionLanes{T}"/>).</summary>
        public bool ByRows;
        /// <summary>The tiles' columns, NR: the width of their vectors (<see cref="FilterColumns{T}"/>, <see cref="RowColumns{T}"/>).</summary>
        public int Nr;
        /// <summary>Filters per row tile, six or eight (<see cref="RowPanel{T}"/>).</summary>
        public int Panel;
        /// <summary>
        /// Add each finished value to what <see cref="Y"/> holds instead of storing it (the input gradient of a backward
        /// pass, accumulated). Every output value is then added exactly once: the tiles moved back to end at the last
        /// position or filter skip the values the tile before them has added.
        /// </summary>
        public bool Accumulate;
        /// <summary>Pool each sample's output into <see cref="Pooled"/> (<see cref="MaxPooling.Pool"/> 0: no pooling).</summary>
        public MaxPooling Pooling;
        public T* Pooled;
        /// <summary>
        /// The position tiles store each sample's output position-major, <c>[positions][FilterStride]</c>, straight from
        /// their registers, and <see cref="MaxPairsPositionMajor"/> pools it (instead of a transpose of every tile into
        /// <c>[filters][positions]</c> and <see cref="MaxPairs"/> over that).
        /// </summary>
        public bool PositionMajor;
        public int FilterStride;
        /// <summary>
        /// The row tiles pool each pair of output rows into <see cref="Pooled"/> as soon as both are done, while they are
        /// in this core's L1 cache (<see cref="PoolsRows{T}"/>), instead of the sample's whole output afterwards; a single
        /// sample's parts then take whole pairs of rows, and each pools its own.
        /// </summary>
        public bool PoolRows;
    }

    /// <summary>
    /// The forward pass with the weights from <paramref name="packed"/> (null: packed for this call) and, when
    /// <paramref name="gamma"/> is not empty, batch norm's inference form with these operands.
    /// </summary>
    private static unsafe void Run<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, PackedWeights<T>? packed, long version, ReadOnlySpan<T> b,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, T epsilon,
        Span<T> y, in Geometry g, int threads, bool reluFirst, bool relu, MaxPooling pooling = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.N == 0) return;
        int rows = g.Rows, filters = g.Filters;
        if (packed is not null && (packed.Inputs != rows || packed.Outputs != filters))
            throw new ArgumentException($"The packed weights are for {packed.Outputs} × {packed.Inputs} weights; this convolution has {filters} × {rows}.", nameof(packed));
        fixed (T* px = x, pw = w, pb = b, py = y, pg = gamma, pbeta = beta, pm = mean, pv = variance)
        {
            T* weights = Packed(pw, w, packed, version, g, out bool byRows, out int panel);
            var ops = new FilterOps<T>
            {
                Bias = pb, Gamma = pg, Beta = pbeta, Mean = pm, Variance = pv, Epsilon = epsilon, ReluFirst = reluFirst, Relu = relu,
            };
            Direct(px, weights, byRows, panel, py, g, ops, threads, pooling: pooling, packed: packed);
        }
    }

    /// <summary>
    /// The weights <paramref name="w"/> (at <paramref name="pw"/>) packed for the tiles <see cref="PositionLanes{T}"/> chooses
    /// (<paramref name="byRows"/>; row panels of <paramref name="panel"/> filters): from <paramref name="packed"/>, packed
    /// again only when <paramref name="version"/> is not its, or with no <paramref name="packed"/> into the calling
    /// thread's scratch for this call.
    /// </summary>
    private static unsafe T* Packed<T>(T* pw, ReadOnlySpan<T> w, PackedWeights<T>? packed, long version, in Geometry g, out bool byRows, out int panel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = g.Rows, filters = g.Filters;
        byRows = PositionLanes<T>(g);
        int nr = FilterColumns<T>(filters);
        panel = RowPanel<T>(filters, accumulate: false);
        if (packed is not null) return byRows ? packed.ForRows(w, version, panel) : packed.For(w, version, nr: nr);
        if (byRows)
        {
            T* weights = ThreadScratch.For<T>(ThreadScratch.Slot.ConvolutionWeights, PackedGemm.PackedALength(filters, rows));
            PackedWeights<T>.PackRowPanels(pw, rows, filters, weights, panel);
            return weights;
        }
        T* columns = ThreadScratch.For<T>(ThreadScratch.Slot.ConvolutionWeights, PackedGemm.PackedLength<T>(rows, filters));
        PackedGemm.PackB(pw, 1, rows, rows, filters, columns, nr: nr);
        return columns;
    }

    /// <summary>
    /// Which way the register tiles lie: NR consecutive positions of an output row by six filters (true: stride 1 only,
    /// the input read as vectors, the output stored as rows) or six positions by NR filters (false: the weights read
    /// as vectors, the tile transposed into the output). Whichever does more useful lanes per instruction: the share of
    /// its tiles' lanes it fills times its vector width (<see cref="RowColumns{T}"/> for rows, <see cref="FilterColumns{T}"/>
    /// for filters), the second charged for its transposed stores (two 8 × 8 register transposes and 32 stores per tile of
    /// 16 filters, about the time of 6 taps of its loop; both apply the epilogue in registers). The same sums either way.
    /// LeNet's first convolution (1 channel, 25 taps, 16 filters, rows of 28) fills 78% of its row tiles' lanes (rows of
    /// 28 in steps of 16 or one of 32, filters in groups of 6; 88% in groups of 8, which AVX-512 runs, see
    /// <see cref="RowPanel{T}"/>) and 80% of its position tiles'. On AVX2 both are 256-bit
    /// and it takes position tiles (batch-64 LeNet ran within 1% of its time on row tiles, Zen 3, bench/ab.sh both ways
    /// round, 40 rounds each); on AVX-512 its rows run 512-bit vectors and its 16 filters 256-bit ones, so it takes row
    /// tiles: 586 → 335 µs forward at batch 64 on one core, batch-64 LeNet 1.062× and 1.117× (Zen 5).
    /// </summary>
    private static bool PositionLanes<T>(in Geometry g, bool accumulate = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.Stride != 1) return false;
        const int mr = GemmBlocking.TileRows;
        int nr = FilterColumns<T>(g.Filters), rowNr = RowTileColumns<T>(g, accumulate), panel = RowPanel<T>(g.Filters, accumulate);
        double rows = (double)rowNr * g.OutWidth / ((g.OutWidth + rowNr - 1) / rowNr * rowNr) * g.Filters / ((g.Filters + panel - 1) / panel * panel);
        double columns = (double)nr * g.Filters / ((g.Filters + nr - 1) / nr * nr) * g.Positions / ((g.Positions + mr - 1) / mr * mr)
            * g.Rows / (g.Rows + 6.0);
        return rows >= columns;
    }

    /// <summary>
    /// The columns of a call's row tiles: <see cref="RowColumns{T}"/>, except when the call adds its values to the output
    /// (<paramref name="accumulate"/>), whose steps of between one and two vectors go through the tile (the moved-back
    /// vector would add its overlap twice), so it keeps the filters' width, <see cref="FilterColumns{T}"/>, as before the
    /// row tiles had their own.
    /// </summary>
    private static int RowTileColumns<T>(in Geometry g, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        accumulate ? FilterColumns<T>(g.Filters) : RowColumns<T>(g.OutWidth);

    /// <summary>
    /// The filters of a row tile: eight (<see cref="ConvolutionTile.EightFilters{T, TV, S}"/>) when the processor has
    /// 512-bit vectors (and so 32 registers for its 16 accumulators), the call stores its values, and panels of eight
    /// leave fewer filters over than panels of six (16 filters: none against two); otherwise six. The row-tile weights of
    /// a call are packed in panels of this many filters.
    /// </summary>
    private static int RowPanel<T>(int filters, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int six = GemmBlocking.TileRows;
        return Vector512.IsHardwareAccelerated && !accumulate && filters >= 8
            && (filters + 7) / 8 * 8 - filters < (filters + six - 1) / six * six - filters ? 8 : six;
    }

    /// <summary>Whether a forward pass of these sizes runs row tiles (<see cref="PositionLanes{T}"/>); for the tests.</summary>
    internal static bool TakesRowTiles<T>(int channels, int filters, int kernel, int stride, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PositionLanes<T>(new Geometry(1, channels, outHeight, outWidth, filters, kernel, stride, 0, 0, outHeight, outWidth));

    /// <summary>What follows the sum, per filter (null pointers: absent; batch norm when <see cref="Mean"/> is set).</summary>
    private unsafe struct FilterOps<T> where T : unmanaged
    {
        public T* Bias, Gamma, Beta, Mean, Variance;
        public T Epsilon;
        public bool ReluFirst, Relu;
    }

    /// <summary>
    /// The direct convolution of <paramref name="x"/> into <paramref name="y"/>, then the filter-wise epilogue
    /// <paramref name="ops"/>, with weights already packed for the tiles <see cref="PositionLanes{T}"/> chose
    /// (<paramref name="byRows"/>: panels of <paramref name="panel"/> filters <c>[⌈filters/P⌉][rows][P]</c>, six or eight,
    /// as the caller packed them with <see cref="RowPanel{T}"/>; otherwise panels of NR filters
    /// <c>[⌈filters/NR⌉][rows][NR]</c>). With <paramref name="accumulate"/> each value is added to what <paramref name="y"/>
    /// holds (<c>y + v</c>, after the epilogue) instead of stored.
    /// </summary>
    private static unsafe void Direct<T>(T* x, T* weights, bool byRows, int panel, T* y, in Geometry g, in FilterOps<T> ops, int threads,
        bool accumulate = false, MaxPooling pooling = default, PackedWeights<T>? packed = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ForwardJob<T> job = NewJob(x, weights, byRows, panel, y, g, ops, accumulate, pooling, ThreadScratch.Slot.ConvolutionCall);
        int tiles = job.ByRows ? g.OutHeight : (g.Positions + GemmBlocking.TileRows - 1) / GemmBlocking.TileRows;
        // Split at a quarter of a product's multiply-adds: short tap loops, padded tiles and the epilogue make a
        // convolution's multiply-add several times a product's in time (LeNet's first convolution at batch 1, 313 k of
        // them, took about 15 µs on one core on position tiles, enough to share; batch-1 LeNet as a whole showed no
        // difference beyond the drift, AVX2, 2 cores). Except a single sample's row tiles, which store their rows straight
        // from the registers and split as products do: on 512-bit row tiles that layer takes 5 µs on one core and 8 µs on
        // two (Zen 5, --convolutions --batch 1; batch-1 LeNet 1.189× and 1.176×).
        // A single sample that could be split, of a layer with packed weights, is split or not as its own calls have
        // shown faster (see SplitChoice).
        int units = job.BySamples ? g.N : tiles;
        int parts = Parallelism.Parts(threads, (job.ByRows && !job.BySamples ? 1 : 4) * g.Work, units);
        bool choose = parts > 1 && !job.BySamples && packed is not null;
        long start = 0;
        if (choose)
        {
            if (packed!.SingleSample.Alone) parts = 1;
            start = packed.SingleSample.Start();
        }
        if (parts <= 1)
            ForwardPart<T>(&job, 0, 1);
        else
            WorkerPool.Shared.RunChunks(&ForwardPart<T>, &job, Parallelism.Chunks(parts, units), parts);
        if (pooling.Pool > 0 && !job.BySamples && !job.PoolRows)
            PoolSample(job, job.Y, 0);
        if (choose)
            packed!.SingleSample.End(start);
    }

    /// <summary>
    /// A forward call's job (see <see cref="Direct{T}"/>): the tap offsets and the per-filter tables in the calling
    /// thread's scratch <paramref name="tables"/>, and for a single sample that is pooled, the output before pooling in
    /// the calling thread's <see cref="ThreadScratch.Slot.ConvolutionOutput"/>.
    /// </summary>
    private static unsafe ForwardJob<T> NewJob<T>(T* x, T* weights, bool byRows, int panel, T* y, in Geometry g, in FilterOps<T> ops,
        bool accumulate, MaxPooling pooling, ThreadScratch.Slot tables)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int filters = g.Filters, nr = FilterColumns<T>(filters);
        nint padded = (filters + nr - 1) / nr * nr; // at most the packed weights' length, so no overflow
        // The calling thread's tables: five per-filter vectors padded to whole panels, and to the six filters a row tile's
        // epilogue reads (fewer filters than six with 128-bit double vectors), then the taps' offsets.
        nint table = Math.Max(padded, (GemmBlocking.TileRows + nr - 1) / nr * nr);
        T* call = ThreadScratch.For<T>(tables, 5 * table + ((nint)g.Rows * sizeof(int) + sizeof(T) - 1) / sizeof(T));
        var job = new ForwardJob<T>
        {
            G = g, X = x, Y = y, Weights = weights, Taps = (int*)(call + 5 * table),
            Epilogue = new TileEpilogue<T>
            {
                HasBias = ops.Bias != null, Normalize = ops.Mean != null, ReluFirst = ops.ReluFirst, Relu = ops.Relu,
                Bias = call, Mean = call + table, InvStd = call + 2 * table, Gamma = call + 3 * table, Beta = call + 4 * table,
            },
        };
        job.ByRows = byRows;
        job.Nr = byRows ? RowTileColumns<T>(g, accumulate) : nr;
        job.Panel = panel;
        job.Accumulate = accumulate;
        // Samples are read in place when every tap falls inside them; otherwise (and always for row tiles, whose last
        // vectors reach past a row's end) from a padded copy.
        bool inPlace = g.ReadsInside && !job.ByRows;
        nint plane = inPlace ? (nint)g.Height * g.Width : (nint)g.SpanHeight * g.SpanWidth;
        nint rowStride = inPlace ? g.Width : g.SpanWidth;
        // Every offset is at most the last tap's, which fits in an int (checked once; the sample's size is at most
        // Check.MaxSize): one addition per tap (a checked conversion per tap took 0.4 µs of each batch-1 call of LeNet's
        // second convolution, 400 taps).
        int planeStep = checked((int)plane), rowStep = checked((int)rowStride);
        _ = checked((g.Channels - 1) * planeStep + (g.Kernel - 1) * rowStep + g.Kernel - 1);
        int* tap = job.Taps;
        for (int c = 0; c < g.Channels; c++)
            for (int ki = 0, row = c * planeStep; ki < g.Kernel; ki++, row += rowStep)
                for (int kj = 0; kj < g.Kernel; kj++)
                    *tap++ = row + kj;
        NativeMemory.Clear(call, (nuint)(5 * table) * (nuint)sizeof(T));
        ref TileEpilogue<T> e = ref job.Epilogue;
        for (int f = 0; f < filters; f++)
        {
            if (ops.Bias != null) e.Bias[f] = ops.Bias[f];
            if (ops.Mean == null) continue;
            e.Mean[f] = ops.Mean[f];
            e.InvStd[f] = T.One / T.Sqrt(ops.Variance[f] + ops.Epsilon);
            e.Gamma[f] = ops.Gamma[f];
            e.Beta[f] = ops.Beta[f];
        }
        job.BySamples = g.N > 1;
        if (pooling.Pool > 0)
        {
            // Pooled per sample by the part that computed it; a single sample, whose tiles the parts share, in the
            // caller's buffer, pooled once they are done.
            job.Pooling = pooling;
            job.Pooled = y;
            job.PositionMajor = PoolsPositionMajor<T>(job, g, pooling);
            job.PoolRows = PoolsRows<T>(job, g, pooling);
            job.FilterStride = (int)padded;
            job.Y = job.BySamples ? null : ThreadScratch.For<T>(ThreadScratch.Slot.ConvolutionOutput, SampleLength(job));
        }
        return job;
    }

    /// <summary>
    /// Whether the pooled samples are kept position-major (<see cref="ForwardJob{T}.PositionMajor"/>): 2×2 windows with
    /// stride 2 after position tiles (of any width: the filter stride is a whole number of panels, so of eight filters),
    /// <see cref="float"/> on AVX2 (the kernel transposes eight filters by eight pooled positions), at least eight pooled
    /// positions, none reaching past the output.
    /// </summary>
    private static bool PoolsPositionMajor<T>(in ForwardJob<T> job, in Geometry g, MaxPooling pooling) where T : unmanaged, IFloatingPointIeee754<T> =>
        pooling.Pool == 2 && pooling.Stride == 2 && !job.ByRows && !job.Accumulate && MaxPairsPositionMajor.IsSupported<T>()
        && pooling.OutHeight * pooling.OutWidth >= 8 && 2 * pooling.OutHeight <= g.OutHeight && 2 * pooling.OutWidth <= g.OutWidth;

    /// <summary>
    /// Whether the row tiles pool pairs of rows as they go (<see cref="ForwardJob{T}.PoolRows"/>): 2×2 windows with
    /// stride 2 after row tiles that store (do not accumulate), <see cref="float"/> on AVX2 (<see cref="MaxPairs.Row"/>),
    /// pooled rows of at least eight, none reaching past the output.
    /// </summary>
    private static bool PoolsRows<T>(in ForwardJob<T> job, in Geometry g, MaxPooling pooling) where T : unmanaged, IFloatingPointIeee754<T> =>
        pooling.Pool == 2 && pooling.Stride == 2 && job.ByRows && !job.Accumulate && MaxPairs.IsSupported<T>()
        && pooling.OutWidth >= MaxPairs.Lanes && 2 * pooling.OutHeight <= g.OutHeight && 2 * pooling.OutWidth <= g.OutWidth;

    /// <summary>
    /// The pooled row <c>oh / 2</c> of every filter of sample <paramref name="s"/>, from output rows <c>oh − 1</c> and
    /// <paramref name="oh"/> of its output <paramref name="ys"/> <c>[filters][positions]</c>: <see cref="MaxPairs.Row"/>,
    /// which <see cref="Pooling.MaxForward{T}"/> runs on each row, so the same values.
    /// </summary>
    private static unsafe void PoolRowPair<T>(in ForwardJob<T> job, T* ys, int s, int oh) where T : unmanaged, IFloatingPointIeee754<T>
    {
        MaxPooling p = job.Pooling;
        int width = job.G.OutWidth, positions = job.G.Positions, plane = p.OutHeight * p.OutWidth;
        float* top = (float*)ys + (nint)(oh - 1) * width, pooled = (float*)job.Pooled + (nint)s * p.OutSize + (oh >> 1) * p.OutWidth;
        for (int f = 0; f < job.G.Filters; f++)
            MaxPairs.Row(top + (nint)f * positions, width, pooled + (nint)f * plane, p.OutWidth);
    }

    /// <summary>Values of one sample's output before it is pooled: its filters padded to whole panels when position-major.</summary>
    private static int SampleLength<T>(in ForwardJob<T> job) where T : unmanaged, IFloatingPointIeee754<T> =>
        job.PositionMajor ? job.G.Positions * job.FilterStride : job.G.OutSize;

    /// <summary>Sample <paramref name="s"/>'s convolution output at <paramref name="output"/>, max-pooled into its place in <see cref="ForwardJob{T}.Pooled"/>.</summary>
    private static unsafe void PoolSample<T>(in ForwardJob<T> job, T* output, int s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        MaxPooling p = job.Pooling;
        if (job.PositionMajor)
        {
            MaxPairsPositionMajor.Forward((float*)output, job.FilterStride, job.G.Filters, job.G.OutWidth,
                (float*)job.Pooled + (nint)s * p.OutSize, p.OutHeight, p.OutWidth);
            return;
        }
        Pooling.MaxForward<T>(new ReadOnlySpan<T>(output, job.G.OutSize), new Span<T>(job.Pooled + (nint)s * p.OutSize, p.OutSize), default,
            1, job.G.Filters, job.G.OutHeight, job.G.OutWidth, p.Pool, p.Stride, p.OutHeight, p.OutWidth, threads: 1);
    }

    /// <summary>
    /// Where a part writes sample <paramref name="s"/>'s output: its place in the output, or, when the samples are pooled
    /// one by one, the part's buffer <paramref name="sampleBuffer"/>.
    /// </summary>
    private static unsafe T* SampleOutput<T>(in ForwardJob<T> job, T* sampleBuffer, int s) where T : unmanaged, IFloatingPointIeee754<T> =>
        sampleBuffer != null ? sampleBuffer : job.Y + (nint)s * job.G.OutSize;

    /// <summary>This part's buffer of one sample's output when the samples are pooled one by one (null otherwise).</summary>
    private static unsafe T* SampleBuffer<T>(in ForwardJob<T> job) where T : unmanaged, IFloatingPointIeee754<T> =>
        job.Pooling.Pool > 0 && job.BySamples ? ThreadScratch.For<T>(ThreadScratch.Slot.ConvolutionOutput, SampleLength(job)) : null;

    /// <summary>
    /// Chunk <paramref name="part"/> of <paramref name="parts"/> of a forward call: its samples, or for a single sample its
    /// share of the position tiles (or of the output rows). The job is copied to the part's stack: the kernels store through pointers the JIT cannot tell from the
    /// caller's job, which would make it read the job's fields again after every store.
    /// </summary>
    private static unsafe void ForwardPart<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly ForwardJob<T> job = ref *(ForwardJob<T>*)arguments;
        Geometry g = job.G;
        (int s0, int s1) = job.BySamples ? Parallelism.Range(g.N, part, parts, 1) : (0, g.N);
        (int u0, int u1) = job.BySamples ? (0, job.ByRows ? g.OutHeight : (g.Positions + GemmBlocking.TileRows - 1) / GemmBlocking.TileRows)
            : SampleUnits(job, part, parts);
        if (s0 >= s1 || u0 >= u1) return;
        RunUnits(job, s0, s1, u0, u1);
    }

    /// <summary>
    /// Samples <c>[s0, s1)</c> of a forward call, of each its units <c>[u0, u1)</c>: output rows in row tiles
    /// (<see cref="Rows{T, TV, S}"/>) or position tiles of six (<see cref="Tiles{T, TV, S}"/>), on the tiles' vector width.
    /// </summary>
    private static void RunUnits<T>(in ForwardJob<T> job, int s0, int s1, int u0, int u1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (job.ByRows)
        {
            if (Is512<T>(job.Nr)) Rows<T, Vector512<T>, Lanes512<T>>(job, s0, s1, u0, u1);
            else if (Is256<T>(job.Nr)) Rows<T, Vector256<T>, Lanes256<T>>(job, s0, s1, u0, u1);
            else Rows<T, Vector128<T>, Lanes128<T>>(job, s0, s1, u0, u1);
        }
        else if (Is512<T>(job.Nr)) Tiles<T, Vector512<T>, Lanes512<T>>(job, s0, s1, u0, u1);
        else if (Is256<T>(job.Nr)) Tiles<T, Vector256<T>, Lanes256<T>>(job, s0, s1, u0, u1);
        else Tiles<T, Vector128<T>, Lanes128<T>>(job, s0, s1, u0, u1);
    }

    /// <summary>
    /// The share of a single sample's units that part <paramref name="part"/> of <paramref name="parts"/> computes: its
    /// position tiles of six, or with row tiles its output rows (whole pairs of them when the tiles pool the pairs).
    /// </summary>
    private static (int Start, int End) SampleUnits<T>(in ForwardJob<T> job, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T> =>
        job.ByRows ? Parallelism.Range(job.G.OutHeight, part, parts, job.PoolRows ? 2 : 1)
            : Parallelism.Range((job.G.Positions + GemmBlocking.TileRows - 1) / GemmBlocking.TileRows, part, parts, 1);

    /// <summary>Samples <c>[s0, s1)</c> of a forward call in position tiles, of each its tiles <c>[t0, t1)</c> (see <see cref="ForwardPart{T}"/>).</summary>
    private static unsafe void Tiles<T, TV, S>(ForwardJob<T> job, int s0, int s1, int t0, int t1)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        const int mr = GemmBlocking.TileRows;
        Geometry g = job.G;
        int nr = 2 * S.Width, positions = g.Positions;
        T* padded = g.ReadsInside ? null
            : ThreadScratch.For<T>(ThreadScratch.Slot.ConvolutionPart, (nint)g.Channels * g.SpanHeight * g.SpanWidth);
        nint rowStride = g.ReadsInside ? g.Width : g.SpanWidth;
        // Room for twelve positions: with 512-bit vectors two whole tiles run as one (ConvolutionTile.Twelve).
        nint* windows = stackalloc nint[2 * mr];
        T* tile = stackalloc T[2 * mr * nr];
        int panels = (g.Filters + nr - 1) / nr;
        T* sampleBuffer = SampleBuffer(job);
        for (int s = s0; s < s1; s++)
        {
            T* source = job.X + (nint)s * g.InSize;
            if (padded != null)
                source = Unfold.Pad(source, g.Channels, g.Height, g.Width, g.PadTop, g.PadLeft, g.SpanHeight, g.SpanWidth, padded);
            T* ys = SampleOutput(job, sampleBuffer, s);
            for (int q = 0; q < panels; q++)
            {
                T* weights = job.Weights + (nint)q * g.Rows * nr;
                int f0 = q * nr, cols = Math.Min(nr, g.Filters - f0);
                for (int t = t0; t < t1; t++)
                {
                    // A short last tile is moved back to end at the last position (it recomputes some of the tile
                    // before it, the same values), unless the sample has fewer than six positions.
                    int p0 = Math.Max(0, Math.Min(t * mr, positions - mr)), count = Math.Min(mr, positions - p0);
                    // Tiles t and t + 1 as one of twelve positions when both are this part's and whole.
                    bool twelve = Microkernels.HasTile12<TV>() && t + 1 < t1 && (t + 2) * mr <= positions;
                    if (twelve) count = 2 * mr;
                    // Each position's window in the source (the last one repeated in a short tile; its values are dropped).
                    int oh = p0 / g.OutWidth, ow = p0 - oh * g.OutWidth;
                    for (int i = 0; i < (twelve ? 2 * mr : mr); i++)
                    {
                        windows[i] = (oh * rowStride + ow) * g.Stride;
                        if (i + 1 < count && ++ow == g.OutWidth)
                        {
                            ow = 0;
                            oh++;
                        }
                    }
                    if (job.PositionMajor)
                    {
                        // Six (twelve) whole positions (a sample of at least 32), stored as rows of the position-major buffer.
                        T* rows = ys + (nint)p0 * job.FilterStride + f0;
                        if (twelve)
                            ConvolutionTile.Twelve<T, TV, S>(source, job.Taps, g.Rows, windows, weights, rows, job.FilterStride, job.Epilogue, f0);
                        else
                            ConvolutionTile.Six<T, TV, S>(source, job.Taps, g.Rows, windows, weights, rows, job.FilterStride, job.Epilogue, f0);
                        t += twelve ? 1 : 0;
                        continue;
                    }
                    if (twelve)
                    {
                        ConvolutionTile.Twelve<T, TV, S>(source, job.Taps, g.Rows, windows, weights, tile, nr, job.Epilogue, f0);
                        StoreTile(job, tile, nr, cols, t, p0, mr, ys, f0, positions);
                        StoreTile(job, tile + mr * nr, nr, cols, t + 1, p0 + mr, mr, ys, f0, positions);
                        t++;
                        continue;
                    }
                    ConvolutionTile.Six<T, TV, S>(source, job.Taps, g.Rows, windows, weights, tile, nr, job.Epilogue, f0);
                    StoreTile(job, tile, nr, cols, t, p0, count, ys, f0, positions);
                }
            }
            if (sampleBuffer != null) PoolSample(job, sampleBuffer, s);
        }
    }

    /// <summary>
    /// Position tile <paramref name="t"/>'s values, <paramref name="tile"/> [6][NR] for positions <c>[p0, p0 + count)</c>
    /// and filters <c>[f0, f0 + cols)</c>, into the sample's output <paramref name="ys"/> [filter][position] (added to it
    /// when the job accumulates, only the positions from <c>t·6</c> on: those before are the tile before's).
    /// </summary>
    private static unsafe void StoreTile<T>(in ForwardJob<T> job, T* tile, int nr, int cols, int t, int p0, int count, T* ys, int f0, int positions)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int mr = GemmBlocking.TileRows;
        if (job.Accumulate)
        {
            AddTile(tile, nr, cols, t * mr - p0, count, ys + (nint)f0 * positions + p0, positions);
            return;
        }
        // The tile is [position][filter]; the output is [filter][position].
        if (count == mr && typeof(T) == typeof(float) && Avx.IsSupported)
            TransposeSix((float*)tile, nr, cols, (float*)ys + (nint)f0 * positions + p0, positions);
        else
            for (int j = 0; j < cols; j++)
            {
                T* yf = ys + (nint)(f0 + j) * positions + p0;
                for (int i = 0; i < count; i++) yf[i] = tile[i * nr + j];
            }
    }

    /// <summary>
    /// Samples <c>[s0, s1)</c> of a forward call in row tiles, of each its output rows <c>[r0, r1)</c> (even
    /// <paramref name="r0"/> when the tiles pool pairs of rows): for each output row, NR positions at a time, six filters
    /// at a time (<see cref="ConvolutionTile.SixFilters{T, TV, S}"/>; eight with
    /// <see cref="ConvolutionTile.EightFilters{T, TV, S}"/> when <see cref="ForwardJob{T}.Panel"/> says so), the epilogue
    /// applied to each filter's row of the tile and its valid positions stored.
    /// </summary>
    private static unsafe void Rows<T, TV, S>(ForwardJob<T> job, int s0, int s1, int r0, int r1)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        const int mr = GemmBlocking.TileRows;
        Geometry g = job.G;
        int nr = 2 * S.Width, positions = g.Positions, width = g.OutWidth;

        // The padded sample, and slack after it for the last row's vectors (their extra lanes are computed and dropped).
        nint plane = (nint)g.SpanHeight * g.SpanWidth;
        T* padded = ThreadScratch.For<T>(ThreadScratch.Slot.ConvolutionPart, g.Channels * plane + 2 * nr);
        T* tile = stackalloc T[8 * nr];
        int panel = job.Panel, groups = (g.Filters + panel - 1) / panel;
        T* sampleBuffer = SampleBuffer(job);
        for (int s = s0; s < s1; s++)
        {
            Unfold.Pad(job.X + (nint)s * g.InSize, g.Channels, g.Height, g.Width, g.PadTop, g.PadLeft, g.SpanHeight, g.SpanWidth, padded);
            T* ys = SampleOutput(job, sampleBuffer, s);
            for (int oh = r0; oh < r1; oh++)
            {
                for (int step = 0; step < width; step += nr)
                {
                    // A short last step is moved back to end at the row's end (recomputing, with the same values, some
                    // of the step before), so every tile but those of rows narrower than NR is stored whole.
                    int ow = Math.Max(0, Math.Min(step, width - nr)), count = Math.Min(nr, width - ow);
                    T* window = padded + (nint)oh * g.SpanWidth + ow;
                    for (int q = 0; q < groups; q++)
                    {
                        // The weights' last panel ends at the last filter (PackedWeights.RowPanelStart).
                        int f0 = PackedWeights<T>.RowPanelStart(q, g.Filters, panel);
                        if (panel == 8)
                        {
                            ConvolutionTile.EightFilters<T, TV, S>(window, job.Taps, g.Rows, job.Weights + (nint)q * g.Rows * 8,
                                job.Epilogue, f0, Math.Min(8, g.Filters - f0), ys + (nint)f0 * positions + oh * width + ow, positions, count, tile);
                            continue;
                        }
                        // Accumulating, a panel or step moved back skips the filters and positions the one before has added.
                        ConvolutionTile.SixFilters<T, TV, S>(window, job.Taps, g.Rows, job.Weights + (nint)q * g.Rows * mr,
                            job.Epilogue, f0, Math.Min(mr, g.Filters - f0), ys + (nint)f0 * positions + oh * width + ow, positions, count, tile,
                            job.Accumulate, q * mr - f0, step - ow);
                    }
                }
                if (job.PoolRows && (oh & 1) == 1 && oh >> 1 < job.Pooling.OutHeight) PoolRowPair(job, ys, s, oh);
            }
            if (sampleBuffer != null && !job.PoolRows) PoolSample(job, sampleBuffer, s);
        }
    }

    /// <summary>
    /// <c>y[j·yRow + i] = tile[i·nr + j]</c> for the six rows <c>i</c> of a tile and its first <paramref name="cols"/>
    /// columns: eight columns at a time transposed in registers (the six rows and two unused ones), each column's six
    /// values stored as four and two (or with <paramref name="add"/>, added to the values there).
    /// </summary>
    private static unsafe void TransposeSix(float* tile, int nr, int cols, float* y, nint yRow, bool add = false)
    {
        for (int j0 = 0; j0 < cols; j0 += 8)
        {
            float* t = tile + j0;
            Vector256<float> r0 = Avx.LoadVector256(t), r1 = Avx.LoadVector256(t + nr), r2 = Avx.LoadVector256(t + 2 * nr);
            Vector256<float> r3 = Avx.LoadVector256(t + 3 * nr), r4 = Avx.LoadVector256(t + 4 * nr), r5 = Avx.LoadVector256(t + 5 * nr);
            Vector256<float> r6 = Vector256<float>.Zero, r7 = Vector256<float>.Zero;
            Transpose.Eight(r0, r1, r2, r3, r4, r5, r6, r7, out Vector256<float> c0, out Vector256<float> c1,
                out Vector256<float> c2, out Vector256<float> c3, out Vector256<float> c4, out Vector256<float> c5,
                out Vector256<float> c6, out Vector256<float> c7);
            int n = Math.Min(8, cols - j0);
            float* yc = y + j0 * yRow;
            if (add)
            {
                if (n > 0) AddSix(c0, yc);
                if (n > 1) AddSix(c1, yc + yRow);
                if (n > 2) AddSix(c2, yc + 2 * yRow);
                if (n > 3) AddSix(c3, yc + 3 * yRow);
                if (n > 4) AddSix(c4, yc + 4 * yRow);
                if (n > 5) AddSix(c5, yc + 5 * yRow);
                if (n > 6) AddSix(c6, yc + 6 * yRow);
                if (n > 7) AddSix(c7, yc + 7 * yRow);
                continue;
            }
            if (n > 0) StoreSix(c0, yc);
            if (n > 1) StoreSix(c1, yc + yRow);
            if (n > 2) StoreSix(c2, yc + 2 * yRow);
            if (n > 3) StoreSix(c3, yc + 3 * yRow);
            if (n > 4) StoreSix(c4, yc + 4 * yRow);
            if (n > 5) StoreSix(c5, yc + 5 * yRow);
            if (n > 6) StoreSix(c6, yc + 6 * yRow);
            if (n > 7) StoreSix(c7, yc + 7 * yRow);
        }
    }

    /// <summary>
    /// <c>y[j·yRow + i] += tile[i·nr + j]</c> for the rows <c>i</c> in <c>[first, count)</c> of a tile and its first
    /// <paramref name="cols"/> columns (the accumulating form of the stores in <see cref="Tiles{T, TV, S}"/>).
    /// </summary>
    private static unsafe void AddTile<T>(T* tile, int nr, int cols, int first, int count, T* y, nint yRow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (first == 0 && count == GemmBlocking.TileRows && typeof(T) == typeof(float) && Avx.IsSupported)
        {
            TransposeSix((float*)tile, nr, cols, (float*)y, yRow, add: true);
            return;
        }
        for (int j = 0; j < cols; j++)
        {
            T* yj = y + j * yRow;
            for (int i = first; i < count; i++) yj[i] += tile[i * nr + j];
        }
    }

    /// <summary>The first six lanes of <paramref name="v"/> added to the six values at <paramref name="y"/>: four, then two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddSix(Vector256<float> v, float* y)
    {
        Sse.Store(y, Sse.Add(Sse.LoadVector128(y), v.GetLower()));
        Sse.StoreLow(y + 4, Sse.Add(Sse.LoadLow(Vector128<float>.Zero, y + 4), v.GetUpper()));
    }

    /// <summary>The first six lanes of <paramref name="v"/>: four, then two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreSix(Vector256<float> v, float* y)
    {
        Vector128<float> low = v.GetLower();
        Sse.Store(y, low);
        Sse.StoreLow(y + 4, v.GetUpper());
    }
}
