using ModelGen;

namespace ModelGen.Distributed.Runner;

// The models the multi-rank scenarios train: small, so a job takes seconds, with a global batch of up to 96 samples
// (3 ranks x 32) in one step of the single-process reference.

/// <summary>A classifier with momentum SGD.</summary>
[Model(BatchSize = 96, Seed = 7)]
[Input(20)]
[Dense(48, Activation.ReLU)]
[Dense(24, Activation.Tanh)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class Mlp;

/// <summary>The same shape in double precision, with Adam and a regression loss (targets).</summary>
[Model(BatchSize = 96, Seed = 7, Precision = Precision.Double)]
[Input(20)]
[Dense(48, Activation.ReLU)]
[Dense(24, Activation.Tanh)]
[Dense(4)]
[Loss(LossFunction.MeanSquaredError)]
[Adam(LearningRate = 1e-2)]
public partial class MlpDouble;

/// <summary>Batch norm: its running statistics follow the documented rule (rank 0's, broadcast after every step).</summary>
[Model(BatchSize = 96, Seed = 3)]
[Input(20)]
[Dense(32)]
[BatchNorm]
[ReLU]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-2)]
public partial class Normalized;

/// <summary>Dropout: every rank draws its own masks, and the runs stay deterministic.</summary>
[Model(BatchSize = 96, Seed = 5)]
[Input(20)]
[Dense(48, Activation.ReLU)]
[Dropout(0.3)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-2)]
public partial class Dropped;

/// <summary>Gradient clipping by global norm and an L2 penalty: clipping must see the summed gradient.</summary>
[Model(BatchSize = 96, Seed = 11)]
[Input(20)]
[Dense(48, Activation.ReLU, L2 = 1e-3)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[GradientClipping(MaxNorm = 0.05)]
[Sgd(LearningRate = 0.5)]
public partial class Clipped;

/// <summary>A model that differs from <see cref="Mlp"/> in one layer's width: the ranks must notice at start-up.</summary>
[Model(BatchSize = 96, Seed = 7)]
[Input(20)]
[Dense(40, Activation.ReLU)]
[Dense(24, Activation.Tanh)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class OtherMlp;
