using ModelGen;

namespace ModelGen.Training.Tests;

// The models the training monitor's tests train: a healthy one, and declarations that fall into the pitfalls.

/// <summary>A healthy small MLP: He-initialized ReLU layer, Adam 1e-3 (the tests feed it standardized data).</summary>
[Model(BatchSize = 16, Seed = 11)]
[Input(6)]
[Dense(32, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class HealthyMlp;

/// <summary>A [ReLU] layer of its own after a linear dense layer (the dead-unit count reads relu0, which has no parameters).</summary>
[Model(BatchSize = 16, Seed = 12)]
[Input(6)]
[Dense(16, WeightInit = Init.HeUniform)]
[ReLU]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class SeparateReluMlp;

// Deliberately a pitfall: ModelGen's compile-time pitfall warnings may flag it too, so they are off around it.
#pragma warning disable
/// <summary>Eight sigmoid layers in a row, plain SGD: the gradient shrinks on its way back to the first layer.</summary>
[Model(BatchSize = 16, Seed = 13)]
[Input(6)]
[Dense(16, Activation.Sigmoid)]
[Dense(16, Activation.Sigmoid)]
[Dense(16, Activation.Sigmoid)]
[Dense(16, Activation.Sigmoid)]
[Dense(16, Activation.Sigmoid)]
[Dense(16, Activation.Sigmoid)]
[Dense(16, Activation.Sigmoid)]
[Dense(16, Activation.Sigmoid)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.01)]
public partial class DeepSigmoidStack;
#pragma warning restore

/// <summary>A small convolutional network with a ReLU convolution (dead units count channels).</summary>
[Model(BatchSize = 8, Seed = 14)]
[Input(1, 6, 6)]
[Conv2D(4, 3, Activation.ReLU, WeightInit = Init.HeUniform)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class TinyConvNet;
