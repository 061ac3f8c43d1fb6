namespace ModelGen;

/// <summary>Elementwise activation applied by a layer.</summary>
public enum Activation
{
    /// <summary>Identity: <c>f(x) = x</c>.</summary>
    Linear = 0,
    /// <summary><c>max(0, x)</c>.</summary>
    ReLU = 1,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh = 2,
    /// <summary>Logistic sigmoid <c>1 / (1 + e^-x)</c>.</summary>
    Sigmoid = 3,
    /// <summary>Softmax over the features of each sample.</summary>
    Softmax = 4,
    /// <summary><c>x</c> for <c>x &gt; 0</c>, <c>0.01·x</c> otherwise (PyTorch's default slope).</summary>
    LeakyReLU = 5,
    /// <summary>GELU, exact: <c>x·Φ(x) = 0.5·x·(1 + erf(x/√2))</c> (PyTorch's <c>GELU()</c>).</summary>
    Gelu = 6,
    /// <summary>GELU's tanh approximation: <c>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))</c> (<c>GELU(approximate='tanh')</c>).</summary>
    GeluTanh = 7,
    /// <summary>SiLU (swish): <c>x·σ(x)</c>.</summary>
    Silu = 8,
    /// <summary>ELU with α = 1: <c>x</c> for <c>x &gt; 0</c>, <c>e^x − 1</c> otherwise.</summary>
    Elu = 9,
    /// <summary>Softplus: <c>log(1 + e^x)</c>, and <c>x</c> itself where <c>x &gt; 20</c> (PyTorch's threshold).</summary>
    Softplus = 10,
}

/// <summary>Weight initializers. Fans count inputs and outputs (for convolutions: channels · kernel height · kernel width).</summary>
public enum Init
{
    /// <summary>All zeros.</summary>
    Zeros = 0,
    /// <summary>All ones.</summary>
    Ones = 1,
    /// <summary>Uniform on ±√(6 / (fan_in + fan_out)).</summary>
    GlorotUniform = 2,
    /// <summary>Normal with σ = √(2 / (fan_in + fan_out)).</summary>
    GlorotNormal = 3,
    /// <summary>Uniform on ±√(3 / fan_in).</summary>
    LeCunUniform = 4,
    /// <summary>Normal with σ = √(1 / fan_in).</summary>
    LeCunNormal = 5,
    /// <summary>Uniform on ±√(6 / fan_in).</summary>
    HeUniform = 6,
    /// <summary>Normal with σ = √(2 / fan_in).</summary>
    HeNormal = 7,
}

/// <summary>The loss a trainable model minimizes (mean reduction, like PyTorch).</summary>
public enum LossFunction
{
    /// <summary>Mean over batch and outputs of (ŷ − y)².</summary>
    MeanSquaredError = 0,
    /// <summary>Softmax plus negative log-likelihood on logits, with integer class labels.</summary>
    CrossEntropy = 1,
    /// <summary>Sigmoid plus binary cross-entropy on logits, with 0/1 targets (PyTorch's <c>BCEWithLogitsLoss</c>).</summary>
    BinaryCrossEntropy = 2,
    /// <summary>
    /// Multi-class SVM (hinge) loss on scores, with integer class labels: mean over the batch of
    /// <c>Σ_{j≠y} max(0, 1 − z_y + z_j) / C</c> (PyTorch's <c>MultiMarginLoss()</c>).
    /// </summary>
    Hinge = 3,
    /// <summary>Huber loss with <see cref="LossAttribute.Delta"/>: <c>0.5·d²</c> where <c>|d| &lt; δ</c>, else <c>δ·(|d| − 0.5·δ)</c>, mean over batch and outputs.</summary>
    Huber = 4,
    /// <summary>Mean over batch and outputs of <c>|ŷ − y|</c> (PyTorch's <c>L1Loss</c>).</summary>
    MeanAbsoluteError = 5,
}

/// <summary>Convolution padding.</summary>
public enum Padding
{
    /// <summary>No padding.</summary>
    Valid = 0,
    /// <summary>Zero padding that keeps the spatial size (stride 1).</summary>
    Same = 1,
}

/// <summary>Floating-point type the whole generated model computes in.</summary>
public enum Precision
{
    /// <summary><see cref="float"/>.</summary>
    Single = 0,
    /// <summary><see cref="double"/>.</summary>
    Double = 1,
}
