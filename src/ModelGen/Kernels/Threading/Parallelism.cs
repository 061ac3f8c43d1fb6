using System;
using System.Globalization;
using ModelGen.Kernels;
using ModelGen.Kernels.Optimizers;

namespace ModelGen;

/// <summary>
/// How many threads the generated models' kernels may use, process-wide. A model's own
/// <see cref="ModelAttribute.Threads"/> can lower it further for that model; a product is split only when each thread
/// gets enough work to pay for the hand-over, so small layers always run on the calling thread.
/// </summary>
/// <remarks>
/// The split never changes a result: products are divided along rows or columns of the output, never along a sum, so
/// every number is computed the same way on one thread or many.
/// </remarks>
public static class Parallelism
{
    /// <summary>Multiply-adds a thread should get before a product is split (about 5 µs of work on one core).</summary>
    internal const long MinWorkPerThread = 1L << 19;

    private static int s_maxThreads = Initial();

    /// <summary>
    /// The most threads a product may run on, the calling thread included: 1 keeps everything on the calling thread.
    /// Defaults to the number of processors (at most 64), or to the environment variable <c>MODELGEN_THREADS</c> when set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 64.</exception>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            if (value < 1 || value > WorkerPool.MaxThreads)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"MaxThreads must be between 1 and {WorkerPool.MaxThreads}.");
            s_maxThreads = value;
        }
    }

    /// <summary>
    /// Number of parts to split <paramref name="work"/> multiply-adds into: at most <paramref name="threads"/> (0 means
    /// <see cref="MaxThreads"/>), <see cref="MaxThreads"/>, the processors there are and <paramref name="units"/> (the
    /// pieces the work can be cut into), and few enough that each gets <see cref="MinWorkPerThread"/>.
    /// </summary>
    internal static int Parts(int threads, long work, int units)
    {
        int limit = threads <= 0 ? s_maxThreads : Math.Min(threads, s_maxThreads);
        if (limit <= 1 || work < 2 * MinWorkPerThread) return 1;
        limit = Math.Min(limit, Math.Min(Environment.ProcessorCount, WorkerPool.MaxThreads));
        long byWork = work / MinWorkPerThread;
        return (int)Math.Max(1, Math.Min(Math.Min(limit, byWork), units));
    }

    /// <summary>
    /// Chunks to cut <paramref name="units"/> into for <see cref="WorkerPool.RunChunks"/> on <paramref name="parts"/>
    /// threads: four per thread (a thread that runs a third slower then costs the call about a tenth, not a third), at
    /// most one per unit and at least <paramref name="minUnits"/> units each.
    /// </summary>
    internal static int Chunks(int parts, int units, int minUnits = 1) =>
        parts <= 1 ? 1 : Math.Max(parts, Math.Min(4 * parts, units / Math.Max(1, minUnits)));

    /// <summary>Part <paramref name="part"/> of <paramref name="count"/> items cut into <paramref name="parts"/> runs whose starts are multiples of <paramref name="align"/>.</summary>
    internal static (int Start, int End) Range(int count, int part, int parts, int align)
    {
        int blocks = Blocks(count, align);
        int start = (int)((long)blocks * part / parts) * align;
        int end = part == parts - 1 ? count : (int)((long)blocks * (part + 1) / parts) * align;
        return (Math.Min(start, count), Math.Min(end, count));
    }

    /// <summary>
    /// Rows of a layer's output units (or channels) that thread <paramref name="part"/> of <paramref name="parts"/> owns:
    /// its forward product computes those outputs (packing their weights), its weight-gradient product computes their rows
    /// of the gradient, and the optimizer's pass updates those rows (<see cref="Elementwise{TJob}(ref TJob, int, int, ParameterLayout)"/>).
    /// The weights, gradients and optimizer state of a row are then written and read by one core on every step and stay
    /// in its cache, instead of crossing to the other core's between the products and the optimizer's pass. Runs start
    /// at multiples of <see cref="OwnerAlign"/>. The shares line up when the products and the pass are split into the
    /// same number of parts, each by its own work: on two processors, every split; on more, a layer whose products
    /// have work for more threads than the optimizer's pass over its model may be split more ways than the pass.
    /// </summary>
    internal static (int Start, int End) OwnedRange(int count, int part, int parts) => Range(count, part, parts, OwnerAlign);

    /// <summary>
    /// Alignment of <see cref="OwnedRange"/>: a multiple of every packed panel's width (NR: 8 to 32 floats, 4 to 16
    /// doubles), so that a forward product's share of the columns is whole panels.
    /// </summary>
    internal const int OwnerAlign = 32;

    /// <summary><c>⌈count / size⌉</c> for <c>count ≥ 0</c>, <c>size &gt; 0</c>, without the overflow of <c>count + size − 1</c>.</summary>
    internal static int Blocks(int count, int size) => (int)(((long)count + size - 1) / size);

    /// <summary>
    /// Runs <paramref name="job"/> over <c>[0, job.Count)</c>, split into runs of whole 64-element blocks over up to
    /// <paramref name="threads"/> threads when <paramref name="costPerElement"/> (in multiply-add equivalents) makes it
    /// pay. For passes whose elements are independent (optimizer updates), so the split never changes a result.
    /// </summary>
    internal static unsafe void Elementwise<TJob>(ref TJob job, int threads, int costPerElement) where TJob : unmanaged, IElementwiseJob
    {
        int count = job.Count;
        int parts = Parts(threads, (long)count * costPerElement, Blocks(count, 64));
        if (parts <= 1)
        {
            job.Run(0, count);
            return;
        }
        fixed (TJob* pointer = &job)
            WorkerPool.Shared.RunChunks(&ElementwisePart<TJob>, pointer, Chunks(parts, Blocks(count, 64)), parts);
    }

    /// <summary>
    /// <see cref="Elementwise{TJob}(ref TJob, int, int)"/> over a model's parameters laid out as <paramref name="layout"/>
    /// says, each thread updating the rows of every tensor that it owns (<see cref="OwnedRange"/>), in fixed shares rather
    /// than chunks taken as threads become free. Each element is updated the same way wherever it falls.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="layout"/> does not cover the job's elements.</exception>
    internal static unsafe void Elementwise<TJob>(ref TJob job, int threads, int costPerElement, ParameterLayout? layout)
        where TJob : unmanaged, IElementwiseJob
    {
        if (layout is null)
        {
            Elementwise(ref job, threads, costPerElement);
            return;
        }
        int count = job.Count;
        if (layout.Count != count)
            throw new ArgumentException($"The parameter layout covers {layout.Count} values; the parameters have {count}.", nameof(layout));
        int parts = Parts(threads, (long)count * costPerElement, Blocks(count, 64));
        if (parts <= 1)
        {
            job.Run(0, count);
            return;
        }
        fixed (TJob* pointer = &job)
        fixed (int* rows = layout.Rows, lengths = layout.RowLengths)
        {
            var owned = new OwnedJob<TJob> { Job = pointer, Rows = rows, RowLengths = lengths, Tensors = layout.Rows.Length };
            WorkerPool.Shared.Run(&OwnedPart<TJob>, &owned, parts);
        }
    }

    /// <summary>A job and its parameter layout, pinned on the caller's stack while it runs.</summary>
    private unsafe struct OwnedJob<TJob> where TJob : unmanaged
    {
        public TJob* Job;
        public int* Rows, RowLengths;
        public int Tensors;
    }

    /// <summary>Values up to which a tensor with fewer rows than the threads' shares is updated on the calling thread alone.</summary>
    internal const int SmallTensor = 4096;

    private static unsafe void OwnedPart<TJob>(void* arguments, int part, int parts) where TJob : unmanaged, IElementwiseJob
    {
        OwnedJob<TJob>* owned = (OwnedJob<TJob>*)arguments;
        int offset = 0;
        for (int t = 0; t < owned->Tensors; t++)
        {
            int rows = owned->Rows[t], length = owned->RowLengths[t], values = rows * length;
            if (Blocks(rows, OwnerAlign) >= parts)
            {
                (int start, int end) = OwnedRange(rows, part, parts);
                if (start < end) owned->Job->Run(offset + start * length, offset + end * length);
            }
            else if (values <= SmallTensor)
            {
                // Too few rows to share: a small tensor (a bias, a short layer), whose products ran on the calling thread.
                if (part == 0) owned->Job->Run(offset, offset + values);
            }
            else
            {
                // Few long rows (a layer of 32 outputs or fewer over many inputs, whose products split otherwise): even shares.
                (int start, int end) = Range(values, part, parts, 64);
                if (start < end) owned->Job->Run(offset + start, offset + end);
            }
            offset += values;
        }
    }

    /// <summary>
    /// Runs <paramref name="job"/> over its units <c>[0, job.Count)</c> (channels, samples) in even fixed shares, one run
    /// of units per thread, over up to <paramref name="threads"/> threads when <paramref name="work"/> (multiply-add
    /// equivalents) pays for them. For passes whose units do not depend on one another, so the split changes no result.
    /// </summary>
    internal static unsafe void Shares<TJob>(ref TJob job, int threads, long work) where TJob : unmanaged, IElementwiseJob
    {
        int count = job.Count;
        int parts = Parts(threads, work, count);
        if (parts <= 1)
        {
            job.Run(0, count);
            return;
        }
        fixed (TJob* pointer = &job)
            WorkerPool.Shared.Run(&SharePart<TJob>, pointer, parts);
    }

    private static unsafe void SharePart<TJob>(void* arguments, int part, int parts) where TJob : unmanaged, IElementwiseJob
    {
        ref TJob job = ref *(TJob*)arguments;
        (int start, int end) = Range(job.Count, part, parts, 1);
        if (start < end) job.Run(start, end);
    }

    private static unsafe void ElementwisePart<TJob>(void* arguments, int part, int parts) where TJob : unmanaged, IElementwiseJob
    {
        ref TJob job = ref *(TJob*)arguments;
        (int start, int end) = Range(job.Count, part, parts, 64);
        job.Run(start, end);
    }

    private static int Initial()
    {
        int processors = Math.Clamp(Environment.ProcessorCount, 1, WorkerPool.MaxThreads);
        string? text = Environment.GetEnvironmentVariable("MODELGEN_THREADS");
        if (text is not null && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 1)
            return Math.Min(value, WorkerPool.MaxThreads);
        return processors;
    }
}

/// <summary>A pass over elements that do not depend on one another, with its operands pinned (see <see cref="Parallelism.Elementwise{TJob}(ref TJob, int, int)"/>).</summary>
internal interface IElementwiseJob
{
    /// <summary>Number of elements.</summary>
    int Count { get; }

    /// <summary>Processes elements <c>[start, end)</c>.</summary>
    void Run(int start, int end);
}
