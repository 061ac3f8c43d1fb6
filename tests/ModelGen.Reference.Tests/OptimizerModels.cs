using ModelGen;

namespace ModelGen.Reference.Tests;

// The models of the optimizer fixtures (adam ... nadam in generate_fixtures.py), each in double and single precision
// (centered RMSProp in double only, see there), every optimizer with non-default hyperparameters over 8 steps. As in
// Models.cs, Seed does not matter (the tests load the fixture's initial parameters), and the harness checks that each
// declaration's attributes match the fixture's torch.optim settings (Declarations.cs), so a typo here fails loudly
// instead of testing something else.

// ---- adam: Adam with non-default betas (0.8, 0.95), epsilon 1e-6 and learning rate 0.05; MSE. 5 samples of BatchSize 6.
[Model(BatchSize = 6, Seed = 6, Precision = Precision.Double)]
[Input(4)]
[Dense(6, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.MeanSquaredError)]
[Adam(LearningRate = 0.05, Beta1 = 0.8, Beta2 = 0.95, Epsilon = 1e-6)]
public partial class AdamDouble : ITargetModel<double>;

[Model(BatchSize = 6, Seed = 6)]
[Input(4)]
[Dense(6, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.MeanSquaredError)]
[Adam(LearningRate = 0.05, Beta1 = 0.8, Beta2 = 0.95, Epsilon = 1e-6)]
public partial class AdamSingle : ITargetModel<float>;

// ---- adam_amsgrad: Adam with AMSGrad (β2 0.9, so the running maximum of v takes over within the 8 steps); CrossEntropy
// on a ReLU layer.
[Model(BatchSize = 6, Seed = 7, Precision = Precision.Double)]
[Input(4)]
[Dense(5, Activation.ReLU)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.04, Beta1 = 0.85, Beta2 = 0.9, Epsilon = 1e-7, Amsgrad = true)]
public partial class AdamAmsgradDouble : ILabelModel<double>;

[Model(BatchSize = 6, Seed = 7)]
[Input(4)]
[Dense(5, Activation.ReLU)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.04, Beta1 = 0.85, Beta2 = 0.9, Epsilon = 1e-7, Amsgrad = true)]
public partial class AdamAmsgradSingle : ILabelModel<float>;

// ---- adam_weight_decay: Adam with PyTorch's coupled weight decay 0.1 (g += λθ before the moments); BinaryCrossEntropy.
[Model(BatchSize = 8, Seed = 8, Precision = Precision.Double)]
[Input(5)]
[Dense(5, Activation.Sigmoid)]
[Dense(1)]
[Loss(LossFunction.BinaryCrossEntropy)]
[Adam(LearningRate = 0.03, Beta1 = 0.7, Beta2 = 0.97, Epsilon = 1e-5, WeightDecay = 0.1)]
public partial class AdamWeightDecayDouble : ITargetModel<double>;

[Model(BatchSize = 8, Seed = 8)]
[Input(5)]
[Dense(5, Activation.Sigmoid)]
[Dense(1)]
[Loss(LossFunction.BinaryCrossEntropy)]
[Adam(LearningRate = 0.03, Beta1 = 0.7, Beta2 = 0.97, Epsilon = 1e-5, WeightDecay = 0.1)]
public partial class AdamWeightDecaySingle : ITargetModel<float>;

// ---- adamw: AdamW, decoupled weight decay 0.3 (θ *= 1 − lr·λ before the Adam step); MSE through Tanh and LeakyReLU.
[Model(BatchSize = 5, Seed = 9, Precision = Precision.Double)]
[Input(3)]
[Dense(6, Activation.Tanh)]
[Dense(4, Activation.LeakyReLU)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[AdamW(LearningRate = 0.02, Beta1 = 0.85, Beta2 = 0.99, Epsilon = 1e-7, WeightDecay = 0.3)]
public partial class AdamWDouble : ITargetModel<double>;

[Model(BatchSize = 5, Seed = 9)]
[Input(3)]
[Dense(6, Activation.Tanh)]
[Dense(4, Activation.LeakyReLU)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[AdamW(LearningRate = 0.02, Beta1 = 0.85, Beta2 = 0.99, Epsilon = 1e-7, WeightDecay = 0.3)]
public partial class AdamWSingle : ITargetModel<float>;

// ---- rmsprop_centered: RMSProp centered, with momentum 0.7, weight decay 0.05, α 0.9 and ε 1e-6; CrossEntropy. Double
// precision only: on one fixed batch the centered denominator √(v − ḡ²) cancels, and float32 rounding (PyTorch's as much
// as ModelGen's) is amplified beyond the single-precision tolerance (see generate_fixtures.py).
[Model(BatchSize = 7, Seed = 10, Precision = Precision.Double)]
[Input(4)]
[Dense(5, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[RmsProp(LearningRate = 0.01, Alpha = 0.9, Epsilon = 1e-6, WeightDecay = 0.05, Momentum = 0.7, Centered = true)]
public partial class RmsPropCenteredDouble : ILabelModel<double>;

// ---- rmsprop: plain RMSProp (no momentum, not centered) with α 0.95, ε 1e-7 and learning rate 0.005; MSE.
[Model(BatchSize = 6, Seed = 11, Precision = Precision.Double)]
[Input(3)]
[Dense(6, Activation.Sigmoid)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[RmsProp(LearningRate = 0.005, Alpha = 0.95, Epsilon = 1e-7)]
public partial class RmsPropDouble : ITargetModel<double>;

[Model(BatchSize = 6, Seed = 11)]
[Input(3)]
[Dense(6, Activation.Sigmoid)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[RmsProp(LearningRate = 0.005, Alpha = 0.95, Epsilon = 1e-7)]
public partial class RmsPropSingle : ITargetModel<float>;

// ---- adagrad: AdaGrad with initial accumulator 0.5, weight decay 0.02, ε 1e-8 and learning rate 0.1; BinaryCrossEntropy
// with two outputs.
[Model(BatchSize = 6, Seed = 12, Precision = Precision.Double)]
[Input(4)]
[Dense(5, Activation.ReLU)]
[Dense(2)]
[Loss(LossFunction.BinaryCrossEntropy)]
[AdaGrad(LearningRate = 0.1, InitialAccumulator = 0.5, Epsilon = 1e-8, WeightDecay = 0.02)]
public partial class AdaGradDouble : ITargetModel<double>;

[Model(BatchSize = 6, Seed = 12)]
[Input(4)]
[Dense(5, Activation.ReLU)]
[Dense(2)]
[Loss(LossFunction.BinaryCrossEntropy)]
[AdaGrad(LearningRate = 0.1, InitialAccumulator = 0.5, Epsilon = 1e-8, WeightDecay = 0.02)]
public partial class AdaGradSingle : ITargetModel<float>;

// ---- adadelta: AdaDelta with ρ 0.8, ε 1e-5, learning rate 0.8 and weight decay 0.01; MSE.
[Model(BatchSize = 5, Seed = 13, Precision = Precision.Double)]
[Input(4)]
[Dense(6, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.MeanSquaredError)]
[AdaDelta(LearningRate = 0.8, Rho = 0.8, Epsilon = 1e-5, WeightDecay = 0.01)]
public partial class AdaDeltaDouble : ITargetModel<double>;

[Model(BatchSize = 5, Seed = 13)]
[Input(4)]
[Dense(6, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.MeanSquaredError)]
[AdaDelta(LearningRate = 0.8, Rho = 0.8, Epsilon = 1e-5, WeightDecay = 0.01)]
public partial class AdaDeltaSingle : ITargetModel<float>;

// ---- adamax: Adamax with betas (0.8, 0.95), ε 1e-6, learning rate 0.01 and weight decay 0.05; CrossEntropy.
[Model(BatchSize = 6, Seed = 14, Precision = Precision.Double)]
[Input(4)]
[Dense(5, Activation.LeakyReLU)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adamax(LearningRate = 0.01, Beta1 = 0.8, Beta2 = 0.95, Epsilon = 1e-6, WeightDecay = 0.05)]
public partial class AdamaxDouble : ILabelModel<double>;

[Model(BatchSize = 6, Seed = 14)]
[Input(4)]
[Dense(5, Activation.LeakyReLU)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adamax(LearningRate = 0.01, Beta1 = 0.8, Beta2 = 0.95, Epsilon = 1e-6, WeightDecay = 0.05)]
public partial class AdamaxSingle : ILabelModel<float>;

// ---- nadam: NAdam with betas (0.85, 0.98), ε 1e-7, weight decay 0.03 and momentum decay 0.01 (default 4e-3); MSE.
[Model(BatchSize = 6, Seed = 15, Precision = Precision.Double)]
[Input(3)]
[Dense(6, Activation.Tanh)]
[Dense(4)]
[ReLU]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[NAdam(LearningRate = 0.01, Beta1 = 0.85, Beta2 = 0.98, Epsilon = 1e-7, WeightDecay = 0.03, MomentumDecay = 0.01)]
public partial class NAdamDouble : ITargetModel<double>;

[Model(BatchSize = 6, Seed = 15)]
[Input(3)]
[Dense(6, Activation.Tanh)]
[Dense(4)]
[ReLU]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[NAdam(LearningRate = 0.01, Beta1 = 0.85, Beta2 = 0.98, Epsilon = 1e-7, WeightDecay = 0.03, MomentumDecay = 0.01)]
public partial class NAdamSingle : ITargetModel<float>;
