using ModelGen;

namespace ModelGen.Reference.Tests;

// The models of the L1/L2 penalty and gradient clipping fixtures (l1 ... clip_both in generate_fixtures.py), each in
// double and single precision. The PyTorch script adds l1·Σ|w| + l2·Σw² of each penalized weight to the loss by hand
// and calls clip_grad_norm_ / clip_grad_value_ between backward() and step(); the harness checks that L1, L2, MaxNorm
// and MaxValue here are the fixture's.

// ---- l1: an L1 penalty 0.02 on the first layer's weights only, three of which start at exactly 0 (where the penalty's
// gradient is sign(0) = 0); MSE; SGD momentum 0.9.
[Model(BatchSize = 6, Seed = 16, Precision = Precision.Double)]
[Input(4)]
[Dense(6, Activation.Tanh, L1 = 0.02)]
[Dense(3)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class L1Double : ITargetModel<double>;

[Model(BatchSize = 6, Seed = 16)]
[Input(4)]
[Dense(6, Activation.Tanh, L1 = 0.02)]
[Dense(3)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class L1Single : ITargetModel<float>;

// ---- l2: L2 penalties on the first two layers (0.05 and 0.1), none on the last; CrossEntropy; Adam.
[Model(BatchSize = 6, Seed = 17, Precision = Precision.Double)]
[Input(4)]
[Dense(5, Activation.ReLU, L2 = 0.05)]
[Dense(4, L2 = 0.1)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.02)]
public partial class L2Double : ILabelModel<double>;

[Model(BatchSize = 6, Seed = 17)]
[Input(4)]
[Dense(5, Activation.ReLU, L2 = 0.05)]
[Dense(4, L2 = 0.1)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.02)]
public partial class L2Single : ILabelModel<float>;

// ---- elastic: L1 and L2 together on the first layer, L1 alone on a bias-less layer, L2 alone on the last; MSE;
// RMSProp with its defaults.
[Model(BatchSize = 5, Seed = 18, Precision = Precision.Double)]
[Input(3)]
[Dense(6, Activation.Tanh, L1 = 0.01, L2 = 0.03)]
[Dense(4, UseBias = false, L1 = 0.02)]
[Tanh]
[Dense(2, L2 = 0.05)]
[Loss(LossFunction.MeanSquaredError)]
[RmsProp]
public partial class ElasticDouble : ITargetModel<double>;

[Model(BatchSize = 5, Seed = 18)]
[Input(3)]
[Dense(6, Activation.Tanh, L1 = 0.01, L2 = 0.03)]
[Dense(4, UseBias = false, L1 = 0.02)]
[Tanh]
[Dense(2, L2 = 0.05)]
[Loss(LossFunction.MeanSquaredError)]
[RmsProp]
public partial class ElasticSingle : ITargetModel<float>;

// ---- clip_norm: the global gradient norm (3 to 4 on these large targets) clipped to 0.5 in every step; MSE; SGD momentum
// 0.5.
[Model(BatchSize = 6, Seed = 19, Precision = Precision.Double)]
[Input(4)]
[Dense(6, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1, Momentum = 0.5)]
[GradientClipping(MaxNorm = 0.5)]
public partial class ClipNormDouble : ITargetModel<double>;

[Model(BatchSize = 6, Seed = 19)]
[Input(4)]
[Dense(6, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1, Momentum = 0.5)]
[GradientClipping(MaxNorm = 0.5)]
public partial class ClipNormSingle : ITargetModel<float>;

// ---- clip_value: every gradient clamped to ±0.05 (about two thirds of them are clipped in each step); CrossEntropy;
// plain SGD, so the clipped gradients move the parameters directly.
[Model(BatchSize = 6, Seed = 20, Precision = Precision.Double)]
[Input(4)]
[Dense(5, Activation.ReLU)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.5)]
[GradientClipping(MaxValue = 0.05)]
public partial class ClipValueDouble : ILabelModel<double>;

[Model(BatchSize = 6, Seed = 20)]
[Input(4)]
[Dense(5, Activation.ReLU)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.5)]
[GradientClipping(MaxValue = 0.05)]
public partial class ClipValueSingle : ILabelModel<float>;

// ---- clip_both: the L1/L2 gradient of the first layer joins the gradients, then the global norm is clipped to 1 (from
// 1.6 to 3.9), then the values to ±0.15 (a quarter of them); MSE; NAdam.
[Model(BatchSize = 6, Seed = 21, Precision = Precision.Double)]
[Input(4)]
[Dense(6, Activation.Tanh, L1 = 0.01, L2 = 0.02)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[NAdam(LearningRate = 0.04)]
[GradientClipping(MaxNorm = 1.0, MaxValue = 0.15)]
public partial class ClipBothDouble : ITargetModel<double>;

[Model(BatchSize = 6, Seed = 21)]
[Input(4)]
[Dense(6, Activation.Tanh, L1 = 0.01, L2 = 0.02)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[NAdam(LearningRate = 0.04)]
[GradientClipping(MaxNorm = 1.0, MaxValue = 0.15)]
public partial class ClipBothSingle : ITargetModel<float>;
