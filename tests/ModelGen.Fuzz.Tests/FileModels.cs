using ModelGen;

namespace ModelGen.Fuzz.Tests;

// The models whose weight files and checkpoints the mutation fuzzers corrupt: between them, every kind of state a file
// carries (parameters, batch-norm buffers, a dropout generator, optimizer moments) in both precisions.

/// <summary>Single precision: a convolution, batch norm (buffers), dropout (a random generator), Adam (two moments).</summary>
[Model(BatchSize = 8, Seed = 1)]
[Input(1, 6, 6)]
[Conv2D(2, 3, Activation.ReLU)]
[BatchNorm]
[Flatten]
[Dense(8, Activation.Tanh)]
[Dropout(0.25)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class FuzzClassifier;

/// <summary>Double precision: layer norm, SGD with momentum (one state tensor), a regression loss.</summary>
[Model(BatchSize = 4, Seed = 2, Precision = Precision.Double)]
[Input(3)]
[Dense(4, Activation.Tanh)]
[LayerNorm]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class FuzzRegressor;
