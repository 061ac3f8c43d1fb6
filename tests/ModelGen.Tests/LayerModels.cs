using ModelGen;

namespace ModelGen.Tests;

// Models with convolution, pooling, normalization and dropout layers, for the finite-difference, dropout and
// allocation tests. Each is a declaration a user could write.

/// <summary>Valid convolutions with stride 1, several channels, with and without bias, on a non-square input.</summary>
[Model(BatchSize = 3, Seed = 41, Precision = Precision.Double)]
[Input(2, 6, 5)]
[Conv2D(3, 3, Activation.Tanh)]
[Conv2D(2, 2, UseBias = false)]
[Flatten]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05)]
public partial class FdConvValid;

/// <summary>
/// Strided convolutions: a 2x2 kernel with stride 3 on 8x7 reads rows 0-1, 3-4, 6-7 and columns 0-1, 3-4 (the others
/// get an input gradient of exactly 0), then a 1x1 kernel with stride 2 on the 3x2 result reads rows 0 and 2 of column 0.
/// </summary>
[Model(BatchSize = 3, Seed = 42, Precision = Precision.Double)]
[Input(2, 8, 7)]
[Conv2D(3, 2, Activation.Sigmoid, Stride = 3)]
[Conv2D(4, 1, Stride = 2, UseBias = false)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05)]
public partial class FdConvStrided;

/// <summary>Padding.Same with odd and even kernels (PyTorch's extra row/column below/right).</summary>
[Model(BatchSize = 3, Seed = 43, Precision = Precision.Double)]
[Input(2, 5, 6)]
[Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same)]
[Conv2D(2, 4, Padding = Padding.Same)]
[Conv2D(2, 2, Activation.LeakyReLU, Padding = Padding.Same, UseBias = false)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05)]
public partial class FdConvSame;

/// <summary>Max pooling: overlapping windows on the input, tiled windows, overlapping windows with unread trailing columns.</summary>
[Model(BatchSize = 3, Seed = 44, Precision = Precision.Double)]
[Input(2, 8, 7)]
[MaxPool2D(2, Stride = 1)]
[Conv2D(3, 2, Activation.Tanh)]
[MaxPool2D(3, Stride = 2)]
[MaxPool2D(2)]
[Flatten]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05)]
public partial class FdMaxPool;

/// <summary>Average pooling: overlapping windows on the input (last column unread), tiled windows, stride 1.</summary>
[Model(BatchSize = 3, Seed = 45, Precision = Precision.Double)]
[Input(2, 7, 8)]
[AvgPool2D(3, Stride = 2)]
[Conv2D(3, 2, Activation.Tanh)]
[AvgPool2D(2, Stride = 1)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05)]
public partial class FdAvgPool;

/// <summary>Batch norm per feature (after a vector), non-default momentum and epsilon.</summary>
[Model(BatchSize = 6, Seed = 46, Precision = Precision.Double)]
[Input(4)]
[Dense(5)]
[BatchNorm(Momentum = 0.3, Epsilon = 1e-3)]
[Tanh]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05)]
public partial class FdBatchNormVector;

/// <summary>Batch norm per channel (after an image), then again per feature.</summary>
[Model(BatchSize = 3, Seed = 47, Precision = Precision.Double)]
[Input(2, 4, 4)]
[Conv2D(3, 3)]
[BatchNorm]
[Sigmoid]
[Flatten]
[Dense(4)]
[BatchNorm(Momentum = 0.5)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05)]
public partial class FdBatchNormImage;

/// <summary>Layer norm over an image sample ([3 x 3 x 4], γ and β of that shape) and over a vector.</summary>
[Model(BatchSize = 3, Seed = 48, Precision = Precision.Double)]
[Input(2, 4, 5)]
[Conv2D(3, 2)]
[LayerNorm]
[Tanh]
[Flatten]
[Dense(6)]
[LayerNorm(Epsilon = 1e-3)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05)]
public partial class FdLayerNorm;

/// <summary>Dropout on an image and on a vector.</summary>
[Model(BatchSize = 4, Seed = 49, Precision = Precision.Double)]
[Input(2, 4, 4)]
[Conv2D(3, 2, Activation.Tanh)]
[Dropout(0.3)]
[Flatten]
[Dense(6, Activation.Tanh)]
[Dropout(0.5)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05)]
public partial class FdDropout;

/// <summary>
/// A window onto a dropout layer's training output: with dense0.weight all 0, one sample and the target −0.5, the mean
/// squared error's output gradient is exactly 1, so dense0.weight's gradient is exactly the dropout output x·mask.
/// With the weights all 1, Predict sums the inputs (exactly, for small integers) unless inference drops anything.
/// </summary>
[Model(BatchSize = 2, Seed = 50, Precision = Precision.Double)]
[Input(DropoutProbe.Features)]
[Dropout(0.2)]
[Dense(1, UseBias = false)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1)]
public partial class DropoutProbe : IDropoutProbe<double>
{
    public const int Features = 4096;
}

/// <summary><see cref="DropoutProbe"/> in single precision with rate 0.5.</summary>
[Model(BatchSize = 2, Seed = 51)]
[Input(DropoutProbe.Features)]
[Dropout(0.5)]
[Dense(1, UseBias = false)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1)]
public partial class DropoutProbeHalf : IDropoutProbe<float>;

/// <summary><see cref="DropoutProbe"/> with rate 0.75.</summary>
[Model(BatchSize = 2, Seed = 52, Precision = Precision.Double)]
[Input(DropoutProbe.Features)]
[Dropout(0.75)]
[Dense(1, UseBias = false)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1)]
public partial class DropoutProbeHigh : IDropoutProbe<double>;

/// <summary>A single-precision CNN with every layer kind, for the allocation tests.</summary>
[Model(BatchSize = 8, Seed = 53)]
[Input(2, 10, 10)]
[Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same)]
[BatchNorm]
[MaxPool2D(2)]
[Conv2D(6, 2, Stride = 1)]
[LeakyReLU(0.1)]
[AvgPool2D(2, Stride = 1)]
[Dropout(0.25)]
[LayerNorm]
[Sigmoid]
[Flatten]
[Dense(16, Activation.Tanh)]
[BatchNorm]
[ReLU]
[Dropout(0.5)]
[LayerNorm]
[Tanh]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class EveryLayerCnn;

/// <summary><see cref="EveryLayerCnn"/> in double precision, with a mean squared error and a softmax layer.</summary>
[Model(BatchSize = 8, Seed = 54, Precision = Precision.Double)]
[Input(2, 10, 10)]
[Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same)]
[BatchNorm]
[MaxPool2D(2)]
[Conv2D(6, 2, Stride = 1)]
[LeakyReLU(0.1)]
[AvgPool2D(2, Stride = 1)]
[Dropout(0.25)]
[LayerNorm]
[Sigmoid]
[Flatten]
[Dense(16, Activation.Tanh)]
[BatchNorm]
[ReLU]
[Dropout(0.5)]
[LayerNorm]
[Dense(4)]
[Softmax]
[Loss(LossFunction.MeanSquaredError)]
[RmsProp(LearningRate = 1e-3, Momentum = 0.9)]
public partial class EveryLayerCnnDouble;
