using System;

namespace ModelGen;

/// <summary>Base of every layer attribute. Layers apply in the order they are written.</summary>
public abstract class LayerAttribute : Attribute
{
    /// <summary>The layer's name in parameter names (<c>dense0</c>, ... by default), and the name other layers read it by.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// The earlier layer whose output this layer reads (<c>"input"</c>: the model's input) instead of the previous
    /// layer's; for <see cref="AddAttribute"/> and <see cref="ConcatAttribute"/>, their first operand.
    /// </summary>
    public string? From { get; set; }
}

/// <summary>Fully connected layer: <c>y = W·x + b</c> with <c>W</c> of shape [units, inputs] (PyTorch's layout).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : LayerAttribute
{
    /// <summary>Declares a dense layer.</summary>
    public DenseAttribute(int units, Activation activation = Activation.Linear)
    {
        Units = units;
        Activation = activation;
    }

    /// <summary>Output features.</summary>
    public int Units { get; }
    /// <summary>Activation applied to the output.</summary>
    public Activation Activation { get; }
    /// <summary>Whether the layer has a bias.</summary>
    public bool UseBias { get; set; } = true;
    /// <summary>Weight initializer.</summary>
    public Init WeightInit { get; set; } = Init.GlorotUniform;
    /// <summary>Bias initializer.</summary>
    public Init BiasInit { get; set; } = Init.Zeros;
    /// <summary>L1 penalty coefficient on the weights (adds <c>L1·Σ|w|</c> to the loss).</summary>
    public double L1 { get; set; }
    /// <summary>L2 penalty coefficient on the weights (adds <c>L2·Σw²</c> to the loss).</summary>
    public double L2 { get; set; }
}

/// <summary>Rectified linear unit, <c>max(0, x)</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLUAttribute : LayerAttribute;

/// <summary>Hyperbolic tangent.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TanhAttribute : LayerAttribute;

/// <summary>Logistic sigmoid.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SigmoidAttribute : LayerAttribute;

/// <summary>Softmax over the features of each sample.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftmaxAttribute : LayerAttribute;

/// <summary>Leaky ReLU: <c>x</c> for <c>x &gt; 0</c>, <c>alpha·x</c> otherwise.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LeakyReLUAttribute : LayerAttribute
{
    /// <summary>Declares a leaky ReLU with the given negative slope.</summary>
    public LeakyReLUAttribute(double alpha = 0.01) => Alpha = alpha;

    /// <summary>Slope for negative inputs.</summary>
    public double Alpha { get; }
}

/// <summary>Inverted dropout: zeroes with probability <c>rate</c> and scales the rest by <c>1/(1−rate)</c> in training.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Declares a dropout layer.</summary>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>Probability of zeroing a value, in [0, 1).</summary>
    public double Rate { get; }
}

/// <summary>Batch normalization with PyTorch's semantics (per feature, or per channel after a rank-3 tensor).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormAttribute : LayerAttribute
{
    /// <summary>Weight of the batch statistics in the running averages.</summary>
    public double Momentum { get; set; } = 0.1;
    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; set; } = 1e-5;
}

/// <summary>Layer normalization over all features of a sample.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerNormAttribute : LayerAttribute
{
    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; set; } = 1e-5;
}

/// <summary>2-D convolution over a [channels, height, width] tensor; weight layout [filters, inChannels, kh, kw].</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : LayerAttribute
{
    /// <summary>Declares a convolution.</summary>
    public Conv2DAttribute(int filters, int kernelSize, Activation activation = Activation.Linear)
    {
        Filters = filters;
        KernelSize = kernelSize;
        Activation = activation;
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }
    /// <summary>Square kernel size.</summary>
    public int KernelSize { get; }
    /// <summary>Activation applied to the output.</summary>
    public Activation Activation { get; }
    /// <summary>Stride in both directions.</summary>
    public int Stride { get; set; } = 1;
    /// <summary>Padding mode.</summary>
    public Padding Padding { get; set; } = Padding.Valid;
    /// <summary>Whether the layer has a bias.</summary>
    public bool UseBias { get; set; } = true;
    /// <summary>Weight initializer.</summary>
    public Init WeightInit { get; set; } = Init.GlorotUniform;
    /// <summary>L1 penalty coefficient on the weights.</summary>
    public double L1 { get; set; }
    /// <summary>L2 penalty coefficient on the weights.</summary>
    public double L2 { get; set; }
}

/// <summary>Max pooling over square windows.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : LayerAttribute
{
    /// <summary>Declares max pooling; the stride defaults to the pool size.</summary>
    public MaxPool2DAttribute(int poolSize) { PoolSize = poolSize; Stride = poolSize; }

    /// <summary>Window size.</summary>
    public int PoolSize { get; }
    /// <summary>Stride.</summary>
    public int Stride { get; set; }
}

/// <summary>Average pooling over square windows.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2DAttribute : LayerAttribute
{
    /// <summary>Declares average pooling; the stride defaults to the pool size.</summary>
    public AvgPool2DAttribute(int poolSize) { PoolSize = poolSize; Stride = poolSize; }

    /// <summary>Window size.</summary>
    public int PoolSize { get; }
    /// <summary>Stride.</summary>
    public int Stride { get; set; }
}

/// <summary>Flattens a [channels, height, width] tensor in PyTorch's order.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute;

/// <summary>
/// Elementwise sum of the previous layer's output (or <see cref="LayerAttribute.From"/>'s) and each named layer's
/// output: a skip connection. Every operand must have the same shape (no broadcasting).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AddAttribute : LayerAttribute
{
    /// <summary>Declares a sum with the outputs of the named earlier layers (<c>"input"</c>: the model's input).</summary>
    public AddAttribute(params string[] from) => Operands = from;

    /// <summary>The layers added to the first operand, in order.</summary>
    public string[] Operands { get; }
}

/// <summary>
/// The previous layer's output (or <see cref="LayerAttribute.From"/>'s) followed by each named layer's output, joined
/// along features (vectors) or channels (images of equal height and width): PyTorch's <c>torch.cat(dim=1)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ConcatAttribute : LayerAttribute
{
    /// <summary>Declares a concatenation with the outputs of the named earlier layers, in that order.</summary>
    public ConcatAttribute(params string[] from) => Operands = from;

    /// <summary>The layers joined after the first operand, in order.</summary>
    public string[] Operands { get; }
}

/// <summary>Global average pooling: <c>[c, h, w]</c> to <c>[c]</c>, the mean over each channel's positions.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPool2DAttribute : LayerAttribute;

/// <summary>GELU, <c>x·Φ(x)</c>: exact (erf form) by default, the tanh approximation with <see cref="Approximate"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GeluAttribute : LayerAttribute
{
    /// <summary>
    /// False (the default): <c>0.5·x·(1 + erf(x/√2))</c>, PyTorch's <c>GELU()</c>; true: the tanh form,
    /// <c>GELU(approximate='tanh')</c>.
    /// </summary>
    public bool Approximate { get; set; }
}

/// <summary>SiLU (swish), <c>x·σ(x)</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SiluAttribute : LayerAttribute;

/// <summary>ELU: <c>x</c> for <c>x &gt; 0</c>, <c>alpha·(e^x − 1)</c> otherwise.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EluAttribute : LayerAttribute
{
    /// <summary>Declares an ELU with the given scale of the negative part.</summary>
    public EluAttribute(double alpha = 1.0) => Alpha = alpha;

    /// <summary>Scale of the negative part (the value approached as x → −∞ is −alpha); finite and at least 0.</summary>
    public double Alpha { get; }
}

/// <summary>Softplus, <c>log(1 + e^x)</c>, and <c>x</c> itself where <c>x &gt; 20</c> (PyTorch's <c>Softplus()</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SoftplusAttribute : LayerAttribute;
