using ModelGen;

namespace ModelGen.Training.Tests;

// The models these tests train, save and load: each is a declaration a user could write.

/// <summary>A classifier with batch norm (so its weight files carry buffers), single precision.</summary>
[Model(BatchSize = 16, Seed = 1)]
[Input(6)]
[Dense(16, Activation.ReLU)]
[BatchNorm]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class NormClassifier;

/// <summary>The same network in double precision.</summary>
[Model(BatchSize = 16, Seed = 1, Precision = Precision.Double)]
[Input(6)]
[Dense(16, Activation.ReLU)]
[BatchNorm]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class NormClassifierDouble;

/// <summary>The same tensor names as <see cref="NormClassifier"/>, but a narrower hidden layer (other shapes).</summary>
[Model(BatchSize = 16, Seed = 1)]
[Input(6)]
[Dense(12, Activation.ReLU)]
[BatchNorm]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class NarrowNormClassifier;

/// <summary>A plain classifier without buffers: weights change only through the optimizer.</summary>
[Model(BatchSize = 16, Seed = 2)]
[Input(6)]
[Dense(16, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class PlainClassifier;

/// <summary>Dropout and batch norm: the training state includes the dropout generator and running statistics.</summary>
[Model(BatchSize = 16, Seed = 3)]
[Input(6)]
[Dense(24, Activation.ReLU)]
[BatchNorm]
[Dropout(0.3)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class DropoutClassifier;

/// <summary>Regression with two targets (mean squared error, SGD with momentum).</summary>
[Model(BatchSize = 16, Seed = 4)]
[Input(4)]
[Dense(12, Activation.Tanh)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class Regressor;

/// <summary>Linear regression: with a huge learning rate its loss overflows.</summary>
[Model(BatchSize = 8, Seed = 5)]
[Input(4)]
[Dense(1)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.01)]
public partial class LinearRegressor;

/// <summary>Full-batch gradient descent: BatchSize is the size of <see cref="TestData.FullBatchCount"/> training set.</summary>
[Model(BatchSize = 60, Seed = 6)]
[Input(6)]
[Dense(8, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.5)]
public partial class FullBatchClassifier;

/// <summary>A large batch size: larger than the small data sets some users start with.</summary>
[Model(BatchSize = 64, Seed = 7)]
[Input(6)]
[Dense(8, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.5)]
public partial class WideBatchClassifier;

/// <summary>The Fashion-MNIST multilayer perceptron: 784 → 128 ReLU → 10, Adam.</summary>
[Model(BatchSize = 64, Seed = 42)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class FashionMlp;
