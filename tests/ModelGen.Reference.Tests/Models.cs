using ModelGen;

namespace ModelGen.Reference.Tests;

// The models the fixtures describe, each declared twice: in double precision (checked to 1e-9) and in single precision.
// Layers, loss and optimizer settings must mirror CASES in generate_fixtures.py (the harness checks the loss, optimizer,
// penalty and clipping attributes against the fixture, see Declarations.cs); Seed does not matter because every test
// overwrites all parameters with the fixture's initial values. Implementing the small interfaces of ReferenceModel.cs
// (all their members are generated) lets one generic harness drive every model. The models of the other optimizers
// are in OptimizerModels.cs, those with L1/L2 penalties and gradient clipping in PenaltyModels.cs.

// ---- regression: MSE; tanh as a Dense activation, a linear Dense, a [Sigmoid] layer; SGD momentum 0.9, weight decay
// 0.01. Trained on 5 samples with BatchSize 8; Predict on 19 rows (chunks of 8, 8, 3).
[Model(BatchSize = 8, Seed = 11, Precision = Precision.Double)]
[Input(3)]
[Dense(5, Activation.Tanh)]
[Dense(4)]
[Sigmoid]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1, Momentum = 0.9, WeightDecay = 0.01)]
public partial class RegressionDouble : ITargetModel<double>;

[Model(BatchSize = 8, Seed = 11)]
[Input(3)]
[Dense(5, Activation.Tanh)]
[Dense(4)]
[Sigmoid]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1, Momentum = 0.9, WeightDecay = 0.01)]
public partial class RegressionSingle : ITargetModel<float>;

// ---- classifier: CrossEntropy with integer labels; ReLU as a Dense activation, a [LeakyReLU(0.2)] layer; SGD with
// Nesterov momentum 0.9. A full batch (6 of BatchSize 6); Predict on 14 rows.
[Model(BatchSize = 6, Seed = 12, Precision = Precision.Double)]
[Input(4)]
[Dense(6, Activation.ReLU)]
[Dense(5)]
[LeakyReLU(0.2)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.2, Momentum = 0.9, Nesterov = true)]
public partial class ClassifierDouble : ILabelModel<double>;

[Model(BatchSize = 6, Seed = 12)]
[Input(4)]
[Dense(6, Activation.ReLU)]
[Dense(5)]
[LeakyReLU(0.2)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.2, Momentum = 0.9, Nesterov = true)]
public partial class ClassifierSingle : ILabelModel<float>;

// ---- binary: BinaryCrossEntropy on logits (0/1 targets); sigmoid as a Dense activation; SGD momentum 0.5,
// dampening 0.3, weight decay 0.05. 7 samples of BatchSize 8; Predict on 20 rows.
[Model(BatchSize = 8, Seed = 13, Precision = Precision.Double)]
[Input(5)]
[Dense(4, Activation.Sigmoid)]
[Dense(1)]
[Loss(LossFunction.BinaryCrossEntropy)]
[Sgd(LearningRate = 0.5, Momentum = 0.5, Dampening = 0.3, WeightDecay = 0.05)]
public partial class BinaryDouble : ITargetModel<double>;

[Model(BatchSize = 8, Seed = 13)]
[Input(5)]
[Dense(4, Activation.Sigmoid)]
[Dense(1)]
[Loss(LossFunction.BinaryCrossEntropy)]
[Sgd(LearningRate = 0.5, Momentum = 0.5, Dampening = 0.3, WeightDecay = 0.05)]
public partial class BinarySingle : ITargetModel<float>;

// ---- softmax: a [Softmax] layer feeding MSE; LeakyReLU as a Dense activation (alpha 0.01), a [Tanh] layer; plain SGD
// (no momentum) with weight decay 0.02. 3 samples of BatchSize 4; Predict on 11 rows.
[Model(BatchSize = 4, Seed = 14, Precision = Precision.Double)]
[Input(4)]
[Dense(5, Activation.LeakyReLU)]
[Dense(6)]
[Tanh]
[Dense(4)]
[Softmax]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.5, WeightDecay = 0.02)]
public partial class SoftmaxDouble : ITargetModel<double>;

[Model(BatchSize = 4, Seed = 14)]
[Input(4)]
[Dense(5, Activation.LeakyReLU)]
[Dense(6)]
[Tanh]
[Dense(4)]
[Softmax]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.5, WeightDecay = 0.02)]
public partial class SoftmaxSingle : ITargetModel<float>;

// ---- nobias: Dense layers without bias (no "denseN.bias" parameter), a [ReLU] layer, softmax as a Dense activation;
// MSE; SGD momentum 0.8. A full batch (5 of BatchSize 5); Predict on 12 rows.
[Model(BatchSize = 5, Seed = 15, Precision = Precision.Double)]
[Input(4)]
[Dense(6, UseBias = false)]
[ReLU]
[Dense(5, Activation.Softmax, UseBias = false)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.3, Momentum = 0.8)]
public partial class NoBiasDouble : ITargetModel<double>;

[Model(BatchSize = 5, Seed = 15)]
[Input(4)]
[Dense(6, UseBias = false)]
[ReLU]
[Dense(5, Activation.Softmax, UseBias = false)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.3, Momentum = 0.8)]
public partial class NoBiasSingle : ITargetModel<float>;
