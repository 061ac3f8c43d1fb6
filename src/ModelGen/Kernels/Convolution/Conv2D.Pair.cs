using System;
using System.Numerics;

namespace ModelGen.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// Two convolution blocks in a row at inference, each as <see cref="ForwardNormalizedMaxPooled{T}"/> (or, with
    /// <see cref="NormalizedConvolution{T}.Pool"/> 0, <see cref="ForwardNormalized{T}"/>): <paramref name="first"/> from
    /// <paramref name="x"/> into <paramref name="between"/>, then <paramref name="second"/> from there into
    /// <paramref name="output"/>, with the same bits.
    /// </summary>
    /// <remarks>
    /// A single sample split over the threads is split as one job: each part computes the second block's share of output
    /// positions that it would compute alone, and first the rows of <paramref name="between"/> that share reads, from
    /// <paramref name="x"/>, into its own cache, instead of taking half of the first block and then reading the other
    /// half from the other core. Rows that two parts read are computed by both (LeNet, 28 × 28 into 14 × 14 into 5 × 5:
    /// each part does about two thirds of the first convolution), and each part writes its own band of
    /// <paramref name="between"/>, so it ends as the separate calls leave it. Whether the split pays is chosen by timing
    /// as for one layer (<see cref="SplitChoice"/>: the second block's packed weights keep one for the pair, apart from the
    /// one of that layer's own calls); without packed weights, for more samples, or on
    /// one thread, the blocks run one after the other.
    /// </remarks>
    /// <param name="x">The input, <c>n · channels · height · width</c> values of <paramref name="first"/>.</param>
    /// <param name="first">The first block; its output (pooled, if it pools) is the second block's input.</param>
    /// <param name="between">Receives the first block's output, <c>n</c> samples of it.</param>
    /// <param name="second">The second block.</param>
    /// <param name="output">Receives the second block's output, <c>n</c> samples of it.</param>
    /// <param name="n">The samples.</param>
    /// <param name="version">The model's weight version, for the packed copies.</param>
    /// <param name="threads">Threads to split over (0: as many as <see cref="Parallelism.MaxThreads"/> allows).</param>
    /// <param name="keepBetween">Whether <paramref name="between"/> must hold the first block's whole output afterwards.
    /// False when nothing else reads it: a single sample split over the threads then leaves there only what the parts
    /// happened to need (each part keeps the rows it reads in its own buffer and skips copying its band back); the
    /// second block's output is the same either way.</param>
    /// <exception cref="ArgumentException">A length does not match the geometry (the message names the expected one), or
    /// the second block's input is not the shape of the first block's output.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of its range.</exception>
    public static unsafe void ForwardNormalizedMaxPooledPair<T>(ReadOnlySpan<T> x, in NormalizedConvolution<T> first, Span<T> between,
        in NormalizedConvolution<T> second, Span<T> output, int n, long version, int threads = 1, bool keepBetween = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (Geometry g1, MaxPooling p1) = CheckedBlock(x, first, between, n, nameof(first), nameof(x), nameof(between));
        int height = p1.Pool > 0 ? p1.OutHeight : g1.OutHeight, width = p1.Pool > 0 ? p1.OutWidth : g1.OutWidth;
        if (second.Channels != g1.Filters || second.Height != height || second.Width != width)
            throw new ArgumentException($"The second block reads {second.Channels} × {second.Height} × {second.Width} values per sample; the "
                + $"first writes {g1.Filters} × {height} × {width}.", nameof(second));
        (Geometry g2, MaxPooling p2) = CheckedBlock(between, second, output, n, nameof(second), nameof(between), nameof(output));
        CheckPackedFor(first.Packed, g1, nameof(first));
        CheckPackedFor(second.Packed, g2, nameof(second));
        if (n == 0) return;

        int units = PositionLanes<T>(g2) ? g2.OutHeight : (g2.Positions + GemmBlocking.TileRows - 1) / GemmBlocking.TileRows;
        int parts = n == 1 && first.Packed is not null && second.Packed is not null ? Parallelism.Parts(threads, 4 * (g1.Work + g2.Work), units) : 1;
        bool choose = parts > 1;
        long start = 0;
        if (choose)
        {
            if (second.Packed!.PairSample.Alone) parts = 1;
            start = second.Packed.PairSample.Start();
        }
        if (parts > 1)
            Split(x, first, between, second, output, g1, p1, g2, p2, version, parts, keepBetween);
        else
        {
            // Chosen to run alone: both blocks on this thread. Otherwise each block splits (or not) as on its own.
            int blockThreads = choose ? 1 : threads;
            RunBlock(x, first, between, g1, p1, version, blockThreads);
            RunBlock(between, second, output, g2, p2, version, blockThreads);
        }
        if (choose) second.Packed!.PairSample.End(start);
    }

    /// <summary>The two jobs of a split pair (on the caller's stack while the parts run) and where the first one's output goes.</summary>
    private unsafe struct PairJob<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public ForwardJob<T> First, Second;
        /// <summary>The caller's <c>between</c>: each part writes its own band of rows there (null: not kept, see <c>keepBetween</c>).</summary>
        public T* Between;
    }

    /// <summary>A single sample through both blocks on <paramref name="parts"/> threads (see <see cref="ForwardNormalizedMaxPooledPair{T}"/>).</summary>
    private static unsafe void Split<T>(ReadOnlySpan<T> x, in NormalizedConvolution<T> first, Span<T> between,
        in NormalizedConvolution<T> second, Span<T> output, in Geometry g1, MaxPooling p1, in Geometry g2, MaxPooling p2, long version, int parts,
        bool keepBetween)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* px = x, pw1 = first.Weights, pb1 = first.Bias, pg1 = first.Gamma, pbeta1 = first.Beta, pm1 = first.RunningMean, pv1 = first.RunningVar,
            pw2 = second.Weights, pb2 = second.Bias, pg2 = second.Gamma, pbeta2 = second.Beta, pm2 = second.RunningMean, pv2 = second.RunningVar,
            pbetween = between, py = output)
        {
            T* w1 = Packed(pw1, first.Weights, first.Packed, version, g1, out bool rows1, out int panel1);
            T* w2 = Packed(pw2, second.Weights, second.Packed, version, g2, out bool rows2, out int panel2);
            var ops1 = new FilterOps<T>
            {
                Bias = pb1, Gamma = pg1, Beta = pbeta1, Mean = pm1, Variance = pv1, Epsilon = T.CreateTruncating(first.Epsilon),
                ReluFirst = first.ReluBeforeNorm, Relu = first.Relu,
            };
            var ops2 = new FilterOps<T>
            {
                Bias = pb2, Gamma = pg2, Beta = pbeta2, Mean = pm2, Variance = pv2, Epsilon = T.CreateTruncating(second.Epsilon),
                ReluFirst = second.ReluBeforeNorm, Relu = second.Relu,
            };
            // The second job's input is set by each part (its own copy of the rows it reads); its output before pooling is
            // the caller's buffer (NewJob), which the parts share by positions, as a single block's parts do.
            var job = new PairJob<T>
            {
                First = NewJob(px, w1, rows1, panel1, pbetween, g1, ops1, accumulate: false, p1, ThreadScratch.Slot.ConvolutionCall),
                Second = NewJob<T>(null, w2, rows2, panel2, py, g2, ops2, accumulate: false, p2, ThreadScratch.Slot.PairCall),
                Between = keepBetween ? pbetween : null,
            };
            WorkerPool.Shared.Run(&PairPart<T>, &job, parts);
            // Pooled here as a single block's sample is, once every part's positions are in (unless its tiles pooled them).
            if (p2.Pool > 0 && !job.Second.PoolRows) PoolSample(job.Second, job.Second.Y, 0);
        }
    }

    /// <summary>
    /// Part <paramref name="part"/> of a split pair: the rows of the first block's output that its share of the second
    /// block reads (and its own band of them, which it writes to <c>between</c>), into this thread's buffer; then that
    /// share of the second block from there.
    /// </summary>
    private static unsafe void PairPart<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly PairJob<T> pair = ref *(PairJob<T>*)arguments;
        ForwardJob<T> first = pair.First, second = pair.Second;
        Geometry g2 = second.G;
        (int read, int readEnd) = RowsRead(second, part, parts);
        T* mine = ThreadScratch.For<T>(ThreadScratch.Slot.PairBetween, g2.InSize);
        if (pair.Between == null)
            FirstRows(ref first, mine, read, readEnd);
        else
        {
            // Bands of between: part p writes from where it starts reading (part 0 from the top) to where part p + 1 does.
            int band = part == 0 ? 0 : read, bandEnd = part == parts - 1 ? g2.Height : RowsRead(second, part + 1, parts).Start;
            FirstRows(ref first, mine, Math.Min(band, read), Math.Max(readEnd, bandEnd));
            nint plane = (nint)g2.Height * g2.Width;
            for (int c = 0; c < g2.Channels; c++)
                new ReadOnlySpan<T>(mine + c * plane + (nint)band * g2.Width, (bandEnd - band) * g2.Width)
                    .CopyTo(new Span<T>(pair.Between + c * plane + (nint)band * g2.Width, (bandEnd - band) * g2.Width));
        }
        second.X = mine;
        ForwardPart<T>(&second, part, parts);
    }

    /// <summary>
    /// The rows <c>[Start, End)</c> of a single sample's input that part <paramref name="part"/> of
    /// <paramref name="parts"/> of <paramref name="job"/> reads (<see cref="SampleUnits{T}"/>).
    /// </summary>
    private static (int Start, int End) RowsRead<T>(in ForwardJob<T> job, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int mr = GemmBlocking.TileRows;
        Geometry g = job.G;
        (int u0, int u1) = SampleUnits(job, part, parts);
        int top, bottom; // output rows, the last one included
        if (job.ByRows)
            (top, bottom) = (u0, u1 - 1);
        else
        {
            // Position tiles of six; the last is moved back to end at the last position.
            int p0 = Math.Max(0, Math.Min(u0 * mr, g.Positions - mr)), last = Math.Min(u1 * mr, g.Positions) - 1;
            (top, bottom) = (p0 / g.OutWidth, last / g.OutWidth);
        }
        return (Math.Max(0, top * g.Stride - g.PadTop), Math.Min(g.Height, bottom * g.Stride - g.PadTop + g.Kernel));
    }

    /// <summary>
    /// Rows <c>[from, to)</c> of a single sample's output of <paramref name="job"/> (after pooling, when it pools) into
    /// <paramref name="output"/> <c>[filters][rows][columns]</c>, computed on this thread; its other rows are left as they
    /// were (when a pooled band is too small for the pooling kernel, the whole sample is pooled, the other rows from
    /// values no one reads).
    /// </summary>
    private static unsafe void FirstRows<T>(ref ForwardJob<T> job, T* output, int from, int to) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int mr = GemmBlocking.TileRows;
        Geometry g = job.G;
        MaxPooling p = job.Pooling;
        int top = from, bottom = to; // output rows of the convolution
        if (p.Pool > 0)
        {
            top = from * p.Stride;
            bottom = Math.Min(g.OutHeight, (to - 1) * p.Stride + p.Pool);
            job.Pooled = output;
            job.Y = ThreadScratch.For<T>(ThreadScratch.Slot.PairOutput, SampleLength(job));
        }
        else
            job.Y = output;
        // Row tiles compute those rows (pooling pairs of them as they go, when they do); position tiles the tiles of six
        // that cover them.
        int tiles = (g.Positions + mr - 1) / mr;
        if (job.ByRows) RunUnits(job, 0, 1, top, bottom);
        else RunUnits(job, 0, 1, top * g.OutWidth / mr, Math.Min(tiles, (bottom * g.OutWidth + mr - 1) / mr));
        if (p.Pool == 0 || job.PoolRows) return;
        if (job.PositionMajor && (to - from) * p.OutWidth >= 8)
        {
            // The band's pooled rows from the output rows under them (position-major, 2 × 2 windows of stride 2).
            MaxPairsPositionMajor.Forward((float*)job.Y + (nint)2 * from * g.OutWidth * job.FilterStride, job.FilterStride, g.Filters, g.OutWidth,
                (float*)output + (nint)from * p.OutWidth, to - from, p.OutWidth, p.OutHeight * p.OutWidth);
            return;
        }
        PoolSample(job, job.Y, 0);
    }

    /// <summary>One block on its own (<see cref="Run{T}"/>).</summary>
    private static void RunBlock<T>(ReadOnlySpan<T> x, in NormalizedConvolution<T> block, Span<T> y, in Geometry g, MaxPooling pooling,
        long version, int threads)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(x, block.Weights, block.Packed, version, block.Bias, block.Gamma, block.Beta, block.RunningMean, block.RunningVar,
            T.CreateTruncating(block.Epsilon), y, g, threads, block.ReluBeforeNorm, block.Relu, pooling);

    /// <summary>
    /// A block's geometry and pooling, with the lengths of its input, weights, operands and output checked. A problem
    /// with the block itself is reported with the block's name, <paramref name="block"/>, as the parameter and the
    /// property at fault in the message (<c>second.Weights: …</c>); the input and output by their own names.
    /// </summary>
    private static (Geometry, MaxPooling) CheckedBlock<T>(ReadOnlySpan<T> x, in NormalizedConvolution<T> b, Span<T> y, int n, string block,
        string xName, string yName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Geometry g;
        try
        {
            g = CheckGeometry<T>(n, b.Channels, b.Height, b.Width, b.Filters, b.Kernel, b.Stride, b.PadTop, b.PadLeft, b.OutHeight, b.OutWidth);
            Check.Length(b.Weights, Check.Product(b.Filters, g.Rows), "Weights");
            CheckNormalization(b.Bias, b.Gamma, b.Beta, b.RunningMean, b.RunningVar, b.Filters);
        }
        catch (ArgumentException e) when (e.ParamName is not null)
        {
            throw Renamed(e, block, ConvolutionField(e.ParamName));
        }
        Check.Length(x, Check.Product(n, g.InSize), xName);
        if (b.Pool == 0)
        {
            Check.Length(y, Check.Product(n, g.OutSize), yName);
            return (g, default);
        }
        int pooledSize;
        try
        {
            (_, pooledSize) = Pooling.CheckGeometry(n, b.Filters, b.OutHeight, b.OutWidth, b.Pool, b.PoolStride, b.PooledHeight, b.PooledWidth);
        }
        catch (ArgumentException e) when (e.ParamName is not null)
        {
            throw Renamed(e, block, PoolingField(e.ParamName));
        }
        Check.Length(y, Check.Product(n, pooledSize), yName);
        return (g, new MaxPooling(b.Pool, b.PoolStride, b.PooledHeight, b.PooledWidth, pooledSize));
    }

    /// <summary>The <see cref="NormalizedConvolution{T}"/> property a single-block check's parameter name stands for.</summary>
    private static string ConvolutionField(string name) => name switch
    {
        "w" or "Weights" => "Weights",
        "b" => "Bias",
        _ => char.ToUpperInvariant(name[0]) + name[1..], // gamma → Gamma, runningMean → RunningMean, padTop → PadTop, …
    };

    /// <summary>The same for <see cref="Pooling.CheckGeometry"/>, which sees the convolution's output as its input.</summary>
    private static string PoolingField(string name) => name switch
    {
        "channels" => "Filters",
        "height" => "OutHeight",
        "width" => "OutWidth",
        "pool" => "Pool",
        "stride" => "PoolStride",
        "outHeight" => "PooledHeight",
        "outWidth" => "PooledWidth",
        _ => name,
    };

    /// <summary><paramref name="e"/> again, of the same type, for property <paramref name="field"/> of <paramref name="block"/>.</summary>
    private static ArgumentException Renamed(ArgumentException e, string block, string field)
    {
        string message = e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
        int actual = message.IndexOf("\nActual value was", StringComparison.Ordinal);
        if (actual >= 0) message = message[..actual];
        message = $"{block}.{field}: {message}";
        return e is ArgumentOutOfRangeException range
            ? new ArgumentOutOfRangeException(block, range.ActualValue, message)
            : new ArgumentException(message, block, e);
    }

    /// <summary>Throws unless <paramref name="packed"/> (when there is one) is for this convolution's weights.</summary>
    private static void CheckPackedFor<T>(PackedWeights<T>? packed, in Geometry g, string block) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (packed is not null && (packed.Inputs != g.Rows || packed.Outputs != g.Filters))
            throw new ArgumentException($"{block}.Packed: the packed weights are for {packed.Outputs} × {packed.Inputs} weights; this convolution has {g.Filters} × {g.Rows}.", block);
    }
}
