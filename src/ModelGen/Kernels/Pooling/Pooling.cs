using System;
using System.Numerics;

namespace ModelGen.Kernels;

/// <summary>
/// Two-dimensional max and average pooling over square <c>pool × pool</c> windows with one stride for both axes and no
/// padding, as PyTorch's <c>MaxPool2d</c> and <c>AvgPool2d</c> in floor mode. Layouts are PyTorch's, row-major: inputs
/// <c>x [n, channels, height, width]</c>, outputs <c>y [n, channels, outHeight, outWidth]</c> with
/// <c>outHeight = (height − pool)/stride + 1</c> (rounded down, so trailing rows or columns no window reaches are ignored).
/// The kernels never allocate.
/// </summary>
public static partial class Pooling
{
    /// <summary>
    /// <c>y[s, c, oh, ow] = max</c> of the window whose top-left input is <c>(oh·stride, ow·stride)</c>. <paramref name="argmax"/>
    /// [n, channels, outHeight, outWidth] receives the index of the chosen value within its sample's
    /// <c>[channels, height, width]</c> block. As PyTorch's CPU kernel, the window is scanned in row-major order and a value
    /// replaces the current maximum when it is greater or NaN: among equal maxima the first wins, and a NaN wins over every
    /// number (the last NaN, if there are several). 2×2 windows with stride 2 (in single precision, on AVX2) are split by
    /// samples over up to <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows)
    /// when there are enough; the result does not depend on the split. An empty <paramref name="argmax"/> keeps no
    /// indices (inference, where no backward pass follows): the same maxima, less work.
    /// </summary>
    public static void MaxForward<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> argmax, int n, int channels, int height, int width,
        int pool, int stride, int outHeight, int outWidth, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (int inSize, int outSize) = CheckGeometry(n, channels, height, width, pool, stride, outHeight, outWidth);
        int plane = height * width;
        Check.Length(x, Check.Product(n, inSize), nameof(x));
        Check.Length(y, Check.Product(n, outSize), nameof(y));
        bool keep = !argmax.IsEmpty;
        if (keep) Check.Length(argmax, Check.Product(n, outSize), nameof(argmax));

        if (pool == 2 && stride == 2 && MaxPairs.IsSupported<T>())
        {
            // 2×2 windows, stride 2: eight outputs per step, the same scan and comparisons as below.
            MaxPairs.Forward(x, y, argmax, n, channels, height, width, outHeight, outWidth, threads);
            return;
        }
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<T> xs = x.Slice(s * inSize, inSize);
            Span<T> ys = y.Slice(s * outSize, outSize);
            Span<int> indices = keep ? argmax.Slice(s * outSize, outSize) : default;
            int o = 0;
            for (int c = 0; c < channels; c++)
            {
                for (int oh = 0; oh < outHeight; oh++)
                {
                    int rowStart = c * plane + oh * stride * width;
                    for (int ow = 0; ow < outWidth; ow++, o++)
                    {
                        int start = rowStart + ow * stride;
                        T best = T.NegativeInfinity;
                        int bestIndex = start;
                        for (int ki = 0; ki < pool; ki++)
                        {
                            int line = start + ki * width;
                            ReadOnlySpan<T> window = xs.Slice(line, pool);
                            for (int kj = 0; kj < window.Length; kj++)
                            {
                                T v = window[kj];
                                if (v > best || T.IsNaN(v))
                                {
                                    best = v;
                                    bestIndex = line + kj;
                                }
                            }
                        }
                        ys[o] = best;
                        if (keep) indices[o] = bestIndex;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Gradient of <see cref="MaxForward{T}"/>: <paramref name="dx"/> [n, channels, height, width] is overwritten with zeros,
    /// then each <paramref name="dy"/> value is added at its sample's <paramref name="argmax"/> position (so overlapping
    /// windows that chose the same input accumulate). With <paramref name="accumulate"/> the zeros are not written: the
    /// values are added to what <paramref name="dx"/> holds, in the same order. Samples are split over up to
    /// <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows), each sample's
    /// values added on one of them in the same order.
    /// </summary>
    public static unsafe void MaxBackward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx, int n, int channels, int height, int width,
        int outHeight, int outWidth, bool accumulate = false, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outWidth);
        (int inSize, int outSize) = SampleSizes(channels, height, width, outHeight, outWidth);
        Check.Length(dy, Check.Product(n, outSize), nameof(dy));
        Check.Length(argmax, Check.Product(n, outSize), nameof(argmax));
        Check.Length(dx, Check.Product(n, inSize), nameof(dx));

        // Every index checked first, so that a corrupt one leaves dx as it was, on any number of threads.
        ReadOnlySpan<int> indices = argmax.Slice(0, n * outSize);
        for (int o = 0; o < indices.Length; o++)
            if ((uint)indices[o] >= (uint)inSize) ThrowBadIndex(indices[o], inSize);
        fixed (T* pdy = dy, pdx = dx)
        fixed (int* pa = argmax)
        {
            var job = new MaxBackwardJob<T> { Dy = pdy, Argmax = pa, Dx = pdx, InSize = inSize, OutSize = outSize, Accumulate = accumulate, Count = n };
            // Samples over the threads: each clears its gradient block (one store per value) and adds its values there
            // (a load and a store each), memory-bound work of about two multiply-adds per value.
            Parallelism.Shares(ref job, threads, 2 * ((long)n * inSize + (long)n * outSize));
        }
    }

    /// <summary>The gradient of max pooling for samples <c>[start, end)</c>, each in its own block of dx.</summary>
    private unsafe struct MaxBackwardJob<T> : IElementwiseJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* Dy, Dx;
        public int* Argmax;
        public int InSize, OutSize;
        public bool Accumulate;
        public int Count { get; set; }

        public readonly void Run(int start, int end)
        {
            for (int s = start; s < end; s++)
            {
                var dys = new ReadOnlySpan<T>(Dy + (nint)s * OutSize, OutSize);
                var indices = new ReadOnlySpan<int>(Argmax + (nint)s * OutSize, OutSize);
                var dxs = new Span<T>(Dx + (nint)s * InSize, InSize);
                if (!Accumulate) dxs.Clear();
                for (int o = 0; o < dys.Length; o++)
                    dxs[indices[o]] += dys[o]; // indices checked by MaxBackward (a span's bounds check stays)
            }
        }
    }

    /// <summary><c>y[s, c, oh, ow]</c> = the mean of the <c>pool × pool</c> window whose top-left input is <c>(oh·stride, ow·stride)</c>.</summary>
    public static void AvgForward<T>(ReadOnlySpan<T> x, Span<T> y, int n, int channels, int height, int width,
        int pool, int stride, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (int inSize, int outSize) = CheckGeometry(n, channels, height, width, pool, stride, outHeight, outWidth);
        int plane = height * width;
        Check.Length(x, Check.Product(n, inSize), nameof(x));
        Check.Length(y, Check.Product(n, outSize), nameof(y));
        T count = T.CreateTruncating(pool * pool); // pool·pool ≤ height·width: no overflow

        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<T> xs = x.Slice(s * inSize, inSize);
            Span<T> ys = y.Slice(s * outSize, outSize);
            int o = 0;
            for (int c = 0; c < channels; c++)
            {
                for (int oh = 0; oh < outHeight; oh++)
                {
                    int rowStart = c * plane + oh * stride * width;
                    for (int ow = 0; ow < outWidth; ow++, o++)
                    {
                        int start = rowStart + ow * stride;
                        T sum = T.Zero;
                        for (int ki = 0; ki < pool; ki++)
                        {
                            ReadOnlySpan<T> window = xs.Slice(start + ki * width, pool);
                            for (int kj = 0; kj < window.Length; kj++)
                                sum += window[kj];
                        }
                        ys[o] = sum / count;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Gradient of <see cref="AvgForward{T}"/>: <paramref name="dx"/> [n, channels, height, width] is overwritten with zeros,
    /// then each <paramref name="dy"/> value divided by <c>pool·pool</c> is added to every input of its window (overlapping
    /// windows accumulate; inputs no window reaches get zero). With <paramref name="accumulate"/> the zeros are not
    /// written: the values are added to what <paramref name="dx"/> holds, in the same order (inputs no window reaches
    /// keep their value).
    /// </summary>
    public static void AvgBackward<T>(ReadOnlySpan<T> dy, Span<T> dx, int n, int channels, int height, int width,
        int pool, int stride, int outHeight, int outWidth, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (int inSize, int outSize) = CheckGeometry(n, channels, height, width, pool, stride, outHeight, outWidth);
        int plane = height * width;
        Check.Length(dy, Check.Product(n, outSize), nameof(dy));
        Check.Length(dx, Check.Product(n, inSize), nameof(dx));
        T count = T.CreateTruncating(pool * pool); // pool·pool ≤ height·width: no overflow

        if (!accumulate) dx.Slice(0, n * inSize).Clear();
        for (int s = 0; s < n; s++)
        {
            ReadOnlySpan<T> dys = dy.Slice(s * outSize, outSize);
            Span<T> dxs = dx.Slice(s * inSize, inSize);
            int o = 0;
            for (int c = 0; c < channels; c++)
            {
                for (int oh = 0; oh < outHeight; oh++)
                {
                    int rowStart = c * plane + oh * stride * width;
                    for (int ow = 0; ow < outWidth; ow++, o++)
                    {
                        int start = rowStart + ow * stride;
                        T g = dys[o] / count;
                        for (int ki = 0; ki < pool; ki++)
                        {
                            Span<T> window = dxs.Slice(start + ki * width, pool);
                            for (int kj = 0; kj < window.Length; kj++)
                                window[kj] += g;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Checks the sizes (the windows inside the input, computed in 64 bits) and returns the values of one input and one
    /// output sample, each at most <see cref="Check.MaxSize"/>.
    /// </summary>
    internal static (int InSize, int OutSize) CheckGeometry(int n, int channels, int height, int width, int pool, int stride,
        int outHeight, int outWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pool);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outWidth);
        long rows = (long)(outHeight - 1) * stride + pool, columns = (long)(outWidth - 1) * stride + pool;
        if (rows > height)
            throw new ArgumentException(
                $"{outHeight} output rows of {pool}x{pool} windows with stride {stride} need at least {rows} input rows, but height is {height}.",
                nameof(outHeight));
        if (columns > width)
            throw new ArgumentException(
                $"{outWidth} output columns of {pool}x{pool} windows with stride {stride} need at least {columns} input columns, but width is {width}.",
                nameof(outWidth));
        return SampleSizes(channels, height, width, outHeight, outWidth);
    }

    /// <summary>The values of one input and one output sample, checked to be at most <see cref="Check.MaxSize"/>.</summary>
    private static (int InSize, int OutSize) SampleSizes(int channels, int height, int width, int outHeight, int outWidth) =>
        (Check.Size(Check.Product(channels, height, width), "channels·height·width (one input sample)", nameof(channels)),
         Check.Size(Check.Product(channels, outHeight, outWidth), "channels·outHeight·outWidth (one output sample)", nameof(channels)));

    private static void ThrowBadIndex(int index, int sampleSize) =>
        throw new ArgumentException($"argmax holds {index}, outside a sample's 0..{sampleSize - 1}.", "argmax");
}
