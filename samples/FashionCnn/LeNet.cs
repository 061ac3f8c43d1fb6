using ModelGen;

namespace FashionCnn;

/// <summary>
/// A LeNet-style network for 28×28 grey images, wider than LeNet-5 and with batch norm after each convolution:
/// conv 5×5 (16, same) → BN → ReLU → max pool 2 → conv 5×5 (32) → BN → ReLU → max pool 2 → 128 → dropout → 10.
/// </summary>
[Model(BatchSize = 64, Seed = 1)]
[Input(1, 28, 28)]
[Conv2D(16, 5, Padding = Padding.Same, WeightInit = Init.HeUniform)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Conv2D(32, 5, WeightInit = Init.HeUniform)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(128, Activation.ReLU, WeightInit = Init.HeUniform)]
[Dropout(0.3)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class LeNet;
