using System;
using System.Collections.Generic;
using System.Numerics;

namespace ModelGen.Reference.Tests;

/// <summary>
/// The generated members the reference harness uses. The generator emits all of them as public members of every
/// trainable model, so a model declaration only has to name the interface for the harness to drive it generically.
/// </summary>
public interface IReferenceModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract IReadOnlyList<string> ParameterNames { get; }

    Span<T> Parameter(string name);

    ReadOnlySpan<T> Gradient(string name);

    ReadOnlySpan<T> InputGradient { get; }

    T LearningRate { get; set; }

    long Step { get; }

    void Predict(ReadOnlySpan<T> inputs, Span<T> outputs);

    void ApplyGradients();
}

/// <summary>A model trained on real-valued targets (MeanSquaredError, BinaryCrossEntropy).</summary>
public interface ITargetModel<T> : IReferenceModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);
}

/// <summary>A model trained on integer class labels (CrossEntropy).</summary>
public interface ILabelModel<T> : IReferenceModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels);
}
