using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using ModelGen.Initialization;
using ModelGen.Data;
using ModelGen.Training;

namespace ModelGen.Distributed.Tests;

/// <summary>
/// Rank 0 of a pretend job whose other ranks hold exactly what this one holds: a sum over the ranks is this rank's
/// values times <see cref="Size"/>, a broadcast from rank 0 changes nothing. Records every operation.
/// </summary>
internal sealed class MirrorCommunicator(int size = 1) : ICommunicator
{
    public int Rank => 0;
    public int Size { get; } = size;
    public List<string> Calls { get; } = [];
    public List<int> StartedLengths { get; } = [];
    public int Progressed;

    public void AllReduceSum<TValue>(Span<TValue> values) where TValue : unmanaged
    {
        Calls.Add($"AllReduceSum {typeof(TValue).Name}[{values.Length}]");
        Multiply(values);
    }

    public void Broadcast<TValue>(Span<TValue> values, int root) where TValue : unmanaged =>
        Calls.Add($"Broadcast {typeof(TValue).Name}[{values.Length}] from {root}");

    public void StartAllReduceSum<TValue>(Span<TValue> values) where TValue : unmanaged
    {
        Calls.Add($"StartAllReduceSum {typeof(TValue).Name}[{values.Length}]");
        StartedLengths.Add(values.Length);
        Multiply(values);
    }

    public void Progress() => Progressed++;

    public void WaitAll() => Calls.Add("WaitAll");

    public void Abort(string message, int errorCode = 1) => throw new InvalidOperationException(message);

    private void Multiply<TValue>(Span<TValue> values) where TValue : unmanaged
    {
        if (typeof(TValue) == typeof(float)) foreach (ref float v in MemoryMarshal.Cast<TValue, float>(values)) v *= Size;
        else if (typeof(TValue) == typeof(double)) foreach (ref double v in MemoryMarshal.Cast<TValue, double>(values)) v *= Size;
        else if (typeof(TValue) == typeof(long)) foreach (ref long v in MemoryMarshal.Cast<TValue, long>(values)) v *= Size;
        else if (typeof(TValue) == typeof(int)) foreach (ref int v in MemoryMarshal.Cast<TValue, int>(values)) v *= Size;
        else throw new NotSupportedException(typeof(TValue).Name);
    }
}

/// <summary>Records what a generated model tells its gradient observer.</summary>
internal sealed class RecordingObserver : IGradientObserver
{
    public List<(int Offset, int Count)> Ready { get; } = [];
    public int Completed;
    public void GradientsReady(int offset, int count) => Ready.Add((offset, count));
    public void BackwardCompleted() => Completed++;
}

internal static class Data
{
    /// <summary>Classification data: 12 features in [-1, 1), 3 classes from a fixed rule.</summary>
    public static Dataset<float> Classes(int count, int seed = 1)
    {
        var random = SplitMix64.ForStream(seed, 0);
        var x = new float[count * 12];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            double s = 0;
            for (int f = 0; f < 12; f++)
            {
                double v = 2 * random.NextDouble() - 1;
                x[i * 12 + f] = (float)v;
                s += (f % 2 == 0 ? 1 : -0.7) * v;
            }
            y[i] = s < -0.5 ? 0 : s < 0.5 ? 1 : 2;
        }
        return new Dataset<float>(x, 12, y, 3);
    }
}
