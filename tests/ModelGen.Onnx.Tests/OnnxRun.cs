using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace ModelGen.Onnx.Tests;

/// <summary>An exported model loaded in ONNX Runtime: the CPU provider with every graph optimization (ORT_ENABLE_ALL).</summary>
internal sealed class OnnxRun : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;

    public OnnxRun(byte[] model)
    {
        _options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1 };
        _session = new InferenceSession(model, _options);
    }

    public InferenceSession Session => _session;

    /// <summary>Runs <paramref name="n"/> samples of shape <paramref name="sampleShape"/> through the graph; the output's values.</summary>
    public T[] Run<T>(T[] inputs, int n, IReadOnlyList<int> sampleShape) where T : unmanaged
    {
        long[] shape = new long[] { n }.Concat(sampleShape.Select(d => (long)d)).ToArray();
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs =
            _session.Run(runOptions, new[] { OnnxExporter.InputName }, new[] { input }, new[] { OnnxExporter.OutputName });
        OrtValue output = outputs[0];
        long[] outputShape = output.GetTensorTypeAndShape().Shape;
        if (outputShape[0] != n) throw new InvalidOperationException($"ONNX Runtime returned {outputShape[0]} samples for {n}.");
        return output.GetTensorDataAsSpan<T>().ToArray();
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}
