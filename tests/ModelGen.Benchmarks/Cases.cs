using System;
using System.Collections.Generic;
using ModelGen;

namespace ModelGen.Benchmarks;

/// <summary>
/// One benchmark shape: a model with a batch of fixed random data, the work of one training step, the batch-1
/// inference of torch_mlp.py and, for the cases that have an ONNX twin (bench/export_onnx.py), batch-64 inference.
/// Used by the side-by-side mode; the BenchmarkDotNet class calls the models directly.
/// </summary>
public abstract class BenchCase
{
    /// <summary>The samples of one batched inference call (the "batch 64").</summary>
    public const int InferBatch = 64;

    protected BenchCase(string key, string torchName, string title, int batch, long flopsPerStep, long flopsPerSample,
                        double? trainGoal, bool hasOnnx)
    {
        Key = key; TorchName = torchName; Title = title; Batch = batch;
        FlopsPerStep = flopsPerStep; FlopsPerSample = flopsPerSample; TrainGoal = trainGoal; HasOnnx = hasOnnx;
    }

    /// <summary>Short name used on the command line (<c>--compare-one KEY</c>) and of the ONNX file (KEY.onnx).</summary>
    public string Key { get; }
    /// <summary>The case's name in the PyTorch script's output.</summary>
    public string TorchName { get; }
    /// <summary>Shown in the table.</summary>
    public string Title { get; }
    /// <summary>Samples per training step.</summary>
    public int Batch { get; }
    /// <summary>Floating-point operations of one training step, counted as torch_mlp.py counts them.</summary>
    public long FlopsPerStep { get; }
    /// <summary>Floating-point operations of one forward pass of one sample (2 per multiply-add).</summary>
    public long FlopsPerSample { get; }
    /// <summary>The goal for PyTorch's time over ModelGen's time per training step, if it sets one.</summary>
    public double? TrainGoal { get; }
    /// <summary>
    /// Whether bench/export_onnx.py writes this model (KEY.onnx): then ONNX Runtime is timed beside it, and ModelGen's
    /// batch-64 inference too.
    /// </summary>
    public bool HasOnnx { get; }
    /// <summary>Issue 10's goal for ONNX Runtime's time over ModelGen's at batch 1: ≥ 1.5× on every MLP and LeNet.</summary>
    public double? OrtGoalBatch1 => HasOnnx ? 1.5 : null;
    /// <summary>Issue 10's goal for ONNX Runtime's time over ModelGen's at batch 64: ≥ 1.0× on every MLP and LeNet.</summary>
    public double? OrtGoalBatch64 => HasOnnx ? 1.0 : null;

    /// <summary>Builds the model and its data (allocates; call before measuring).</summary>
    public abstract void Setup();
    /// <summary>One optimizer step on the whole batch; returns the loss.</summary>
    public abstract float TrainStep();
    /// <summary>Inference on one sample.</summary>
    public abstract void PredictOne();
    /// <summary>Inference on <see cref="InferBatch"/> samples in one call (only when <see cref="HasOnnx"/>).</summary>
    public virtual void PredictBatch() => throw new NotSupportedException($"{Key} has no batch-{InferBatch} inference");

    /// <summary>The cases of the issue, smallest first; <paramref name="includeCnn"/> adds the LeNet CNN.</summary>
    public static IReadOnlyList<BenchCase> All(bool includeCnn = true)
    {
        // Training goals against PyTorch with OpenBLAS (issue 10): 3× on 784-128-10, 1.5× on 784-512-512-10, 1.25× on
        // 784-1024-1024-10, 1.5× on LeNet; the 2-8-1 case keeps issue 6's 200×. Inference goals: against ONNX Runtime.
        var cases = new List<BenchCase>
        {
            new TargetCase<Xor2x8x1>("xor", "xor_2-8-1_b4", "2-8-1 tanh, MSE, batch 4", 4, [2, 8, 1], 200),
            new ClassifierCase<Mlp784x128x10>("mlp128", "mlp_784-128-10_b64", "784-128-10 ReLU, CE, batch 64", 64,
                                              Mlp([784, 128, 10], 64), Mlp([784, 128, 10], 1) / 3, 3),
            new ClassifierCase<Mlp784x512x512x10>("mlp512", "mlp_784-512-512-10_b128", "784-512-512-10 ReLU, CE, batch 128", 128,
                                                  Mlp([784, 512, 512, 10], 128), Mlp([784, 512, 512, 10], 1) / 3, 1.5),
            new ClassifierCase<Mlp784x1024x1024x10>("mlp1024", "mlp_784-1024-1024-10_b256", "784-1024-1024-10 ReLU, CE, batch 256", 256,
                                                    Mlp([784, 1024, 1024, 10], 256), Mlp([784, 1024, 1024, 10], 1) / 3, 1.25),
        };
        if (includeCnn)
            cases.Add(new ClassifierCase<LeNet>("lenet", "lenet_b64", "LeNet CNN (FashionCnn), batch 64", 64,
                                                6L * 64 * LeNetMultiplyAdds, 2L * LeNetMultiplyAdds, 1.5));
        return cases;
    }

    /// <summary>torch_mlp.py's count: 6 · batch · Σ in·out (forward 2, backward 4 flops per weight and sample).</summary>
    public static long Mlp(int[] sizes, int batch)
    {
        long sum = 0;
        for (int i = 0; i + 1 < sizes.Length; i++) sum += (long)sizes[i] * sizes[i + 1];
        return 6L * batch * sum;
    }

    /// <summary>
    /// Multiply-adds of one LeNet sample, the same count for convolutions as for dense layers (in·out per output
    /// position): conv1 28·28 positions · 16 filters · 1·5·5, conv2 10·10 · 32 · 16·5·5, dense 800·128 and 128·10.
    /// </summary>
    public const long LeNetMultiplyAdds = 28L * 28 * 16 * 25 + 10L * 10 * 32 * 16 * 25 + 800L * 128 + 128L * 10;

    /// <summary>Standard normal values (Box–Muller), like torch.randn; fixed seed.</summary>
    public static float[] Normal(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
        return values;
    }

    /// <summary>Class labels in 0..classes-1; fixed seed.</summary>
    public static int[] Labels(int count, int classes, int seed)
    {
        var random = new Random(seed);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = random.Next(classes);
        return labels;
    }
}

/// <summary>A cross-entropy model: integer labels.</summary>
public sealed class ClassifierCase<TModel>(string key, string torchName, string title, int batch, long flopsPerStep,
                                           long flopsPerSample, double? trainGoal)
    : BenchCase(key, torchName, title, batch, flopsPerStep, flopsPerSample, trainGoal, hasOnnx: true)
    where TModel : class, IClassifier<float>, new()
{
    private TModel _model = null!;
    private float[] _inputs = [], _one = [], _output = [], _many = [], _manyOutput = [];
    private int[] _labels = [];

    public override void Setup()
    {
        _model = new TModel();
        if (_model.BatchSize != Batch) throw new InvalidOperationException($"{typeof(TModel).Name}: batch {_model.BatchSize}, expected {Batch}");
        _inputs = Normal(Batch * _model.InputSize, 1);
        _labels = Labels(Batch, _model.OutputSize, 2);
        _one = Normal(_model.InputSize, 3);
        _output = new float[_model.OutputSize];
        _many = Normal(InferBatch * _model.InputSize, 4);
        _manyOutput = new float[InferBatch * _model.OutputSize];
    }

    public override float TrainStep() => _model.TrainStep(_inputs, _labels);
    public override void PredictOne() => _model.Predict(_one, _output);
    public override void PredictBatch() => _model.Predict(_many, _manyOutput);
}

/// <summary>A mean-squared-error model: float targets.</summary>
public sealed class TargetCase<TModel> : BenchCase where TModel : class, ITargetModel<float>, new()
{
    private readonly int[] _sizes;
    private TModel _model = null!;
    private float[] _inputs = [], _targets = [], _one = [], _output = [];

    public TargetCase(string key, string torchName, string title, int batch, int[] sizes, double? trainGoal)
        : base(key, torchName, title, batch, Mlp(sizes, batch), Mlp(sizes, 1) / 3, trainGoal, hasOnnx: false) => _sizes = sizes;

    public override void Setup()
    {
        _model = new TModel();
        if (_model.BatchSize != Batch || _model.InputSize != _sizes[0] || _model.OutputSize != _sizes[^1])
            throw new InvalidOperationException($"{typeof(TModel).Name} does not have the shape of {TorchName}");
        _inputs = Normal(Batch * _model.InputSize, 1);
        _targets = Normal(Batch * _model.OutputSize, 2);
        _one = Normal(_model.InputSize, 3);
        _output = new float[_model.OutputSize];
    }

    public override float TrainStep() => _model.TrainStep(_inputs, _targets);
    public override void PredictOne() => _model.Predict(_one, _output);
}
