using ModelGen;

namespace FashionResNet;

/// <summary>
/// A small residual network for 28×28 grey images: a stem, two residual blocks (each two 3×3 convolutions with batch
/// norm, added back to the block's input before the last ReLU), max pooling after each block, then a linear classifier.
/// <code>
///   stem     conv 3×3 (16) → BN → ReLU                               [16 x 28 x 28]
///   block 1  conv → BN → ReLU → conv → BN, + stem → ReLU → max pool   [16 x 14 x 14]
///   widen    conv 3×3 (32) → BN → ReLU                               [32 x 14 x 14]
///   block 2  conv → BN → ReLU → conv → BN, + widen → ReLU → max pool  [32 x 7 x 7]
///   head     flatten → dropout 0.3 → dense 10
/// </code>
/// The convolutions before a batch norm have no bias (the batch norm would subtract it again); weights are He-uniform.
/// </summary>
[Model(BatchSize = 64, Seed = 1)]
[Input(1, 28, 28)]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false, WeightInit = Init.HeUniform)]
[BatchNorm]
[ReLU(Name = "stem")]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false, WeightInit = Init.HeUniform)]
[BatchNorm]
[ReLU]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false, WeightInit = Init.HeUniform)]
[BatchNorm]
[Add("stem")]
[ReLU]
[MaxPool2D(2)]
[Conv2D(32, 3, Padding = Padding.Same, UseBias = false, WeightInit = Init.HeUniform)]
[BatchNorm]
[ReLU(Name = "widen")]
[Conv2D(32, 3, Padding = Padding.Same, UseBias = false, WeightInit = Init.HeUniform)]
[BatchNorm]
[ReLU]
[Conv2D(32, 3, Padding = Padding.Same, UseBias = false, WeightInit = Init.HeUniform)]
[BatchNorm]
[Add("widen")]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dropout(0.3)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class ResNet;
