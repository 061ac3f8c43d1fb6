using ModelGen;

namespace ModelGen.Fuzz.Tests;

/// <summary>Every kind of state a checkpoint holds: parameters, buffers (batch norm), a dropout generator, Adam's moments.</summary>
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
