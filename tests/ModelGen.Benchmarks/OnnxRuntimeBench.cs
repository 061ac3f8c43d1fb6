using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;

namespace ModelGen.Benchmarks;

/// <summary>What one ONNX Runtime run (one model, one batch size, one thread setting) measured, in its own process.</summary>
public sealed record OrtMeasurement(
    string Key, int Batch, int Threads, double RunSeconds, long Runs, long BytesThread, long BytesProcess,
    long PeakWorkingSet, double CreateSeconds, double FirstRunSeconds, string Version)
{
    private const string Tag = "ORT";

    public string ToLine() => string.Join('\t', Tag, Key, Batch, Threads, F(RunSeconds), Runs, BytesThread, BytesProcess,
                                          PeakWorkingSet, F(CreateSeconds), F(FirstRunSeconds), Version);

    public static OrtMeasurement? Parse(string output)
    {
        foreach (string line in output.Split('\n'))
        {
            string[] f = line.TrimEnd('\r').Split('\t');
            if (f.Length != 12 || f[0] != Tag) continue;
            return new OrtMeasurement(f[1], I(f[2]), I(f[3]), D(f[4]), L(f[5]), L(f[6]), L(f[7]), L(f[8]), D(f[9]), D(f[10]), f[11]);
        }
        return null;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
    private static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
    private static int I(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}

/// <summary>
/// ONNX Runtime, the inference peer of issue 10: the CPU execution provider, <c>ORT_ENABLE_ALL</c>, a given number of
/// intra-op threads, the input and output bound once with <see cref="OrtIoBinding"/> over preallocated
/// <see cref="OrtValue"/>s on managed arrays (so a run copies nothing and allocates no tensor), warmed up like
/// ModelGen's inference, then <c>RunWithBinding</c> timed the way <see cref="Compare.Measure"/> times Predict.
/// </summary>
public static class OnnxRuntimeBench
{
    /// <summary>The version of the managed ONNX Runtime package this program was built with.</summary>
    public static string PackageVersion =>
        typeof(InferenceSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "?";

    /// <summary>Measures one model at one batch size and thread count in this process.</summary>
    public static OrtMeasurement Measure(string key, string modelPath, int batch, int threads, Timing timing)
    {
        long start = Stopwatch.GetTimestamp();
        using var run = new OrtRun(modelPath, batch, threads);
        double createSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        start = Stopwatch.GetTimestamp();
        run.Run();
        double firstRunSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        run.CheckOutput();

        // Warm-up as for ModelGen's inference: at least 100 runs and the warm-up time.
        start = Stopwatch.GetTimestamp();
        long limit = (long)(timing.WarmInfer * Stopwatch.Frequency);
        for (long n = 0; n < 100 || Stopwatch.GetTimestamp() - start < limit; n++) run.Run();

        var (probeRuns, probeSeconds) = Loop(run, Math.Min(0.05, timing.Infer), 1);
        int chunk = (int)Math.Clamp(1e-3 / (probeSeconds / probeRuns), 1, 100_000);

        long thread0 = GC.GetAllocatedBytesForCurrentThread(), process0 = GC.GetTotalAllocatedBytes(precise: true);
        var (runs, seconds) = Loop(run, timing.Infer, chunk);
        long thread1 = GC.GetAllocatedBytesForCurrentThread(), process1 = GC.GetTotalAllocatedBytes(precise: true);

        long peak;
        using (var self = Process.GetCurrentProcess()) peak = self.PeakWorkingSet64;
        string version = OrtEnv.Instance().GetVersionString();
        return new OrtMeasurement(key, batch, threads, seconds / runs, runs, thread1 - thread0, process1 - process0,
                                  peak, createSeconds, firstRunSeconds, version);
    }

    private static (long Runs, double Seconds) Loop(OrtRun run, double seconds, int chunk)
    {
        long start = Stopwatch.GetTimestamp(), limit = (long)(seconds * Stopwatch.Frequency), now, n = 0;
        do
        {
            for (int i = 0; i < chunk; i++) run.Run();
            n += chunk;
            now = Stopwatch.GetTimestamp();
        } while (now - start < limit);
        return (n, (now - start) / (double)Stopwatch.Frequency);
    }

    /// <summary>The model's dimensions with the dynamic batch axis (the first, -1 in the metadata) set.</summary>
    internal static long[] Shape(int[] dimensions, int batch) =>
        dimensions.Select((d, i) => i == 0 ? batch : d > 0 ? d : throw new InvalidOperationException(
            $"dimension {i} of the model is dynamic; only the batch axis may be")).Select(d => (long)d).ToArray();

    /// <summary>
    /// <c>--compare-ort KEY BATCH THREADS --onnx-dir DIR [--seconds S] [--ort-library PATH]</c>: measure once, print the
    /// result line; with <c>--ort-library</c>, ONNX Runtime's native library is loaded from PATH (see <see cref="OrtKernelWidth"/>).
    /// </summary>
    public static int RunOne(string[] args)
    {
        if (args.Length < 4 || !int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out int batch) ||
            !int.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out int threads) || batch < 1 || threads < 1)
        {
            Console.Error.WriteLine("usage: --compare-ort KEY BATCH THREADS --onnx-dir DIR [--seconds S] [--ort-library PATH]");
            return 2;
        }
        string key = args[1];
        string path = Path.Combine(Compare.Option(args, "--onnx-dir") ?? ".", key + ".onnx");
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"{path} not found (bench/export_onnx.py writes it)");
            return 2;
        }
        string? library = Compare.Option(args, OrtKernelWidth.LibraryOption);
        if (library is not null) OrtKernelWidth.Use(library);
        var measurement = Measure(key, path, batch, threads, Timing.FromArgs(args));
        if (library is not null) OrtKernelWidth.CheckLoaded(library);
        Console.WriteLine(measurement.ToLine());
        return 0;
    }
}

/// <summary>
/// One ONNX Runtime session ready to run: the CPU execution provider, <c>ORT_ENABLE_ALL</c>, sequential execution,
/// <paramref name="threads"/> intra-op threads, the input (normal values, as ModelGen's cases use) and the output bound
/// once with <see cref="OrtIoBinding"/> over preallocated <see cref="OrtValue"/>s on managed arrays.
/// </summary>
public sealed class OrtRun : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly OrtValue _input, _output;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _outputValues;
    private readonly string _path;

    public OrtRun(string modelPath, int batch, int threads)
    {
        _path = modelPath;
        _options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        _session = new InferenceSession(modelPath, _options);
        string inputName = _session.InputNames[0], outputName = _session.OutputNames[0];
        long[] inputShape = OnnxRuntimeBench.Shape(_session.InputMetadata[inputName].Dimensions, batch);
        long[] outputShape = OnnxRuntimeBench.Shape(_session.OutputMetadata[outputName].Dimensions, batch);
        float[] input = BenchCase.Normal(checked((int)inputShape.Aggregate(1L, (a, b) => a * b)), batch == 1 ? 3 : 4);
        _outputValues = new float[checked((int)outputShape.Aggregate(1L, (a, b) => a * b))];
        _input = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        _output = OrtValue.CreateTensorValueFromMemory(_outputValues, outputShape);
        _binding = _session.CreateIoBinding();
        _binding.BindInput(inputName, _input);
        _binding.BindOutput(outputName, _output);
    }

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>Throws unless every output value is finite.</summary>
    public void CheckOutput()
    {
        foreach (float v in _outputValues)
            if (!float.IsFinite(v)) throw new InvalidOperationException($"{_path}: the output is not finite");
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _binding.Dispose();
        _output.Dispose();
        _input.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
