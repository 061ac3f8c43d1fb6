using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

/// <summary>
/// Two-dimensional convolution (cross-correlation, as PyTorch's <c>Conv2d</c>) with square kernels, one stride for both
/// axes and zero padding. Layouts are PyTorch's, row-major: inputs <c>x [n, channels, height, width]</c>, weights
/// <c>w [filters, channels, kernel, kernel]</c>, bias <c>b [filters]</c>, outputs <c>y [n, filters, outHeight, outWidth]</c>.
/// </summary>
/// <remarks>
/// Each sample is unfolded (im2col) into a caller-provided scratch matrix <c>columns [channels·kernel·kernel, outHeight·outWidth]</c>,
/// whose row <c>(c, ki, kj)</c> holds the input value each output position sees through kernel tap <c>(c, ki, kj)</c>
/// (zero where the tap falls into the padding). The convolution is then the matrix product <c>y = w·columns (+ b)</c>,
/// computed by <see cref="Gemm"/> along the contiguous output positions. The kernels never allocate.
/// </remarks>
public static class Conv2D
{
    /// <summary>
    /// Number of scratch values <see cref="Forward{T}"/> and <see cref="Backward{T}"/> need in their <c>columns</c>
    /// argument: <c>channels·kernel·kernel·outHeight·outWidth</c> (the im2col matrix of one sample).
    /// </summary>
    public static int ColumnsLength(int channels, int kernel, int outHeight, int outWidth) =>
        checked(channels * kernel * kernel * outHeight * outWidth);

    /// <summary>
    /// How many samples' worth of <c>columns</c> scratch a model should allocate (times <see cref="ColumnsLength"/>) so
    /// that its convolutions can be split over up to <paramref name="threads"/> threads (0: as many as
    /// <see cref="Parallelism.MaxThreads"/> allows now); each thread unfolds its samples into its own copy.
    /// </summary>
    public static int ScratchCopies(int threads)
    {
        int limit = threads <= 0 ? Parallelism.MaxThreads : Math.Min(threads, Parallelism.MaxThreads);
        return Math.Clamp(Math.Min(limit, Environment.ProcessorCount), 1, WorkerPool.MaxThreads);
    }

    /// <summary>
    /// <c>y[s, f, oh, ow] = b[f] + Σ_{c,ki,kj} w[f, c, ki, kj]·x[s, c, oh·stride − padTop + ki, ow·stride − padLeft + kj]</c>,
    /// where input positions outside <c>[0, height) × [0, width)</c> read as zero (the bottom and right padding is whatever
    /// <paramref name="outHeight"/> and <paramref name="outWidth"/> imply). An empty <paramref name="b"/> means no bias.
    /// <paramref name="columns"/> is scratch of at least <see cref="ColumnsLength"/> values; its contents on return are unspecified.
    /// The samples are split over up to <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/>
    /// allows) when the work pays for it and <paramref name="columns"/> holds a copy per thread (<see cref="ScratchCopies"/>);
    /// the result is the same on any number of threads.
    /// </summary>
    public static unsafe void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, Span<T> columns,
        int n, int channels, int height, int width, int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth,
        int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckGeometry(n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        var g = new Geometry(n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        Check.Length(x, n * g.InSize, nameof(x));
        Check.Length(w, filters * g.Rows, nameof(w));
        Check.Length(y, n * g.OutSize, nameof(y));
        Check.Length(columns, g.ColumnsLength, nameof(columns));
        if (!b.IsEmpty) Check.Length(b, filters, nameof(b));

        int parts = Math.Min(Parallelism.Parts(threads, g.Work, n), columns.Length / g.ColumnsLength);
        if (parts <= 1)
        {
            ForwardSamples(x, w, b, y, columns, g, 0, n);
            return;
        }
        fixed (T* px = x, pw = w, pb = b, py = y, pc = columns)
        {
            var job = new Job<T> { G = g, X = px, W = pw, B = pb, Y = py, Columns = pc };
            WorkerPool.Shared.Run(&ForwardPart<T>, &job, parts);
        }
    }

    /// <summary>
    /// Gradients of <see cref="Forward{T}"/> from the gradient of its outputs <paramref name="dy"/> [n, filters, outHeight, outWidth]:
    /// <paramref name="dw"/> [filters, channels, kernel, kernel] and <paramref name="db"/> [filters] summed over the batch, and
    /// <paramref name="dx"/> [n, channels, height, width]. All three are overwritten (not accumulated); an empty
    /// <paramref name="db"/> or <paramref name="dx"/> skips that part. <paramref name="columns"/> is scratch of at least
    /// <see cref="ColumnsLength"/> values; its contents on return are unspecified. Split over threads as
    /// <see cref="Forward{T}"/> is: the weight and bias gradients by filters (each thread adds the samples in order, so the
    /// sums are the same), the input gradient by samples.
    /// </summary>
    public static unsafe void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dw, Span<T> db, Span<T> dx, Span<T> columns,
        int n, int channels, int height, int width, int filters, int kernel, int stride, int padTop, int padLeft, int outHeight, int outWidth,
        int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckGeometry(n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        var g = new Geometry(n, channels, height, width, filters, kernel, stride, padTop, padLeft, outHeight, outWidth);
        Check.Length(x, n * g.InSize, nameof(x));
        Check.Length(w, filters * g.Rows, nameof(w));
        Check.Length(dy, n * g.OutSize, nameof(dy));
        Check.Length(dw, filters * g.Rows, nameof(dw));
        Check.Length(columns, g.ColumnsLength, nameof(columns));
        if (!db.IsEmpty) Check.Length(db, filters, nameof(db));
        if (!dx.IsEmpty) Check.Length(dx, n * g.InSize, nameof(dx));

        int copies = columns.Length / g.ColumnsLength;
        int weightParts = Math.Min(Parallelism.Parts(threads, g.Work, (filters + 3) / 4), copies);
        int inputParts = dx.IsEmpty ? 1 : Math.Min(Parallelism.Parts(threads, g.Work, n), copies);
        if (weightParts <= 1 && inputParts <= 1)
        {
            WeightGradient(x, dy, dw, db, columns, g, 0, filters);
            if (!dx.IsEmpty) InputGradientSamples(w, dy, dx, columns, g, 0, n);
            return;
        }
        fixed (T* px = x, pw = w, pdy = dy, pdw = dw, pdb = db, pdx = dx, pc = columns)
        {
            var job = new Job<T> { G = g, X = px, W = pw, Dy = pdy, Dw = pdw, Db = pdb, Dx = pdx, Columns = pc };
            WorkerPool.Shared.Run(&WeightGradientPart<T>, &job, weightParts);
            if (pdx != null) WorkerPool.Shared.Run(&InputGradientPart<T>, &job, inputParts);
        }
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
        /// <summary>Rows of the im2col matrix: channels · kernel · kernel.</summary>
        public int Rows => Channels * Kernel * Kernel;
        public int ColumnsLength => Rows * Positions;
        /// <summary>Multiply-adds of the forward product over the batch.</summary>
        public long Work => (long)N * Filters * Rows * Positions;
    }

    /// <summary>The pinned operands of a split call, on the caller's stack while the parts run (null: absent).</summary>
    private unsafe struct Job<T> where T : unmanaged
    {
        public Geometry G;
        public T* X, W, B, Y, Dy, Dw, Db, Dx, Columns;

        public readonly ReadOnlySpan<T> Read(T* p, int length) => p == null ? default : new ReadOnlySpan<T>(p, length);
        public readonly Span<T> Write(T* p, int length) => p == null ? default : new Span<T>(p, length);
        /// <summary>The scratch copy of part <paramref name="part"/>.</summary>
        public readonly Span<T> Scratch(int part) => new(Columns + (long)part * G.ColumnsLength, G.ColumnsLength);
    }

    private static unsafe void ForwardPart<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly Job<T> j = ref *(Job<T>*)arguments;
        Geometry g = j.G;
        (int start, int end) = Parallelism.Range(g.N, part, parts, 1);
        ForwardSamples(j.Read(j.X, g.N * g.InSize), j.Read(j.W, g.Filters * g.Rows), j.Read(j.B, g.Filters),
            j.Write(j.Y, g.N * g.OutSize), j.Scratch(part), g, start, end);
    }

    private static unsafe void WeightGradientPart<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly Job<T> j = ref *(Job<T>*)arguments;
        Geometry g = j.G;
        (int start, int end) = Parallelism.Range(g.Filters, part, parts, 4);
        WeightGradient(j.Read(j.X, g.N * g.InSize), j.Read(j.Dy, g.N * g.OutSize), j.Write(j.Dw, g.Filters * g.Rows),
            j.Write(j.Db, g.Filters), j.Scratch(part), g, start, end);
    }

    private static unsafe void InputGradientPart<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly Job<T> j = ref *(Job<T>*)arguments;
        Geometry g = j.G;
        (int start, int end) = Parallelism.Range(g.N, part, parts, 1);
        InputGradientSamples(j.Read(j.W, g.Filters * g.Rows), j.Read(j.Dy, g.N * g.OutSize), j.Write(j.Dx, g.N * g.InSize),
            j.Scratch(part), g, start, end);
    }

    /// <summary>Forward pass of samples <c>[s0, s1)</c>, unfolding each into <paramref name="columns"/>.</summary>
    private static void ForwardSamples<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, Span<T> columns,
        in Geometry g, int s0, int s1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inSize = g.InSize, positions = g.Positions, outSize = g.OutSize, rows = g.Rows;
        ref T wRef = ref MemoryMarshal.GetReference(w);
        ref T colRef = ref MemoryMarshal.GetReference(columns);
        for (int s = s0; s < s1; s++)
        {
            Im2Col(x.Slice(s * inSize, inSize), columns, g.Channels, g.Height, g.Width, g.Kernel, g.Stride, g.PadTop, g.PadLeft, g.OutHeight, g.OutWidth);
            Span<T> ys = y.Slice(s * outSize, outSize);
            // y_s[f, p] = Σ_j w[f, j]·columns[j, p], then + b[f]
            Gemm.MultiplyAdd(ref wRef, rows, 1, ref colRef, positions, ref MemoryMarshal.GetReference(ys), positions,
                0, g.Filters, rows, positions, accumulate: false);
            if (!b.IsEmpty)
            {
                for (int f = 0; f < g.Filters; f++)
                    RowMath.AddScalar(b[f], ys.Slice(f * positions, positions));
            }
        }
    }

    /// <summary>
    /// <c>dw</c> and <c>db</c> rows of filters <c>[f0, f1)</c>, overwritten: every sample in order, each unfolded into
    /// <paramref name="columns"/>, its products added to the running sums.
    /// </summary>
    private static void WeightGradient<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, Span<T> db, Span<T> columns,
        in Geometry g, int f0, int f1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inSize = g.InSize, positions = g.Positions, outSize = g.OutSize, rows = g.Rows;
        dw.Slice(f0 * rows, (f1 - f0) * rows).Clear();
        if (!db.IsEmpty) db.Slice(f0, f1 - f0).Clear();
        ref T dwRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(dw), f0 * rows);
        ref T colRef = ref MemoryMarshal.GetReference(columns);
        for (int s = 0; s < g.N; s++)
        {
            ref T dyRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), s * outSize + f0 * positions);

            // dw[f, j] += Σ_p dy_s[f, p]·columns[j, p]
            Im2Col(x.Slice(s * inSize, inSize), columns, g.Channels, g.Height, g.Width, g.Kernel, g.Stride, g.PadTop, g.PadLeft, g.OutHeight, g.OutWidth);
            Gemm.DotRows(ref dyRef, positions, ref colRef, positions, ref dwRef, false, ref dwRef, rows,
                f1 - f0, 0, rows, positions, accumulate: true);

            // db[f] += Σ_p dy_s[f, p]
            if (!db.IsEmpty)
            {
                for (int f = f0; f < f1; f++)
                    db[f] += RowMath.Sum(dy.Slice(s * outSize + f * positions, positions));
            }
        }
    }

    /// <summary>
    /// <c>dx</c> of samples <c>[s0, s1)</c>: <c>dcolumns[j, p] = Σ_f w[f, j]·dy_s[f, p]</c> into <paramref name="columns"/>,
    /// then folded back (col2im) onto the input positions they were read from.
    /// </summary>
    private static void InputGradientSamples<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, Span<T> columns,
        in Geometry g, int s0, int s1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inSize = g.InSize, positions = g.Positions, outSize = g.OutSize, rows = g.Rows;
        ref T wRef = ref MemoryMarshal.GetReference(w);
        ref T colRef = ref MemoryMarshal.GetReference(columns);
        for (int s = s0; s < s1; s++)
        {
            ref T dyRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), s * outSize);
            Gemm.MultiplyAdd(ref wRef, 1, rows, ref dyRef, positions, ref colRef, positions, 0, rows, g.Filters, positions, accumulate: false);
            Span<T> dxs = dx.Slice(s * inSize, inSize);
            dxs.Clear();
            Col2Im(columns, dxs, g.Channels, g.Height, g.Width, g.Kernel, g.Stride, g.PadTop, g.PadLeft, g.OutHeight, g.OutWidth);
        }
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

    /// <summary>
    /// The output columns <c>[start, end)</c> whose input column <c>ow·stride − padLeft + kj</c> lies inside <c>[0, width)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ValidRange(int kj, int width, int stride, int padLeft, int outWidth, out int start, out int end)
    {
        int low = padLeft - kj;                // ow·stride ≥ low
        int high = width - 1 + padLeft - kj;   // ow·stride ≤ high
        end = high < 0 ? 0 : Math.Min(outWidth, high / stride + 1);
        start = low <= 0 ? 0 : Math.Min((low + stride - 1) / stride, end);
    }

    /// <summary>Unfolds one sample <paramref name="x"/> [channels, height, width] into <paramref name="columns"/> [channels·kernel·kernel, outHeight·outWidth].</summary>
    private static void Im2Col<T>(ReadOnlySpan<T> x, Span<T> columns, int channels, int height, int width, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int positions = outHeight * outWidth, row = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<T> plane = x.Slice(c * height * width, height * width);
            for (int ki = 0; ki < kernel; ki++)
            {
                for (int kj = 0; kj < kernel; kj++, row++)
                {
                    ValidRange(kj, width, stride, padLeft, outWidth, out int start, out int end);
                    int iw0 = start * stride - padLeft + kj;
                    Span<T> dst = columns.Slice(row * positions, positions);
                    for (int oh = 0; oh < outHeight; oh++)
                    {
                        Span<T> line = dst.Slice(oh * outWidth, outWidth);
                        int ih = oh * stride - padTop + ki;
                        if ((uint)ih >= (uint)height || start == end)
                        {
                            line.Clear();
                            continue;
                        }
                        line.Slice(0, start).Clear();
                        line.Slice(end).Clear();
                        ReadOnlySpan<T> src = plane.Slice(ih * width);
                        if (stride == 1)
                        {
                            src.Slice(iw0, end - start).CopyTo(line.Slice(start));
                        }
                        else
                        {
                            for (int ow = start, iw = iw0; ow < end; ow++, iw += stride)
                                line[ow] = src[iw];
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds every value of <paramref name="columns"/> to the input position it was unfolded from, into <paramref name="dx"/> [channels, height, width].</summary>
    private static void Col2Im<T>(ReadOnlySpan<T> columns, Span<T> dx, int channels, int height, int width, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int positions = outHeight * outWidth, row = 0;
        for (int c = 0; c < channels; c++)
        {
            Span<T> plane = dx.Slice(c * height * width, height * width);
            for (int ki = 0; ki < kernel; ki++)
            {
                for (int kj = 0; kj < kernel; kj++, row++)
                {
                    ValidRange(kj, width, stride, padLeft, outWidth, out int start, out int end);
                    if (start == end) continue;
                    int iw0 = start * stride - padLeft + kj;
                    ReadOnlySpan<T> src = columns.Slice(row * positions, positions);
                    for (int oh = 0; oh < outHeight; oh++)
                    {
                        int ih = oh * stride - padTop + ki;
                        if ((uint)ih >= (uint)height) continue;
                        ReadOnlySpan<T> line = src.Slice(oh * outWidth + start, end - start);
                        Span<T> dst = plane.Slice(ih * width);
                        if (stride == 1)
                        {
                            RowMath.Add(line, dst.Slice(iw0, end - start));
                        }
                        else
                        {
                            for (int k = 0, iw = iw0; k < line.Length; k++, iw += stride)
                                dst[iw] += line[k];
                        }
                    }
                }
            }
        }
    }
}
