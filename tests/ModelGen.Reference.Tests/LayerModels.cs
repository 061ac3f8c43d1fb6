using ModelGen;

namespace ModelGen.Reference.Tests;

// The models of the convolution, pooling, normalization and flatten fixtures (conv_valid ... mixed in
// generate_fixtures.py): each layer kind alone in a small trainable model, in double precision (checked to 1e-9), and
// the mixed model of issue 4 in both precisions. As in Models.cs, Seed does not matter (the tests load the fixture's
// parameters and batch-norm buffers), and the harness checks these declarations against the fixture: input shape,
// every layer with its settings (Declarations.TorchLayer), loss and optimizer. Dropout has no fixture, since PyTorch's
// random masks cannot be reproduced; ModelGen.Tests checks it by finite differences and statistics.

// ---- conv_valid: valid convolutions with stride 1, with and without bias, several input channels, a non-square input.
[Model(BatchSize = 4, Seed = 21, Precision = Precision.Double)]
[Input(2, 6, 5)]
[Conv2D(3, 3, Activation.Tanh)]
[Conv2D(2, 2, UseBias = false)]
[Flatten]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class ConvValidDouble : ITargetModel<double>;

// ---- conv_strided: stride 2 on 8x7 (the last row and column reach no window), then a 1x1 kernel with stride 2.
[Model(BatchSize = 5, Seed = 22, Precision = Precision.Double)]
[Input(3, 8, 7)]
[Conv2D(4, 3, Activation.Tanh, Stride = 2)]
[Conv2D(5, 1, Stride = 2, UseBias = false)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.02, Beta2 = 0.99)]
public partial class ConvStridedDouble : ILabelModel<double>;

// ---- conv_same_odd: Padding.Same with odd kernels (3: one zero row/column on each side; 5 on a 5-row input: two).
[Model(BatchSize = 4, Seed = 23, Precision = Precision.Double)]
[Input(2, 5, 6)]
[Conv2D(3, 3, Activation.Sigmoid, Padding = Padding.Same)]
[Conv2D(2, 5, Padding = Padding.Same, UseBias = false)]
[Flatten]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.01)]
public partial class ConvSameOddDouble : ITargetModel<double>;

// ---- conv_same_even: Padding.Same with even kernels, where PyTorch puts the extra zero row/column below/right
// (kernel 2: none above, one below; kernel 4: one above, two below).
[Model(BatchSize = 4, Seed = 24, Precision = Precision.Double)]
[Input(2, 5, 6)]
[Conv2D(3, 2, Activation.Tanh, Padding = Padding.Same)]
[Conv2D(2, 4, Padding = Padding.Same)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.02)]
public partial class ConvSameEvenDouble : ILabelModel<double>;

// ---- maxpool: 2x2 max pooling after a convolution (6x5 → 3x2, the last column unused).
[Model(BatchSize = 4, Seed = 25, Precision = Precision.Double)]
[Input(2, 7, 6)]
[Conv2D(3, 2, Activation.Tanh)]
[MaxPool2D(2)]
[Flatten]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class MaxPoolDouble : ITargetModel<double>;

// ---- maxpool_overlap: overlapping windows (stride < pool) on the input itself, so the input gradient accumulates where
// windows share their maximum, and again after a convolution.
[Model(BatchSize = 4, Seed = 26, Precision = Precision.Double)]
[Input(2, 8, 8)]
[MaxPool2D(2, Stride = 1)]
[Conv2D(3, 2, Activation.Tanh)]
[MaxPool2D(3, Stride = 2)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.02)]
public partial class MaxPoolOverlapDouble : ILabelModel<double>;

// ---- avgpool: overlapping 3x3 average pooling with stride 2 on the input (7x8 → 3x3, the last column unused), then
// 2x2 average pooling after a convolution.
[Model(BatchSize = 4, Seed = 27, Precision = Precision.Double)]
[Input(2, 7, 8)]
[AvgPool2D(3, Stride = 2)]
[Conv2D(4, 2, Activation.Tanh)]
[AvgPool2D(2)]
[Flatten]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class AvgPoolDouble : ITargetModel<double>;

// ---- batchnorm_vector: batch norm per feature (BatchNorm1d) with non-default momentum and epsilon; 5 samples of 6.
[Model(BatchSize = 6, Seed = 28, Precision = Precision.Double)]
[Input(4)]
[Dense(6)]
[BatchNorm(Momentum = 0.2, Epsilon = 1e-3)]
[Tanh]
[Dense(3)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class BatchNormVectorDouble : ITargetModel<double>;

// ---- batchnorm_image: batch norm per channel (BatchNorm2d) over the batch and the 3x3 positions, default settings.
// The convolution keeps its bias (whose gradient the batch norm cancels to rounding noise): SGD, see the script.
[Model(BatchSize = 4, Seed = 29, Precision = Precision.Double)]
[Input(2, 5, 5)]
[Conv2D(3, 3)]
[BatchNorm]
[Tanh]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class BatchNormImageDouble : ILabelModel<double>;

// ---- layernorm_vector: layer norm over a sample's 6 features, epsilon 1e-3.
[Model(BatchSize = 6, Seed = 30, Precision = Precision.Double)]
[Input(4)]
[Dense(6)]
[LayerNorm(Epsilon = 1e-3)]
[Tanh]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Adam(LearningRate = 0.02)]
public partial class LayerNormVectorDouble : ITargetModel<double>;

// ---- layernorm_image: layer norm over a sample's [3 x 3 x 4] values, with γ and β of that shape (nn.LayerNorm([3, 3, 4])).
[Model(BatchSize = 4, Seed = 31, Precision = Precision.Double)]
[Input(2, 4, 5)]
[Conv2D(3, 2)]
[LayerNorm]
[Tanh]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.2, Momentum = 0.9, Nesterov = true)]
public partial class LayerNormImageDouble : ILabelModel<double>;

// ---- flatten: a 3x2x4 input flattened in PyTorch's [channel, row, column] order.
[Model(BatchSize = 4, Seed = 32, Precision = Precision.Double)]
[Input(3, 2, 4)]
[Flatten]
[Dense(5, Activation.Tanh)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1)]
public partial class FlattenDouble : ITargetModel<double>;

// ---- mixed (issue 4): conv → batch norm → pool → conv → flatten → dense → batch norm → layer norm → dense, in both
// precisions. See generate_fixtures.py for why the layers before the batch norms have no bias and where the ReLU sits.
[Model(BatchSize = 8, Seed = 33, Precision = Precision.Double)]
[Input(2, 8, 8)]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[MaxPool2D(2)]
[Conv2D(6, 3, Activation.ReLU)]
[Flatten]
[Dense(10, UseBias = false)]
[BatchNorm(Momentum = 0.2)]
[LayerNorm]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class MixedDouble : ILabelModel<double>;

[Model(BatchSize = 8, Seed = 33)]
[Input(2, 8, 8)]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[MaxPool2D(2)]
[Conv2D(6, 3, Activation.ReLU)]
[Flatten]
[Dense(10, UseBias = false)]
[BatchNorm(Momentum = 0.2)]
[LayerNorm]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class MixedSingle : ILabelModel<float>;
