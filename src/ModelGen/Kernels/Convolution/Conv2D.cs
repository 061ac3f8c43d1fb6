using System;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels;

/// <summary>
/// Two-dimensional convolution (cross-correlation, as PyTorch's <c>Conv2d</c>) with square kernels, one stride for both
/// axes and zero padding. Layouts are PyTorch's, row-major: inputs <c>x [n, channels, height, width]</c>, weights
/// <c>w [filters, channels, kernel, kernel]</c>, bias <c>b [filters]</c>, outputs <c>y [n, filters, outHeight, outWidth]</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>forward (<c>Conv2D.Forward.cs</c>): a direct convolution, the input read in place (or from a padded copy)
/// through a table of tap offsets by the register tiles of <see cref="ConvolutionTile"/>, the weights packed once per
/// weight version (<see cref="PackedWeights{T}"/>); the bias, ReLU and, at inference, batch norm's running statistics
/// applied to each tile in registers;</item>
/// <item>backward (<c>Conv2D.Backward.cs</c>): the weight gradient as a direct kernel too (per sample, added to the
/// batch's sums); the input gradient as the adjoint direct convolution, or as <c>wᵀ·dy_s</c> folded back (col2im)
/// through the caller's scratch (<see cref="ColumnsLength"/>) for strided and over-padded convolutions.</item>
/// </list>
/// <para>Every output value is one chain of fused multiply-adds in a fixed order (the taps <c>(c, ki, kj)</c> in order),
/// so the result does not depend on the number of threads. The kernels never allocate managed memory.</para>
/// </remarks>
public static partial class Conv2D
{
    /// <summary>
    /// Number of scratch values <see cref="Backward{T}"/> needs in its <c>columns</c> argument:
    /// <c>channels·kernel·kernel·outHeight·outWidth</c> (the im2col matrix of one sample).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">The product is above <see cref="Check.MaxSize"/>.</exception>
    public static int ColumnsLength(int channels, int kernel, int outHeight, int outWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outWidth);
        return Check.Size(Check.Product(Check.Product(channels, kernel, kernel), outHeight, outWidth), ColumnsWhat, "columns");
    }

    private const string ColumnsWhat = "channels·kernel·kernel·outHeight·outWidth (the im2col columns of one sample)";

    /// <summary>
    /// How many samples' worth of <c>columns</c> scratch a model should allocate (times <see cref="ColumnsLength"/>) so
    /// that its convolutions' backward passes can be split over up to <paramref name="threads"/> threads (0: as many as
    /// <see cref="Parallelism.MaxThreads"/> allows now); each thread unfolds into its own copy.
    /// </summary>
    public static int ScratchCopies(int threads)
    {
        int limit = threads <= 0 ? Parallelism.MaxThreads : Math.Min(threads, Parallelism.MaxThreads);
        return Math.Clamp(Math.Min(limit, Environment.ProcessorCount), 1, WorkerPool.MaxThreads);
    }

    /// <summary>The sizes of one convolution, and the quantities derived from them.</summary>
    private readonly struct Geometry(int n, int channels, int height, int width, int filters, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
    {
        public readonly int N = n, Channels = channels, Height = height, Width = width, Filters = filters, Kernel = kernel,
            Stride = stride, PadTop = padTop, PadLeft = padLeft, OutHeight = outHeight, OutWidth = outWidth;
        public int InSize => Channels * Height * Width;
        public int Positions => OutHeight * OutWidth;
        public int OutSize => Filters * Positions;
        /// <summary>Rows of the unfolded input: channels · kernel · kernel.</summary>
        public int Rows => Channels * Kernel * Kernel;
        public int ColumnsLength => Rows * Positions;
        /// <summary>Multiply-adds of the forward product over the batch.</summary>
        public long Work => (long)N * Filters * Rows * Positions;
        /// <summary>Rows of input one output row reads: <c>(outHeight − 1)·stride + kernel</c> (padding included).</summary>
        public int SpanHeight => (OutHeight - 1) * Stride + Kernel;
        /// <summary>Columns of input one output row reads: <c>(outWidth − 1)·stride + kernel</c> (padding included).</summary>
        public int SpanWidth => (OutWidth - 1) * Stride + Kernel;
        /// <summary>Whether every tap reads inside the input (no padding, explicit or implied), so samples are unfolded in place.</summary>
        public bool ReadsInside => PadTop == 0 && PadLeft == 0 && SpanHeight <= Height && SpanWidth <= Width;
    }

    /// <summary>
    /// The columns (NR, two vectors) of the register tiles of a convolution with <paramref name="filters"/> filters in
    /// its tiles' vectors: the widest vectors the processor runs, except that 512-bit vectors are used only for more
    /// filters than a 256-bit tile holds (16 floats). With fewer, half or more of every 512-bit tile would be padding:
    /// LeNet's first convolution (16 filters) took 873 µs forward and 1,450 µs backward at batch 64 on 512-bit tiles
    /// against 615 and 602 µs on 256-bit ones (Zen 5, one thread, <c>--convolutions</c>). Every output is the same chain
    /// of fused multiply-adds at any width, so the choice changes no bit.
    /// </summary>
    internal static int FilterColumns<T>(int filters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int widest = PackedGemm.Blocking<T>().Columns;
        int narrower = 2 * Vector256<T>.Count;
        return Vector512.IsHardwareAccelerated && filters <= narrower ? narrower : widest;
    }

    /// <summary>
    /// The columns (NR, two vectors) of the row tiles (<see cref="PositionLanes{T}"/>) of a convolution whose output rows
    /// hold <paramref name="width"/> positions: the widest vectors the processor runs, except that 512-bit vectors are used
    /// only for rows longer than a 256-bit tile (16 floats), as <see cref="FilterColumns{T}"/> does for filters.
    /// </summary>
    internal static int RowColumns<T>(int width) where T : unmanaged, IFloatingPointIeee754<T> => FilterColumns<T>(width);

    /// <summary>Whether tiles of <paramref name="nr"/> columns are 512-bit (else 256-bit, else 128-bit) ones.</summary>
    private static bool Is512<T>(int nr) => Vector512.IsHardwareAccelerated && nr == 2 * Vector512<T>.Count;

    /// <summary>Whether tiles of <paramref name="nr"/> columns are 256-bit ones.</summary>
    private static bool Is256<T>(int nr) => Vector256.IsHardwareAccelerated && nr == 2 * Vector256<T>.Count;

    /// <summary>
    /// Values of slack a padded copy of a sample has after it (<see cref="Rows{T, TV, S}"/>: the last row's vectors
    /// reach up to two vectors past its end); at least 2·NR on every processor.
    /// </summary>
    private const int PadSlack = 64;

    /// <summary>
    /// The geometry, checked before anything is read or written: every size in its range (the padding below the kernel,
    /// on every side, so that every output reads some input), and every size the kernels derive from them (one sample,
    /// the taps, the padded copy of a sample, the weights and their packed copies) computed in 64 bits and at most
    /// <see cref="Check.MaxSize"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of its range (the exception names it).</exception>
    /// <exception cref="ArgumentException">outHeight or outWidth imply a kernel's worth of padding or more below or right of
    /// the input (named), or a derived size is too large (the message says which).</exception>
    private static Geometry CheckGeometry<T>(int n, int channels, int height, int width, int filters, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padTop);
        ArgumentOutOfRangeException.ThrowIfNegative(padLeft);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outWidth);
        if (padTop >= kernel)
            throw new ArgumentOutOfRangeException(nameof(padTop), padTop,
                $"padTop must be less than kernel = {kernel}: a window of only padding reads no input.");
        if (padLeft >= kernel)
            throw new ArgumentOutOfRangeException(nameof(padLeft), padLeft,
                $"padLeft must be less than kernel = {kernel}: a window of only padding reads no input.");
        // The rows and columns the windows span, and so the padding below and right of the input that outHeight and
        // outWidth imply: less than a kernel too. Then both spans are below height + 2·kernel (no overflow in 64 bits).
        long spanHeight = (long)(outHeight - 1) * stride + kernel, spanWidth = (long)(outWidth - 1) * stride + kernel;
        if (spanHeight - padTop - height >= kernel)
            throw new ArgumentException(
                $"{outHeight} output rows with stride {stride} span {spanHeight} rows: {spanHeight - padTop - height} rows of padding below the "
                + $"{height} input rows and {padTop} above them, but the padding must be less than kernel = {kernel}.", nameof(outHeight));
        if (spanWidth - padLeft - width >= kernel)
            throw new ArgumentException(
                $"{outWidth} output columns with stride {stride} span {spanWidth} columns: {spanWidth - padLeft - width} columns of padding right of the "
                + $"{width} input columns and {padLeft} left of them, but the padding must be less than kernel = {kernel}.", nameof(outWidth));

        Check.Size(Check.Product(channels, height, width), "channels·height·width (one input sample)", nameof(channels));
        Check.Size(Check.Product(filters, outHeight, outWidth), "filters·outHeight·outWidth (one output sample)", nameof(filters));
        long rows = Check.Size(Check.Product(channels, kernel, kernel), "channels·kernel·kernel (the weights of one filter)", nameof(kernel));
        Check.Size(Check.Product(filters, rows), "filters·channels·kernel·kernel (the weights)", nameof(filters));
        Check.Size(PackedWeightsLength<T>(filters, rows),
            "the packed weights (filters rounded up to whole register tiles, times channels·kernel·kernel)", nameof(filters));
        Check.Size(PaddedLength(channels, spanHeight, spanWidth),
            "channels·((outHeight − 1)·stride + kernel)·((outWidth − 1)·stride + kernel) (one input sample with its padding)", nameof(channels));
        return new Geometry(n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
    }

    /// <summary>Values of a sample padded to <paramref name="spanHeight"/> × <paramref name="spanWidth"/> planes, its slack included, in 64 bits.</summary>
    private static long PaddedLength(long channels, long spanHeight, long spanWidth) =>
        Check.Sum(Check.Product(channels, spanHeight, spanWidth), PadSlack);

    /// <summary>
    /// The larger of the two packings of <paramref name="filters"/> × <paramref name="rows"/> weights (panels of NR
    /// filters for position tiles, of six for row tiles; <see cref="PackedWeights{T}"/> holds either), in 64 bits.
    /// </summary>
    private static long PackedWeightsLength<T>(long filters, long rows) where T : unmanaged, IFloatingPointIeee754<T> =>
        Math.Max(PackedGemm.PackedSize<T>(rows, filters), PackedGemm.PackedASize(filters, rows));

    private static Geometry Checked<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, int n, int channels, int height, int width,
        int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Geometry g = CheckedInputs(x, w, n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        Check.Length(y, Check.Product(n, g.OutSize), nameof(y));
        return g;
    }

    /// <summary>The geometry, checked, and the lengths of the input and the weights checked against it.</summary>
    private static Geometry CheckedInputs<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, int n, int channels, int height, int width,
        int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Geometry g = CheckGeometry<T>(n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        Check.Length(x, Check.Product(n, g.InSize), nameof(x));
        Check.Length(w, Check.Product(filters, g.Rows), nameof(w));
        return g;
    }
}
