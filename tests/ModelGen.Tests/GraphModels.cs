using ModelGen;

namespace ModelGen.Tests;

// Graph models (skip connections, branches, merges): double-precision models for the finite-difference checks, and a
// residual CNN shaped like the README's SmallResNet for the allocation and thread-count checks.

/// <summary>A residual MLP: h + dense1(h), so h's gradient is the sum of two paths.</summary>
[Model(BatchSize = 4, Seed = 61, Precision = Precision.Double)]
[Input(5)]
[Dense(6, Activation.Tanh, Name = "h")]
[Dense(6)]
[Add("h")]
[Tanh]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1)]
public partial class FdResidualMlp;

/// <summary>
/// One value read by three layers (h: by p, by q through From, and by the sum), a branch from the input, and a
/// concatenation of vectors.
/// </summary>
[Model(BatchSize = 4, Seed = 62, Precision = Precision.Double)]
[Input(4)]
[Dense(5, Activation.Tanh, Name = "h")]
[Dense(5, Activation.Tanh, Name = "p")]
[Dense(5, From = "h", Name = "q")]
[Add("h", "p", Name = "sum")]
[Dense(3, Activation.Sigmoid, From = "input", Name = "side")]
[Concat("sum", "input")]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1)]
public partial class FdThreeReaders;

/// <summary>Two convolution branches joined along channels, then global average pooling.</summary>
[Model(BatchSize = 3, Seed = 63, Precision = Precision.Double)]
[Input(2, 5, 5)]
[Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same, Name = "a")]
[Conv2D(2, 1, Activation.Sigmoid, From = "input", Name = "b")]
[Concat("a")]
[Conv2D(4, 2, Activation.Tanh)]
[GlobalAvgPool2D]
[Dense(2)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1)]
public partial class FdConcatImages;

/// <summary>A residual convolution block with batch norm inside, added to its input (the model input itself).</summary>
[Model(BatchSize = 4, Seed = 64, Precision = Precision.Double)]
[Input(2, 4, 4)]
[Conv2D(2, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[Tanh]
[Conv2D(2, 3, Padding = Padding.Same)]
[Add("input")]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1)]
public partial class FdResidualCnn;

/// <summary>The README's SmallResNet at 12x12: a residual block with batch norm, a 1x1 side branch, Concat, pooling.</summary>
[Model(BatchSize = 8, Seed = 65)]
[Input(1, 12, 12)]
[Conv2D(8, 3, Activation.ReLU, Padding = Padding.Same, Name = "stem")]
[Conv2D(8, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[Conv2D(8, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[Add("stem")]
[ReLU(Name = "block1")]
[Conv2D(4, 1, From = "stem", Name = "side")]
[Concat("block1")]
[MaxPool2D(2)]
[GlobalAvgPool2D]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class ResidualCnn;

/// <summary><see cref="ResidualCnn"/> at 28x28 with 16 channels, so its convolutions split over the worker threads.</summary>
[Model(BatchSize = 16, Seed = 66)]
[Input(1, 28, 28)]
[Conv2D(16, 3, Activation.ReLU, Padding = Padding.Same, Name = "stem")]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[Add("stem")]
[ReLU(Name = "block1")]
[Conv2D(8, 1, From = "stem", Name = "side")]
[Concat("block1")]
[MaxPool2D(2)]
[GlobalAvgPool2D]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class ThreadedResidualCnn;

/// <summary><see cref="ThreadedResidualCnn"/> kept on the calling thread.</summary>
[Model(BatchSize = 16, Seed = 66, Threads = 1)]
[Input(1, 28, 28)]
[Conv2D(16, 3, Activation.ReLU, Padding = Padding.Same, Name = "stem")]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[Conv2D(16, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[Add("stem")]
[ReLU(Name = "block1")]
[Conv2D(8, 1, From = "stem", Name = "side")]
[Concat("block1")]
[MaxPool2D(2)]
[GlobalAvgPool2D]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class SingleThreadedResidualCnn;
