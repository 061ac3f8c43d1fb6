using System;
using System.Globalization;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The convolutions of the LeNet benchmark model timed one by one at batch 64, in GFLOP/s and as a share of the
/// measured peak: <c>--convolutions [--threads N]</c>. Forward as the model's inference runs it (batch norm's running
/// statistics and the ReLU in the tile's epilogue, weights packed once), and the backward pass (weight, bias and input
/// gradients in one call; the first layer's input gradient is not needed, as in the model). The issue's goal is 50% of
/// the peak for these.
/// </summary>
public static class ConvolutionLayers
{
    /// <summary>(name, channels, input size, filters, padding, output size) of LeNet's convolutions, 5 × 5 kernels, stride 1.</summary>
    private static readonly (string Name, int Channels, int Size, int Filters, int Pad, int Out, bool InputGradient)[] Layers =
    [
        ("conv 1×28×28 → 16×28×28 (same)", 1, 28, 16, 2, 28, false),
        ("conv 16×14×14 → 32×10×10", 16, 14, 32, 0, 10, true),
    ];

    public static int Run(string[] args)
    {
        int threads = int.Parse(Compare.Option(args, "--threads") ?? "1", CultureInfo.InvariantCulture);
        double seconds = double.Parse(Compare.Option(args, "--seconds") ?? "0.5", CultureInfo.InvariantCulture);
        const int n = 64, k = 5;
        var peak = PeakProbe.Measure();
        double reference = threads == 1 ? peak.OneCore : peak.AllCores;
        Console.WriteLine(Compare.MachineLine());
        Console.WriteLine($"Peak float32 measured: {peak.OneCore:0} GFLOP/s on one core, {peak.AllCores:0} on all; convolutions at batch {n} on " +
                          $"{threads} thread(s) (0: all); median of 5 runs of {seconds} s each; % of the {(threads == 1 ? "one-core" : "all-core")} peak.");
        Console.WriteLine();
        Console.WriteLine("| convolution (5 × 5) | forward + batch norm + ReLU µs | GFLOP/s | % | backward µs | GFLOP/s | % |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|");
        foreach (var (name, c, size, f, pad, outSize, inputGradient) in Layers)
        {
            float[] x = BenchCase.Normal(n * c * size * size, 1), w = BenchCase.Normal(f * c * k * k, 2), b = BenchCase.Normal(f, 3);
            float[] gamma = BenchCase.Normal(f, 4), beta = BenchCase.Normal(f, 5), mean = BenchCase.Normal(f, 6);
            float[] variance = Array.ConvertAll(BenchCase.Normal(f, 7), v => 0.5f + v * v);
            float[] y = new float[n * f * outSize * outSize], dy = BenchCase.Normal(y.Length, 8);
            float[] dw = new float[w.Length], db = new float[f], dx = inputGradient ? new float[x.Length] : [];
            float[] columns = new float[Conv2D.ColumnsLength(c, k, outSize, outSize) * Conv2D.ScratchCopies(threads)];
            var packed = new PackedWeights<float>(c * k * k, f);
            double macs = (double)n * f * c * k * k * outSize * outSize;
            double forward = DenseProducts.Time(() => Conv2D.ForwardNormalized<float>(x, w, packed, 1, b, gamma, beta, mean, variance, y,
                n, c, size, size, f, k, 1, pad, pad, outSize, outSize, 1e-5, threads, relu: true), seconds);
            double backward = DenseProducts.Time(() => Conv2D.Backward<float>(x, w, dy, dw, db, dx, columns,
                n, c, size, size, f, k, 1, pad, pad, outSize, outSize, threads), seconds);
            string Cell(double s, double flops) => $"{s * 1e6:0} | {flops / s / 1e9:0.0} | {100 * flops / s / 1e9 / reference:0}%";
            Console.WriteLine($"| {name} | {Cell(forward, 2 * macs)} | {Cell(backward, (inputGradient ? 4 : 2) * macs)} |");
        }
        return 0;
    }
}
