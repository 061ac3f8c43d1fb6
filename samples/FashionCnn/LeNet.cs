using ModelGen;

namespace FashionCnn;

/// <summary>
/// A LeNet-5-style network for 28×28 grey images, with batch norm after each convolution:
/// conv 5×5 (6, same) → BN → ReLU → max pool 2 → conv 5×5 (16) → BN → ReLU → max pool 2 → 120 → 84 → 10.
/// </summary>
[Model(BatchSize = 64, Seed = 1)]
[Input(1, 28, 28)]
[Conv2D(6, 5, Padding = Padding.Same, WeightInit = Init.HeUniform)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Conv2D(16, 5, WeightInit = Init.HeUniform)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(120, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(84, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class LeNet;
