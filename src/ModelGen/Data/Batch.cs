using System;
using System.Numerics;

namespace ModelGen.Data;

/// <summary>
/// One batch handed out by a <see cref="BatchLoader{T}"/>: views of the loader's buffers, valid until the loader
/// produces the next batch (copy what must outlive that). Pass <see cref="Inputs"/> with <see cref="Labels"/> or
/// <see cref="Targets"/> straight to a generated model's training or evaluation methods.
/// </summary>
/// <typeparam name="T">The floating-point type of inputs and targets.</typeparam>
public readonly ref struct Batch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal Batch(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, ReadOnlySpan<T> targets, ReadOnlySpan<int> rows,
                   int epoch, int index)
    {
        Inputs = inputs;
        Labels = labels;
        Targets = targets;
        Rows = rows;
        Epoch = epoch;
        Index = index;
    }

    /// <summary>The inputs, row-major: <c>Count × FeatureCount</c> values (augmented, when the loader augments).</summary>
    public ReadOnlySpan<T> Inputs { get; }

    /// <summary>The class label of each sample (<see cref="Count"/> values); empty for a regression set.</summary>
    public ReadOnlySpan<int> Labels { get; }

    /// <summary>The targets, row-major: <c>Count × TargetCount</c> values; empty for a classification set.</summary>
    public ReadOnlySpan<T> Targets { get; }

    /// <summary>The index in the data set of each sample of the batch, in batch order.</summary>
    public ReadOnlySpan<int> Rows { get; }

    /// <summary>The number of samples: the loader's BatchSize, or fewer in a final partial batch.</summary>
    public int Count => Rows.Length;

    /// <summary>The epoch this batch belongs to (0-based).</summary>
    public int Epoch { get; }

    /// <summary>The index of this batch within its epoch (0-based).</summary>
    public int Index { get; }
}
