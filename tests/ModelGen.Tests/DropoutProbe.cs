using System;
using System.Numerics;

namespace ModelGen.Tests;

/// <summary>The generated members of the dropout probe models (LayerModels.cs) that <see cref="DropoutTests"/> uses.</summary>
public interface IDropoutProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    ulong RandomState { get; set; }

    Span<T> Parameter(string name);

    ReadOnlySpan<T> Gradient(string name);

    ReadOnlySpan<T> InputGradient { get; }

    T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);

    void Predict(ReadOnlySpan<T> inputs, Span<T> outputs);

    T Evaluate(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);
}
