using ModelGen;

namespace Optimizers;

// Each generated class implements ModelGen.IClassifier<float> (a cross-entropy model), which the comparison uses.
// The same network, 64 → 64 (ReLU) → 10, the same seed and batch, one optimizer each.
// Learning rates are each optimizer's usual starting point for this kind of problem.

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU)] [Dense(10)] [Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1)]
public partial class DigitsSgd;

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU)] [Dense(10)] [Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class DigitsMomentum;

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU)] [Dense(10)] [Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05, Momentum = 0.9, Nesterov = true)]
public partial class DigitsNesterov;

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU)] [Dense(10)] [Loss(LossFunction.CrossEntropy)]
[AdaGrad(LearningRate = 0.05)]
public partial class DigitsAdaGrad;

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU)] [Dense(10)] [Loss(LossFunction.CrossEntropy)]
[RmsProp(LearningRate = 1e-3)]
public partial class DigitsRmsProp;

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU)] [Dense(10)] [Loss(LossFunction.CrossEntropy)]
[AdaDelta(LearningRate = 1.0)]
public partial class DigitsAdaDelta;

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU)] [Dense(10)] [Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class DigitsAdam;

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU)] [Dense(10)] [Loss(LossFunction.CrossEntropy)]
[AdamW(LearningRate = 1e-3, WeightDecay = 1e-2)]
public partial class DigitsAdamW;

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU)] [Dense(10)] [Loss(LossFunction.CrossEntropy)]
[Adamax(LearningRate = 2e-3)]
public partial class DigitsAdamax;

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU)] [Dense(10)] [Loss(LossFunction.CrossEntropy)]
[NAdam(LearningRate = 2e-3)]
public partial class DigitsNAdam;

[Model(BatchSize = 32, Seed = 1)] [Input(64)] [Dense(64, Activation.ReLU, L2 = 1e-4)] [Dense(10, L2 = 1e-4)] [Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
[GradientClipping(MaxNorm = 1.0)]
public partial class DigitsAdamL2Clipped;
