using System;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The convolutions of the LeNet benchmark model timed one by one at batch 64 (or <c>--batch N</c>), in GFLOP/s and as a share of the
/// measured peak: <c>--convolutions [--threads N] [--batch N]</c>. Forward as the model's inference runs it (batch norm's running
/// statistics and the ReLU in the tile's epilogue, weights packed once), and the backward pass (weight, bias and input
/// gradients in one call; the first layer's input gradient is not needed, as in the model). The goal is 50% of
/// the peak for these.
/// </summary>
public static class ConvolutionLayers
{
    /// <summary>(name, channels, input size, filters, padding, output size) of LeNet's convolutions, 5 × 5 kernels, stride 1.</summary>
    internal static readonly (string Name, int Channels, int Size, int Filters, int Pad, int Out, bool InputGradient)[] Layers =
    [
        ("conv 1×28×28 → 16×28×28 (same)", 1, 28, 16, 2, 28, false),
        ("conv 16×14×14 → 32×10×10", 16, 14, 32, 0, 10, true),
    ];

    private const int DefaultBatch = 64, Kernel = 5;

    public static int Run(string[] args)
    {
        int batch = int.Parse(Compare.Option(args, "--batch") ?? DefaultBatch.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        (int threads, double seconds, double reference) = ProbeRun.Start(args, $"convolutions at batch {batch}");
        Console.WriteLine("| convolution (5 × 5) | forward + batch norm + ReLU µs | GFLOP/s | % | backward µs | GFLOP/s | % |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|");
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            var d = new Data(layer, threads, batch);
            double forward = DenseProducts.Time(d.Forward, seconds);
            double backward = DenseProducts.Time(d.Backward, seconds);
            string Cell(double s, double flops) => $"{s * 1e6:0} | {flops / s / 1e9:0.0} | {100 * flops / s / 1e9 / reference:0}%";
            Console.WriteLine($"| {Layers[layer].Name} | {Cell(forward, 2 * d.MultiplyAdds)} | {Cell(backward, (Layers[layer].InputGradient ? 4 : 2) * d.MultiplyAdds)} |");
        }
        // Both blocks at inference as the model runs them (each pooled 2 × 2), as two calls and as one pair call.
        var pair = new Pair(threads, batch);
        double separate = DenseProducts.Time(pair.Separate, seconds), together = DenseProducts.Time(pair.Together, seconds);
        string Row(double s) => $"{s * 1e6:0.0} | {2 * pair.MultiplyAdds / s / 1e9:0.0} | {100 * 2 * pair.MultiplyAdds / s / 1e9 / reference:0}%";
        Console.WriteLine();
        Console.WriteLine("| both blocks, batch norm, ReLU and pooling at inference | µs | GFLOP/s | % |");
        Console.WriteLine("|---|--:|--:|--:|");
        Console.WriteLine($"| two calls (ForwardNormalizedMaxPooled) | {Row(separate)} |");
        Console.WriteLine($"| one call (ForwardNormalizedMaxPooledPair) | {Row(together)} |");
        return 0;
    }

    /// <summary>LeNet's two blocks (convolution, batch norm, ReLU, 2 × 2 max pooling) at inference, as two calls or as one pair.</summary>
    internal sealed class Pair
    {
        private readonly float[] _x, _w1, _w2, _stats1, _stats2, _var1, _var2, _between, _y;
        private readonly PackedWeights<float> _packed1 = new(25, 16), _packed2 = new(400, 32);
        private readonly int _threads, _batch;

        public Pair(int threads, int batch)
        {
            (_threads, _batch) = (threads, batch);
            _x = BenchCase.Normal(batch * 784, 1);
            _w1 = BenchCase.Normal(16 * 25, 2);
            _w2 = BenchCase.Normal(32 * 400, 3);
            _stats1 = BenchCase.Normal(16, 4);
            _stats2 = BenchCase.Normal(32, 5);
            _var1 = Array.ConvertAll(BenchCase.Normal(16, 6), v => 0.5f + v * v);
            _var2 = Array.ConvertAll(BenchCase.Normal(32, 7), v => 0.5f + v * v);
            _between = new float[batch * 16 * 14 * 14];
            _y = new float[batch * 32 * 5 * 5];
        }

        /// <summary>Multiply-adds of both convolutions.</summary>
        public double MultiplyAdds => (double)_batch * (16 * 25 * 784 + 32 * 400 * 100);

        public void Separate()
        {
            Conv2D.ForwardNormalizedMaxPooled<float>(_x, _w1, _packed1, 1, _stats1, _stats1, _stats1, _stats1, _var1, _between,
                _batch, 1, 28, 28, 16, Kernel, 1, 2, 2, 28, 28, 1e-5, 2, 2, 14, 14, _threads, relu: true);
            Conv2D.ForwardNormalizedMaxPooled<float>(_between, _w2, _packed2, 1, _stats2, _stats2, _stats2, _stats2, _var2, _y,
                _batch, 16, 14, 14, 32, Kernel, 1, 0, 0, 10, 10, 1e-5, 2, 2, 5, 5, _threads, relu: true);
        }

        public void Together() => Conv2D.ForwardNormalizedMaxPooledPair<float>(_x,
            new NormalizedConvolution<float>
            {
                Weights = _w1, Packed = _packed1, Bias = _stats1, Gamma = _stats1, Beta = _stats1, RunningMean = _stats1, RunningVar = _var1,
                Channels = 1, Height = 28, Width = 28, Filters = 16, Kernel = Kernel, Stride = 1, PadTop = 2, PadLeft = 2, OutHeight = 28,
                OutWidth = 28, Epsilon = 1e-5, Pool = 2, PoolStride = 2, PooledHeight = 14, PooledWidth = 14, Relu = true,
            },
            _between,
            new NormalizedConvolution<float>
            {
                Weights = _w2, Packed = _packed2, Bias = _stats2, Gamma = _stats2, Beta = _stats2, RunningMean = _stats2, RunningVar = _var2,
                Channels = 16, Height = 14, Width = 14, Filters = 32, Kernel = Kernel, Stride = 1, OutHeight = 10, OutWidth = 10,
                Epsilon = 1e-5, Pool = 2, PoolStride = 2, PooledHeight = 5, PooledWidth = 5, Relu = true,
            },
            _y, _batch, 1, _threads);
    }

    /// <summary>One of <see cref="Layers"/> at batch 64 with its operands (normal values, a positive variance) and its two passes.</summary>
    internal sealed class Data
    {
        private readonly float[] _x, _w, _b, _gamma, _beta, _mean, _variance, _y, _dy, _dw, _db, _dx, _columns;
        private readonly PackedWeights<float> _packed;
        private readonly int _c, _size, _f, _pad, _out, _threads;

        /// <summary>Samples per call.</summary>
        public int Batch { get; }

        public Data(int layer, int threads, int batch = DefaultBatch)
        {
            Batch = batch;
            (_, _c, _size, _f, _pad, _out, bool inputGradient) = Layers[layer];
            _threads = threads;
            _x = BenchCase.Normal(Batch * _c * _size * _size, 1);
            _w = BenchCase.Normal(_f * _c * Kernel * Kernel, 2);
            _b = BenchCase.Normal(_f, 3);
            _gamma = BenchCase.Normal(_f, 4);
            _beta = BenchCase.Normal(_f, 5);
            _mean = BenchCase.Normal(_f, 6);
            _variance = Array.ConvertAll(BenchCase.Normal(_f, 7), v => 0.5f + v * v);
            _y = new float[Batch * _f * _out * _out];
            _dy = BenchCase.Normal(_y.Length, 8);
            _dw = new float[_w.Length];
            _db = new float[_f];
            _dx = inputGradient ? new float[_x.Length] : [];
            _columns = new float[Conv2D.ColumnsLength(_c, Kernel, _out, _out) * Conv2D.ScratchCopies(threads)];
            _packed = new PackedWeights<float>(_c * Kernel * Kernel, _f);
        }

        /// <summary>Multiply-adds of one pass's product.</summary>
        public double MultiplyAdds => (double)Batch * _f * _c * Kernel * Kernel * _out * _out;

        /// <summary>Forward as inference runs it: batch norm's running statistics and the ReLU in the epilogue, weights packed once.</summary>
        public void Forward() => Conv2D.ForwardNormalized<float>(_x, _w, _packed, 1, _b, _gamma, _beta, _mean, _variance, _y,
            Batch, _c, _size, _size, _f, Kernel, 1, _pad, _pad, _out, _out, 1e-5, _threads, relu: true);

        /// <summary>Weight, bias and (for the second layer) input gradients in one call.</summary>
        public void Backward() => Conv2D.Backward<float>(_x, _w, _dy, _dw, _db, _dx, _columns,
            Batch, _c, _size, _size, _f, Kernel, 1, _pad, _pad, _out, _out, _threads);
    }
}

/// <summary>BenchmarkDotNet cases for the direct convolution: LeNet's two convolutions at batch 64 (one thread).</summary>
[MemoryDiagnoser]
public class ConvolutionBenchmarks
{
    private ConvolutionLayers.Data _d = null!;

    /// <summary>Index into <see cref="ConvolutionLayers.Layers"/>: 0 the first convolution (one channel), 1 the second.</summary>
    [Params(0, 1)]
    public int Layer { get; set; }

    [GlobalSetup]
    public void Setup() => _d = new ConvolutionLayers.Data(Layer, threads: 1);

    [Benchmark(Description = "Conv2D forward + batch norm + ReLU, batch 64")]
    public void Forward() => _d.Forward();

    [Benchmark(Description = "Conv2D backward, batch 64")]
    public void Backward() => _d.Backward();
}

/// <summary>
/// BenchmarkDotNet cases for LeNet's two blocks at inference on a single sample, as two calls and as one pair call
/// (<see cref="Conv2D.ForwardNormalizedMaxPooledPair{T}"/>), on one thread and on all.
/// </summary>
[MemoryDiagnoser]
public class ConvolutionPairBenchmarks
{
    private ConvolutionLayers.Pair _pair = null!;

    /// <summary>Threads: 1, or 0 for all (the pair is split once, each block on its own otherwise).</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _pair = new ConvolutionLayers.Pair(Threads, batch: 1);

    [Benchmark(Baseline = true, Description = "LeNet's two blocks, batch 1, two calls")]
    public void Separate() => _pair.Separate();

    [Benchmark(Description = "LeNet's two blocks, batch 1, one pair call")]
    public void Together() => _pair.Together();
}
