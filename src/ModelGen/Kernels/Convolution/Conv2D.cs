using System;
using System.Numerics;

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
    public static int ColumnsLength(int channels, int kernel, int outHeight, int outWidth) =>
        checked(channels * kernel * kernel * outHeight * outWidth);

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

    private static void CheckGeometry(int n, int channels, int height, int width, int filters, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
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
    }

    private static Geometry Checked<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y, int n, int channels, int height, int width,
        int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Geometry g = CheckedInputs(x, w, n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        Check.Length(y, n * g.OutSize, nameof(y));
        return g;
    }

    /// <summary>The geometry, checked, and the lengths of the input and the weights checked against it.</summary>
    private static Geometry CheckedInputs<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, int n, int channels, int height, int width,
        int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckGeometry(n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        var g = new Geometry(n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        Check.Length(x, n * g.InSize, nameof(x));
        Check.Length(w, filters * g.Rows, nameof(w));
        return g;
    }
}
