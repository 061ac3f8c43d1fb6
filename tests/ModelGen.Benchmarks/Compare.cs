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

namespace ModelGen.Benchmarks;

/// <summary>What one case measured, in the process that ran it.</summary>
public sealed record Measurement(
    string Key, double StepSeconds, long Steps, double InferSeconds, long Inferences,
    long TrainBytesThread, long InferBytesThread, long TrainBytesProcess, long InferBytesProcess,
    int Gen0Collections, long PeakWorkingSet, float Loss)
{
    private const string Tag = "RESULT";

    public string ToLine() => string.Join('\t', Tag, Key, F(StepSeconds), Steps, F(InferSeconds), Inferences,
        TrainBytesThread, InferBytesThread, TrainBytesProcess, InferBytesProcess, Gen0Collections, PeakWorkingSet, F(Loss));

    public static Measurement? Parse(string output)
    {
        foreach (string line in output.Split('\n'))
        {
            string[] f = line.TrimEnd('\r').Split('\t');
            if (f.Length != 13 || f[0] != Tag) continue;
            return new Measurement(f[1], D(f[2]), long.Parse(f[3], CultureInfo.InvariantCulture), D(f[4]),
                long.Parse(f[5], CultureInfo.InvariantCulture), L(f[6]), L(f[7]), L(f[8]), L(f[9]),
                int.Parse(f[10], CultureInfo.InvariantCulture), L(f[11]), (float)D(f[12]));
        }
        return null;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
    private static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
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
/// about 2 s, then batch-1 inference for about 1 s), each in a fresh child process so that its peak working set is its
/// own; then the PyTorch scripts; then one Markdown table.
/// </summary>
public static class Compare
{
    public const double TrainSeconds = 2.0, InferSeconds = 1.0;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // ---------------------------------------------------------------- one case (runs in the child process)

    /// <summary>Measures one case in this process.</summary>
    public static Measurement Measure(BenchCase c, double trainSeconds = TrainSeconds, double inferSeconds = InferSeconds)
    {
        c.Setup();
        _ = ModelGen.Kernels.WorkerPool.Shared; // created now, so its creation is not counted in the timed loops

        // Warm-up: torch_mlp.py takes 20 steps (100 predictions); the JIT also wants time to reach its optimized tier.
        WarmUp(c, train: true, minCount: 20, minSeconds: 0.5);
        int chunk = Chunk(c, train: true);
        int gen0 = GC.CollectionCount(0);
        long thread0 = OwnAllocatedBytes(), process0 = GC.GetTotalAllocatedBytes(precise: true);
        var (steps, stepSeconds, loss) = Run(c, train: true, trainSeconds, chunk);
        long thread1 = OwnAllocatedBytes(), process1 = GC.GetTotalAllocatedBytes(precise: true);

        WarmUp(c, train: false, minCount: 100, minSeconds: 0.2);
        chunk = Chunk(c, train: false);
        long thread2 = OwnAllocatedBytes(), process2 = GC.GetTotalAllocatedBytes(precise: true);
        var (inferences, inferSecondsTaken, _) = Run(c, train: false, inferSeconds, chunk);
        long thread3 = OwnAllocatedBytes(), process3 = GC.GetTotalAllocatedBytes(precise: true);
        gen0 = GC.CollectionCount(0) - gen0;

        long peak;
        using (var self = Process.GetCurrentProcess()) peak = self.PeakWorkingSet64;
        return new Measurement(c.Key, stepSeconds / steps, steps, inferSecondsTaken / inferences, inferences,
                               thread1 - thread0, thread3 - thread2, process1 - process0, process3 - process2,
                               gen0, peak, loss);
    }

    /// <summary>Managed bytes allocated so far by this thread and by the kernels' worker threads.</summary>
    private static long OwnAllocatedBytes() =>
        GC.GetAllocatedBytesForCurrentThread() + ModelGen.Kernels.WorkerPool.Shared.WorkerAllocatedBytes;

    private static void WarmUp(BenchCase c, bool train, int minCount, double minSeconds)
    {
        long start = Stopwatch.GetTimestamp(), limit = (long)(minSeconds * Stopwatch.Frequency);
        for (long n = 0; n < minCount || Stopwatch.GetTimestamp() - start < limit; n++)
            if (train) c.TrainStep(); else c.PredictOne();
    }

    /// <summary>How many calls to make between two reads of the clock: about 1 ms of work.</summary>
    private static int Chunk(BenchCase c, bool train)
    {
        var (n, seconds, _) = Run(c, train, 0.05, 1);
        return (int)Math.Clamp(1e-3 / (seconds / n), 1, 100_000);
    }

    private static (long Count, double Seconds, float Loss) Run(BenchCase c, bool train, double seconds, int chunk)
    {
        long start = Stopwatch.GetTimestamp(), limit = (long)(seconds * Stopwatch.Frequency), now, n = 0;
        float loss = 0;
        do
        {
            if (train)
                for (int i = 0; i < chunk; i++) loss = c.TrainStep();
            else
                for (int i = 0; i < chunk; i++) c.PredictOne();
            n += chunk;
            now = Stopwatch.GetTimestamp();
        } while (now - start < limit);
        return (n, (now - start) / (double)Stopwatch.Frequency, loss);
    }

    /// <summary><c>--compare-one KEY</c>: measure one case and print its result line.</summary>
    public static int RunOne(string key)
    {
        BenchCase? c = BenchCase.All().FirstOrDefault(x => x.Key == key);
        if (c is null)
        {
            Console.Error.WriteLine($"unknown case '{key}'; known: {string.Join(", ", BenchCase.All().Select(x => x.Key))}");
            return 2;
        }
        Console.WriteLine(Measure(c).ToLine());
        return 0;
    }

    // ---------------------------------------------------------------- the whole comparison (parent process)

    public static int Run(string[] args)
    {
        bool inProcess = args.Contains("--in-process"), noTorch = args.Contains("--no-torch"), noCnn = args.Contains("--no-cnn");
        string python = Option(args, "--python") ?? "/usr/bin/python3";
        string? only = Option(args, "--cases");
        // --torch-env NAME=VALUE (repeatable): environment of the PyTorch processes only, e.g. OPENBLAS_NUM_THREADS=1
        // (OpenBLAS ignores torch.set_num_threads) or MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ (glibc keeps freed
        // tensors instead of returning them to the kernel, so steps stop paying page faults).
        var torchEnv = new List<KeyValuePair<string, string>>();
        for (int i = 0; i + 1 < args.Length; i++)
            if (args[i] == "--torch-env" && args[i + 1].IndexOf('=') is int eq and > 0)
                torchEnv.Add(new(args[i + 1][..eq], args[i + 1][(eq + 1)..]));
        int repeat = Math.Max(1, int.Parse(Option(args, "--repeat") ?? "1", CultureInfo.InvariantCulture));
        var cases = BenchCase.All(!noCnn).Where(c => only is null || only.Split(',').Contains(c.Key)).ToList();

        string? root = FindRepositoryRoot();
        Console.WriteLine("# ModelGen vs PyTorch, side by side");
        Console.WriteLine();
        Console.WriteLine(MachineLine());
        // The peak is measured before the cases and again after them, and the higher figure kept: a virtual machine's
        // cores are sometimes slowed by its neighbours, and the probe must not catch only such a moment.
        var peak = PeakProbe.Measure();

        // Each round: ModelGen's cases, each in its own process (nothing else of ours runs meanwhile), then PyTorch.
        // With --repeat N the table shows the medians of the N rounds.
        var runs = new Dictionary<string, List<Measurement>>();
        var torchRuns = new List<Dictionary<string, TorchFigures>>();
        var failures = new List<string>();
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

        for (int round = 1; round <= repeat; round++)
        {
            string prefix = repeat > 1 ? $"[{round}/{repeat}] " : "";
            foreach (var c in cases)
            {
                Console.Error.Write($"{prefix}ModelGen {c.Title} ... ");
                Measurement? m;
                string? error = null;
                if (inProcess) m = Measure(c);
                else (m, error) = RunChild(c.Key);
                if (m is null)
                {
                    Console.Error.WriteLine("failed");
                    failures.Add($"{c.Title}: {error}");
                    continue;
                }
                if (!runs.TryGetValue(c.Key, out var list)) runs[c.Key] = list = [];
                list.Add(m);
                Console.Error.WriteLine($"{m.StepSeconds * 1e6:F1} us/step, {m.InferSeconds * 1e6:F2} us/sample");
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
        var results = runs.ToDictionary(kv => kv.Key, kv => Merge(kv.Value));
        var torch = MergeTorch(torchRuns);

        Console.WriteLine(torchVersion is not null
            ? $"PyTorch {torchVersion} on CPU, `torch.set_num_threads(1)` (`torch_mlp.py 1`; the CNN with `tests/ModelGen.Benchmarks/torch_lenet_step.py 1`), " +
              "run right after ModelGen in the same invocation (OpenBLAS's own threads are not capped by set_num_threads: set OPENBLAS_NUM_THREADS=1 with --torch-env for one core)."
            : $"**PyTorch unavailable: ModelGen's figures alone.** ({torchNote})");
        if (torchVersion is not null && torchEnv.Count > 0)
            Console.WriteLine($"PyTorch environment: {string.Join(" ", torchEnv.Select(kv => $"{kv.Key}={kv.Value}"))}");
        if (torchVersion is not null && torchNote is not null) Console.WriteLine($"Note: {torchNote}");
        if (repeat > 1) Console.WriteLine($"Medians of {repeat} rounds (each round: every ModelGen case, then PyTorch).");
        Console.WriteLine($"ModelGen: `Environment.ProcessorCount` = {Environment.ProcessorCount}; each case in a fresh process: " +
                          $"warm-up ≥ 20 steps and ≥ 0.5 s, then steps for {TrainSeconds:0} s; batch-1 inference: warm-up ≥ 100 and ≥ 0.2 s, then {InferSeconds:0} s.");
        if (inProcess) Console.WriteLine("--in-process: every case ran in this one process, so the peak working set accumulates from case to case.");
        Console.WriteLine();
        var again = PeakProbe.Measure();
        peak = (Math.Max(peak.OneCore, again.OneCore), Math.Max(peak.AllCores, again.AllCores), peak.Vector);
        Console.WriteLine($"Peak float32 (measured here before and after the cases, the higher kept: 12 chains of {peak.Vector} fused " +
                          $"multiply-adds, no memory traffic): {peak.OneCore:0} GFLOP/s on one core, {peak.AllCores:0} GFLOP/s on all {Environment.ProcessorCount}.");
        PrintTable(cases, results, torch, torchVersion is not null, peak.AllCores);

        if (torchRaw.Length > 0)
        {
            Console.WriteLine();
            Console.WriteLine("PyTorch's own output:");
            Console.WriteLine("```");
            Console.Write(torchRaw.ToString());
            Console.WriteLine("```");
        }

        // Allocation check: zero managed bytes per step and per prediction after warm-up.
        Console.WriteLine();
        Console.WriteLine("Managed allocations after warm-up (GC.GetAllocatedBytesForCurrentThread of the calling thread and of the kernels' worker threads, over the timed loop; must be 0):");
        bool allocationsOk = true;
        foreach (var c in cases)
        {
            if (!results.TryGetValue(c.Key, out var m)) continue;
            bool ok = m.TrainBytesThread == 0 && m.InferBytesThread == 0;
            allocationsOk &= ok;
            string extra = m.TrainBytesProcess != m.TrainBytesThread || m.InferBytesProcess != m.InferBytesThread
                ? $"; whole process (GC.GetTotalAllocatedBytes): {m.TrainBytesProcess} B, {m.InferBytesProcess} B" : "";
            Console.WriteLine($"- {c.Title}: {Bytes(m.TrainBytesThread, m.Steps)} per step over {m.Steps:N0} steps, " +
                              $"{Bytes(m.InferBytesThread, m.Inferences)} per prediction over {m.Inferences:N0}, " +
                              $"gen-0 collections {m.Gen0Collections}{extra}: {(ok ? "OK" : "FAILED")}");
        }
        foreach (string f in failures) Console.WriteLine($"- FAILED to measure {f}");

        bool ok2 = allocationsOk && failures.Count == 0;
        Console.WriteLine();
        Console.WriteLine(ok2 ? "All cases measured; no managed allocation per step or prediction."
                              : "FAILED: " + (allocationsOk ? "" : "managed allocations in the timed loop. ") +
                                (failures.Count == 0 ? "" : $"{failures.Count} case(s) could not be measured."));
        return ok2 ? 0 : 1;
    }

    private static void PrintTable(List<BenchCase> cases, Dictionary<string, Measurement> results,
                                   Dictionary<string, TorchFigures> torch, bool haveTorch, double peakGflops)
    {
        var sb = new StringBuilder();
        sb.AppendLine(haveTorch
            ? "| case | ModelGen µs | PyTorch µs | PyTorch/ModelGen | GFLOP/s ModelGen (PyTorch) | ModelGen % of peak | goal | peak working set | managed B per call |"
            : "| case | ModelGen µs | GFLOP/s | % of peak | goal vs PyTorch | peak working set | managed B per call |");
        sb.AppendLine(haveTorch ? "|---|--:|--:|--:|--:|--:|---|--:|--:|" : "|---|--:|--:|--:|---|--:|--:|");
        foreach (bool train in new[] { true, false })
        {
            foreach (var c in cases)
            {
                if (!results.TryGetValue(c.Key, out var m)) continue;
                torch.TryGetValue(c.TorchName, out var t);
                double ours = (train ? m.StepSeconds : m.InferSeconds) * 1e6;
                double? theirs = train ? t?.StepMicroseconds : t?.InferMicroseconds;
                double flops = train ? c.FlopsPerStep : c.FlopsPerSample;
                double gflops = flops / (ours * 1e3);
                double? torchGflops = theirs is double th ? flops / (th * 1e3) : null;
                double? goal = train ? c.TrainGoal : c.InferGoal;
                long bytes = train ? m.TrainBytesThread : m.InferBytesThread;
                long count = train ? m.Steps : m.Inferences;
                string name = train ? $"train step, {c.Title}" : $"batch-1 inference, {c.Title[..c.Title.IndexOf(',')]}";
                string ratio = theirs is double r ? Ratio(r / ours) : "—";
                string goalText = goal is double g
                    ? $"≥ {g:0.##}×" + (theirs is double r2 ? (r2 / ours >= g ? " met" : " not met") : "")
                    : "";
                string peak = $"{m.PeakWorkingSet / (1024.0 * 1024.0):0} MiB";
                string alloc = Bytes(bytes, count);
                string ofPeak = peakGflops > 0 ? (100 * gflops / peakGflops).ToString(gflops / peakGflops < 0.01 ? "0.00" : "0", CultureInfo.InvariantCulture) + "%" : "—";
                if (haveTorch)
                    sb.AppendLine($"| {name} | {Us(ours)} | {(theirs is double tt ? Us(tt) : "—")} | {ratio} | " +
                                  $"{Gflops(gflops)} ({(torchGflops is double tg ? Gflops(tg) : "—")}) | {ofPeak} | {goalText} | {peak} | {alloc} |");
                else
                    sb.AppendLine($"| {name} | {Us(ours)} | {Gflops(gflops)} | {ofPeak} | {goalText} | {peak} | {alloc} |");
            }
        }
        Console.Write(sb.ToString());
        Console.WriteLine();
        Console.WriteLine("µs per training step (whole batch) or per batch-1 prediction. PyTorch/ModelGen: how many times faster " +
                          "ModelGen is. GFLOP/s: 6·batch·Σ in·out per step as torch_mlp.py counts it (convolutions: in·out per " +
                          "output position), 2·Σ in·out per prediction. % of peak: of the all-core peak measured above. Peak working set: Process.PeakWorkingSet64 of the " +
                          "process that ran the case (training, then inference).");
    }

    /// <summary>Several rounds of one case: median times, summed counts and bytes, the largest peak.</summary>
    private static Measurement Merge(List<Measurement> ms) => new(
        ms[0].Key, Median(ms.Select(m => m.StepSeconds)), ms.Sum(m => m.Steps), Median(ms.Select(m => m.InferSeconds)),
        ms.Sum(m => m.Inferences), ms.Sum(m => m.TrainBytesThread), ms.Sum(m => m.InferBytesThread),
        ms.Sum(m => m.TrainBytesProcess), ms.Sum(m => m.InferBytesProcess), ms.Sum(m => m.Gen0Collections),
        ms.Max(m => m.PeakWorkingSet), ms[^1].Loss);

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

    private static double Median(IEnumerable<double> values)
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

    private static (Measurement?, string?) RunChild(string key)
    {
        string self = Environment.ProcessPath ?? "dotnet";
        var childArgs = new List<string>();
        // Started as "dotnet ModelGen.Benchmarks.dll" rather than through the app host: pass the assembly along.
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            childArgs.Add(typeof(Compare).Assembly.Location);
        childArgs.AddRange(["--compare-one", key]);
        var (ok, output) = RunProcess(self, childArgs, Environment.CurrentDirectory, TimeSpan.FromMinutes(5));
        var m = Measurement.Parse(output);
        return m is not null && ok ? (m, null) : (null, Last(output));
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

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
