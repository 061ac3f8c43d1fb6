using System;

namespace ModelGen;

/// <summary>
/// Marks a <c>partial</c> class as a ModelGen model. The layer attributes on the class, in the order written, define
/// the network; the source generator completes the class with its forward pass, backward pass and optimizer step.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
    /// <summary>The largest batch one training step takes (and the chunk size of <c>Predict</c>).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Seed of weight initialization and dropout masks.</summary>
    public int Seed { get; set; }

    /// <summary>Floating-point type of the generated model.</summary>
    public Precision Precision { get; set; } = Precision.Single;

    /// <summary>
    /// The most threads this model's large products may be split over, the calling thread included; 0 (the default)
    /// means as many as <see cref="Parallelism.MaxThreads"/> allows, 1 keeps the model on the calling thread. Results
    /// do not depend on it.
    /// </summary>
    public int Threads { get; set; }
}

/// <summary>The shape of one input sample: <c>[Input(784)]</c> or <c>[Input(channels, height, width)]</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares the input shape.</summary>
    public InputAttribute(params int[] shape) => Shape = shape;

    /// <summary>The shape of one sample.</summary>
    public int[] Shape { get; }
}

/// <summary>The loss a trainable model minimizes. Needs exactly one optimizer attribute beside it.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LossAttribute : Attribute
{
    /// <summary>Declares the loss.</summary>
    public LossAttribute(LossFunction loss) => Function = loss;

    /// <summary>The loss function.</summary>
    public LossFunction Function { get; }

    /// <summary>
    /// <see cref="LossFunction.Huber"/> only: where the loss turns from quadratic to linear (PyTorch's <c>delta</c>);
    /// finite and above 0.
    /// </summary>
    public double Delta { get; set; } = 1.0;

    /// <summary>
    /// <see cref="LossFunction.CrossEntropy"/> only: the weight ε of the uniform distribution mixed into the one-hot
    /// target (PyTorch's <c>label_smoothing</c>), in [0, 1): the loss is <c>(1−ε)·(−log p_y) + ε·mean_j(−log p_j)</c>.
    /// </summary>
    public double LabelSmoothing { get; set; }
}
