using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;
using ModelGen.Data;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "modelgen-training-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Deterministic synthetic data sets, drawn from a generator of the tests' own (independent of src).</summary>
public static class TestData
{
    public const int FullBatchCount = 60;

    /// <summary>A tiny SplitMix64 stream, so that the data never depends on System.Random's implementation.</summary>
    public struct Rng(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double Uniform() => (Next() >> 11) * (1.0 / (1UL << 53));

        public double Normal()
        {
            double u1 = 1 - Uniform(), u2 = Uniform();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
    }

    /// <summary>Three Gaussian blobs in 6 dimensions (overlapping a little, so accuracy is high but loss keeps moving).</summary>
    public static Dataset<T> Blobs<T>(int count, ulong seed, double noise = 0.8, int classes = 3, int features = 6)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(seed);
        var centers = new double[classes, features];
        var centerRng = new Rng(12345);
        for (int c = 0; c < classes; c++)
            for (int f = 0; f < features; f++)
                centers[c, f] = 2 * centerRng.Normal();
        var x = new T[count * features];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            int c = i % classes;
            y[i] = c;
            for (int f = 0; f < features; f++) x[i * features + f] = T.CreateTruncating(centers[c, f] + noise * rng.Normal());
        }
        return new Dataset<T>(x, features, y, classes);
    }

    /// <summary>Regression: two smooth functions of 4 inputs.</summary>
    public static Dataset<T> Regression<T>(int count, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(seed);
        var x = new T[count * 4];
        var y = new T[count * 2];
        for (int i = 0; i < count; i++)
        {
            double a = rng.Uniform() * 2 - 1, b = rng.Uniform() * 2 - 1, c = rng.Uniform() * 2 - 1, d = rng.Uniform() * 2 - 1;
            x[i * 4] = T.CreateTruncating(a);
            x[i * 4 + 1] = T.CreateTruncating(b);
            x[i * 4 + 2] = T.CreateTruncating(c);
            x[i * 4 + 3] = T.CreateTruncating(d);
            y[i * 2] = T.CreateTruncating(0.8 * a - 0.5 * b + 0.3 * c * d);
            y[i * 2 + 1] = T.CreateTruncating(Math.Sin(1.5 * a) + 0.4 * d);
        }
        return new Dataset<T>(x, 4, y, 2);
    }

    /// <summary>Linear regression targets y = w·x + 0.5 (one target).</summary>
    public static Dataset<float> Linear(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[count * 4];
        var y = new float[count];
        for (int i = 0; i < count; i++)
        {
            double sum = 0.5;
            for (int f = 0; f < 4; f++)
            {
                double v = rng.Normal();
                x[i * 4 + f] = (float)v;
                sum += (f + 1) * v;
            }
            y[i] = (float)sum;
        }
        return new Dataset<float>(x, 4, y, 1);
    }
}

/// <summary>Everything a trainable model holds, copied, for bitwise comparisons.</summary>
public sealed class ModelState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Dictionary<string, T[]> Parameters { get; } = new();
    public Dictionary<string, T[]> Buffers { get; } = new();
    public Dictionary<string, T[]> Optimizer { get; } = new();
    public long Step { get; private init; }
    public ulong RandomState { get; private init; }
    public T LearningRate { get; private init; }

    public static ModelState<T> Of(IModel<T> model)
    {
        var trainable = model as ITrainableModel<T>;
        var state = new ModelState<T>
        {
            Step = trainable?.Step ?? 0,
            RandomState = trainable?.RandomState ?? 0,
            LearningRate = trainable is null ? T.Zero : trainable.LearningRate,
        };
        foreach (string name in model.ParameterNames) state.Parameters[name] = model.Parameter(name).ToArray();
        foreach (string name in model.BufferNames) state.Buffers[name] = model.Buffer(name).ToArray();
        if (trainable is not null)
            foreach (string name in trainable.OptimizerStateNames) state.Optimizer[name] = trainable.OptimizerState(name).ToArray();
        return state;
    }

    /// <summary>All parameters and buffers concatenated (for "did anything change" checks).</summary>
    public T[] Weights() => Parameters.Values.Concat(Buffers.Values).SelectMany(a => a).ToArray();
}

public static class Same
{
    /// <summary>Bitwise equality of two arrays (NaN payloads and signed zeros included).</summary>
    public static bool Bits<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged =>
        MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));

    public static void AssertBits<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what) where T : unmanaged
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        if (!Bits(expected, actual))
        {
            int k = 0;
            while (EqualityComparer<T>.Default.Equals(expected[k], actual[k])) k++;
            Assert.Fail($"{what} differs at index {k}: expected {expected[k]}, got {actual[k]}");
        }
    }

    /// <summary>Parameters and buffers equal bit for bit.</summary>
    public static void Weights<T>(ModelState<T> expected, ModelState<T> actual) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Parameters.Keys, actual.Parameters.Keys);
        Assert.Equal(expected.Buffers.Keys, actual.Buffers.Keys);
        foreach (var (name, values) in expected.Parameters) AssertBits<T>(values, actual.Parameters[name], "parameter " + name);
        foreach (var (name, values) in expected.Buffers) AssertBits<T>(values, actual.Buffers[name], "buffer " + name);
    }

    /// <summary>Weights, optimizer state, step, dropout generator and learning rate equal bit for bit.</summary>
    public static void TrainingState<T>(ModelState<T> expected, ModelState<T> actual) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Weights(expected, actual);
        Assert.Equal(expected.Optimizer.Keys, actual.Optimizer.Keys);
        foreach (var (name, values) in expected.Optimizer) AssertBits<T>(values, actual.Optimizer[name], "optimizer state " + name);
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.RandomState, actual.RandomState);
        Assert.Equal(expected.LearningRate, actual.LearningRate);
    }

    public static T[] Predictions<T>(IModel<T> model, Dataset<T> data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var outputs = new T[data.Count * model.OutputSize];
        model.Predict(data.FeatureData, outputs);
        return outputs;
    }
}

/// <summary>Records a copy of the weights after every epoch (a callback placed after the ones under test).</summary>
public sealed class WeightRecorder<T> : ITrainingCallback where T : unmanaged, IFloatingPointIeee754<T>
{
    public List<ModelState<T>> AfterEpoch { get; } = new();

    public void OnEpochEnd(TrainingContext context, EpochResult result) => AfterEpoch.Add(ModelState<T>.Of((IModel<T>)context.Model));
}

/// <summary>A schedule that remembers every step it was asked about.</summary>
public sealed class RecordingSchedule(ILearningRateSchedule inner) : ILearningRateSchedule
{
    public List<long> Steps { get; } = new();

    public double LearningRate(long step)
    {
        Steps.Add(step);
        return inner.LearningRate(step);
    }
}
