using System;
using System.Numerics;
using Xunit;

namespace ModelGen.Onnx.Tests;

/// <summary>Export → ONNX Runtime equals Predict: the tolerance and the comparison.</summary>
internal static class Agreement
{
    /// <summary>|onnx − predict| ≤ Tolerance + Tolerance·|predict| for every value (absolute plus relative 1e-5).</summary>
    public const double Tolerance = 1e-5;

    /// <summary>Random inputs in [-2, 2) of a fixed seed.</summary>
    public static T[] Inputs<T>(int count, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[count];
        for (int i = 0; i < count; i++) values[i] = T.CreateTruncating(random.NextDouble() * 4 - 2);
        return values;
    }

    /// <summary>
    /// Exports <paramref name="model"/>, runs batches of 1 and of <paramref name="several"/> samples in one ONNX Runtime
    /// session (the batch axis is dynamic) and compares each with Predict; returns the largest difference seen.
    /// </summary>
    public static double Check<T>(IModel<T> model, int several = 5) where T : unmanaged, IFloatingPointIeee754<T>
    {
        byte[] file = OnnxExporter.Export(model);
        using var run = new OnnxRun(file);
        double worst = 0;
        foreach (int n in new[] { 1, several })
        {
            T[] inputs = Inputs<T>(n * model.InputSize, seed: 100 + n);
            var expected = new T[n * model.OutputSize];
            model.Predict(inputs, expected);
            T[] actual = run.Run(inputs, n, model.Description.InputShape);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double e = double.CreateTruncating(expected[i]), a = double.CreateTruncating(actual[i]);
                double difference = Math.Abs(a - e);
                Assert.True(double.IsFinite(a), $"ONNX Runtime's value {i} of batch {n} is {a}");
                Assert.True(difference <= Tolerance + Tolerance * Math.Abs(e),
                    $"{model.Description.Name}, batch {n}, value {i}: Predict {e:R}, ONNX Runtime {a:R} (difference {difference:E3})");
                worst = Math.Max(worst, difference);
            }
        }
        return worst;
    }

    /// <summary>
    /// A double model exported with <c>Precision = Precision.Single</c> (float weights, input and output) in ONNX Runtime
    /// against the model's own double Predict; returns the largest difference.
    /// </summary>
    public static double CheckAsSingle(IModel<double> model, int several = 5)
    {
        byte[] file = OnnxExporter.Export(model, new OnnxExportOptions { Precision = Precision.Single });
        using var run = new OnnxRun(file);
        double worst = 0;
        foreach (int n in new[] { 1, several })
        {
            double[] inputs = Inputs<double>(n * model.InputSize, seed: 200 + n);
            var expected = new double[n * model.OutputSize];
            model.Predict(inputs, expected);
            float[] actual = run.Run(Array.ConvertAll(inputs, v => (float)v), n, model.Description.InputShape);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double difference = Math.Abs(actual[i] - expected[i]);
                Assert.True(difference <= Tolerance + Tolerance * Math.Abs(expected[i]),
                    $"{model.Description.Name} as float, batch {n}, value {i}: Predict {expected[i]:R}, ONNX Runtime {actual[i]:R}");
                worst = Math.Max(worst, difference);
            }
        }
        return worst;
    }

    /// <summary>A few training steps on random data, so weights and batch-norm statistics move away from their initial values.</summary>
    public static void Train<T>(IClassifier<T> model, int steps = 6) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(7);
        int n = model.BatchSize;
        for (int step = 0; step < steps; step++)
        {
            T[] inputs = Inputs<T>(n * model.InputSize, seed: step);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = random.Next(model.OutputSize);
            model.TrainStep(inputs, labels);
        }
    }

    /// <summary>A few training steps of a target model (MeanSquaredError) on random data.</summary>
    public static void Train<T>(ITargetModel<T> model, int steps = 6) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = model.BatchSize;
        for (int step = 0; step < steps; step++)
        {
            T[] inputs = Inputs<T>(n * model.InputSize, seed: step);
            T[] targets = Inputs<T>(n * model.OutputSize, seed: 1000 + step);
            model.TrainStep(inputs, targets);
        }
    }
}
