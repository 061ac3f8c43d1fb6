using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace ModelGen.Benchmarks;

/// <summary>What one case measured, in the process that ran it (batch-64 figures are 0 for a case without them).</summary>
public sealed record Measurement(
    string Key, double StepSeconds, long Steps, double InferSeconds, long Inferences,
    long TrainBytesThread, long InferBytesThread, long TrainBytesProcess, long InferBytesProcess,
    int Gen0Collections, long PeakWorkingSet, float Loss,
    double BatchSeconds, long BatchCalls, long BatchBytesThread, long BatchBytesProcess,
    double SetupSeconds, double FirstOneSeconds, double FirstBatchSeconds, double FirstStepSeconds)
{
    private const string Tag = "RESULT";

    public string ToLine() => string.Join('\t', Tag, Key, F(StepSeconds), Steps, F(InferSeconds), Inferences,
        TrainBytesThread, InferBytesThread, TrainBytesProcess, InferBytesProcess, Gen0Collections, PeakWorkingSet, F(Loss),
        F(BatchSeconds), BatchCalls, BatchBytesThread, BatchBytesProcess,
        F(SetupSeconds), F(FirstOneSeconds), F(FirstBatchSeconds), F(FirstStepSeconds));

    public static Measurement? Parse(string output)
    {
        foreach (string line in output.Split('\n'))
        {
            string[] f = line.TrimEnd('\r').Split('\t');
            if (f.Length != 21 || f[0] != Tag) continue;
            return new Measurement(f[1], D(f[2]), L(f[3]), D(f[4]), L(f[5]), L(f[6]), L(f[7]), L(f[8]), L(f[9]),
                int.Parse(f[10], CultureInfo.InvariantCulture), L(f[11]), (float)D(f[12]),
                D(f[13]), L(f[14]), L(f[15]), L(f[16]), D(f[17]), D(f[18]), D(f[19]), D(f[20]));
        }
        return null;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
    private static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
}

/// <summary>
/// How long each loop runs: the timed loops (training steps, then each inference loop) and the minimum warm-ups. The
/// default times steps for 2 s and inference for 1 s as torch_mlp.py does; <c>--seconds S</c> (for quick functional
/// checks, not for figures) makes every timed loop S seconds and no warm-up longer.
/// </summary>
public sealed record Timing(double Train, double Infer, double WarmTrain, double WarmInfer)
{
    public static readonly Timing Default = new(2.0, 1.0, 0.5, 0.2);

    public bool IsDefault => this == Default;

    public static Timing FromArgs(string[] args)
    {
        if (Compare.Option(args, "--seconds") is not string text) return Default;
        double s = double.Parse(text, CultureInfo.InvariantCulture);
        if (!(s > 0 && s <= 60)) throw new ArgumentException($"--seconds {text}: expected a number of seconds in (0, 60]");
        return new Timing(s, s, Math.Min(Default.WarmTrain, s), Math.Min(Default.WarmInfer, s));
    }

    /// <summary>The arguments that give a child process this timing.</summary>
    public string[] ToArgs() => IsDefault ? [] : ["--seconds", Infer.ToString("R", CultureInfo.InvariantCulture)];
}

/// <summary>PyTorch's figures for one case, parsed from torch_mlp.py's output format.</summary>
public sealed class TorchFigures
{
    public double? StepMicroseconds { get; set; }
    public double? GigaFlops { get; set; }
    public double? InferMicroseconds { get; set; }
}

/// <summary>
/// The side-by-side mode: each case timed as ../shared/bench/torch_mlp.py times it (warm-up, then training steps for
/// about 2 s, then batch-1 inference for about 1 s, then batch-64 inference for about 1 s), each in a fresh child
/// process so that its peak working set and JIT are its own; then ONNX Runtime on the same models (bench/export_onnx.py),
/// each model, batch size and thread count in its own process; then the PyTorch scripts; then one Markdown table.
/// </summary>
public static class Compare
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly int[] InferBatches = [1, BenchCase.InferBatch];

    // ---------------------------------------------------------------- one case (runs in the child process)

    private enum Work { Train, One, Batch }

    /// <summary>Measures one case in this process.</summary>
    public static Measurement Measure(BenchCase c, Timing? timing = null)
    {
        timing ??= Timing.Default;
        // Start-up, as a user's process meets it: the models created, then the first call of each kind (the JIT
        // compiles the inference path on the first prediction, the training path on the first step).
        long created = Stopwatch.GetTimestamp();
        c.Setup();
        double setup = Stopwatch.GetElapsedTime(created).TotalSeconds;
        double firstOne = Once(c, Work.One);
        double firstBatch = c.HasOnnx ? Once(c, Work.Batch) : 0;
        double firstStep = Once(c, Work.Train);
        _ = ModelGen.Kernels.WorkerPool.Shared; // created by now, so its creation is not counted in the timed loops

        // Warm-up: torch_mlp.py takes 20 steps (100 predictions); the JIT also wants time to reach its optimized tier.
        int gen0 = GC.CollectionCount(0);
        var train = Timed(c, Work.Train, warmCount: 20, timing.WarmTrain, timing.Train);
        var one = Timed(c, Work.One, warmCount: 100, timing.WarmInfer, timing.Infer);
        var batch = c.HasOnnx ? Timed(c, Work.Batch, warmCount: 20, timing.WarmInfer, timing.Infer) : default;
        gen0 = GC.CollectionCount(0) - gen0;

        long peak;
        using (var self = Process.GetCurrentProcess()) peak = self.PeakWorkingSet64;
        return new Measurement(c.Key, train.Seconds / train.Count, train.Count, one.Seconds / one.Count, one.Count,
                               train.BytesThread, one.BytesThread, train.BytesProcess, one.BytesProcess, gen0, peak, train.Loss,
                               batch.Count == 0 ? 0 : batch.Seconds / batch.Count, batch.Count, batch.BytesThread, batch.BytesProcess,
                               setup, firstOne, firstBatch, firstStep);
    }

    /// <summary>The time of one call.</summary>
    private static double Once(BenchCase c, Work work)
    {
        long start = Stopwatch.GetTimestamp();
        _ = Call(c, work);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Warm-up, a short probe for the chunk size, then the timed loop with its allocations counted.</summary>
    private static (long Count, double Seconds, float Loss, long BytesThread, long BytesProcess) Timed(
        BenchCase c, Work work, int warmCount, double warmSeconds, double seconds)
    {
        WarmUp(c, work, warmCount, warmSeconds);
        int chunk = Chunk(c, work, Math.Min(0.05, seconds));
        long thread0 = OwnAllocatedBytes(), process0 = GC.GetTotalAllocatedBytes(precise: true);
        var (count, taken, loss) = Run(c, work, seconds, chunk);
        long thread1 = OwnAllocatedBytes(), process1 = GC.GetTotalAllocatedBytes(precise: true);
        return (count, taken, loss, thread1 - thread0, process1 - process0);
    }

    /// <summary>Managed bytes allocated so far by this thread and by the kernels' worker threads.</summary>
    private static long OwnAllocatedBytes() =>
        GC.GetAllocatedBytesForCurrentThread() + ModelGen.Kernels.WorkerPool.Shared.WorkerAllocatedBytes;

    private static void WarmUp(BenchCase c, Work work, int minCount, double minSeconds)
    {
        long start = Stopwatch.GetTimestamp(), limit = (long)(minSeconds * Stopwatch.Frequency);
        for (long n = 0; n < minCount || Stopwatch.GetTimestamp() - start < limit; n++) _ = Call(c, work);
    }

    /// <summary>How many calls to make between two reads of the clock: about 1 ms of work.</summary>
    private static int Chunk(BenchCase c, Work work, double probeSeconds)
    {
        var (n, seconds, _) = Run(c, work, probeSeconds, 1);
        return (int)Math.Clamp(1e-3 / (seconds / n), 1, 100_000);
    }

    private static float Call(BenchCase c, Work work)
    {
        switch (work)
        {
            case Work.Train: return c.TrainStep();
            case Work.One: c.PredictOne(); return 0;
            default: c.PredictBatch(); return 0;
        }
    }

    private static (long Count, double Seconds, float Loss) Run(BenchCase c, Work work, double seconds, int chunk)
    {
        long start = Stopwatch.GetTimestamp(), limit = (long)(seconds * Stopwatch.Frequency), now, n = 0;
        float loss = 0;
        do
        {
            switch (work)
            {
                case Work.Train:
                    for (int i = 0; i < chunk; i++) loss = c.TrainStep();
                    break;
                case Work.One:
                    for (int i = 0; i < chunk; i++) c.PredictOne();
                    break;
                default:
                    for (int i = 0; i < chunk; i++) c.PredictBatch();
                    break;
            }
            n += chunk;
            now = Stopwatch.GetTimestamp();
        } while (now - start < limit);
        return (n, (now - start) / (double)Stopwatch.Frequency, loss);
    }

    /// <summary><c>--compare-one KEY [--seconds S]</c>: measure one case and print its result line.</summary>
    public static int RunOne(string[] args)
    {
        string key = args.Length > 1 ? args[1] : "";
        BenchCase? c = BenchCase.All().FirstOrDefault(x => x.Key == key);
        if (c is null)
        {
            Console.Error.WriteLine($"unknown case '{key}'; known: {string.Join(", ", BenchCase.All().Select(x => x.Key))}");
            return 2;
        }
        Console.WriteLine(Measure(c, Timing.FromArgs(args)).ToLine());
        return 0;
    }

    // ---------------------------------------------------------------- the whole comparison (parent process)

    public static int Run(string[] args)
    {
        bool inProcess = args.Contains("--in-process"), noTorch = args.Contains("--no-torch"), noCnn = args.Contains("--no-cnn");
        bool noOnnx = args.Contains("--no-onnx");
        string python = Option(args, "--python") ?? "/usr/bin/python3";
        string? only = Option(args, "--cases");
        Timing timing = Timing.FromArgs(args);
        // --torch-env NAME=VALUE (repeatable): environment of the PyTorch processes only, e.g. OPENBLAS_NUM_THREADS=1
        // (OpenBLAS ignores torch.set_num_threads) or MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ (glibc keeps freed
        // tensors instead of returning them to the kernel, so steps stop paying page faults).
        var torchEnv = new List<KeyValuePair<string, string>>();
        for (int i = 0; i + 1 < args.Length; i++)
            if (args[i] == "--torch-env" && args[i + 1].IndexOf('=') is int eq and > 0)
                torchEnv.Add(new(args[i + 1][..eq], args[i + 1][(eq + 1)..]));
        // PyTorch's products on the width ModelGen runs: Debian's OpenBLAS 0.3.21 takes a Zen 5 for a Haswell (AVX2) and
        // runs its AVX2 kernels, 1.8× slower than its AVX-512 ones there (256 × 1024 × 1024, two threads). When ModelGen
        // runs 512-bit vectors, OpenBLAS is told to use its AVX-512 kernels, unless --torch-env says otherwise.
        if (Vector512.IsHardwareAccelerated && !torchEnv.Any(kv => kv.Key == "OPENBLAS_CORETYPE"))
            torchEnv.Add(new("OPENBLAS_CORETYPE", "SkylakeX"));
        int repeat = Math.Max(1, int.Parse(Option(args, "--repeat") ?? "1", CultureInfo.InvariantCulture));
        var cases = BenchCase.All(!noCnn).Where(c => only is null || only.Split(',').Contains(c.Key)).ToList();
        // ONNX Runtime's intra-op threads: one, and as many as ModelGen may use (all processors); the best is reported.
        int[] ortThreads = (Option(args, "--ort-threads") is string threadList
                ? threadList.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture))
                : new[] { 1, Environment.ProcessorCount }).Where(t => t >= 1).Distinct().Order().ToArray();

        string? root = FindRepositoryRoot();
        Console.WriteLine("# ModelGen vs PyTorch and ONNX Runtime, side by side");
        Console.WriteLine();
        Console.WriteLine(MachineLine());
        Console.WriteLine(VectorLine());
        // The peak is measured before the cases and again after them, and the higher figure kept: a virtual machine's
        // cores are sometimes slowed by its neighbours, and the probe must not catch only such a moment.
        var peak = PeakProbe.Measure();

        string? torchVersion = null, torchNote = null;
        var torchRaw = new StringBuilder();
        string? mlpScript = null, cnnScript = null;
        if (noTorch) torchNote = "PyTorch skipped (--no-torch)";
        else if (root is null) torchNote = "PyTorch not run: the repository root (ModelGen.sln) was not found";
        else
        {
            mlpScript = Path.GetFullPath(Path.Combine(root, "..", "shared", "bench", "torch_mlp.py"));
            cnnScript = Path.Combine(root, "tests", "ModelGen.Benchmarks", "torch_lenet_step.py");
            torchVersion = TorchVersion(python, root, out torchNote);
            if (torchVersion is not null && !File.Exists(mlpScript))
            {
                torchNote = $"PyTorch MLP figures missing: {mlpScript} not found";
                mlpScript = null;
            }
        }

        // ONNX Runtime: the cases with an exported model in the cache folder.
        string? onnxDir = Option(args, "--onnx-dir") ?? (root is null ? null : Path.Combine(root, "bench", ".onnx"));
        var ortCases = new List<BenchCase>();
        string? ortNote = null;
        if (noOnnx) ortNote = "ONNX Runtime skipped (--no-onnx)";
        else if (onnxDir is null) ortNote = "ONNX Runtime not run: no --onnx-dir, and the repository root (ModelGen.sln) was not found";
        else
        {
            onnxDir = Path.GetFullPath(onnxDir);
            var missing = new List<string>();
            foreach (var c in cases.Where(c => c.HasOnnx))
                if (File.Exists(Path.Combine(onnxDir, c.Key + ".onnx"))) ortCases.Add(c);
                else missing.Add(c.Key + ".onnx");
            if (missing.Count > 0)
                ortNote = $"ONNX Runtime not run on {string.Join(", ", missing)}: not in {onnxDir}. `{python} bench/export_onnx.py` " +
                          "writes them when PyTorch is installed (bench/compare.sh runs it first).";
        }

        // ONNX Runtime at ModelGen's width: on an AVX-512 processor with ModelGen's 512-bit vectors off, ONNX Runtime runs
        // from a copy of its library that does not select AVX-512 (OrtKernelWidth), unless --ort-own-kernels.
        string? ortLibrary = null, ortWidth = null;
        if (ortCases.Count > 0 && !Vector512.IsHardwareAccelerated && OrtKernelWidth.ProcessorHasAvx512)
        {
            if (args.Contains("--ort-own-kernels"))
                ortWidth = "ONNX Runtime runs its own choice of kernels, AVX-512 on this processor (--ort-own-kernels), against ModelGen's narrower vectors.";
            else if (OrtKernelWidth.WriteAvx2Copy(Path.Combine(Path.GetTempPath(), $"modelgen-ort-avx2-{Environment.ProcessId}"), out string patchNote) is string copy)
            {
                ortLibrary = copy;
                if (inProcess) OrtKernelWidth.Use(copy);
                ortWidth = "ONNX Runtime runs its AVX2 kernels, as on a processor without AVX-512, like ModelGen here: its library is loaded " +
                           $"from a copy whose AVX-512 checks never pass ({patchNote}).";
            }
            else ortWidth = $"ONNX Runtime runs its AVX-512 kernels against ModelGen's narrower vectors: no AVX2 copy of its library ({patchNote}).";
        }

        // Each round: every case in ModelGen, then the same model in ONNX Runtime, each in its own process (nothing else
        // of ours runs meanwhile); then PyTorch. With --repeat N the table shows the medians of the N rounds.
        var runs = new Dictionary<string, List<Measurement>>();
        var ortRuns = new Dictionary<(string Key, int Batch, int Threads), List<OrtMeasurement>>();
        var torchRuns = new List<Dictionary<string, TorchFigures>>();
        var failures = new List<string>();
        for (int round = 1; round <= repeat; round++)
        {
            string prefix = repeat > 1 ? $"[{round}/{repeat}] " : "";
            foreach (var c in cases)
            {
                Console.Error.Write($"{prefix}ModelGen {c.Title} ... ");
                Measurement? m;
                string? error = null;
                if (inProcess) m = Measure(c, timing);
                else (m, error) = RunChild<Measurement>(["--compare-one", c.Key, .. timing.ToArgs()], Measurement.Parse);
                if (m is null)
                {
                    Console.Error.WriteLine("failed");
                    failures.Add($"{c.Title}: {error}");
                    continue;
                }
                if (!runs.TryGetValue(c.Key, out var list)) runs[c.Key] = list = [];
                list.Add(m);
                Console.Error.WriteLine($"{m.StepSeconds * 1e6:F1} us/step, {m.InferSeconds * 1e6:F2} us/sample" +
                                        (m.BatchCalls > 0 ? $", {m.BatchSeconds * 1e6:F1} us per {BenchCase.InferBatch} samples" : ""));

                // The same model in ONNX Runtime right after ModelGen's, so the two see the machine in the same state
                // (this virtual machine's speed drifts by 20–40% over minutes).
                if (!ortCases.Contains(c)) continue;
                foreach (int batch in InferBatches)
                    foreach (int threads in ortThreads)
                    {
                        Console.Error.Write($"{prefix}ONNX Runtime {c.Key}.onnx, batch {batch}, {threads} thread(s) ... ");
                        OrtMeasurement? o;
                        string? ortError = null;
                        if (inProcess)
                        {
                            try { o = OnnxRuntimeBench.Measure(c.Key, Path.Combine(onnxDir!, c.Key + ".onnx"), batch, threads, timing); }
                            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or TypeInitializationException or InvalidOperationException)
                            { o = null; ortError = e.Message; }
                        }
                        else
                            (o, ortError) = RunChild<OrtMeasurement>(["--compare-ort", c.Key, batch.ToString(Inv), threads.ToString(Inv),
                                                                   "--onnx-dir", onnxDir!, .. timing.ToArgs(),
                                                                   .. ortLibrary is null ? Array.Empty<string>() : [OrtKernelWidth.LibraryOption, ortLibrary]],
                                                                  OrtMeasurement.Parse);
                        if (o is null)
                        {
                            Console.Error.WriteLine("failed");
                            failures.Add($"ONNX Runtime {c.Key}.onnx batch {batch}, {threads} thread(s): {ortError}");
                            continue;
                        }
                        if (!ortRuns.TryGetValue((c.Key, batch, threads), out var ortList)) ortRuns[(c.Key, batch, threads)] = ortList = [];
                        ortList.Add(o);
                        Console.Error.WriteLine($"{o.RunSeconds * 1e6:F2} us per run");
                    }
            }

            if (torchVersion is null || root is null) continue;
            var torch1 = new Dictionary<string, TorchFigures>();
            if (mlpScript is not null)
            {
                Console.Error.WriteLine($"{prefix}PyTorch {torchVersion}: {python} ../shared/bench/torch_mlp.py 1 ...");
                var (ok, output) = RunProcess(python, [mlpScript, "1"], root, TimeSpan.FromMinutes(5), torchEnv);
                ParseTorch(output, torch1);
                torchRaw.Append(output.TrimEnd()).Append('\n');
                if (!ok) torchNote = "torch_mlp.py failed: " + Last(output);
            }
            if (cases.Any(c => c.Key == "lenet") && cnnScript is not null && File.Exists(cnnScript))
            {
                Console.Error.WriteLine($"{prefix}PyTorch {torchVersion}: {python} tests/ModelGen.Benchmarks/torch_lenet_step.py 1 ...");
                var (ok, output) = RunProcess(python, [cnnScript, "1"], root, TimeSpan.FromMinutes(5), torchEnv);
                ParseTorch(output, torch1);
                torchRaw.Append(output.TrimEnd()).Append('\n');
                if (!ok) torchNote = (torchNote is null ? "" : torchNote + "; ") + "torch_lenet_step.py failed: " + Last(output);
            }
            torchRuns.Add(torch1);
        }
        // The AVX2 copy of ONNX Runtime's library (29 MB) is not needed after the runs.
        if (ortLibrary is not null && !inProcess) Directory.Delete(Path.GetDirectoryName(ortLibrary)!, recursive: true);
        var results = runs.ToDictionary(kv => kv.Key, kv => Merge(kv.Value));
        var torch = MergeTorch(torchRuns);
        var ort = ortRuns.ToDictionary(kv => kv.Key, kv => MergeOrt(kv.Value));
        // The best thread setting of each model and batch size.
        var ortBest = ort.Values.GroupBy(o => (o.Key, o.Batch)).ToDictionary(g => g.Key, g => g.MinBy(o => o.RunSeconds)!);
        string? ortVersion = ort.Values.Select(o => o.Version).FirstOrDefault();

        if (!timing.IsDefault)
            Console.WriteLine($"**Shortened run (--seconds {timing.Infer.ToString(Inv)}): a functional check, not figures to quote.**");
        Console.WriteLine(torchVersion is not null
            ? $"PyTorch {torchVersion} on CPU, `torch.set_num_threads(1)` (`torch_mlp.py 1`; the CNN with `tests/ModelGen.Benchmarks/torch_lenet_step.py 1`), " +
              "run right after ModelGen in the same invocation (OpenBLAS's own threads are not capped by set_num_threads: set OPENBLAS_NUM_THREADS=1 with --torch-env for one core)."
            : $"**PyTorch unavailable: no PyTorch figures.** ({torchNote})");
        if (torchVersion is not null && torchEnv.Count > 0)
            Console.WriteLine($"PyTorch environment: {string.Join(" ", torchEnv.Select(kv => $"{kv.Key}={kv.Value}"))}");
        if (torchVersion is not null && torchNote is not null) Console.WriteLine($"Note: {torchNote}");
        if (ortVersion is not null)
        {
            Console.WriteLine($"ONNX Runtime {ortVersion} (NuGet Microsoft.ML.OnnxRuntime {OnnxRuntimeBench.PackageVersion}, CPU provider), models exported from " +
                              $"the same PyTorch networks by bench/export_onnx.py (eval mode, no softmax) in {onnxDir}: `ORT_ENABLE_ALL`, sequential execution, " +
                              $"IntraOpNumThreads = {string.Join(" and ", ortThreads)} each timed (the best shown, its thread count beside it), input and output " +
                              "bound once with OrtIoBinding over preallocated OrtValues, `RunWithBinding` timed like ModelGen's Predict, each model, batch and " +
                              "thread count in a fresh process.");
            Console.WriteLine(ortWidth ?? "ONNX Runtime picks its kernels from CPUID (DOTNET_* settings do not reach it).");
            if (ortNote is not null) Console.WriteLine($"Note: {ortNote}");
        }
        else Console.WriteLine($"**ONNX Runtime: no figures.** ({ortNote ?? "every run failed; see below"})");
        if (repeat > 1) Console.WriteLine($"Medians of {repeat} rounds (each round: each case in ModelGen and right after it in ONNX Runtime, then PyTorch on every case).");
        Console.WriteLine($"ModelGen: `Environment.ProcessorCount` = {Environment.ProcessorCount}; each case in a fresh process: " +
                          $"warm-up ≥ 20 steps and ≥ {timing.WarmTrain:0.##} s, then steps for {timing.Train:0.##} s; batch-1 inference: warm-up ≥ 100 and " +
                          $"≥ {timing.WarmInfer:0.##} s, then {timing.Infer:0.##} s; batch-{BenchCase.InferBatch} inference (one Predict call on {BenchCase.InferBatch} samples): " +
                          $"warm-up ≥ 20 and ≥ {timing.WarmInfer:0.##} s, then {timing.Infer:0.##} s.");
        if (inProcess) Console.WriteLine("--in-process: every case ran in this one process, so the peak working set accumulates from case to case.");
        Console.WriteLine();
        var again = PeakProbe.Measure();
        peak = (Math.Max(peak.OneCore, again.OneCore), Math.Max(peak.AllCores, again.AllCores), peak.Vector);
        Console.WriteLine($"Peak float32 (measured here before and after the cases, the higher kept: 12 chains of {peak.Vector} fused " +
                          $"multiply-adds, no memory traffic): {peak.OneCore:0} GFLOP/s on one core, {peak.AllCores:0} GFLOP/s on all {Environment.ProcessorCount}.");
        Console.WriteLine();
        PrintTable(cases, results, torch, torchVersion is not null, ortBest, ortVersion is not null, peak.AllCores);

        if (ort.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("ONNX Runtime, every thread setting (µs per Run; peak working set of its process; session creation and first Run; " +
                              "managed bytes per Run on the calling thread):");
            foreach (var group in ort.Values.OrderBy(o => cases.FindIndex(c => c.Key == o.Key)).ThenBy(o => o.Batch).ThenBy(o => o.Threads)
                                            .GroupBy(o => (o.Key, o.Batch)))
            {
                var best = ortBest[group.Key];
                string each = string.Join("; ", group.Select(o =>
                    $"{o.Threads} thread{(o.Threads == 1 ? "" : "s")}: {Us(o.RunSeconds * 1e6)} µs{(o == best && group.Count() > 1 ? " (best)" : "")}, " +
                    $"{o.PeakWorkingSet / (1024.0 * 1024.0):0} MiB, created in {o.CreateSeconds * 1e3:0} ms, first Run {Us(o.FirstRunSeconds * 1e6)} µs, " +
                    $"{Bytes(o.BytesThread, o.Runs)} B"));
                Console.WriteLine($"- {group.Key.Key}.onnx, batch {group.Key.Batch}: {each}");
            }
        }

        if (torchRaw.Length > 0)
        {
            Console.WriteLine();
            Console.WriteLine("PyTorch's own output:");
            Console.WriteLine("```");
            Console.Write(torchRaw.ToString());
            Console.WriteLine("```");
        }

        // Start-up: what a fresh process pays before the timed loops.
        Console.WriteLine();
        Console.WriteLine("ModelGen's start-up in a fresh process (medians; the first call of each kind includes the JIT compiling it; " +
                          "model construction includes the benchmark's input arrays):");
        foreach (var c in cases)
        {
            if (!results.TryGetValue(c.Key, out var m)) continue;
            string batch = m.FirstBatchSeconds > 0 ? $", first batch-{BenchCase.InferBatch} prediction {Us(m.FirstBatchSeconds * 1e6)} µs" : "";
            Console.WriteLine($"- {c.Title}: model and inputs created in {Us(m.SetupSeconds * 1e6)} µs, first batch-1 prediction " +
                              $"{Us(m.FirstOneSeconds * 1e6)} µs{batch}, first training step {Us(m.FirstStepSeconds * 1e6)} µs");
        }

        // Allocation check: zero managed bytes per step and per prediction after warm-up.
        Console.WriteLine();
        Console.WriteLine("Managed allocations of ModelGen after warm-up (GC.GetAllocatedBytesForCurrentThread of the calling thread and of the kernels' worker threads, over the timed loop; must be 0):");
        bool allocationsOk = true;
        foreach (var c in cases)
        {
            if (!results.TryGetValue(c.Key, out var m)) continue;
            bool ok = m.TrainBytesThread == 0 && m.InferBytesThread == 0 && m.BatchBytesThread == 0;
            allocationsOk &= ok;
            string extra = m.TrainBytesProcess != m.TrainBytesThread || m.InferBytesProcess != m.InferBytesThread ||
                           m.BatchBytesProcess != m.BatchBytesThread
                ? $"; whole process (GC.GetTotalAllocatedBytes): {m.TrainBytesProcess} B, {m.InferBytesProcess} B, {m.BatchBytesProcess} B" : "";
            string batch = m.BatchCalls > 0
                ? $"{Bytes(m.BatchBytesThread, m.BatchCalls)} per batch-{BenchCase.InferBatch} prediction over {m.BatchCalls:N0}, " : "";
            Console.WriteLine($"- {c.Title}: {Bytes(m.TrainBytesThread, m.Steps)} per step over {m.Steps:N0} steps, " +
                              $"{Bytes(m.InferBytesThread, m.Inferences)} per prediction over {m.Inferences:N0}, {batch}" +
                              $"gen-0 collections {m.Gen0Collections}{extra}: {(ok ? "OK" : "FAILED")}");
        }
        foreach (string f in failures) Console.WriteLine($"- FAILED to measure {f}");

        bool ok2 = allocationsOk && failures.Count == 0;
        Console.WriteLine();
        Console.WriteLine(ok2 ? "All cases measured; no managed allocation per step or prediction."
                              : "FAILED: " + (allocationsOk ? "" : "managed allocations in the timed loop. ") +
                                (failures.Count == 0 ? "" : $"{failures.Count} measurement(s) could not be made."));
        return ok2 ? 0 : 1;
    }

    /// <summary>One row of the table: ModelGen's time and its peers' for one kind of call.</summary>
    private sealed record Row(string Name, double Ours, double Flops, double? Torch, OrtMeasurement? Ort,
                              double? Goal, bool GoalVsOrt, long PeakWorkingSet, string Allocated);

    private static void PrintTable(List<BenchCase> cases, Dictionary<string, Measurement> results,
                                   Dictionary<string, TorchFigures> torch, bool haveTorch,
                                   Dictionary<(string, int), OrtMeasurement> ort, bool haveOrt, double peakGflops)
    {
        var rows = new List<Row>();
        foreach (var c in cases)
            if (results.TryGetValue(c.Key, out var m))
                rows.Add(new Row($"train step, {c.Title}", m.StepSeconds * 1e6, c.FlopsPerStep,
                                 torch.GetValueOrDefault(c.TorchName)?.StepMicroseconds, null, c.TrainGoal, false,
                                 m.PeakWorkingSet, Bytes(m.TrainBytesThread, m.Steps)));
        foreach (var c in cases)
            if (results.TryGetValue(c.Key, out var m))
                rows.Add(new Row($"batch-1 inference, {Shape(c)}", m.InferSeconds * 1e6, c.FlopsPerSample,
                                 torch.GetValueOrDefault(c.TorchName)?.InferMicroseconds, ort.GetValueOrDefault((c.Key, 1)),
                                 c.OrtGoalBatch1, true, m.PeakWorkingSet, Bytes(m.InferBytesThread, m.Inferences)));
        foreach (var c in cases)
            if (results.TryGetValue(c.Key, out var m) && m.BatchCalls > 0)
                rows.Add(new Row($"batch-{BenchCase.InferBatch} inference, {Shape(c)}", m.BatchSeconds * 1e6,
                                 (double)BenchCase.InferBatch * c.FlopsPerSample, null, ort.GetValueOrDefault((c.Key, BenchCase.InferBatch)),
                                 c.OrtGoalBatch64, true, m.PeakWorkingSet, Bytes(m.BatchBytesThread, m.BatchCalls)));

        var header = new List<(string Title, string Align)> { ("case", "---"), ("ModelGen µs", "--:") };
        if (haveTorch) header.AddRange([("PyTorch µs", "--:"), ("PyTorch/ModelGen", "--:")]);
        if (haveOrt) header.AddRange([("ORT µs (threads)", "--:"), ("ORT/ModelGen", "--:")]);
        header.Add(("GFLOP/s ModelGen", "--:"));
        if (haveTorch || haveOrt) header.Add(((haveTorch, haveOrt) switch { (true, true) => "GFLOP/s PyTorch; ORT", (true, _) => "GFLOP/s PyTorch", _ => "GFLOP/s ORT" }, "--:"));
        header.AddRange([("ModelGen % of peak", "--:"), ("goal", "---"), ("peak working set", "--:"), ("managed B per call", "--:")]);

        var sb = new StringBuilder();
        sb.AppendLine("| " + string.Join(" | ", header.Select(h => h.Title)) + " |");
        sb.AppendLine("|" + string.Join("|", header.Select(h => h.Align)) + "|");
        foreach (var r in rows)
        {
            double gflops = r.Flops / (r.Ours * 1e3);
            double? ortUs = r.Ort is null ? null : r.Ort.RunSeconds * 1e6;
            string GflopsOf(double? us) => us is double u ? Gflops(r.Flops / (u * 1e3)) : "—";
            var cells = new List<string> { r.Name, Us(r.Ours) };
            if (haveTorch) cells.AddRange([r.Torch is double t ? Us(t) : "—", r.Torch is double t2 ? Ratio(t2 / r.Ours) : "—"]);
            if (haveOrt) cells.AddRange([ortUs is double o ? $"{Us(o)} ({r.Ort!.Threads})" : "—", ortUs is double o2 ? Ratio(o2 / r.Ours) : "—"]);
            cells.Add(Gflops(gflops));
            if (haveTorch && haveOrt) cells.Add($"{GflopsOf(r.Torch)}; {GflopsOf(ortUs)}");
            else if (haveTorch) cells.Add(GflopsOf(r.Torch));
            else if (haveOrt) cells.Add(GflopsOf(ortUs));
            cells.Add(peakGflops > 0 ? (100 * gflops / peakGflops).ToString(gflops / peakGflops < 0.01 ? "0.00" : "0", Inv) + "%" : "—");
            double? peer = r.GoalVsOrt ? ortUs : r.Torch;
            cells.Add(r.Goal is double g
                ? $"≥ {g.ToString(g >= 10 ? "0" : "0.0#", Inv)}× vs {(r.GoalVsOrt ? "ORT" : "PyTorch")}" + (peer is double p ? (p / r.Ours >= g ? ": met" : ": not met") : "")
                : "");
            cells.Add($"{r.PeakWorkingSet / (1024.0 * 1024.0):0} MiB");
            cells.Add(r.Allocated);
            sb.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        Console.Write(sb.ToString());
        Console.WriteLine();
        Console.WriteLine($"µs per training step (whole batch), per batch-1 prediction, or per batch-{BenchCase.InferBatch} prediction (one call on " +
                          $"{BenchCase.InferBatch} samples). Ratios: the peer's time over ModelGen's, so how many times faster ModelGen is. " +
                          "GFLOP/s: 6·batch·Σ in·out per step as torch_mlp.py counts it (convolutions: in·out per output position), " +
                          "2·Σ in·out per sample predicted. % of peak: of the all-core peak measured above. Goals (issue 10): training against " +
                          "PyTorch, inference against ONNX Runtime at its best thread setting. Peak working set: Process.PeakWorkingSet64 of the " +
                          "process that ran the ModelGen case (training, then inference).");
    }

    private static string Shape(BenchCase c) => c.Title[..c.Title.IndexOf(',')];

    /// <summary>Several rounds of one case: median times, summed counts and bytes, the largest peak.</summary>
    private static Measurement Merge(List<Measurement> ms) => new(
        ms[0].Key, Median(ms.Select(m => m.StepSeconds)), ms.Sum(m => m.Steps), Median(ms.Select(m => m.InferSeconds)),
        ms.Sum(m => m.Inferences), ms.Sum(m => m.TrainBytesThread), ms.Sum(m => m.InferBytesThread),
        ms.Sum(m => m.TrainBytesProcess), ms.Sum(m => m.InferBytesProcess), ms.Sum(m => m.Gen0Collections),
        ms.Max(m => m.PeakWorkingSet), ms[^1].Loss,
        Median(ms.Select(m => m.BatchSeconds)), ms.Sum(m => m.BatchCalls), ms.Sum(m => m.BatchBytesThread), ms.Sum(m => m.BatchBytesProcess),
        Median(ms.Select(m => m.SetupSeconds)), Median(ms.Select(m => m.FirstOneSeconds)), Median(ms.Select(m => m.FirstBatchSeconds)),
        Median(ms.Select(m => m.FirstStepSeconds)));

    /// <summary>Several rounds of one ONNX Runtime setting: median times, summed counts and bytes, the largest peak.</summary>
    private static OrtMeasurement MergeOrt(List<OrtMeasurement> os) => new(
        os[0].Key, os[0].Batch, os[0].Threads, Median(os.Select(o => o.RunSeconds)), os.Sum(o => o.Runs),
        os.Sum(o => o.BytesThread), os.Sum(o => o.BytesProcess), os.Max(o => o.PeakWorkingSet),
        Median(os.Select(o => o.CreateSeconds)), Median(os.Select(o => o.FirstRunSeconds)), os[0].Version);

    private static Dictionary<string, TorchFigures> MergeTorch(List<Dictionary<string, TorchFigures>> rounds)
    {
        var merged = new Dictionary<string, TorchFigures>();
        foreach (string name in rounds.SelectMany(r => r.Keys).Distinct())
        {
            var all = rounds.Where(r => r.ContainsKey(name)).Select(r => r[name]).ToList();
            merged[name] = new TorchFigures
            {
                StepMicroseconds = MedianOrNull(all.Select(t => t.StepMicroseconds)),
                InferMicroseconds = MedianOrNull(all.Select(t => t.InferMicroseconds)),
                GigaFlops = MedianOrNull(all.Select(t => t.GigaFlops)),
            };
        }
        return merged;
    }

    internal static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static double? MedianOrNull(IEnumerable<double?> values)
    {
        var v = values.Where(x => x is not null).Select(x => x!.Value).ToList();
        return v.Count == 0 ? null : Median(v);
    }

    private static string Ratio(double r) => (r >= 100 ? r.ToString("N0", Inv) : r >= 10 ? r.ToString("0.0", Inv) : r.ToString("0.00", Inv)) + "×";

    private static string Gflops(double g) => g >= 100 ? g.ToString("0", Inv) : g >= 1 ? g.ToString("0.0", Inv) : g.ToString("G2", Inv);

    private static string Us(double us) => us >= 100 ? us.ToString("N0", Inv) : us >= 10 ? us.ToString("0.0", Inv) : us.ToString("0.00", Inv);

    private static string Bytes(long bytes, long count) =>
        bytes == 0 ? "0" : (bytes / (double)Math.Max(1, count)).ToString("0.###", Inv);

    private static void ParseTorch(string output, Dictionary<string, TorchFigures> into)
    {
        // "name\tthreads=1\t712 steps/s\t1404.2 us/step\t6.72 GFLOP/s" and "name\tinfer_b1\t60.3 us/sample"
        foreach (string raw in output.Split('\n'))
        {
            string[] f = raw.TrimEnd('\r').Split('\t');
            if (f.Length < 3) continue;
            if (!into.TryGetValue(f[0], out var t)) into[f[0]] = t = new TorchFigures();
            foreach (string field in f.Skip(1))
            {
                if (Number(field, " us/step") is double step) t.StepMicroseconds = step;
                else if (Number(field, " us/sample") is double infer) t.InferMicroseconds = infer;
                else if (Number(field, " GFLOP/s") is double gf) t.GigaFlops = gf;
            }
        }
    }

    private static double? Number(string field, string unit) =>
        field.EndsWith(unit, StringComparison.Ordinal) &&
        double.TryParse(field[..^unit.Length], NumberStyles.Float, Inv, out double v) ? v : null;

    // ---------------------------------------------------------------- processes, machine, paths

    /// <summary>Runs this program again with <paramref name="args"/> and parses its result line.</summary>
    private static (T?, string?) RunChild<T>(string[] args, Func<string, T?> parse) where T : class
    {
        string self = Environment.ProcessPath ?? "dotnet";
        var childArgs = new List<string>();
        // Started as "dotnet ModelGen.Benchmarks.dll" rather than through the app host: pass the assembly along.
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            childArgs.Add(typeof(Compare).Assembly.Location);
        childArgs.AddRange(args);
        var (ok, output) = RunProcess(self, childArgs, Environment.CurrentDirectory, TimeSpan.FromMinutes(5));
        var result = parse(output);
        return result is not null && ok ? (result, null) : (null, Last(output));
    }

    /// <summary>Runs a program to completion; returns whether it exited with 0, and its standard output and error.</summary>
    private static (bool Ok, string Output) RunProcess(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
                                                       IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? []) info.Environment[name] = value;
        try
        {
            using var p = Process.Start(info)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                return (false, $"{file} timed out after {timeout.TotalSeconds:0} s");
            }
            p.WaitForExit();
            return (p.ExitCode == 0, stdout.Result + stderr.Result);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return (false, $"{file}: {e.Message}");
        }
    }

    private static string? TorchVersion(string python, string root, out string? note)
    {
        note = null;
        if (python.Contains('/') && !File.Exists(python))
        {
            note = $"{python} not found";
            return null;
        }
        var (ok, output) = RunProcess(python, ["-c", "import torch; print(torch.__version__)"], root, TimeSpan.FromMinutes(2));
        if (!ok)
        {
            note = $"{python} cannot import torch: {Last(output)}";
            return null;
        }
        return output.Trim().Split('\n')[^1].Trim();
    }

    private static string Last(string output)
    {
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : lines[^1];
    }

    /// <summary>The folder holding ModelGen.sln: from the working directory up, then from this assembly's folder up.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ModelGen.sln")) &&
                    File.Exists(Path.Combine(dir.FullName, "src", "ModelGen", "ModelGen.csproj")))
                    return dir.FullName;
        }
        return null;
    }

    public static string MachineLine()
    {
        string cpu = "unknown CPU", cores = "";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                string[] lines = File.ReadAllLines("/proc/cpuinfo");
                string? Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains(':'))
                    ?.Split(':', 2)[1].Trim();
                cpu = Field("model name") ?? cpu;
                int sockets = lines.Where(l => l.StartsWith("physical id", StringComparison.Ordinal)).Distinct().Count();
                if (Field("cpu cores") is string perSocket)
                    cores = $"{perSocket} cores{(sockets > 1 ? $" × {sockets} sockets" : "")}, ";
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        string simd = string.Join(", ", new[]
        {
            Avx2.IsSupported ? "AVX2" : null,
            Fma.IsSupported ? "FMA" : null,
            Avx512F.IsSupported ? "AVX-512F" : null,
            Vector512.IsHardwareAccelerated ? "Vector512 accelerated" : Vector256.IsHardwareAccelerated ? "Vector256 accelerated" : null,
        }.Where(s => s is not null));
        return $"Machine: {cpu}, {cores}{Environment.ProcessorCount} logical processors; {simd}; " +
               $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier}), {RuntimeInformation.OSDescription}; " +
               $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.";
    }

    /// <summary>
    /// The vector width ModelGen's kernels run on in this process (and in its children, which inherit the environment),
    /// with the DOTNET_* settings that change it, so that a run with DOTNET_EnableAVX512=0 (the AVX2 path on an
    /// AVX-512 machine; .NET 10's name, which ignores the older DOTNET_EnableAVX512F) is recognisable.
    /// </summary>
    public static string VectorLine()
    {
        string width = Vector512.IsHardwareAccelerated ? "512-bit (Vector512 accelerated, AVX-512)"
                     : Vector256.IsHardwareAccelerated ? $"256-bit (Vector256 accelerated, {(Fma.IsSupported ? "AVX2 with FMA" : "AVX2 without FMA")})"
                     : Vector128.IsHardwareAccelerated ? "128-bit (Vector128 accelerated)" : "scalar (no accelerated vectors)";
        var settings = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_Enable", StringComparison.Ordinal) || k == "DOTNET_PreferredVectorBitWidth" ||
                        k.StartsWith("MODELGEN_", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}").ToList();
        return $"Vector width of ModelGen's kernels: {width}; " +
               (settings.Count > 0 ? $"set in the environment: {string.Join(" ", settings)}." : "no DOTNET_Enable*/MODELGEN_* settings in the environment.");
    }

    public static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
