using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// Gradients of <see cref="Forward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int, int, int, int, int, int, int, int, int, int, int, int, bool)"/>
    /// from the gradient of its outputs <paramref name="dy"/> [n, filters, outHeight, outWidth]:
    /// <paramref name="dw"/> [filters, channels, kernel, kernel] and <paramref name="db"/> [filters] summed over the batch, and
    /// <paramref name="dx"/> [n, channels, height, width]. All three are overwritten (not accumulated), except that with
    /// <paramref name="accumulate"/> the input gradient is added to what <paramref name="dx"/> holds; an empty
    /// <paramref name="db"/> or <paramref name="dx"/> skips that part. <paramref name="columns"/> is scratch of at least
    /// <see cref="ColumnsLength"/> values (times the threads it may use, <see cref="ScratchCopies"/>), used by strided or
    /// over-padded convolutions' input gradient; its contents on return are unspecified.
    /// </summary>
    /// <remarks>
    /// <para>The weight gradient is a direct kernel (<see cref="ConvolutionTile.WeightSix"/>, or <see cref="WeightTapsTile"/>
    /// when one 512-bit vector holds every filter): for every sample, each tile of taps by filters is summed over the positions in registers and added to the sum of the samples
    /// before it, as PyTorch adds each sample's product (one chain over a whole batch would round worse). It is split
    /// over threads by taps, every thread adding the samples in order, so the sums are the same on any number of threads.</para>
    /// <para>Where it pays (<see cref="DirectInputGradient{T}"/>: stride 1, "same" padding, channels enough), the input
    /// gradient is itself a direct convolution: the output gradient, padded by <c>kernel − 1 − padding</c>, convolved with
    /// the weights flipped in both axes and with filters and channels exchanged. Otherwise it is <c>wᵀ·dy</c> folded back
    /// (col2im).</para>
    /// <para>With <paramref name="accumulate"/>, the direct input gradient adds each value's finished sum to what
    /// <paramref name="dx"/> holds as it stores it (exactly <c>dx + g</c>, rounded once); col2im folds the columns onto
    /// <paramref name="dx"/> as it is instead of onto zeros (the same additions in the same order, starting from its
    /// value). Either way every value of <paramref name="dx"/> is computed by the same operations on any number of threads.</para>
    /// </remarks>
    public static unsafe void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dw, Span<T> db, Span<T> dx, Span<T> columns,
        int n, int channels, int height, int width, int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth,
        int threads = 1, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Geometry g = CheckedInputs(x, w, n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        Check.Length(dy, Check.Product(n, g.OutSize), nameof(dy));
        Check.Length(dw, Check.Product(filters, g.Rows), nameof(dw));
        Check.Length(columns, Check.Size(Check.Product(g.Rows, g.Positions), ColumnsWhat, nameof(columns)), nameof(columns));
        if (!db.IsEmpty) Check.Length(db, filters, nameof(db));
        if (!dx.IsEmpty) Check.Length(dx, Check.Product(n, g.InSize), nameof(dx));
        // wᵀ packed for the product of the input gradient (col2im), and each thread's scratch of the weight gradient.
        Check.Size(PackedGemm.PackedASize(g.Rows, filters), "the packed transposed weights (channels·kernel·kernel rounded up to "
            + "whole register tiles, times filters)", nameof(kernel));
        Check.Size(WeightGradientScratch<T>(g), "a thread's scratch for the weight gradient (the padded sample, the output gradient "
            + "and the weight gradient transposed to whole register tiles)", nameof(filters));

        // db[f] = Σ_s Σ_p dy_s[f, p], samples in order: by the weight gradient's first part, each sample's just before it
        // packs that sample's output gradient, which it then reads from the cache.
        if (!db.IsEmpty) db.Slice(0, filters).Clear();

        fixed (T* px = x, pw = w, pdy = dy, pdw = dw, pdb = db, pdx = dx, pc = columns)
        {
            var job = new BackwardJob<T> { G = g, X = px, W = pw, Dy = pdy, Dw = pdw, Db = pdb, Dx = pdx, Columns = pc, Accumulate = accumulate };
            int tapTiles = WeightTapTiles<T>(g);
            int weightParts = Parallelism.Parts(threads, g.Work, tapTiles);
            if (weightParts <= 1) WeightGradientPart<T>(&job, 0, 1);
            else WorkerPool.Shared.Run(&WeightGradientPart<T>, &job, weightParts);
            if (pdx == null || n == 0) return;
            if (DirectInputGradient<T>(g))
            {
                InputGradientDirect(job, threads);
                return;
            }
            // wᵀ [rows × filters] packed once as the row panels of every sample's product dcolumns = wᵀ·dy_s.
            job.PackedWt = ThreadScratch.For<T>(ThreadScratch.Slot.ConvolutionWeights, PackedGemm.PackedALength(g.Rows, filters));
            PackedGemm.PackA(pw, 1, g.Rows, g.Rows, filters, job.PackedWt);
            int inputParts = Math.Min(Parallelism.Parts(threads, g.Work, n), columns.Length / g.ColumnsLength);
            if (inputParts <= 1) InputGradientPart<T>(&job, 0, 1);
            else WorkerPool.Shared.Run(&InputGradientPart<T>, &job, inputParts);
        }
    }

    /// <summary>
    /// Whether the input gradient is computed as a direct convolution: stride 1, padding below the kernel size, channels
    /// enough to fill half a register tile's width, and no more than a quarter more multiply-adds than the product
    /// <c>wᵀ·dy</c> (the adjoint convolution runs over every input position, the product over the output positions).
    /// </summary>
    private static bool DirectInputGradient<T>(in Geometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        g.Stride == 1 && g.PadTop < g.Kernel && g.PadLeft < g.Kernel && 2 * g.Channels >= FilterColumns<T>(g.Channels)
        && 4L * g.Height * g.Width <= 5L * g.Positions && AdjointFits<T>(g);

    /// <summary>
    /// Whether the sizes of the adjoint convolution of <see cref="InputGradientDirect{T}"/> are within
    /// <see cref="Check.MaxSize"/> (its padded sample of the output gradient, its weights flipped and packed); when they are
    /// not, the input gradient takes the product and col2im instead, whose sizes the entry checks.
    /// </summary>
    private static bool AdjointFits<T>(in Geometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long k = g.Kernel, rows = Check.Product(g.Filters, k, k);
        long padded = PaddedLength(g.Filters, g.Height - 1 + k, g.Width - 1 + k);
        long weights = Check.Sum(Check.Product(g.Channels, rows), PackedWeightsLength<T>(g.Channels, rows));
        return padded <= Check.MaxSize && weights <= Check.MaxSize;
    }

    /// <summary>
    /// Values of one thread's scratch in <see cref="WeightGradientPart{T, TV, S}"/> when it has all the taps, in 64 bits:
    /// the padded sample, the output gradient transposed to panels of NR filters, the weight gradient transposed, the
    /// taps' offsets.
    /// </summary>
    private static long WeightGradientScratch<T>(in Geometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long filters = Check.RoundUp(g.Filters, PackedGemm.Blocking<T>().Columns), taps = Check.RoundUp(g.Rows, GemmBlocking.TileRows);
        long sum = Check.Sum(PaddedLength(g.Channels, g.SpanHeight, g.SpanWidth), Check.Product(g.Positions, filters));
        sum = Check.Sum(sum, Check.Product(taps, filters));
        return Check.Sum(sum, Check.Product(taps, IntPtr.Size) / Unsafe.SizeOf<T>() + 1);
    }

    /// <summary>The pinned operands of a backward call, on the caller's stack while the parts run (null: absent).</summary>
    private unsafe struct BackwardJob<T> where T : unmanaged
    {
        public Geometry G;
        public T* X, W, Dy, Dw, Db, Dx, Columns, PackedWt;
        /// <summary>Add the input gradient to what <see cref="Dx"/> holds.</summary>
        public bool Accumulate;

        /// <summary>The im2col scratch copy of part <paramref name="part"/>.</summary>
        public readonly Span<T> Scratch(int part) => new(Columns + (nint)part * G.ColumnsLength, G.ColumnsLength);
    }

    /// <summary>
    /// Whether the weight gradient runs <see cref="WeightTapsTile"/>'s tiles of one 512-bit vector of filters (all the
    /// filters fit one, and there are taps enough for a tile) instead of six taps by two vectors of filters.
    /// </summary>
    private static bool WideWeightTiles<T>(in Geometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.IsHardwareAccelerated && FilterColumns<T>(g.Filters) == Vector512<T>.Count && g.Rows >= WeightTapsTile.MinTaps;

    /// <summary>The weight gradient's tiles of taps, the units its parts split.</summary>
    private static int WeightTapTiles<T>(in Geometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        WideWeightTiles<T>(g) ? WeightTapsTile.Tiles(g.Rows) : (g.Rows + GemmBlocking.TileRows - 1) / GemmBlocking.TileRows;

    /// <summary>The first tap of tile <paramref name="t"/> of <paramref name="tiles"/> (<paramref name="t"/> = <paramref name="tiles"/>: the end).</summary>
    private static int WeightTileStart(bool wide, int t, int tiles, int rows) =>
        wide ? WeightTapsTile.Start(t, tiles, rows) : Math.Min(rows, t * GemmBlocking.TileRows);

    private static unsafe void WeightGradientPart<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly BackwardJob<T> job = ref *(BackwardJob<T>*)arguments;
        int nr = FilterColumns<T>(job.G.Filters);
        if (WideWeightTiles<T>(job.G)) WeightGradientPart<T, Vector512<T>, Lanes512<T>>(job, part, parts, wide: true);
        else if (Is512<T>(nr)) WeightGradientPart<T, Vector512<T>, Lanes512<T>>(job, part, parts, wide: false);
        else if (Is256<T>(nr)) WeightGradientPart<T, Vector256<T>, Lanes256<T>>(job, part, parts, wide: false);
        else WeightGradientPart<T, Vector128<T>, Lanes128<T>>(job, part, parts, wide: false);
    }

    /// <summary>
    /// The taps of this part's tap tiles of <c>dw</c>, overwritten:
    /// <c>dw[f, k] = Σ_s (Σ_p dy_s[f, p]·unfold(x_s)[k, p])</c>, samples in order. Each sample's output gradient is
    /// transposed to panels of [position][NR filters] and its input padded, in this thread's scratch. The tiles are six
    /// taps by two vectors of filters (<see cref="ConvolutionTile.WeightSix{T, TV, S}"/>, the last one's taps past the
    /// end repeating the last tap), or with <paramref name="wide"/> 6 to 13 taps by the one vector that holds every filter
    /// (<see cref="WeightTapsTile"/>). Part 0 also adds each sample's bias gradient to <c>db</c> when there is one.
    /// </summary>
    private static unsafe void WeightGradientPart<T, TV, S>(BackwardJob<T> job, int part, int parts, bool wide)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        const int mr = GemmBlocking.TileRows;
        Geometry g = job.G;
        int nr = wide ? S.Width : 2 * S.Width, rows = g.Rows, positions = g.Positions, taps = g.Kernel * g.Kernel;
        int tiles = WeightTapTiles<T>(g);
        (int t0, int t1) = Parallelism.Range(tiles, part, parts, 1);
        if (t0 >= t1) return;
        int k0 = WeightTileStart(wide, t0, tiles, rows), k1 = WeightTileStart(wide, t1, tiles, rows);
        // Rows of this part's transposed sums: its taps, and with six-tap tiles the last one's repeated taps.
        int sumTaps = wide ? k1 - k0 : (t1 - t0) * mr;
        if (g.N == 0)
        {
            for (int f = 0; f < g.Filters; f++) new Span<T>(job.Dw + (nint)f * rows + k0, k1 - k0).Clear();
            return;
        }

        int panels = (g.Filters + nr - 1) / nr, sumRow = panels * nr, width = k1 - k0;
        nint padLength = g.ReadsInside ? 0 : (nint)g.Channels * g.SpanHeight * g.SpanWidth;
        // This thread's scratch: the padded sample, dy transposed to panels [position][NR filters], this part's dw transposed to
        // [tap][filter] (whole tiles of taps, so a tile is added as vectors), then each tap's offset in the sample.
        nint dyLength = (nint)positions * sumRow, sumLength = (nint)sumTaps * sumRow;
        T* scratch = ThreadScratch.For<T>(ThreadScratch.Slot.ConvolutionPart,
            padLength + dyLength + sumLength + ((nint)sumTaps * sizeof(nint) + sizeof(T) - 1) / sizeof(T));
        T* dyT = scratch + padLength, dwT = dyT + dyLength;
        nint* offsets = (nint*)(dwT + sumLength);
        nint plane = g.ReadsInside ? (nint)g.Height * g.Width : (nint)g.SpanHeight * g.SpanWidth;
        nint rowStride = g.ReadsInside ? g.Width : g.SpanWidth;
        for (int i = 0; i < sumTaps; i++)
        {
            int tap = Math.Min(k0 + i, k1 - 1), c = tap / taps, ki = tap % taps / g.Kernel, kj = tap % g.Kernel;
            offsets[i] = c * plane + ki * rowStride + kj;
        }
        T* tile = stackalloc T[Math.Max(mr * nr, WeightTapsTile.MaxTaps * S.Width)];
        for (int s = 0; s < g.N; s++)
        {
            T* source = job.X + (nint)s * g.InSize;
            if (!g.ReadsInside)
                source = Unfold.Pad(source, g.Channels, g.Height, g.Width, g.PadTop, g.PadLeft, g.SpanHeight, g.SpanWidth, scratch);
            // dy_s transposed, as panels of NR filters [panels][position][NR] (zeros past the last filter): the packing
            // of a product's B operand, 8 × 8 blocks transposed in registers.
            if (part == 0 && job.Db != null)
                RowMath.AddRowSums(new ReadOnlySpan<T>(job.Dy + (nint)s * g.OutSize, g.OutSize), g.Filters, positions, new Span<T>(job.Db, g.Filters));
            PackedGemm.PackB(job.Dy + (nint)s * g.OutSize, 1, positions, positions, g.Filters, dyT, nr: nr);
            for (int q = 0; q < panels; q++)
            {
                for (int t = t0; t < t1; t++)
                {
                    // The tile's first tap and its taps, counted from this part's first.
                    int first = wide ? WeightTileStart(wide, t, tiles, rows) - k0 : (t - t0) * mr;
                    int count = wide ? WeightTileStart(wide, t + 1, tiles, rows) - k0 - first : mr;
                    if (wide)
                        WeightTapsTile.Run<T, TV, S>(count, source, offsets + first, rowStride, g.Stride, g.OutHeight, g.OutWidth,
                            dyT, nr, tile);
                    else
                        ConvolutionTile.WeightSix<T, TV, S>(source, offsets + first, rowStride, g.Stride, g.OutHeight, g.OutWidth,
                            dyT + (nint)q * positions * nr, nr, tile);
                    // The first sample's sums are stored, later ones added, a tile row (one tap, NR filters) at a time.
                    T* sum = dwT + (nint)first * sumRow + q * nr;
                    for (int i = 0; i < count; i++)
                        for (int h = 0; h < nr; h += S.Width)
                        {
                            TV v = S.Load(ref tile[i * nr + h], 0);
                            if (s > 0) v = S.Add(S.Load(ref sum[(nint)i * sumRow + h], 0), v);
                            S.Store(v, ref sum[(nint)i * sumRow + h], 0);
                        }
                }
            }
        }
        // dw[f, k] = dwT[k, f].
        for (int f = 0; f < g.Filters; f++)
        {
            T* dwf = job.Dw + (nint)f * rows + k0;
            for (int i = 0; i < width; i++) dwf[i] = dwT[(nint)i * sumRow + f];
        }
    }

    /// <summary>
    /// <c>dx</c> as the direct convolution of <c>dy</c> (channels: the filters; padding <c>kernel − 1 − pad</c>) with
    /// <c>w'[c, f, ki, kj] = w[f, c, kernel − 1 − ki, kernel − 1 − kj]</c>, for stride 1.
    /// </summary>
    private static unsafe void InputGradientDirect<T>(in BackwardJob<T> job, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Geometry g = job.G;
        int k = g.Kernel, taps = k * k;
        var adjoint = new Geometry(g.N, g.Filters, g.OutHeight, g.OutWidth, g.Channels, k, 1,
            k - 1 - g.PadTop, k - 1 - g.PadLeft, g.Height, g.Width);
        // w' as the matrix [channels × filters·k·k], then packed for the tiles the adjoint convolution uses.
        int rows = adjoint.Rows, channels = g.Channels;
        bool byRows = PositionLanes<T>(adjoint, job.Accumulate);
        int packedLength = byRows ? PackedGemm.PackedALength(channels, rows) : PackedGemm.PackedLength<T>(rows, channels);
        T* flipped = ThreadScratch.For<T>(ThreadScratch.Slot.ConvolutionWeights, (nint)channels * rows + packedLength);
        T* packed = flipped + (nint)channels * rows;
        for (int c = 0; c < channels; c++)
            for (int f = 0, row = 0; f < g.Filters; f++)
                for (int ki = 0; ki < k; ki++)
                    for (int kj = 0; kj < k; kj++, row++)
                        flipped[(nint)c * rows + row] = job.W[((nint)f * channels + c) * taps + (k - 1 - ki) * k + (k - 1 - kj)];
        int panel = RowPanel<T>(channels, job.Accumulate);
        if (byRows) PackedWeights<T>.PackRowPanels(flipped, rows, channels, packed, panel);
        else PackedGemm.PackB(flipped, 1, rows, rows, channels, packed, nr: FilterColumns<T>(channels));
        Direct(job.Dy, packed, byRows, panel, job.Dx, adjoint, default(FilterOps<T>), threads, job.Accumulate);
    }

    /// <summary>
    /// <c>dx</c> of this part's samples, for strided or over-padded convolutions: <c>dcolumns = wᵀ·dy_s</c> into this
    /// part's scratch, then folded back (col2im) onto the input positions they were read from: onto zeros, or with
    /// <see cref="BackwardJob{T}.Accumulate"/> onto what dx holds.
    /// </summary>
    private static unsafe void InputGradientPart<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly BackwardJob<T> j = ref *(BackwardJob<T>*)arguments;
        Geometry g = j.G;
        (int s0, int s1) = Parallelism.Range(g.N, part, parts, 1);
        Span<T> columns = j.Scratch(part);
        fixed (T* pc = columns)
        {
            var p = new PackedGemm.Product<T>
            {
                PackedA = j.PackedWt, BRow = g.Positions, BCol = 1, C = pc, CRow = g.Positions,
                M = g.Rows, N = g.Positions, K = g.Filters,
            };
            for (int s = s0; s < s1; s++)
            {
                p.B = j.Dy + (nint)s * g.OutSize;
                PackedGemm.Run(p, 0, p.N);
                Span<T> dxs = new(j.Dx + (nint)s * g.InSize, g.InSize);
                if (!j.Accumulate) dxs.Clear();
                Unfold.Col2Im(columns, dxs, g.Channels, g.Height, g.Width, g.Kernel, g.Stride, g.PadTop, g.PadLeft, g.OutHeight, g.OutWidth);
            }
        }
    }
}
