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

    static abstract IReadOnlyList<string> OptimizerStateNames { get; }

    static abstract IReadOnlyList<string> BufferNames { get; }

    Span<T> Parameter(string name);

    ReadOnlySpan<T> Gradient(string name);

    ReadOnlySpan<T> InputGradient { get; }

    Span<T> OptimizerState(string name);

    Span<T> Buffer(string name);

    T LearningRate { get; set; }

    long Step { get; }

    void RestoreStep(long step);

    void Predict(ReadOnlySpan<T> inputs, Span<T> outputs);

    void ApplyGradients();
}

/// <summary>A model trained on real-valued targets (MeanSquaredError, BinaryCrossEntropy).</summary>
public interface ITargetModel<T> : IReferenceModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);

    T TrainStep(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);

    T Evaluate(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);
}

/// <summary>A model trained on integer class labels (CrossEntropy).</summary>
public interface ILabelModel<T> : IReferenceModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels);

    T TrainStep(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels);

    T Evaluate(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels);
}

/// <summary>
/// A fixture's training batch bound to a model type, so that the checks need not care whether the model's loss takes
/// real-valued targets or class labels.
/// </summary>
public abstract class FixtureBatch<TModel, T>
    where TModel : IReferenceModel<T>, new()
    where T : unmanaged, IFloatingPointIeee754<T>
{
    protected FixtureBatch(Fixture fixture)
    {
        Fixture = fixture;
        Inputs = ReferenceHarness.Convert<T>(fixture.Inputs);
    }

    public Fixture Fixture { get; }

    /// <summary>The fixture's inputs in the model's precision.</summary>
    public T[] Inputs { get; }

    public abstract T ComputeGradients(TModel model);

    public abstract T TrainStep(TModel model);

    public abstract T Evaluate(TModel model);
}

/// <summary>The batch of a fixture with real-valued targets (MeanSquaredError, BinaryCrossEntropy).</summary>
public sealed class TargetBatch<TModel, T> : FixtureBatch<TModel, T>
    where TModel : ITargetModel<T>, new()
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _targets;

    public TargetBatch(Fixture fixture) : base(fixture)
    {
        if (fixture.Targets is null || fixture.Labels is not null)
            throw new InvalidOperationException($"{fixture.Name}: a {fixture.Loss} fixture for a model with targets must have targets and no labels.");
        _targets = ReferenceHarness.Convert<T>(fixture.Targets);
        if (_targets.Length != fixture.Samples * fixture.OutputSize)
            throw new InvalidOperationException($"{fixture.Name}: {_targets.Length} targets for {fixture.Samples} samples of {fixture.OutputSize} outputs.");
    }

    public override T ComputeGradients(TModel model) => model.ComputeGradients(Inputs, _targets);

    public override T TrainStep(TModel model) => model.TrainStep(Inputs, _targets);

    public override T Evaluate(TModel model) => model.Evaluate(Inputs, _targets);
}

/// <summary>The batch of a fixture with integer class labels (CrossEntropy).</summary>
public sealed class LabelBatch<TModel, T> : FixtureBatch<TModel, T>
    where TModel : ILabelModel<T>, new()
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _labels;

    public LabelBatch(Fixture fixture) : base(fixture)
    {
        if (fixture.Labels is null || fixture.Targets is not null)
            throw new InvalidOperationException($"{fixture.Name}: a {fixture.Loss} fixture for a model with labels must have labels and no targets.");
        _labels = fixture.Labels;
        if (_labels.Length != fixture.Samples)
            throw new InvalidOperationException($"{fixture.Name}: {_labels.Length} labels for {fixture.Samples} samples.");
    }

    public override T ComputeGradients(TModel model) => model.ComputeGradients(Inputs, _labels);

    public override T TrainStep(TModel model) => model.TrainStep(Inputs, _labels);

    public override T Evaluate(TModel model) => model.Evaluate(Inputs, _labels);
}
