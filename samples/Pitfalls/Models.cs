using ModelGen;

namespace Pitfalls;

// Four classic training mistakes from the lecture notes, each next to its fix, all on Fashion-MNIST (784 pixels, 10
// classes). The broken declarations are deliberate: ModelGen also flags some of them at compile time (Init.Zeros on a
// layer that another layer follows is MG warning "Constant weights never break symmetry"), so the warnings are
// switched off around them to keep this sample building with warnings as errors.

#pragma warning disable // the pitfalls below are on purpose

/// <summary>Ten sigmoid layers: each multiplies the gradient by at most 1/4 on its way back (vanishing gradients).</summary>
[Model(BatchSize = 64, Seed = 1)]
[Input(784)]
[Dense(64, Activation.Sigmoid)]
[Dense(64, Activation.Sigmoid)]
[Dense(64, Activation.Sigmoid)]
[Dense(64, Activation.Sigmoid)]
[Dense(64, Activation.Sigmoid)]
[Dense(64, Activation.Sigmoid)]
[Dense(64, Activation.Sigmoid)]
[Dense(64, Activation.Sigmoid)]
[Dense(64, Activation.Sigmoid)]
[Dense(64, Activation.Sigmoid)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.01, Momentum = 0.9)]
public partial class DeepSigmoid;

/// <summary>A multilayer perceptron whose SGD learning rate is ten times too large: its steps overshoot and grow.</summary>
[Model(BatchSize = 64, Seed = 1)]
[Input(784)]
[Dense(128, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 1.0)]
public partial class LargeStepMlp;

/// <summary>Every weight starts at zero: no unit can differ from another, and ReLU units output 0 (dead).</summary>
[Model(BatchSize = 64, Seed = 1)]
[Input(784)]
[Dense(128, Activation.ReLU, WeightInit = Init.Zeros)]
[Dense(10, WeightInit = Init.Zeros)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class ZeroInitMlp;

#pragma warning restore

/// <summary>The fix of the large step: the same network with SGD at 0.1.</summary>
[Model(BatchSize = 64, Seed = 1)]
[Input(784)]
[Dense(128, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1)]
public partial class SgdMlp;

/// <summary>The fix of the deep sigmoid stack: the same depth and optimizer with ReLU and He initialization.</summary>
[Model(BatchSize = 64, Seed = 1)]
[Input(784)]
[Dense(64, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(64, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(64, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(64, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(64, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(64, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(64, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(64, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(64, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(64, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.01, Momentum = 0.9)]
public partial class DeepRelu;

/// <summary>
/// The healthy multilayer perceptron: He-initialized ReLU layer, Adam 1e-3. The fix of the zero initialization, and
/// (on standardized pixels) of the unscaled inputs.
/// </summary>
[Model(BatchSize = 64, Seed = 1)]
[Input(784)]
[Dense(128, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class HealthyMlp;
