using Xunit;

namespace ModelGen.Generator.Tests;

// Snapshots of the activations and losses of contract 0.2.
public partial class SnapshotTests
{
    /// <summary>
    /// GELU (both forms), SiLU, ELU and softplus fused and as layers: the fused ones keep their pre-activations for the
    /// backward pass, the layers read their input; a multi-class hinge loss (labels, IClassifier).
    /// </summary>
    [Fact]
    public void SmoothActivationsHinge() => Verify("Demo.Smooth.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>Every smooth activation, fused and as a layer, trained with the multi-class hinge loss.</summary>
        [Model(BatchSize = 8, Seed = 5)]
        [Input(1, 6, 6)]
        [Conv2D(2, 3, Activation.Silu)]
        [Flatten]
        [Dense(8, Activation.Gelu)]
        [Gelu(Approximate = true)]
        [Dense(6, Activation.Elu)]
        [Elu(0.5)]
        [Dense(5)]
        [Softplus]
        [Silu]
        [Dense(3, Activation.Softplus)]
        [Loss(LossFunction.Hinge)]
        [Sgd(LearningRate = 0.05, Momentum = 0.9)]
        public partial class Smooth;
        """);

    /// <summary>Huber with its Delta in double precision: the description carries "delta 0.5".</summary>
    [Fact]
    public void HuberDouble() => Verify("Demo.Robust.g.cs", """
        using ModelGen;

        namespace Demo;

        /// <summary>A regression with the Huber loss.</summary>
        [Model(BatchSize = 4, Seed = 2, Precision = Precision.Double)]
        [Input(3)]
        [Dense(4, Activation.GeluTanh)]
        [Dense(2)]
        [Loss(LossFunction.Huber, Delta = 0.5)]
        [Adam(LearningRate = 0.01)]
        public partial class Robust;
        """);
}
