using ModelGen;

namespace ModelGen.Reference.Tests;

// The activations and losses of contract 0.2 (generate_fixtures.py: smooth_fused, smooth_layers, smooth_conv, mae),
// each in double and single precision.

// ---- smooth_fused: every new activation fused into a dense layer (their backward passes read the kept
// pre-activations); CrossEntropy with label smoothing 0.1; Adam.
[Model(BatchSize = 6, Seed = 41, Precision = Precision.Double)]
[Input(4)]
[Dense(6, Activation.Gelu)]
[Dense(5, Activation.GeluTanh)]
[Dense(5, Activation.Silu)]
[Dense(5, Activation.Elu)]
[Dense(4, Activation.Softplus)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy, LabelSmoothing = 0.1)]
[Adam(LearningRate = 0.02)]
public partial class SmoothFusedDouble : ILabelModel<double>;

[Model(BatchSize = 6, Seed = 41)]
[Input(4)]
[Dense(6, Activation.Gelu)]
[Dense(5, Activation.GeluTanh)]
[Dense(5, Activation.Silu)]
[Dense(5, Activation.Elu)]
[Dense(4, Activation.Softplus)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy, LabelSmoothing = 0.1)]
[Adam(LearningRate = 0.02)]
public partial class SmoothFusedSingle : ILabelModel<float>;

// ---- smooth_layers: each as a layer of its own (the backward pass reads the layer's input), ELU with alpha 0.7;
// Hinge (MultiMarginLoss); SGD momentum 0.9.
[Model(BatchSize = 6, Seed = 42, Precision = Precision.Double)]
[Input(4)]
[Dense(6)]
[Gelu]
[Dense(5)]
[Gelu(Approximate = true)]
[Dense(5)]
[Silu]
[Dense(5)]
[Elu(0.7)]
[Dense(4)]
[Softplus]
[Dense(3)]
[Loss(LossFunction.Hinge)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class SmoothLayersDouble : ILabelModel<double>;

[Model(BatchSize = 6, Seed = 42)]
[Input(4)]
[Dense(6)]
[Gelu]
[Dense(5)]
[Gelu(Approximate = true)]
[Dense(5)]
[Silu]
[Dense(5)]
[Elu(0.7)]
[Dense(4)]
[Softplus]
[Dense(3)]
[Loss(LossFunction.Hinge)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class SmoothLayersSingle : ILabelModel<float>;

// ---- smooth_conv: every new activation fused into a convolution, on 2x6x6; Huber with Delta 0.5; SGD momentum 0.9.
[Model(BatchSize = 4, Seed = 43, Precision = Precision.Double)]
[Input(2, 6, 6)]
[Conv2D(3, 3, Activation.Gelu)]
[Conv2D(3, 2, Activation.GeluTanh, Padding = Padding.Same)]
[Conv2D(3, 2, Activation.Silu)]
[Conv2D(2, 2, Activation.Elu)]
[Conv2D(2, 1, Activation.Softplus)]
[Flatten]
[Dense(2)]
[Loss(LossFunction.Huber, Delta = 0.5)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class SmoothConvDouble : ITargetModel<double>;

[Model(BatchSize = 4, Seed = 43)]
[Input(2, 6, 6)]
[Conv2D(3, 3, Activation.Gelu)]
[Conv2D(3, 2, Activation.GeluTanh, Padding = Padding.Same)]
[Conv2D(3, 2, Activation.Silu)]
[Conv2D(2, 2, Activation.Elu)]
[Conv2D(2, 1, Activation.Softplus)]
[Flatten]
[Dense(2)]
[Loss(LossFunction.Huber, Delta = 0.5)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class SmoothConvSingle : ITargetModel<float>;

// ---- mae: MeanAbsoluteError (L1Loss), SiLU fused into the hidden layer; Adam.
[Model(BatchSize = 6, Seed = 44, Precision = Precision.Double)]
[Input(4)]
[Dense(5, Activation.Silu)]
[Dense(3)]
[Loss(LossFunction.MeanAbsoluteError)]
[Adam(LearningRate = 0.02)]
public partial class MaeDouble : ITargetModel<double>;

[Model(BatchSize = 6, Seed = 44)]
[Input(4)]
[Dense(5, Activation.Silu)]
[Dense(3)]
[Loss(LossFunction.MeanAbsoluteError)]
[Adam(LearningRate = 0.02)]
public partial class MaeSingle : ITargetModel<float>;
