using BenchmarkDotNet.Attributes;

namespace ModelGen.Benchmarks;

/// <summary>
/// One Adam training step per shape of torch_mlp.py and of the FashionCnn sample, and batch-1 inference of
/// 784-128-10. Each benchmark calls the generated class directly with data made once in the setup, so the
/// memory diagnoser shows what the step itself allocates (the contract says nothing).
/// Run one group with e.g. <c>--filter '*784x128x10*'</c>.
/// </summary>
[MemoryDiagnoser]
public class TrainStepBenchmarks
{
    private Xor2x8x1 _xor = null!;
    private Mlp784x128x10 _mlp128 = null!;
    private Mlp784x512x512x10 _mlp512 = null!;
    private Mlp784x1024x1024x10 _mlp1024 = null!;
    private LeNet _lenet = null!;
    private float[] _xorInputs = [], _xorTargets = [];
    private float[] _inputs64 = [], _inputs128 = [], _inputs256 = [], _images64 = [];
    private int[] _labels64 = [], _labels128 = [], _labels256 = [];
    private float[] _one = [], _logits = new float[10];

    [GlobalSetup]
    public void Setup()
    {
        _xor = new Xor2x8x1();
        _mlp128 = new Mlp784x128x10();
        _mlp512 = new Mlp784x512x512x10();
        _mlp1024 = new Mlp784x1024x1024x10();
        _lenet = new LeNet();
        _xorInputs = BenchCase.Normal(4 * Xor2x8x1.InputSize, 1);
        _xorTargets = BenchCase.Normal(4 * Xor2x8x1.OutputSize, 2);
        _inputs64 = BenchCase.Normal(64 * 784, 1);
        _inputs128 = BenchCase.Normal(128 * 784, 1);
        _inputs256 = BenchCase.Normal(256 * 784, 1);
        _images64 = BenchCase.Normal(64 * LeNet.InputSize, 1);
        _labels64 = BenchCase.Labels(64, 10, 2);
        _labels128 = BenchCase.Labels(128, 10, 2);
        _labels256 = BenchCase.Labels(256, 10, 2);
        _one = BenchCase.Normal(784, 3);
    }

    [Benchmark(Description = "TrainStep 2-8-1 tanh MSE, batch 4")]
    public float TrainStep_Xor2x8x1_b4() => _xor.TrainStep(_xorInputs, _xorTargets);

    [Benchmark(Description = "TrainStep 784-128-10, batch 64")]
    public float TrainStep_Mlp784x128x10_b64() => _mlp128.TrainStep(_inputs64, _labels64);

    [Benchmark(Description = "TrainStep 784-512-512-10, batch 128")]
    public float TrainStep_Mlp784x512x512x10_b128() => _mlp512.TrainStep(_inputs128, _labels128);

    [Benchmark(Description = "TrainStep 784-1024-1024-10, batch 256")]
    public float TrainStep_Mlp784x1024x1024x10_b256() => _mlp1024.TrainStep(_inputs256, _labels256);

    [Benchmark(Description = "TrainStep LeNet CNN, batch 64")]
    public float TrainStep_LeNet_b64() => _lenet.TrainStep(_images64, _labels64);

    [Benchmark(Description = "Predict 784-128-10, batch 1")]
    public float Predict_Mlp784x128x10_b1()
    {
        _mlp128.Predict(_one, _logits);
        return _logits[0];
    }
}
