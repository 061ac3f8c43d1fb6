using System;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The three products of every dense layer of the benchmark MLPs (forward from packed weights, weight gradient, input
/// gradient) timed one by one, in GFLOP/s and as a share of the measured one-core and all-core peaks:
/// <c>--products [--threads N]</c>. The goal is 85% of the one-core peak for 784-1024-1024-10 at batch 256.
/// </summary>
public static class DenseProducts
{
    /// <summary>(batch, inputs, outputs) of each layer whose products are timed.</summary>
    public static readonly (int N, int Inputs, int Outputs)[] Layers =
    [
        (256, 784, 1024), (256, 1024, 1024), (128, 784, 512), (128, 512, 512), (64, 784, 128),
        (64, 784, 1024), (64, 1024, 1024), (1, 784, 1024), (1, 1024, 1024), (1, 784, 128),
        (256, 1024, 10), (128, 512, 10), (64, 128, 10), // the classifier layers: one panel of outputs
    ];

    public static int Run(string[] args)
    {
        if (Array.IndexOf(args, "--scaling") >= 0) return Scaling(args);
        (int threads, double seconds, double reference) = ProbeRun.Start(args, "products");
        Console.WriteLine("| product (batch × inputs × outputs) | forward µs | GFLOP/s | % | weight gradient µs | GFLOP/s | % | input gradient µs | GFLOP/s | % |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var (n, inputs, outputs) in Layers)
        {
            var d = new Data(n, inputs, outputs);
            double flops = 2.0 * n * inputs * outputs;
            string Cell(double s) => $"{s * 1e6:0.0} | {flops / s / 1e9:0.0} | {100 * flops / s / 1e9 / reference:0}%";
            double forward = Time(() => Dense.Forward<float>(d.X, d.W, d.Packed, 1, d.B, d.Y, n, inputs, outputs, threads, relu: true), seconds);
            string line = $"| {n} × {inputs} × {outputs} | {Cell(forward)} | ";
            if (n > 1)
            {
                double dw = Time(() => Dense.Backward<float>(d.X, d.W, d.Dy, d.Dw, Span<float>.Empty, Span<float>.Empty, n, inputs, outputs, threads), seconds);
                double dx = Time(() => Dense.InputGradient<float>(d.Dy, d.W, d.Dx, n, inputs, outputs, threads), seconds);
                line += $"{Cell(dw)} | {Cell(dx)} |";
            }
            else line += "— | — | — | — | — | — |";
            Console.WriteLine(line);
        }
        return 0;
    }

    /// <summary>
    /// <c>--products --scaling [--rounds N]</c>: every product on one thread and on all, alternating in slices of a tenth
    /// of a second in this process (so both see the same machine speed), the median time of each and of the ratio per
    /// round: what the other cores add to each product, apart from the drift of a shared machine.
    /// </summary>
    private static int Scaling(string[] args)
    {
        int rounds = int.Parse(Compare.Option(args, "--rounds") ?? "15", CultureInfo.InvariantCulture);
        Console.WriteLine(Compare.MachineLine());
        Console.WriteLine($"Each product on 1 thread and on all ({Environment.ProcessorCount} processors), alternating slices of 0.1 s, {rounds} rounds; medians.");
        Console.WriteLine();
        Console.WriteLine("| product (batch × inputs × outputs) | kind | 1 thread µs | all µs | speed-up (quartiles) |");
        Console.WriteLine("|---|---|--:|--:|--:|");
        foreach (var (n, inputs, outputs) in Layers)
        {
            var d = new Data(n, inputs, outputs);
            void Row(string kind, Action<int> product)
            {
                var one = new double[rounds];
                var all = new double[rounds];
                var ratio = new double[rounds];
                for (int i = 0; i < 3; i++) { product(1); product(0); }
                for (int r = 0; r < rounds; r++)
                {
                    one[r] = BuildComparison.MicrosecondsPerCall(() => product(1), 0.1);
                    all[r] = BuildComparison.MicrosecondsPerCall(() => product(0), 0.1);
                    ratio[r] = one[r] / all[r];
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {n} × {inputs} × {outputs} | {kind} | {Compare.Median(one):0.0} | {Compare.Median(all):0.0} | {Compare.Median(ratio):0.00} ({BuildComparison.Quantile(ratio, 0.25):0.00}–{BuildComparison.Quantile(ratio, 0.75):0.00}) |"));
            }
            Row("forward", t => Dense.Forward<float>(d.X, d.W, d.Packed, 1, d.B, d.Y, n, inputs, outputs, t, relu: true));
            if (n == 1) continue;
            Row("weight gradient", t => Dense.Backward<float>(d.X, d.W, d.Dy, d.Dw, Span<float>.Empty, Span<float>.Empty, n, inputs, outputs, t));
            Row("input gradient", t => Dense.InputGradient<float>(d.Dy, d.W, d.Dx, n, inputs, outputs, t));
        }
        return 0;
    }

    /// <summary>Seconds per call of <paramref name="action"/>: the median of 5 runs of <paramref name="seconds"/> each, after 5 calls of warm-up.</summary>
    internal static double Time(Action action, double seconds)
    {
        for (int i = 0; i < 5; i++) action();
        var runs = new double[5];
        for (int r = 0; r < runs.Length; r++) runs[r] = BuildComparison.MicrosecondsPerCall(action, seconds) / 1e6;
        return Compare.Median(runs);
    }

    /// <summary>The operands of one layer's products, random, made once.</summary>
    public sealed class Data
    {
        public readonly float[] X, W, B, Y, Dy, Dw, Dx;
        public readonly PackedWeights<float> Packed;
        /// <summary>Packed once at version 1 by a forward pass, as a model's first layer keeps it for its deferred input gradient.</summary>
        public readonly PackedWeights<float> PackedForGradient;

        public Data(int n, int inputs, int outputs)
        {
            X = BenchCase.Normal(n * inputs, 1);
            W = BenchCase.Normal(outputs * inputs, 2);
            B = BenchCase.Normal(outputs, 3);
            Dy = BenchCase.Normal(n * outputs, 4);
            Y = new float[n * outputs];
            Dw = new float[outputs * inputs];
            Dx = new float[n * inputs];
            Packed = new PackedWeights<float>(inputs, outputs);
            PackedForGradient = new PackedWeights<float>(inputs, outputs, keepPrevious: true);
            Dense.Forward<float>(X, W, PackedForGradient, 1, B, Y, n, inputs, outputs);
        }
    }
}

/// <summary>BenchmarkDotNet cases for the packed GEMM: one dense layer's three products (one thread).</summary>
[MemoryDiagnoser]
public class DenseProductBenchmarks
{
    private DenseProducts.Data _d = null!;

    [Params("256x784x1024", "256x1024x1024", "64x784x128", "1x784x1024")]
    public string Shape { get; set; } = "";

    private int N => int.Parse(Shape.Split('x')[0], CultureInfo.InvariantCulture);
    private int Inputs => int.Parse(Shape.Split('x')[1], CultureInfo.InvariantCulture);
    private int Outputs => int.Parse(Shape.Split('x')[2], CultureInfo.InvariantCulture);

    [GlobalSetup]
    public void Setup() => _d = new DenseProducts.Data(N, Inputs, Outputs);

    [Benchmark]
    public void Forward() => Dense.Forward<float>(_d.X, _d.W, _d.Packed, 1, _d.B, _d.Y, N, Inputs, Outputs, threads: 1, relu: true);

    [Benchmark]
    public void ForwardRepacking() => Dense.Forward<float>(_d.X, _d.W, _d.Packed, _version++, _d.B, _d.Y, N, Inputs, Outputs, threads: 1, relu: true);

    [Benchmark]
    public void WeightGradient() => Dense.Backward<float>(_d.X, _d.W, _d.Dy, _d.Dw, Span<float>.Empty, Span<float>.Empty, N, Inputs, Outputs, threads: 1);

    [Benchmark]
    public void InputGradient() => Dense.InputGradient<float>(_d.Dy, _d.W, _d.Dx, N, Inputs, Outputs, threads: 1);

    /// <summary>The input gradient as a model's deferred <c>InputGradient</c> reads it: from the forward pass's packed weights, a panel at a time.</summary>
    [Benchmark]
    public void InputGradientFromPacked() => Dense.InputGradient<float>(_d.Dy, _d.PackedForGradient, 1, _d.Dx, N, Inputs, Outputs, threads: 1);

    private long _version = 1;
}
