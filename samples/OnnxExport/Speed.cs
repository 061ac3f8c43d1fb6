using System;
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace OnnxExport;

/// <summary>Microseconds per call of Predict and of ONNX Runtime on the same batch, measured the same way.</summary>
internal static class Speed
{
    /// <summary>Warm-up (at least 100 calls and a fifth of the time), then calls until <paramref name="seconds"/> pass.</summary>
    public static double Microseconds(Action call, double seconds)
    {
        long start = Stopwatch.GetTimestamp();
        for (int n = 0; n < 100 || Stopwatch.GetElapsedTime(start).TotalSeconds < seconds / 5; n++) call();
        long runs = 0;
        start = Stopwatch.GetTimestamp();
        double elapsed;
        do
        {
            for (int i = 0; i < 10; i++) call();
            runs += 10;
            elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        } while (elapsed < seconds);
        return elapsed / runs * 1e6;
    }

    /// <summary>
    /// ONNX Runtime on <paramref name="batch"/> samples with the input and output bound once (OrtIoBinding over
    /// preallocated tensors on managed arrays, as bench/ does), so a run copies and allocates nothing.
    /// </summary>
    public static double OnnxRuntime(InferenceSession session, float[] samples, int inputSize, int outputSize, int batch, double seconds)
    {
        float[] input = samples.AsSpan(0, batch * inputSize).ToArray();
        float[] output = new float[batch * outputSize];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, new long[] { batch, inputSize });
        using var outputValue = OrtValue.CreateTensorValueFromMemory(output, new long[] { batch, outputSize });
        using var binding = session.CreateIoBinding();
        binding.BindInput(ModelGen.Onnx.OnnxExporter.InputName, inputValue);
        binding.BindOutput(ModelGen.Onnx.OnnxExporter.OutputName, outputValue);
        using var runOptions = new RunOptions();
        return Microseconds(() => session.RunWithBinding(runOptions, binding), seconds);
    }
}
