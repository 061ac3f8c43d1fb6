using ModelGen;

namespace QuickStart;

/// <summary>The XOR problem: 2 inputs, 8 tanh units, 1 output, mean squared error, SGD with momentum.</summary>
[Model(BatchSize = 32, Seed = 1)]
[Input(2)]
[Dense(8, Activation.Tanh)]
[Dense(1)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class Xor;

/// <summary>Regression of y = sin(x) on [-π, π] with two tanh layers.</summary>
[Model(BatchSize = 64, Seed = 7)]
[Input(1)]
[Dense(32, Activation.Tanh)]
[Dense(32, Activation.Tanh)]
[Dense(1)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05, Momentum = 0.9, Nesterov = true)]
public partial class Sine;
