using System;

namespace ModelGen;

/// <summary>Base of the optimizer attributes; a trainable model has exactly one. Names and defaults are <c>torch.optim</c>'s.</summary>
public abstract class OptimizerAttribute : Attribute
{
    /// <summary>Initial learning rate (a schedule may change it through the model's <c>LearningRate</c>).</summary>
    public abstract double LearningRate { get; set; }
    /// <summary>Coupled L2 weight decay (<c>g ← g + λθ</c>); decoupled for <see cref="AdamWAttribute"/>.</summary>
    public double WeightDecay { get; set; }
}

/// <summary>Stochastic gradient descent with optional momentum, dampening and Nesterov momentum.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SgdAttribute : OptimizerAttribute
{
    /// <inheritdoc/>
    public override double LearningRate { get; set; } = 1e-2;
    /// <summary>Momentum factor μ.</summary>
    public double Momentum { get; set; }
    /// <summary>Dampening τ of the momentum.</summary>
    public double Dampening { get; set; }
    /// <summary>Nesterov momentum (needs momentum and no dampening).</summary>
    public bool Nesterov { get; set; }
}

/// <summary>Adam, with bias correction and optional AMSGrad.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AdamAttribute : OptimizerAttribute
{
    /// <inheritdoc/>
    public override double LearningRate { get; set; } = 1e-3;
    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; set; } = 0.9;
    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; set; } = 0.999;
    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; set; } = 1e-8;
    /// <summary>Use the maximum of past second moments.</summary>
    public bool Amsgrad { get; set; }
}

/// <summary>Adam with decoupled weight decay.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AdamWAttribute : OptimizerAttribute
{
    /// <summary>Declares AdamW with PyTorch's default weight decay of 0.01.</summary>
    public AdamWAttribute() => WeightDecay = 1e-2;

    /// <inheritdoc/>
    public override double LearningRate { get; set; } = 1e-3;
    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; set; } = 0.9;
    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; set; } = 0.999;
    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; set; } = 1e-8;
    /// <summary>Use the maximum of past second moments.</summary>
    public bool Amsgrad { get; set; }
}

/// <summary>RMSProp, optionally centered and with momentum.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RmsPropAttribute : OptimizerAttribute
{
    /// <inheritdoc/>
    public override double LearningRate { get; set; } = 1e-2;
    /// <summary>Smoothing constant of the squared-gradient average.</summary>
    public double Alpha { get; set; } = 0.99;
    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; set; } = 1e-8;
    /// <summary>Momentum factor.</summary>
    public double Momentum { get; set; }
    /// <summary>Normalize by the estimated variance instead of the second moment.</summary>
    public bool Centered { get; set; }
}

/// <summary>AdaGrad.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AdaGradAttribute : OptimizerAttribute
{
    /// <inheritdoc/>
    public override double LearningRate { get; set; } = 1e-2;
    /// <summary>Starting value of the accumulator.</summary>
    public double InitialAccumulator { get; set; }
    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; set; } = 1e-10;
}

/// <summary>AdaDelta.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AdaDeltaAttribute : OptimizerAttribute
{
    /// <inheritdoc/>
    public override double LearningRate { get; set; } = 1.0;
    /// <summary>Decay of the running averages.</summary>
    public double Rho { get; set; } = 0.9;
    /// <summary>Added inside the square roots.</summary>
    public double Epsilon { get; set; } = 1e-6;
}

/// <summary>Adamax (Adam with the infinity norm).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AdamaxAttribute : OptimizerAttribute
{
    /// <inheritdoc/>
    public override double LearningRate { get; set; } = 2e-3;
    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; set; } = 0.9;
    /// <summary>Decay of the infinity norm.</summary>
    public double Beta2 { get; set; } = 0.999;
    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; set; } = 1e-8;
}

/// <summary>NAdam (Adam with Nesterov momentum and PyTorch's momentum decay).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class NAdamAttribute : OptimizerAttribute
{
    /// <inheritdoc/>
    public override double LearningRate { get; set; } = 2e-3;
    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; set; } = 0.9;
    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; set; } = 0.999;
    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; set; } = 1e-8;
    /// <summary>Momentum decay ψ.</summary>
    public double MomentumDecay { get; set; } = 4e-3;
}

/// <summary>Clips the gradients after they are complete and before the optimizer step.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GradientClippingAttribute : Attribute
{
    /// <summary>Maximum global L2 norm over all gradients (0: off), like <c>clip_grad_norm_</c>.</summary>
    public double MaxNorm { get; set; }
    /// <summary>Maximum absolute value of each gradient element (0: off), like <c>clip_grad_value_</c>.</summary>
    public double MaxValue { get; set; }
}
