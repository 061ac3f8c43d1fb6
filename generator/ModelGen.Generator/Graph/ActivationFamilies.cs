using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>How an activation treats the gradient, which is what the training-pitfall checks need to know about it.</summary>
internal enum ActivationFamily
{
    /// <summary>No activation (Linear), or one the checks have no rule for (Softmax, an output normalizer).</summary>
    Other,

    /// <summary>Flat on both sides, derivative at most 1/4 (sigmoid) or 1 (tanh) and falling towards 0: gradients vanish through a chain; Glorot or LeCun initialization.</summary>
    Saturating,

    /// <summary>Slope about 1 for positive inputs, about 0 for negative ones: He initialization.</summary>
    ReluFamily,
}

/// <summary>The one place that sorts activations into families (Graph/GradientFlowPitfalls reads it).</summary>
internal static class ActivationFamilies
{
    /// <summary>
    /// The family of <paramref name="kind"/>. A new activation is one line here. GELU, SiLU, ELU and softplus belong with
    /// ReLU: they are smooth versions of it, do not saturate for positive inputs, and He initialization suits them. A
    /// squashing function bounded on both sides (hard tanh, hard sigmoid) would go with sigmoid and tanh.
    /// </summary>
    public static ActivationFamily Of(ActivationKind kind) => kind switch
    {
        ActivationKind.Sigmoid => ActivationFamily.Saturating,
        ActivationKind.Tanh => ActivationFamily.Saturating,
        ActivationKind.ReLU => ActivationFamily.ReluFamily,
        ActivationKind.LeakyReLU => ActivationFamily.ReluFamily,
        ActivationKind.Gelu => ActivationFamily.ReluFamily,
        ActivationKind.GeluTanh => ActivationFamily.ReluFamily,
        ActivationKind.Silu => ActivationFamily.ReluFamily,
        ActivationKind.Elu => ActivationFamily.ReluFamily,
        ActivationKind.Softplus => ActivationFamily.ReluFamily,
        _ => ActivationFamily.Other, // Linear, Softmax
    };
}
