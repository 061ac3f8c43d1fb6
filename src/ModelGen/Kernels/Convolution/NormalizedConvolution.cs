using System;
using System.Numerics;

namespace ModelGen.Kernels;

/// <summary>
/// One convolution block at inference as <see cref="Conv2D.ForwardNormalizedMaxPooled{T}"/> takes it: the convolution
/// (<see cref="Weights"/> <c>[filters, channels, kernel, kernel]</c>, kept packed in <see cref="Packed"/>, and an optional
/// <see cref="Bias"/>), batch norm's running statistics, the ReLUs, and max pooling when <see cref="Pool"/> is above 0
/// (0: the block's output is the convolution's). <see cref="Conv2D.ForwardNormalizedMaxPooledPair{T}"/> runs two in a row.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly ref struct NormalizedConvolution<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The filters' weights, <c>[filters, channels, kernel, kernel]</c>.</summary>
    public ReadOnlySpan<T> Weights { get; init; }
    /// <summary>The weights' packed copy, kept between calls (null: packed on every call, and a pair is not split).</summary>
    public PackedWeights<T>? Packed { get; init; }
    /// <summary>Per filter; empty: no bias.</summary>
    public ReadOnlySpan<T> Bias { get; init; }
    /// <summary>Batch norm's scale per filter.</summary>
    public ReadOnlySpan<T> Gamma { get; init; }
    /// <summary>Batch norm's shift per filter.</summary>
    public ReadOnlySpan<T> Beta { get; init; }
    /// <summary>Batch norm's running mean per filter.</summary>
    public ReadOnlySpan<T> RunningMean { get; init; }
    /// <summary>Batch norm's running variance per filter.</summary>
    public ReadOnlySpan<T> RunningVar { get; init; }
    /// <summary>Input channels.</summary>
    public int Channels { get; init; }
    /// <summary>Input rows.</summary>
    public int Height { get; init; }
    /// <summary>Input columns.</summary>
    public int Width { get; init; }
    /// <summary>Output channels.</summary>
    public int Filters { get; init; }
    /// <summary>The kernels' side.</summary>
    public int Kernel { get; init; }
    /// <summary>The convolution's stride on both axes.</summary>
    public int Stride { get; init; }
    /// <summary>Zero rows above the input.</summary>
    public int PadTop { get; init; }
    /// <summary>Zero columns left of the input.</summary>
    public int PadLeft { get; init; }
    /// <summary>The convolution's output rows.</summary>
    public int OutHeight { get; init; }
    /// <summary>The convolution's output columns.</summary>
    public int OutWidth { get; init; }
    /// <summary>Batch norm's epsilon.</summary>
    public double Epsilon { get; init; }
    /// <summary>The pooling windows' side; 0: no pooling.</summary>
    public int Pool { get; init; }
    /// <summary>The pooling windows' stride.</summary>
    public int PoolStride { get; init; }
    /// <summary>Rows after pooling.</summary>
    public int PooledHeight { get; init; }
    /// <summary>Columns after pooling.</summary>
    public int PooledWidth { get; init; }
    /// <summary>A ReLU between the convolution and batch norm.</summary>
    public bool ReluBeforeNorm { get; init; }
    /// <summary>A ReLU after batch norm.</summary>
    public bool Relu { get; init; }
}
