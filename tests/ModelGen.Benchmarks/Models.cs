using ModelGen;

namespace ModelGen.Benchmarks;

// The shapes of ../shared/bench/torch_mlp.py: Linear layers with bias, Tanh (MSE case) or ReLU (cross-entropy cases)
// between them, Adam 1e-3, float32. Seeds only pick the initial weights, which do not change the work per step.

/// <summary>2 → 8 tanh → 1, mean squared error, batch 4 (torch_mlp.py's <c>xor_2-8-1_b4</c>).</summary>
[Model(BatchSize = 4, Seed = 1, Precision = Precision.Single)]
[Input(2)]
[Dense(8, Activation.Tanh)]
[Dense(1)]
[Loss(LossFunction.MeanSquaredError)]
[Adam(LearningRate = 1e-3)]
public partial class Xor2x8x1;

/// <summary>784 → 128 ReLU → 10, cross-entropy, batch 64 (<c>mlp_784-128-10_b64</c>).</summary>
[Model(BatchSize = 64, Seed = 1, Precision = Precision.Single)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class Mlp784x128x10;

/// <summary>784 → 512 ReLU → 512 ReLU → 10, cross-entropy, batch 128 (<c>mlp_784-512-512-10_b128</c>).</summary>
[Model(BatchSize = 128, Seed = 1, Precision = Precision.Single)]
[Input(784)]
[Dense(512, Activation.ReLU)]
[Dense(512, Activation.ReLU)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class Mlp784x512x512x10;

/// <summary>784 → 1024 ReLU → 1024 ReLU → 10, cross-entropy, batch 256 (<c>mlp_784-1024-1024-10_b256</c>).</summary>
[Model(BatchSize = 256, Seed = 1, Precision = Precision.Single)]
[Input(784)]
[Dense(1024, Activation.ReLU)]
[Dense(1024, Activation.ReLU)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class Mlp784x1024x1024x10;

/// <summary>
/// The network of samples/FashionCnn/LeNet.cs, batch 64: conv 5×5 (16, same) → BN → ReLU → max pool 2 →
/// conv 5×5 (32) → BN → ReLU → max pool 2 → 128 ReLU → dropout 0.3 → 10, cross-entropy, Adam 1e-3.
/// </summary>
[Model(BatchSize = 64, Seed = 1, Precision = Precision.Single)]
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
