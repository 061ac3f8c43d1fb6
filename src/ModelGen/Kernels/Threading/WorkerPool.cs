using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace ModelGen.Kernels;

/// <summary>
/// The persistent threads the kernels split their large products over: created once, on the first call that needs
/// them, then reused by every call, with no allocation, no <c>Task</c> and no delegate per call. The calling thread
/// always does part 0 itself; worker <c>w</c> does part <c>w</c>. Workers that have nothing to do spin briefly (the
/// next product of a training step usually follows within microseconds), then sleep until they are woken.
/// </summary>
/// <remarks>
/// Jobs are a function pointer and a pointer to arguments on the caller's stack (spans pinned by the caller), which is
/// safe because <see cref="Run"/> returns only when every part has finished. One job runs at a time: a second thread
/// that calls <see cref="Run"/> while a job is under way does all its parts itself, which gives the same bits, since the
/// kernels split only along axes that no sum runs over.
/// </remarks>
internal sealed unsafe class WorkerPool
{
    /// <summary>How long an idle worker spins, waiting for the next job, before it sleeps.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    private static WorkerPool? s_shared;
    private static readonly object s_createLock = new();

    private readonly object _gate = new();
    /// <summary>The words the caller and the workers hand a job over with, in native memory (see <see cref="Lines"/>).</summary>
    private readonly Lines* _lines;
    /// <summary>The count of finished worker parts that ends the current job (<see cref="Lines.Finished"/>); the caller's only.</summary>
    private long _finishTarget;
    private int _busy;
    /// <summary>The first exception a worker's part threw in the current job, if any.</summary>
    private Exception? _failure;
    /// <summary>Bytes each worker had allocated when it last finished a part, one per <see cref="Lines.Spacing"/> bytes (index: worker number).</summary>
    private readonly long* _allocated;

    /// <summary>
    /// The words of the hand-over, each group on cache lines of its own, 128 bytes apart (a core's prefetcher fetches
    /// lines in pairs), so that a write by one side does not take from the other side a line it is spinning on. Each
    /// group is written by one side only, once per job: the caller publishes the job (<see cref="Ticket"/>, with the job
    /// beside it, read by the workers right after), the workers count their finished parts (<see cref="Finished"/>, read
    /// by the caller); the sleepers' count and each worker's allocation count are written only when they change. With
    /// the fields of a single object instead, the caller's writes after a job (and a worker's before the next) took the
    /// line back and forth while the other side spun on it: batch-1 LeNet's split convolutions started their worker's
    /// part 1.8 µs after publishing it and returned 1.8 µs after that part had ended (AVX2 path, Zen 5, instrumented).
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 3 * Spacing)]
    private struct Lines
    {
        public const int Spacing = 128;

        /// <summary>The current job's number (high bits) and its number of parts (low 8 bits), published together.</summary>
        [FieldOffset(0)] public long Ticket;
        [FieldOffset(8)] public delegate*<void*, int, int, void> Job;
        [FieldOffset(16)] public void* Arguments;

        /// <summary>Worker parts finished since the pool was created.</summary>
        [FieldOffset(Spacing)] public long Finished;

        [FieldOffset(2 * Spacing)] public int Sleepers;
    }

    private WorkerPool(int workers)
    {
        Workers = workers;
        // Never freed: the pool lives as long as the process.
        _lines = (Lines*)NativeMemory.AlignedAlloc((nuint)sizeof(Lines), Lines.Spacing);
        *_lines = default;
        nuint allocated = (nuint)(workers + 1) * Lines.Spacing;
        _allocated = (long*)NativeMemory.AlignedAlloc(allocated, Lines.Spacing);
        NativeMemory.Clear(_allocated, allocated);
        for (int w = 1; w <= workers; w++)
        {
            int index = w;
            var thread = new Thread(() => Work(index)) { IsBackground = true, Name = $"ModelGen kernel worker {index}" };
            thread.Start();
        }
    }

    /// <summary>Worker <paramref name="w"/>'s allocation count.</summary>
    private long* Allocated(int w) => _allocated + (nint)w * (Lines.Spacing / sizeof(long));

    /// <summary>Threads besides the caller's.</summary>
    public int Workers { get; }

    /// <summary>Managed bytes the workers have allocated, as of the parts they last finished (for the allocation tests).</summary>
    public long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            for (int w = 1; w <= Workers; w++) sum += Volatile.Read(ref *Allocated(w));
            return sum;
        }
    }

    /// <summary>Most threads a job can use (the number of parts travels in 8 bits).</summary>
    public const int MaxThreads = 64;

    /// <summary>The pool, with one worker per processor beyond the first (up to <see cref="MaxThreads"/> in all), created on first use.</summary>
    public static WorkerPool Shared
    {
        get
        {
            WorkerPool? pool = Volatile.Read(ref s_shared);
            if (pool is not null) return pool;
            lock (s_createLock)
                return s_shared ??= new WorkerPool(Math.Clamp(Environment.ProcessorCount, 1, MaxThreads) - 1);
        }
    }

    /// <summary>
    /// Runs <c>job(arguments, part, parts)</c> for every part in <c>[0, parts)</c>, part 0 on the calling thread, and
    /// returns when all have finished. <paramref name="parts"/> is at most <see cref="Workers"/> + 1.
    /// </summary>
    public void Run(delegate*<void*, int, int, void> job, void* arguments, int parts)
    {
        if (parts > Workers + 1) throw new ArgumentOutOfRangeException(nameof(parts), parts, $"At most {Workers + 1} parts.");
        if (parts <= 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            RunHere(job, arguments, parts);
            return;
        }

        Lines* lines = _lines;
        lines->Job = job;
        lines->Arguments = arguments;
        long target = _finishTarget += parts - 1;
        // Publishes the job (a full fence): a worker reads the number of parts from the same word as the job's number,
        // so one that wakes late cannot take the parts of a later job for those of an earlier one.
        Interlocked.Exchange(ref lines->Ticket, ((lines->Ticket >> 8) + 1 << 8) | (long)parts);

        // From here on the workers read the caller's pinned arguments, so Run must not leave before they are done:
        // nothing below waits in a way that Thread.Interrupt could break (an interrupt is kept for the caller's next
        // blocking call), and an exception of any part is rethrown on the caller's thread once every part has stopped.
        Exception? failure = null;
        bool interrupted = false;
        try
        {
            if (Volatile.Read(ref lines->Sleepers) > 0) interrupted = WakeSleepers();
            job(arguments, 0, parts);
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            for (int spins = 0; Volatile.Read(ref lines->Finished) != target; spins++)
            {
                // About the spinning budget of 64 × SpinWait(32), in steps of one pause: the wait ends within a pause of
                // the last part finishing (batch-1 layers finish in microseconds).
                if (spins >= 4096) Thread.Yield();
                else if (X86Base.IsSupported) X86Base.Pause();
                else Thread.SpinWait(1);
            }
            // Taken even when the caller's own part failed, so that it cannot surface in the next job.
            if (Volatile.Read(ref _failure) is not null)
            {
                Exception? fromWorker = Interlocked.Exchange(ref _failure, null);
                failure ??= fromWorker;
            }
            Volatile.Write(ref _busy, 0);
        }
        if (interrupted) Thread.CurrentThread.Interrupt();
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
    }

    /// <summary>
    /// Every part on the calling thread, in order (one part, or the workers busy with another caller's job), with the
    /// same rule for failures as on the workers: every part runs to its end or its throw, then the first exception is
    /// rethrown (a part that threw used to skip the parts after it, so a call's parts ran or not depending on whether
    /// the workers were free).
    /// </summary>
    private static void RunHere(delegate*<void*, int, int, void> job, void* arguments, int parts)
    {
        Exception? failure = null;
        for (int part = 0; part < parts; part++)
        {
            try
            {
                job(arguments, part, parts);
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
    }

    /// <summary>
    /// Runs <c>job(arguments, chunk, chunks)</c> for every chunk in <c>[0, chunks)</c> on up to <paramref name="parts"/>
    /// threads (the caller's included), each thread taking the next chunk not yet taken as soon as it is free, and
    /// returns when all have finished. A thread that runs slower (a busier core, a virtual processor that shares its
    /// core) then does fewer chunks instead of holding the others up at the end; what a chunk computes does not depend
    /// on the thread that runs it, so the result does not either.
    /// </summary>
    public void RunChunks(delegate*<void*, int, int, void> job, void* arguments, int chunks, int parts)
    {
        parts = Math.Min(parts, chunks);
        if (parts <= 1)
        {
            for (int chunk = 0; chunk < chunks; chunk++) job(arguments, chunk, chunks);
            return;
        }
        var claims = new Claims { Job = job, Arguments = arguments, Chunks = chunks };
        Run(&TakeChunks, &claims, parts);
    }

    /// <summary>A job cut into chunks and the count of chunks taken so far (on the caller's stack while it runs).</summary>
    private struct Claims
    {
        public delegate*<void*, int, int, void> Job;
        public void* Arguments;
        public int Chunks;
        public int Taken;
    }

    private static void TakeChunks(void* arguments, int part, int parts)
    {
        Claims* claims = (Claims*)arguments;
        for (int chunk; (chunk = Interlocked.Increment(ref claims->Taken) - 1) < claims->Chunks;)
            claims->Job(claims->Arguments, chunk, claims->Chunks);
    }

    /// <summary>Wakes the sleeping workers; true if the caller was interrupted while taking the lock (it retries).</summary>
    private bool WakeSleepers()
    {
        bool interrupted = false;
        while (true)
        {
            try
            {
                lock (_gate) Monitor.PulseAll(_gate);
                return interrupted;
            }
            catch (ThreadInterruptedException)
            {
                interrupted = true;
            }
        }
    }

    private void Work(int index)
    {
        Lines* lines = _lines;
        long* allocated = Allocated(index);
        long seen = 0;
        while (true)
        {
            long ticket = Volatile.Read(ref lines->Ticket);
            if (ticket == seen)
            {
                long start = Stopwatch.GetTimestamp();
                while ((ticket = Volatile.Read(ref lines->Ticket)) == seen && Stopwatch.GetTimestamp() - start < SpinTicks)
                    Thread.SpinWait(1);
                if (ticket == seen)
                {
                    lock (_gate)
                    {
                        // Counted before the last look at the ticket, so Run either sees a sleeper or this thread
                        // sees the new job (both sides use full fences).
                        Interlocked.Increment(ref lines->Sleepers);
                        while ((ticket = Volatile.Read(ref lines->Ticket)) == seen) Monitor.Wait(_gate);
                        Interlocked.Decrement(ref lines->Sleepers);
                    }
                }
            }
            seen = ticket;
            int parts = (int)(ticket & 0xFF);
            if (index < parts)
            {
                // The job stays as published until this part is done: Run waits for it before the next one.
                try
                {
                    lines->Job(lines->Arguments, index, parts);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, e, null); // for Run to rethrow; the worker lives on
                }
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                if (bytes != *allocated) Volatile.Write(ref *allocated, bytes);
                Interlocked.Increment(ref lines->Finished);
            }
        }
    }
}
