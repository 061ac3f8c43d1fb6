using System;
using System.Collections.Generic;
using System.Numerics;

namespace ModelGen;

/// <summary>
/// What every generated model offers, so that runtime code (trainers, tools) can work with any of them. The generated
/// class implements it explicitly; its own members (constants, static name lists) stay as the contract describes.
/// </summary>
/// <typeparam name="T"><see cref="float"/>, or <see cref="double"/> under <c>Precision.Double</c>.</typeparam>
public interface IModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Scalars in one input sample.</summary>
    int InputSize { get; }
    /// <summary>Scalars in one output sample.</summary>
    int OutputSize { get; }
    /// <summary>The largest batch of one training step; the chunk size of inference.</summary>
    int BatchSize { get; }
    /// <summary>Trainable scalars.</summary>
    int ParameterCount { get; }
    /// <summary>Parameter tensor names.</summary>
    IReadOnlyList<string> ParameterNames { get; }
    /// <summary>Non-trainable state tensor names.</summary>
    IReadOnlyList<string> BufferNames { get; }
    /// <summary>Inference on any number of samples.</summary>
    void Predict(ReadOnlySpan<T> inputs, Span<T> outputs);
    /// <summary>The live values of a parameter tensor.</summary>
    Span<T> Parameter(string name);
    /// <summary>The live values of a buffer.</summary>
    Span<T> Buffer(string name);
    /// <summary>Saves every parameter and buffer as a safetensors file.</summary>
    void SaveWeights(string path);
    /// <summary>Loads every parameter and buffer from a safetensors file, or changes nothing.</summary>
    void LoadWeights(string path);
    /// <summary>The architecture as the generator planned it (the class's static <c>Description</c>).</summary>
    ModelDescription Description { get; }
    /// <summary>
    /// The layers as a table in the manner of Keras's <c>model.summary()</c>: name, kind, output shape and parameter
    /// count of each, the totals (trainable and non-trainable), the loss and the optimizer.
    /// </summary>
    string Summary();
}

/// <summary>A model with a loss and an optimizer.</summary>
public interface ITrainableModel<T> : IModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The learning rate of the next optimizer step.</summary>
    T LearningRate { get; set; }
    /// <summary>Optimizer steps taken.</summary>
    long Step { get; }
    /// <summary>One optimizer step on the last gradients.</summary>
    void ApplyGradients();
    /// <summary>The gradient of a parameter tensor from the last forward and backward pass.</summary>
    ReadOnlySpan<T> Gradient(string name);
    /// <summary>dLoss/dInputs of the last forward and backward pass.</summary>
    ReadOnlySpan<T> InputGradient { get; }
    /// <summary>The optimizer's state tensor names.</summary>
    IReadOnlyList<string> OptimizerStateNames { get; }
    /// <summary>The live values of an optimizer state tensor.</summary>
    Span<T> OptimizerState(string name);
    /// <summary>Sets the step count when restoring a checkpoint.</summary>
    void RestoreStep(long step);
    /// <summary>The state of the dropout mask generator (0, and ignored, in a model without dropout).</summary>
    ulong RandomState { get; set; }
    /// <summary>Every parameter (<see cref="IModel{T}.ParameterCount"/> values), the tensors back to back in the order of ParameterNames; writes change the model.</summary>
    Span<T> Parameters { get; }
    /// <summary>Every gradient of the last forward and backward pass, in the order of <see cref="Parameters"/>; a pinned array (its address never changes).</summary>
    Span<T> Gradients { get; }
    /// <summary>Told when gradients become final during ComputeGradients (data-parallel training), or null.</summary>
    IGradientObserver? GradientObserver { get; set; }
}

/// <summary>A trainable model whose loss takes integer class labels (<c>CrossEntropy</c>).</summary>
public interface IClassifier<T> : ITrainableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Forward and backward pass on 1..BatchSize samples; returns the mean loss.</summary>
    T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels);
    /// <summary>ComputeGradients then ApplyGradients; returns the loss before the update.</summary>
    T TrainStep(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels);
    /// <summary>The mean loss in inference mode over any number of samples.</summary>
    T Evaluate(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels);
}

/// <summary>A trainable model whose loss takes target values (<c>MeanSquaredError</c>, <c>BinaryCrossEntropy</c>).</summary>
public interface ITargetModel<T> : ITrainableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Forward and backward pass on 1..BatchSize samples; returns the mean loss.</summary>
    T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);
    /// <summary>ComputeGradients then ApplyGradients; returns the loss before the update.</summary>
    T TrainStep(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);
    /// <summary>The mean loss in inference mode over any number of samples.</summary>
    T Evaluate(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);
}
