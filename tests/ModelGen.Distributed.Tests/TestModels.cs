using ModelGen;

namespace ModelGen.Distributed.Tests;

[Model(BatchSize = 64, Seed = 7)]
[Input(12)]
[Dense(40, Activation.ReLU)]
[Dense(20, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-2)]
public partial class SmallMlp;

[Model(BatchSize = 64, Seed = 3)]
[Input(12)]
[Dense(16)]
[BatchNorm]
[ReLU]
[Dropout(0.25)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class NormalizedDropout;

[Model(BatchSize = 64, Seed = 1)]
[Input(12)]
[Dense(16, Activation.ReLU, L2 = 1e-3)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05)]
public partial class Penalized;
