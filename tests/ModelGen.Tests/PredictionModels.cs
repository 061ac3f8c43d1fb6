using ModelGen;

namespace ModelGen.Tests;

// Models of the prediction helpers' tests (PredictionTests): a classifier in both precisions, a binary model with one
// logit, and inference-only models whose last layer applies the softmax or the sigmoid.

/// <summary>5 features → 4 classes; BatchSize 8, so 19 samples run in chunks of 8, 8 and 3.</summary>
[Model(BatchSize = 8, Seed = 21)]
[Input(5)]
[Dense(7, Activation.Tanh)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1)]
public partial class PredictionClassifier;

/// <summary>The same network in double precision.</summary>
[Model(BatchSize = 8, Seed = 21, Precision = Precision.Double)]
[Input(5)]
[Dense(7, Activation.Tanh)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1)]
public partial class PredictionClassifierDouble;

/// <summary>The same network with the softmax as its last activation, inference only.</summary>
[Model(BatchSize = 8, Seed = 21)]
[Input(5)]
[Dense(7, Activation.Tanh)]
[Dense(4, Activation.Softmax)]
public partial class SoftmaxOutputModel;

/// <summary>A binary model: one logit, binary cross-entropy.</summary>
[Model(BatchSize = 8, Seed = 22)]
[Input(3)]
[Dense(5, Activation.Tanh)]
[Dense(1)]
[Loss(LossFunction.BinaryCrossEntropy)]
[Sgd(LearningRate = 0.1)]
public partial class BinaryLogitModel;

/// <summary>The same binary network with a sigmoid as its last activation, inference only.</summary>
[Model(BatchSize = 8, Seed = 22)]
[Input(3)]
[Dense(5, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class SigmoidOutputModel;
