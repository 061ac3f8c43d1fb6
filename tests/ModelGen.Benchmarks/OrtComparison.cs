using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ModelGen.Benchmarks;

/// <summary>
/// ModelGen and ONNX Runtime on the same model and batch, alternating in one process:
/// <c>--ab-ort --case KEY --mode b1|b64 [--threads T] [--rounds 30] [--slice-ms 100] [--gap-ms 20] [--onnx-dir DIR]
/// [--ort-library PATH|avx2]</c> (<c>avx2</c>: a temporary copy of ONNX Runtime's library without AVX-512, see <see cref="OrtKernelWidth"/>).
/// Each round times ModelGen's prediction and ONNX Runtime's bound run for a slice each (ONNX Runtime first in even
/// rounds, ModelGen first in odd ones) and keeps the ratio of the two; the median and quartiles of those ratios are the
/// figure. Separate processes a minute apart (<c>--compare</c>) see this machine at different speeds, and their ratios
/// move by more than the goals' margins (batch-64 784-1024-1024-10 gave 0.58× and 1.53× in two rounds of one run);
/// slices a tenth of a second apart see the same machine. A pause after each slice lets the other side's spinning
/// threads (ModelGen's workers spin 0.2 ms, ONNX Runtime's pool spins too) go idle before the next slice starts.
/// </summary>
public static class OrtComparison
{
    public static int Run(string[] args)
    {
        string key = Compare.Option(args, "--case") ?? throw new ArgumentException("--case KEY is needed (mlp128, mlp512, mlp1024, lenet).");
        string mode = Compare.Option(args, "--mode") ?? "b64";
        if (mode is not ("b1" or "b64")) throw new ArgumentException($"--mode is b1 or b64, not '{mode}'.");
        int threads = int.Parse(Compare.Option(args, "--threads") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            CultureInfo.InvariantCulture);
        int rounds = int.Parse(Compare.Option(args, "--rounds") ?? "30", CultureInfo.InvariantCulture);
        double slice = double.Parse(Compare.Option(args, "--slice-ms") ?? "100", CultureInfo.InvariantCulture) / 1000;
        int gap = int.Parse(Compare.Option(args, "--gap-ms") ?? "20", CultureInfo.InvariantCulture);
        string path = Path.Combine(Compare.Option(args, "--onnx-dir") ?? Path.Combine("bench", ".onnx"), key + ".onnx");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} not found (bench/export_onnx.py writes it).", path);

        BenchCase benchCase = BenchCase.All().FirstOrDefault(c => c.Key == key)
            ?? throw new ArgumentException($"No case '{key}'; known: {string.Join(", ", BenchCase.All().Select(c => c.Key))}.");
        string? library = Compare.Option(args, OrtKernelWidth.LibraryOption), copyFolder = null;
        if (library == "avx2")
            library = OrtKernelWidth.WriteAvx2Copy(copyFolder = Path.Combine(Path.GetTempPath(), $"modelgen-ort-avx2-{Environment.ProcessId}"),
                                                   out string note) ?? throw new InvalidOperationException(note);
        if (library is not null) OrtKernelWidth.Use(library);
        benchCase.Setup();
        Action modelGen = mode == "b1" ? benchCase.PredictOne : benchCase.PredictBatch;
        using var ort = new OrtRun(path, mode == "b1" ? 1 : BenchCase.InferBatch, threads);
        ort.Run();
        ort.CheckOutput();
        if (library is not null) OrtKernelWidth.CheckLoaded(library);
        Action onnxRuntime = ort.Run;
        // Warm-up: half a second each, so the JIT has finished tiering ModelGen's path before the first slice.
        BuildComparison.MicrosecondsPerCall(modelGen, 0.5);
        BuildComparison.MicrosecondsPerCall(onnxRuntime, 0.5);

        // The calls in the order ONNX Runtime, ModelGen, so each round's ratio is ONNX Runtime's time over ModelGen's.
        (List<double>[] times, List<double> ratios) = BuildComparison.Alternate([onnxRuntime, modelGen], rounds, slice, gap);
        Console.WriteLine($"{key} {mode}: ModelGen {Compare.Median(times[1]):0.0} µs, ONNX Runtime {Compare.Median(times[0]):0.0} µs " +
                          $"({threads} intra-op thread(s)) per call; ONNX Runtime / ModelGen median {Compare.Median(ratios):0.000} " +
                          $"(quartiles {BuildComparison.Quantile(ratios, 0.25):0.000}–{BuildComparison.Quantile(ratios, 0.75):0.000}, " +
                          $"{rounds} rounds of {slice * 1000:0} ms each; above 1: ModelGen is faster)");
        // The copy stays mapped until the process exits; its file is no longer needed.
        if (copyFolder is not null) Directory.Delete(copyFolder, recursive: true);
        return 0;
    }
}
