using System;
using System.IO;
using System.Linq;
using ModelGen.Kernels;
using ModelGen.Kernels.Optimizers;
using Xunit;

namespace ModelGen.Tests;

/// <summary>
/// Splitting products over threads changes nothing but the time: the same bits on one thread or several, for the
/// kernels and for a whole model, and no allocation on the calling thread or the workers once they exist.
/// </summary>
public class ThreadingTests
{
    // Large enough to be split on any machine with two processors or more: 64·300·200 = 3.84 M multiply-adds.
    private const int N = 64, Inputs = 300, Outputs = 200;

    [Fact]
    public void A_large_product_is_split_over_the_processors_and_a_small_one_is_not()
    {
        // 3.84 M multiply-adds are 7 parts' worth of work (2^19 each); on this machine's 2 processors, 2 parts.
        int processors = Math.Min(Environment.ProcessorCount, Parallelism.MaxThreads);
        Assert.Equal(Math.Min(processors, 7), Parallelism.Parts(0, (long)N * Inputs * Outputs, Outputs / 4));
        Assert.Equal(1, Parallelism.Parts(1, (long)N * Inputs * Outputs, Outputs / 4));   // threads: 1
        Assert.Equal(1, Parallelism.Parts(0, 4 * 2 * 8, 2));                               // the XOR network's layer
        Assert.Equal(1, Parallelism.Parts(0, 784 * 128, 32));                              // batch-1 inference of 784-128
    }

    [Fact]
    public void A_batch_1_product_is_split_only_when_its_weights_outgrow_half_of_one_cores_L2_cache()
    {
        int processors = Math.Min(Environment.ProcessorCount, Parallelism.MaxThreads);
        int half = CoreCache.L2Bytes / 2;
        // 784 × 128 (392 KiB): one core's L2 holds it where it has 1 MiB (Zen 5), not 512 KiB (Zen 3), where it is
        // split at 16 × 100 k multiply-adds (3 parts' worth), at most one panel of columns each.
        int columns = PackedGemm.Blocking<float>().Columns;
        Assert.Equal(784 * 128 * sizeof(float) > half ? Math.Min(Math.Min(processors, 3), 128 / columns) : 1,
            PackedGemm.Parts<float>(1, 128, 784, splitRows: false, threads: 0));
        // 1024 × 1024 (4 MiB) streams on every machine with an L2 under 8 MiB; split at a sixteenth of the work,
        // 16 M multiply-adds' worth (32 parts' worth), over the processors, at most one panel of columns each.
        if (half < 1024 * 1024 * sizeof(float))
            Assert.Equal(Math.Min(Math.Min(processors, 32), 1024 / columns),
                PackedGemm.Parts<float>(1, 1024, 1024, splitRows: false, threads: 0));
        // A batch of 64 is bound by arithmetic: split by its work alone, whatever the weights.
        Assert.Equal(Math.Min(processors, 2), PackedGemm.Parts<float>(64, 128, 128, splitRows: false, threads: 0));
        Assert.Equal(1, PackedGemm.Parts<float>(1, 1024, 1024, splitRows: false, threads: 1));
    }

    [Fact]
    public void A_layers_single_sample_calls_try_both_ways_in_turn_then_keep_the_faster()
    {
        var choice = new SplitChoice();
        // Each cycle starts its trial afresh: alone is faster in the first, split in the second and third (by less than
        // the first cycle's margin, so sums kept from it would keep "alone"), alone again in the fourth.
        bool[] aloneFaster = [true, false, false, true];
        for (int cycle = 0; cycle < aloneFaster.Length; cycle++)
        {
            for (int call = 0; call < SplitChoice.Cycle; call++)
            {
                bool trial = call < SplitChoice.Trial;
                Assert.Equal(call, choice.Calls);
                Assert.Equal(trial, choice.Timed);
                // The trial alternates, split first; then the faster way, every call.
                Assert.Equal(trial ? call % 2 == 1 : aloneFaster[cycle], choice.Alone);
                long ticks = choice.Alone == aloneFaster[cycle] ? 100 : cycle == 0 ? 200 : 110;
                // One slow outlier on the faster side in the first cycle's trial is left out of its sum.
                if (cycle == 0 && call == 1) ticks = 5000;
                choice.Record(trial ? ticks : 0);
            }
        }
    }

    [Fact]
    public void A_single_samples_convolution_gives_the_same_bits_split_or_not()
    {
        // 16×20×20 → 32×20×20 (same padding): enough work to split, so its calls through packed weights try both ways.
        const int c = 16, h = 20, f = 32, k = 5;
        float[] x = TestData.Floats(c * h * h, seed: 61), w = TestData.Floats(f * c * k * k, seed: 62), b = TestData.Floats(f, seed: 63);
        float[] expected = new float[f * h * h], y = new float[expected.Length];
        Conv2D.Forward<float>(x, w, b, expected, 1, c, h, h, f, k, 1, 2, 2, h, h, threads: 1);
        var packed = new PackedWeights<float>(c * k * k, f);
        for (int call = 0; call < SplitChoice.Trial + 4; call++)
        {
            Array.Clear(y);
            Conv2D.Forward<float>(x, w, packed, version: 0, b, y, 1, c, h, h, f, k, 1, 2, 2, h, h, threads: 0);
            Assert.True(expected.AsSpan().SequenceEqual(y), $"call {call}");
        }
        // Every call went through the choice (so half of the trial ran split) where there are threads to split over.
        int processors = Math.Min(Environment.ProcessorCount, Parallelism.MaxThreads);
        Assert.Equal(processors > 1 ? SplitChoice.Trial + 4 : 0, packed.SingleSample.Calls);
    }

    [Fact]
    public void A_batch_1_dense_layer_may_try_a_split_only_when_one_L2_holds_its_weights_and_they_are_large()
    {
        int half = CoreCache.L2Bytes / 2;
        // 256 × 256 (256 KiB): the least that may be split though one core's L2 holds it (on every L2 of 512 KiB or more).
        Assert.Equal(256 * 256 * sizeof(float) <= half, PackedGemm.MaySplitFewRows<float>(1, 256, 256));
        Assert.False(PackedGemm.MaySplitFewRows<float>(1, 255, 256));   // a row less: on one core
        Assert.False(PackedGemm.MaySplitFewRows<float>(2, 256, 256));   // two samples: one choice serves one size
        Assert.False(PackedGemm.MaySplitFewRows<float>(4, 256, 256));   // a batch: split by its work
        if (half < 1024 * 1024 * sizeof(float))
            Assert.False(PackedGemm.MaySplitFewRows<float>(1, 1024, 1024)); // streamed: always split
    }

    [Fact]
    public void A_single_samples_dense_layer_gives_the_same_bits_split_or_not()
    {
        // 1 × 256 → 256 (256 KiB of weights): its single-sample calls through packed weights try both ways where one
        // core's L2 holds the weights, and the results must not depend on the way.
        const int inputs = 256, outputs = 256;
        float[] x = TestData.Floats(inputs, seed: 71), w = TestData.Floats(outputs * inputs, seed: 72), b = TestData.Floats(outputs, seed: 73);
        float[] expected = new float[outputs], y = new float[outputs];
        Dense.Forward<float>(x, w, b, expected, 1, inputs, outputs, threads: 1, relu: true);
        var packed = new PackedWeights<float>(inputs, outputs);
        for (int call = 0; call < SplitChoice.Trial + 4; call++)
        {
            Array.Fill(y, float.NaN);
            Dense.Forward<float>(x, w, packed, version: 0, b, y, 1, inputs, outputs, threads: 0, relu: true);
            Assert.True(expected.AsSpan().SequenceEqual(y), $"call {call}");
        }
        // Every call went through the choice where the layer may split and there are threads to split over (so half of
        // the trial ran split): on every machine with two processors or more and an L2 of 512 KiB or more.
        int processors = Math.Min(Environment.ProcessorCount, Parallelism.MaxThreads);
        bool chooses = PackedGemm.MaySplitFewRows<float>(1, inputs, outputs)
            && PackedGemm.Parts<float>(1, outputs, inputs, splitRows: false, threads: 0, splitFewRows: true) > 1;
        Assert.Equal(processors > 1 && CoreCache.L2Bytes >= 512 * 1024, chooses);
        Assert.Equal(chooses ? SplitChoice.Trial + 4 : 0, packed.SingleSample.Calls);
    }

    [Fact]
    public unsafe void Asking_to_split_a_product_of_a_few_rows_changes_nothing_for_a_batch()
    {
        // SplitFewRows is for single samples only: a product of 4, 24 or 64 rows plans the same with it as without,
        // against weights packed once (Plan reads only whether there are) and packed per call.
        float packed = 0;
        foreach (int rows in new[] { 4, 24, 64 })
            foreach (var (k, n) in new[] { (256, 256), (1024, 10), (784, 1024) })
            foreach (bool prepacked in new[] { true, false })
            {
                var product = new PackedGemm.Product<float> { M = rows, N = n, K = k, OwnedColumns = true, PackedB = prepacked ? &packed : null };
                var asked = product with { SplitFewRows = true };
                Assert.Equal(PackedGemm.Plan(product, threads: 0), PackedGemm.Plan(asked, threads: 0));
            }
    }

    [Fact]
    public void The_L2_cache_size_is_the_one_the_C_library_reads()
    {
        // glibc's getconf reads the same processor description (CPUID on x86; on Intel's hybrid processors another
        // leaf, and maybe on another kind of core, so compared on AMD only).
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported || System.Runtime.Intrinsics.X86.X86Base.CpuId(0, 0).Ebx != 0x68747541) return; // "Auth"enticAMD
        if (!OperatingSystem.IsLinux() || !System.Runtime.Intrinsics.X86.X86Base.IsSupported || !File.Exists("/usr/bin/getconf")) return;
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/getconf", "LEVEL2_CACHE_SIZE")
        {
            RedirectStandardOutput = true,
        })!;
        string text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (long.TryParse(text, out long bytes) && bytes > 0)
            Assert.Equal(bytes, CoreCache.L2Bytes);
    }

    [Fact]
    public void Ranges_cover_every_item_once_in_aligned_runs()
    {
        foreach (int count in new[] { 1, 3, 4, 10, 128, 199, 1024 })
            foreach (int parts in new[] { 1, 2, 3, 7 })
            {
                var covered = new int[count];
                int previousEnd = 0;
                for (int part = 0; part < parts; part++)
                {
                    (int start, int end) = Parallelism.Range(count, part, parts, 4);
                    Assert.Equal(previousEnd, start);
                    Assert.True(start % 4 == 0 || start == count, $"part {part} of {parts} over {count} starts at {start}");
                    for (int i = start; i < end; i++) covered[i]++;
                    previousEnd = end;
                }
                Assert.Equal(count, previousEnd);
                Assert.All(covered, c => Assert.Equal(1, c));
            }
    }

    [Fact]
    public void Owned_ranges_cover_every_row_once_in_whole_panels_of_every_width()
    {
        // The forward product's share of the columns must be whole panels at every width and precision.
        foreach (int nr in new[] { PackedGemm.Blocking<float>().Columns, PackedGemm.Blocking<double>().Columns, 8, 16, 32 })
            Assert.Equal(0, Parallelism.OwnerAlign % nr);
        foreach (int count in new[] { 1, 10, 31, 32, 33, 128, 784, 1000 })
            foreach (int parts in new[] { 1, 2, 3, 7 })
            {
                int previousEnd = 0;
                for (int part = 0; part < parts; part++)
                {
                    (int start, int end) = Parallelism.OwnedRange(count, part, parts);
                    Assert.Equal(previousEnd, start);
                    Assert.True(start % Parallelism.OwnerAlign == 0 || start == count, $"part {part} of {parts} over {count} starts at {start}");
                    previousEnd = end;
                }
                Assert.Equal(count, previousEnd);
            }
        // A weight gradient of 128 output units is split by its rows, as the forward product splits its 128 columns.
        int processors = Math.Min(Environment.ProcessorCount, Parallelism.MaxThreads);
        Assert.Equal(Math.Min(processors, 4), PackedGemm.Parts<float>(128, 784, 64, splitRows: true, threads: 0, owned: true));
        Assert.Equal(Math.Min(processors, 4), PackedGemm.Parts<float>(64, 128, 784, splitRows: false, threads: 0, owned: true));
    }

    /// <summary>
    /// An optimizer's pass with a parameter layout updates every row of every tensor on one thread, the thread that owns
    /// that row (<see cref="Parallelism.OwnedRange"/>): a weight's row and its bias's value on the same one, the calling
    /// thread the first share.
    /// </summary>
    [Fact]
    public void A_pass_with_a_layout_updates_each_row_on_the_thread_that_owns_it()
    {
        const int rows = 256, length = 1000; // rows that no even share of 64-value blocks would end on
        var layout = new ParameterLayout(new (int, int)[] { (rows, length), (rows, 1) });
        int[] threadOf = ThreadPerValue(layout);
        int parts = Parallelism.Parts(0, 16L * layout.Count, (layout.Count + 63) / 64);
        for (int part = 0; part < parts; part++)
        {
            (int start, int end) = Parallelism.OwnedRange(rows, part, parts);
            int owner = threadOf[start * length];
            if (part == 0) Assert.Equal(Environment.CurrentManagedThreadId, owner);
            for (int r = start; r < end; r++)
            {
                for (int k = 0; k < length; k++)
                    Assert.True(threadOf[r * length + k] == owner, $"row {r}, value {k}: thread {threadOf[r * length + k]}, owner {owner}");
                Assert.True(threadOf[rows * length + r] == owner, $"bias {r}: thread {threadOf[rows * length + r]}, owner {owner}");
            }
        }
        // One thread per share at most (all on the calling thread when another test holds the workers).
        Assert.InRange(threadOf.Distinct().Count(), 1, parts);
    }

    /// <summary>
    /// Tensors with fewer rows than the threads have shares: a small one (a bias of 10) on the calling thread, whose
    /// products ran there; a large one (16 rows of 70,000) in even shares of its values, the first on the calling thread.
    /// </summary>
    [Fact]
    public void A_pass_with_a_layout_keeps_small_tensors_on_the_calling_thread_and_shares_few_long_rows()
    {
        const int values = 16 * 70_000;
        var layout = new ParameterLayout(new (int, int)[] { (16, 70_000), (10, 1) });
        int[] threadOf = ThreadPerValue(layout);
        int caller = Environment.CurrentManagedThreadId;
        for (int k = values; k < layout.Count; k++) Assert.Equal(caller, threadOf[k]);
        int parts = Parallelism.Parts(0, 16L * layout.Count, (layout.Count + 63) / 64);
        for (int part = 0; part < parts; part++)
        {
            (int start, int end) = Parallelism.Range(values, part, parts, 64);
            int owner = threadOf[start];
            if (part == 0) Assert.Equal(caller, owner);
            for (int k = start; k < end; k++)
                Assert.True(threadOf[k] == owner, $"value {k}: thread {threadOf[k]}, share {part} on {owner}");
        }
    }

    /// <summary>
    /// Layers of 33 and 65 outputs, whose owned shares end inside a tile: on two threads 33 leaves the second share one
    /// row (the few-rows kernel against the batch packed by that thread), 65 shares of 32 and 33 rows; the same bits as
    /// one thread.
    /// </summary>
    [Theory]
    [InlineData(33)]
    [InlineData(65)]
    public void Layers_whose_last_owned_share_is_one_row_give_the_same_bits_on_one_thread_and_on_all(int outputs)
    {
        const int n = 64, inputs = 2000;
        float[] x = TestData.Floats(n * inputs, seed: 61), w = TestData.Floats(outputs * inputs, seed: 62);
        float[] b = TestData.Floats(outputs, seed: 63), dy = TestData.Floats(n * outputs, seed: 64);
        _ = SameOnOneThreadAndAll(n * outputs, (y, t) => Dense.Forward<float>(x, w, b, y, n, inputs, outputs, threads: t));
        float[] dw1 = new float[outputs * inputs], dwAll = new float[outputs * inputs];
        Dense.Backward<float>(x, w, dy, dw1, Span<float>.Empty, Span<float>.Empty, n, inputs, outputs, threads: 1);
        Dense.Backward<float>(x, w, dy, dwAll, Span<float>.Empty, Span<float>.Empty, n, inputs, outputs, threads: 0);
        Assert.True(dw1.AsSpan().SequenceEqual(dwAll));
        // The rows are owned: two shares wherever two threads run it.
        if (Parallelism.MaxThreads > 1 && Environment.ProcessorCount > 1)
            Assert.Equal(2, PackedGemm.Parts<float>(outputs, inputs, n, splitRows: true, threads: 2, owned: true));
    }

    /// <summary>The thread that an element-wise pass with <paramref name="layout"/>, on all threads, gave each value to.</summary>
    private static unsafe int[] ThreadPerValue(ParameterLayout layout)
    {
        var threadOf = new int[layout.Count];
        var job = new RecordThreads { Count = layout.Count };
        fixed (int* ids = threadOf)
        {
            job.Threads = ids;
            Parallelism.Elementwise(ref job, threads: 0, costPerElement: 16, layout);
        }
        return threadOf;
    }

    private unsafe struct RecordThreads : IElementwiseJob
    {
        public int* Threads;
        public int Count { get; set; }

        public readonly void Run(int start, int end)
        {
            for (int i = start; i < end; i++) Threads[i] = Environment.CurrentManagedThreadId;
            System.Threading.Thread.SpinWait(50_000); // long enough for a sleeping worker to wake and take its share
        }
    }

    [Fact]
    public void Chunks_are_each_run_once_whichever_thread_takes_them()
    {
        Assert.Equal(1, Parallelism.Chunks(1, 64));
        Assert.Equal(8, Parallelism.Chunks(2, 64));       // four per thread
        Assert.Equal(3, Parallelism.Chunks(2, 3));        // at most one per unit
        Assert.Equal(2, Parallelism.Chunks(2, 1));        // but never fewer than the threads
        Assert.Equal(4, Parallelism.Chunks(2, 43, 10));   // at least ten units each
        foreach (int chunks in new[] { 1, 2, 7, 64 })
            foreach (int parts in new[] { 1, 2, WorkerPool.Shared.Workers + 1 })
            {
                int[] runs = RunChunks(chunks, parts, out int threads);
                Assert.All(runs, r => Assert.Equal(1, r));
                Assert.InRange(threads, 1, Math.Min(parts, chunks));
            }
    }

    /// <summary>How often each chunk ran, and on how many distinct threads (each chunk spins a little so that the workers get some).</summary>
    private static unsafe int[] RunChunks(int chunks, int parts, out int threads)
    {
        var runs = new int[chunks];
        var ids = new int[chunks];
        fixed (int* pr = runs, pi = ids)
        {
            var state = new ChunkState { Runs = pr, Threads = pi };
            WorkerPool.Shared.RunChunks(&CountChunk, &state, chunks, parts);
        }
        threads = ids.Distinct().Count();
        return runs;
    }

    private unsafe struct ChunkState
    {
        public int* Runs, Threads;
    }

    private static unsafe void CountChunk(void* arguments, int chunk, int chunks)
    {
        var state = (ChunkState*)arguments;
        System.Threading.Interlocked.Increment(ref state->Runs[chunk]);
        state->Threads[chunk] = Environment.CurrentManagedThreadId;
        System.Threading.Thread.SpinWait(2000);
    }

    /// <summary>
    /// A classifier's last layer at batch 256 (10 outputs: one panel of columns, nothing to split there) splits its rows
    /// against the packed weights, and the bias gradient of a batch-256 hidden layer of 1,024 units its outputs: the same
    /// bits as on one thread.
    /// </summary>
    [Fact]
    public unsafe void A_classifier_layer_splits_its_rows_and_a_bias_gradient_its_outputs_with_the_same_bits()
    {
        const int n = 256, inputs = 1024, outputs = 10, hidden = 1024;
        if (Environment.ProcessorCount > 1 && Parallelism.MaxThreads > 1)
        {
            float packed = 0;
            var product = new PackedGemm.Product<float> { M = n, N = outputs, K = inputs, PackedB = &packed, OwnedColumns = true };
            (int parts, bool splitRows, bool owned) = PackedGemm.Plan(product, threads: 0);
            Assert.True(parts > 1 && splitRows && !owned, $"{parts} parts, rows {splitRows}, owned {owned}");
            product.M = 1; // batch 1: the columns (one panel) stay on the calling thread
            Assert.Equal(1, PackedGemm.Plan(product, threads: 0).Parts);
            Assert.True(Parallelism.Parts(0, 8L * n * hidden, hidden / 64) > 1);
        }
        float[] x = TestData.Floats(n * inputs, seed: 81), w = TestData.Floats(outputs * inputs, seed: 82), b = TestData.Floats(outputs, seed: 83);
        float[] y1 = SameOnOneThreadAndAll(n * outputs, (y, t) => Dense.Forward<float>(x, w, new PackedWeights<float>(inputs, outputs), 1, b, y, n, inputs, outputs, threads: t, relu: true));
        Assert.Contains(y1, v => v > 0);

        float[] h = TestData.Floats(n * 64, seed: 84), wh = TestData.Floats(hidden * 64, seed: 85), dy = TestData.Floats(n * hidden, seed: 86);
        float[] dw1 = new float[hidden * 64], db1 = new float[hidden], dwAll = new float[hidden * 64], dbAll = TestData.Floats(hidden, seed: 87);
        Dense.Backward<float>(h, wh, dy, dw1, db1, Span<float>.Empty, n, 64, hidden, threads: 1);
        Dense.Backward<float>(h, wh, dy, dwAll, dbAll, Span<float>.Empty, n, 64, hidden, threads: 0);
        Assert.True(dw1.AsSpan().SequenceEqual(dwAll));
        Assert.True(db1.AsSpan().SequenceEqual(dbAll));
        float first = 0;
        for (int i = 0; i < n; i++) first += dy[i * hidden];
        Assert.Equal(first, db1[0]);
    }

    /// <summary>
    /// Runs <paramref name="kernel"/> (output, threads) into a fresh array of <paramref name="length"/> values on one
    /// thread and on all, asserts the same bits, and returns the one-thread output.
    /// </summary>
    private static float[] SameOnOneThreadAndAll(int length, Action<float[], int> kernel)
    {
        float[] one = new float[length], all = new float[length];
        kernel(one, 1);
        kernel(all, 0);
        Assert.True(one.AsSpan().SequenceEqual(all));
        return one;
    }

    [Fact]
    public void Dense_kernels_give_the_same_bits_on_one_thread_and_on_all()
    {
        float[] x = TestData.Floats(N * Inputs, seed: 41), w = TestData.Floats(Outputs * Inputs, seed: 42);
        float[] b = TestData.Floats(Outputs, seed: 43), dy = TestData.Floats(N * Outputs, seed: 44);

        _ = SameOnOneThreadAndAll(N * Outputs, (y, t) => Dense.Forward<float>(x, w, b, y, N, Inputs, Outputs, threads: t));

        float[] dw1 = new float[Outputs * Inputs], db1 = new float[Outputs], dx1 = new float[N * Inputs];
        float[] dwAll = new float[Outputs * Inputs], dbAll = new float[Outputs], dxAll = new float[N * Inputs];
        Dense.Backward<float>(x, w, dy, dw1, db1, dx1, N, Inputs, Outputs, threads: 1);
        Dense.Backward<float>(x, w, dy, dwAll, dbAll, dxAll, N, Inputs, Outputs, threads: 0);
        Assert.True(dw1.AsSpan().SequenceEqual(dwAll));
        Assert.True(db1.AsSpan().SequenceEqual(dbAll));
        Assert.True(dx1.AsSpan().SequenceEqual(dxAll));

        // Double precision, an odd number of output units (ranges that end inside a tile) and threads: 2.
        double[] xd = x.Select(v => (double)v).ToArray(), wd = w.Take(197 * Inputs).Select(v => (double)v).ToArray();
        double[] yd1 = new double[N * 197], yd2 = new double[N * 197];
        Dense.Forward<double>(xd, wd, ReadOnlySpan<double>.Empty, yd1, N, Inputs, 197, threads: 1);
        Dense.Forward<double>(xd, wd, ReadOnlySpan<double>.Empty, yd2, N, Inputs, 197, threads: 2);
        Assert.True(yd1.AsSpan().SequenceEqual(yd2));
    }

    /// <summary>
    /// Batch norm (split by channels), ReLU (by runs of values) and max pooling's gradient (by samples) on all threads:
    /// the same bits as on one, forward and backward, overwriting and accumulating; LeNet's first block's sizes (64
    /// samples of 16 channels of 28 × 28), large enough to be split on two processors.
    /// </summary>
    [Fact]
    public void Normalization_relu_and_pooling_gradient_passes_give_the_same_bits_on_one_thread_and_on_all()
    {
        const int n = 64, channels = 16, spatial = 784, count = n * channels * spatial;
        // Each pass has work for two threads here: batch norm's channels, ReLU's values, the pooling gradient's samples.
        if (Environment.ProcessorCount > 1 && Parallelism.MaxThreads > 1)
        {
            Assert.True(Parallelism.Parts(0, 6L * count, channels) > 1);
            Assert.True(Parallelism.Parts(0, 8L * count, (count + 63) / 64) > 1);
            Assert.True(Parallelism.Parts(0, 2L * (count + count / 4), n) > 1);
        }
        float[] x = TestData.Floats(count, seed: 71), gamma = TestData.Floats(channels, seed: 72), beta = TestData.Floats(channels, seed: 73);
        float[] dy = TestData.Floats(count, seed: 74);
        float[][] one = BatchNormAndRelu(x, gamma, beta, dy, threads: 1), all = BatchNormAndRelu(x, gamma, beta, dy, threads: 0);
        for (int i = 0; i < one.Length; i++)
            Assert.True(one[i].AsSpan().SequenceEqual(all[i]), $"output {i} differs between one thread and all");

        // Max pooling 2 × 2 over the same shape, then its gradient on one thread and on all, overwriting and accumulating.
        float[] pooled = new float[count / 4];
        int[] argmax = new int[count / 4];
        Pooling.MaxForward<float>(x, pooled, argmax, n, channels, 28, 28, 2, 2, 14, 14, threads: 1);
        float[] dPooled = TestData.Floats(count / 4, seed: 75);
        float[] dx1 = TestData.Floats(count, seed: 76), dxAll = (float[])dx1.Clone();
        Pooling.MaxBackward<float>(dPooled, argmax, dx1, n, channels, 28, 28, 14, 14, threads: 1);
        Pooling.MaxBackward<float>(dPooled, argmax, dxAll, n, channels, 28, 28, 14, 14, threads: 0);
        Assert.True(dx1.AsSpan().SequenceEqual(dxAll));
        Assert.Equal(count - count / 4, dx1.Count(v => v == 0f));
        Pooling.MaxBackward<float>(dPooled, argmax, dx1, n, channels, 28, 28, 14, 14, accumulate: true, threads: 1);
        Pooling.MaxBackward<float>(dPooled, argmax, dxAll, n, channels, 28, 28, 14, 14, accumulate: true, threads: 0);
        Assert.True(dx1.AsSpan().SequenceEqual(dxAll));

        // A corrupt index (in the last sample, a worker's share) is refused before any value of dx changes.
        argmax[argmax.Length - 1] = channels * spatial;
        float[] kept = (float[])dxAll.Clone();
        var e = Assert.Throws<ArgumentException>(() =>
            Pooling.MaxBackward<float>(dPooled, argmax, dxAll, n, channels, 28, 28, 14, 14, threads: 0));
        Assert.Contains("argmax holds", e.Message);
        Assert.True(kept.AsSpan().SequenceEqual(dxAll));
    }

    /// <summary>Batch norm's training forward and backward, then ReLU forward and backward (overwriting and accumulating), on <paramref name="threads"/>.</summary>
    private static float[][] BatchNormAndRelu(float[] x, float[] gamma, float[] beta, float[] dy, int threads)
    {
        const int n = 64, channels = 16, spatial = 784;
        int count = x.Length;
        float[] y = new float[count], normalized = new float[count], invStd = new float[channels];
        float[] mean = TestData.Floats(channels, seed: 77), variance = Array.ConvertAll(TestData.Floats(channels, seed: 78), v => 1 + v * v);
        BatchNorm.ForwardTraining<float>(x, gamma, beta, y, normalized, invStd, mean, variance, n, channels, spatial, 0.1, 1e-5, threads);
        float[] dgamma = new float[channels], dbeta = new float[channels], dx = TestData.Floats(count, seed: 79);
        BatchNorm.Backward<float>(dy, normalized, gamma, invStd, dgamma, dbeta, dx, n, channels, spatial, accumulate: true, threads);
        float[] dxOverwritten = new float[count];
        BatchNorm.Backward<float>(dy, normalized, gamma, invStd, dgamma, dbeta, dxOverwritten, n, channels, spatial, threads: threads);
        float[] relu = new float[count], reluGradient = TestData.Floats(count, seed: 80);
        Activations.ReluForward<float>(y, relu, threads);
        Activations.ReluBackward<float>(relu, dy, reluGradient, accumulate: true, threads);
        float[] reluOverwritten = new float[count];
        Activations.ReluBackward<float>(relu, dy, reluOverwritten, threads: threads);
        // In place, as generated models call it: the gradient's own array in and out.
        float[] reluInPlace = (float[])dy.Clone();
        Activations.ReluBackward<float>(relu, reluInPlace, reluInPlace, threads: threads);
        Assert.True(reluInPlace.AsSpan().SequenceEqual(reluOverwritten));
        return [y, normalized, invStd, mean, variance, dgamma, dbeta, dx, dxOverwritten, relu, reluGradient, reluOverwritten];
    }

    [Fact]
    public void A_model_trains_to_the_same_bits_on_one_thread_and_on_all()
    {
        var all = new ThreadedClassifier();
        var one = new SingleThreadedClassifier();
        float[] x = TestData.Floats(64 * 256, seed: 45);
        int[] labels = TestData.Labels(64, 10, seed: 46);
        for (int step = 0; step < 5; step++)
            Assert.Equal(one.TrainStep(x, labels), all.TrainStep(x, labels));

        foreach (string name in ThreadedClassifier.ParameterNames)
            Assert.True(one.Parameter(name).SequenceEqual(all.Parameter(name)), $"{name} differs");
        Assert.True(one.InputGradient.SequenceEqual(all.InputGradient));

        float[] p1 = new float[64 * 10], pAll = new float[64 * 10];
        one.Predict(x, p1);
        all.Predict(x, pAll);
        Assert.True(p1.AsSpan().SequenceEqual(pAll));
    }

    [Fact]
    public void Convolution_kernels_give_the_same_bits_on_one_thread_and_on_all()
    {
        // 24 samples of 3×20×20, 12 filters of 5×5 (valid, stride 1): 24·12·75·256 = 5.5 M multiply-adds.
        const int n = 24, c = 3, h = 20, f = 12, k = 5, o = 16;
        int columns = Conv2D.ColumnsLength(c, k, o, o);
        float[] x = TestData.Floats(n * c * h * h, seed: 51), w = TestData.Floats(f * c * k * k, seed: 52);
        float[] b = TestData.Floats(f, seed: 53), dy = TestData.Floats(n * f * o * o, seed: 54);
        float[] scratch = new float[columns * Conv2D.ScratchCopies(0)];

        _ = SameOnOneThreadAndAll(n * f * o * o, (y, t) => Conv2D.Forward<float>(x, w, b, y, n, c, h, h, f, k, 1, 0, 0, o, o, threads: t));

        float[] dw1 = new float[w.Length], db1 = new float[f], dx1 = new float[x.Length];
        float[] dwAll = new float[w.Length], dbAll = new float[f], dxAll = new float[x.Length];
        Conv2D.Backward<float>(x, w, dy, dw1, db1, dx1, scratch, n, c, h, h, f, k, 1, 0, 0, o, o, threads: 1);
        Conv2D.Backward<float>(x, w, dy, dwAll, dbAll, dxAll, scratch, n, c, h, h, f, k, 1, 0, 0, o, o, threads: 0);
        Assert.True(dw1.AsSpan().SequenceEqual(dwAll));
        Assert.True(db1.AsSpan().SequenceEqual(dbAll));
        Assert.True(dx1.AsSpan().SequenceEqual(dxAll));

        // Scratch for one sample only: the input gradient stays on one thread, with the same result.
        float[] dwOne = new float[w.Length], dxOne = new float[x.Length];
        Conv2D.Backward<float>(x, w, dy, dwOne, Span<float>.Empty, dxOne, new float[columns], n, c, h, h, f, k, 1, 0, 0, o, o, threads: 0);
        Assert.True(dw1.AsSpan().SequenceEqual(dwOne));
        Assert.True(dx1.AsSpan().SequenceEqual(dxOne));
    }

    [Fact]
    public void Convolutions_of_one_sample_and_direct_input_gradients_give_the_same_bits_on_one_thread_and_on_all()
    {
        // One sample of 16×20×20, 32 filters of 5×5, same padding: 3.3 M multiply-adds, split by output positions; its
        // backward pass computes dx as a direct convolution (channels and padding allow it), split by samples.
        const int c = 16, h = 20, f = 32, k = 5;
        float[] w = TestData.Floats(f * c * k * k, seed: 56), b = TestData.Floats(f, seed: 57);
        foreach (int n in new[] { 1, 6 })
        {
            float[] x = TestData.Floats(n * c * h * h, seed: 58), dy = TestData.Floats(n * f * h * h, seed: 59);
            _ = SameOnOneThreadAndAll(n * f * h * h, (y, t) => Conv2D.Forward<float>(x, w, b, y, n, c, h, h, f, k, 1, 2, 2, h, h, threads: t, relu: true));

            float[] scratch = new float[Conv2D.ColumnsLength(c, k, h, h) * Conv2D.ScratchCopies(0)];
            float[] dw1 = new float[w.Length], dx1 = new float[x.Length], dwAll = new float[w.Length], dxAll = new float[x.Length];
            Conv2D.Backward<float>(x, w, dy, dw1, Span<float>.Empty, dx1, scratch, n, c, h, h, f, k, 1, 2, 2, h, h, threads: 1);
            Conv2D.Backward<float>(x, w, dy, dwAll, Span<float>.Empty, dxAll, scratch, n, c, h, h, f, k, 1, 2, 2, h, h, threads: 0);
            Assert.True(dw1.AsSpan().SequenceEqual(dwAll));
            Assert.True(dx1.AsSpan().SequenceEqual(dxAll));
        }
    }

    [Fact]
    public void Max_pooling_gives_the_same_values_and_indices_on_one_thread_and_on_all()
    {
        const int n = 64, c = 16, h = 28, o = 14;
        float[] x = TestData.Floats(n * c * h * h, seed: 60);
        float[] y1 = new float[n * c * o * o], yAll = new float[y1.Length];
        int[] a1 = new int[y1.Length], aAll = new int[y1.Length];
        Pooling.MaxForward<float>(x, y1, a1, n, c, h, h, 2, 2, o, o, threads: 1);
        Pooling.MaxForward<float>(x, yAll, aAll, n, c, h, h, 2, 2, o, o, threads: 0);
        Assert.True(y1.AsSpan().SequenceEqual(yAll));
        Assert.True(a1.AsSpan().SequenceEqual(aAll));
    }

    [Fact]
    public void A_cnn_trains_to_the_same_bits_on_one_thread_and_on_all()
    {
        var all = new ThreadedCnn();
        var one = new SingleThreadedCnn();
        float[] x = TestData.Floats(32 * 784, seed: 55);
        int[] labels = TestData.Labels(32, 10, seed: 56);
        TrainAlike(one, all, x, labels, steps: 3);
        Assert.True(one.InputGradient.SequenceEqual(all.InputGradient));

        // With batch norm, whose passes (and the ReLU's and max pooling's gradient after it) are split at batch 64.
        TrainAlike(new SingleThreadedBatchNormCnn(), new ThreadedBatchNormCnn(), TestData.Floats(64 * 784, seed: 57),
            TestData.Labels(64, 10, seed: 58), steps: 3);
    }

    /// <summary>
    /// <paramref name="steps"/> training steps of a model on one thread and its twin on all: the same losses, then the
    /// same parameters and buffers (batch norm's running statistics), bit for bit.
    /// </summary>
    private static void TrainAlike(IClassifier<float> one, IClassifier<float> all, float[] x, int[] labels, int steps)
    {
        for (int step = 0; step < steps; step++)
            Assert.Equal(one.TrainStep(x, labels), all.TrainStep(x, labels));
        foreach (string name in all.ParameterNames)
            Assert.True(one.Parameter(name).SequenceEqual(all.Parameter(name)), $"{name} differs");
        foreach (string name in all.BufferNames)
            Assert.True(one.Buffer(name).SequenceEqual(all.Buffer(name)), $"{name} differs");
    }

    [Fact]
    public void Every_optimizer_gives_the_same_bits_on_one_thread_and_on_all()
    {
        // 267,786 parameters × 5 (SGD's cost per element, the least of the six) is at least two parts' worth of work.
        int processors = Math.Min(Environment.ProcessorCount, Parallelism.MaxThreads);
        int blocks = (ThreadedSgdModel.ParameterCount + 63) / 64;
        Assert.Equal(Math.Min(processors, 2), Parallelism.Parts(0, 5L * ThreadedSgdModel.ParameterCount, blocks));

        float[] x = TestData.Floats(8 * 512, seed: 57);
        int[] labels = TestData.Labels(8, 10, seed: 58);
        (IClassifier<float> All, IClassifier<float> One)[] pairs =
        [
            (new ThreadedSgdModel(), new SingleThreadedSgdModel()),
            (new ThreadedRmsPropModel(), new SingleThreadedRmsPropModel()),
            (new ThreadedAdaGradModel(), new SingleThreadedAdaGradModel()),
            (new ThreadedAdaDeltaModel(), new SingleThreadedAdaDeltaModel()),
            (new ThreadedAdamaxModel(), new SingleThreadedAdamaxModel()),
            (new ThreadedNAdamModel(), new SingleThreadedNAdamModel()),
        ];
        foreach ((IClassifier<float> all, IClassifier<float> one) in pairs)
        {
            string model = all.GetType().Name;
            for (int step = 0; step < 3; step++)
                Assert.Equal(one.TrainStep(x, labels), all.TrainStep(x, labels));
            foreach (string name in all.ParameterNames)
                Assert.True(one.Parameter(name).SequenceEqual(all.Parameter(name)), $"{model}: {name} differs");
            Assert.NotEmpty(all.OptimizerStateNames);
            foreach (string name in all.OptimizerStateNames)
                Assert.True(one.OptimizerState(name).SequenceEqual(all.OptimizerState(name)), $"{model}: optimizer state {name} differs");
        }
    }

    [Fact]
    public void Split_training_steps_allocate_nothing_on_any_thread()
    {
        var model = new ThreadedClassifier();
        float[] x = TestData.Floats(64 * 256, seed: 47);
        int[] labels = TestData.Labels(64, 10, seed: 48);
        float[] outputs = new float[64 * 10];
        var cnn = new ThreadedCnn();
        float[] images = TestData.Floats(32 * 784, seed: 49);
        float[] cnnOutputs = new float[32 * 10];
        var normalized = new ThreadedBatchNormCnn();
        float[] batch = TestData.Floats(64 * 784, seed: 50);
        void Steps()
        {
            model.TrainStep(x, labels);
            model.Predict(x, outputs);
            cnn.TrainStep(images, labels.AsSpan(0, 32));
            cnn.Predict(images, cnnOutputs);
            normalized.TrainStep(batch, labels);
        }
        for (int i = 0; i < 40; i++) Steps();

        // This thread and the pool's workers (each records its own count when it finishes a part, so the count is
        // complete once a step returns). Other threads of the test host are not ModelGen's and are left out. The least
        // of three rounds, as in AllocationTests.
        WorkerPool pool = WorkerPool.Shared;
        long least = long.MaxValue;
        for (int round = 0; round < 3 && least > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread() + pool.WorkerAllocatedBytes;
            for (int i = 0; i < 10; i++) Steps();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() + pool.WorkerAllocatedBytes - before);
        }
        Assert.Equal(0, least);
    }

    [Fact]
    public unsafe void A_failing_part_is_rethrown_on_the_caller_after_every_part_has_stopped_and_the_pool_lives_on()
    {
        WorkerPool pool = WorkerPool.Shared;
        int parts = pool.Workers + 1;
        foreach (int failing in new[] { 0, parts - 1 }) // the caller's part, then a worker's (the same on one processor)
        {
            var state = new FailingJob { Failing = failing };
            InvalidOperationException? caught = null;
            try
            {
                pool.Run(&FailingJob.Part, &state, parts);
            }
            catch (InvalidOperationException e)
            {
                caught = e;
            }
            Assert.Equal($"part {failing} failed", caught?.Message);
            Assert.Equal(parts, state.Finished); // every part ran to its end (or its throw) before Run returned
        }

        // The pool still works: a model's split products after the failures.
        var all = new ThreadedClassifier();
        var one = new SingleThreadedClassifier();
        float[] x = TestData.Floats(64 * 256, seed: 57);
        int[] labels = TestData.Labels(64, 10, seed: 58);
        Assert.Equal(one.TrainStep(x, labels), all.TrainStep(x, labels));
    }

    [Fact]
    public unsafe void With_the_workers_busy_a_failing_part_still_lets_every_part_run_before_the_throw()
    {
        WorkerPool pool = WorkerPool.Shared;
        int parts = pool.Workers + 1;
        using var holding = new System.Threading.ManualResetEventSlim();
        using var release = new System.Threading.ManualResetEventSlim();
        var holder = new System.Threading.Thread(() =>
        {
            var hold = new HoldingJob { Holding = holding, Release = release };
            var handle = System.Runtime.InteropServices.GCHandle.Alloc(hold);
            try
            {
                void* pointer = (void*)System.Runtime.InteropServices.GCHandle.ToIntPtr(handle);
                pool.Run(&HoldingJob.Part, pointer, parts);
            }
            finally
            {
                handle.Free();
            }
        });
        holder.Start();
        try
        {
            Assert.True(holding.Wait(TimeSpan.FromSeconds(30)), "the holding job never started");
            var state = new FailingJob { Failing = 0 };
            var error = Assert.Throws<InvalidOperationException>(() => RunFailing(pool, ref state, parts));
            Assert.Equal("part 0 failed", error.Message);
            Assert.Equal(parts, state.Finished); // the parts after the failing one ran too, on this thread
        }
        finally
        {
            release.Set();
            holder.Join();
        }
    }

    private static unsafe void RunFailing(WorkerPool pool, ref FailingJob state, int parts)
    {
        fixed (FailingJob* pointer = &state) pool.Run(&FailingJob.Part, pointer, parts);
    }

    /// <summary>A job whose parts keep the pool busy until released (the first part signals that it has started).</summary>
    private sealed class HoldingJob
    {
        public System.Threading.ManualResetEventSlim Holding = null!, Release = null!;

        public static unsafe void Part(void* arguments, int part, int parts)
        {
            var job = (HoldingJob)System.Runtime.InteropServices.GCHandle.FromIntPtr((IntPtr)arguments).Target!;
            if (part == 0) job.Holding.Set();
            job.Release.Wait();
        }
    }

    [Fact]
    public unsafe void After_every_part_failed_the_next_job_runs_clean()
    {
        WorkerPool pool = WorkerPool.Shared;
        int parts = pool.Workers + 1;
        var state = new FailingJob { Failing = -1 }; // -1: every part throws
        Exception? caught = null;
        try
        {
            pool.Run(&FailingJob.Part, &state, parts);
        }
        catch (InvalidOperationException e)
        {
            caught = e;
        }
        Assert.NotNull(caught);

        var clean = new FailingJob { Failing = -2 }; // -2: no part throws
        pool.Run(&FailingJob.Part, &clean, parts);    // no exception left over from the failed job
        Assert.Equal(parts, clean.Finished);
    }

    [Fact]
    public unsafe void An_interrupt_of_the_caller_waits_for_the_workers_and_is_kept_for_its_next_wait()
    {
        WorkerPool pool = WorkerPool.Shared;
        int parts = pool.Workers + 1;
        SlowJob* job = (SlowJob*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)sizeof(SlowJob));
        try
        {
            job->Milliseconds = 300;
            bool interruptedAfterwards = false;
            IntPtr address = (IntPtr)job;
            var caller = new System.Threading.Thread(() =>
            {
                pool.Run(&SlowJob.Part, (void*)address, parts);
                try { System.Threading.Thread.Sleep(1000); }
                catch (System.Threading.ThreadInterruptedException) { interruptedAfterwards = true; }
            });
            caller.Start();
            System.Threading.Thread.Sleep(50);
            caller.Interrupt();
            caller.Join();
            Assert.Equal(parts, job->Finished);  // Run returned only after every part
            Assert.True(interruptedAfterwards);  // and the interrupt reached the caller's next blocking call

            // The pool is not stuck: a split job still runs its last part on a worker.
            *job = new SlowJob { Milliseconds = 1 };
            pool.Run(&SlowJob.Part, job, parts);
            Assert.Equal(parts, job->Finished);
            Assert.Equal(parts > 1, job->LastPartThread != Environment.CurrentManagedThreadId);
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(job);
        }
    }

    private struct SlowJob
    {
        public int Finished, Milliseconds, LastPartThread;

        public static unsafe void Part(void* arguments, int part, int parts)
        {
            ref SlowJob job = ref *(SlowJob*)arguments;
            if (part > 0) System.Threading.Thread.Sleep(job.Milliseconds);
            if (part == parts - 1) job.LastPartThread = Environment.CurrentManagedThreadId;
            System.Threading.Interlocked.Increment(ref job.Finished);
        }
    }

    private struct FailingJob
    {
        public int Failing, Finished;

        public static unsafe void Part(void* arguments, int part, int parts)
        {
            ref FailingJob job = ref *(FailingJob*)arguments;
            System.Threading.Thread.Sleep(20); // the other parts are still running when this one throws
            System.Threading.Interlocked.Increment(ref job.Finished);
            if (part == job.Failing || job.Failing == -1) throw new InvalidOperationException($"part {part} failed");
        }
    }

    [Fact]
    public void Models_trained_on_two_threads_at_once_give_the_bits_of_one_thread()
    {
        // Both calling threads want the workers; the one that finds them busy runs its parts itself.
        float[] x = TestData.Floats(64 * 256, seed: 59);
        int[] labels = TestData.Labels(64, 10, seed: 60);
        var reference = new SingleThreadedClassifier();
        for (int step = 0; step < 8; step++) reference.TrainStep(x, labels);

        var models = new[] { new ThreadedClassifier(), new ThreadedClassifier() };
        var threads = models.Select(m => new System.Threading.Thread(() => { for (int step = 0; step < 8; step++) m.TrainStep(x, labels); })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        foreach (var model in models)
            foreach (string name in ThreadedClassifier.ParameterNames)
                Assert.True(reference.Parameter(name).SequenceEqual(model.Parameter(name)), $"{name} differs");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void MaxThreads_out_of_range_is_refused(int value)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.MaxThreads = value);
        Assert.Contains("between 1 and 64", e.Message);
    }
}
