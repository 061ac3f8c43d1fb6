using ModelGen;

namespace ModelGen.Onnx.Tests;

// The models the export tests run through ONNX Runtime. Each is trainable (CrossEntropy, so OnnxAgreement can take a
// few training steps first: batch norm's running statistics then differ from 0 and 1, and the weights from their
// initial values). Every layer kind and activation of the runtime appears at least once.

// An MLP: Dense → Gemm(transB=1), fused ReLU and Tanh.
[Model(BatchSize = 8, Seed = 1)]
[Input(6)]
[Dense(16, Activation.ReLU)]
[Dense(8, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class Mlp;

// Every activation, fused into Dense and as a layer of its own; a dense layer without bias; dropout (removed). The
// sigmoids and tanhs on one path are deliberate here (an export test, not a network to train well).
#pragma warning disable MG1007
[Model(BatchSize = 8, Seed = 2)]
[Input(5)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.Tanh)]
[Dense(12, Activation.Sigmoid)]
[Dense(12, Activation.LeakyReLU)]
[Dense(12, Activation.Softmax)]
[Dense(12, UseBias = false)]
[ReLU]
[Dense(12)]
[Tanh]
[Dense(12)]
[Sigmoid]
[Dense(12)]
[LeakyReLU(0.2)]
[Dropout(0.3)]
[Dense(4)]
[Softmax]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05)]
public partial class EveryActivation;
#pragma warning restore MG1007

// A CNN: Conv2D (same and valid padding, an even kernel, stride 2) with batch norm, max and average pooling (one
// overlapping), dropout, flatten and a dense head.
[Model(BatchSize = 8, Seed = 3)]
[Input(2, 12, 12)]
[Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same)]
[BatchNorm(Momentum = 0.3, Epsilon = 1e-3)]
[MaxPool2D(2)]
[Conv2D(6, 2, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[LeakyReLU(0.1)]
[MaxPool2D(3, Stride = 2)]
[Conv2D(5, 2, Activation.Tanh, Stride = 2)]
[AvgPool2D(1)]
[Dropout(0.25)]
[Flatten]
[Dense(10, Activation.ReLU)]
[BatchNorm]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class Cnn;

// Average pooling with windows that overlap and stride past the last full window.
[Model(BatchSize = 8, Seed = 4)]
[Input(3, 9, 9)]
[Conv2D(4, 3, Activation.Sigmoid)]
[AvgPool2D(3, Stride = 2)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1)]
public partial class AvgPoolCnn;

// A residual network: a stem, two basic blocks with batch norm and Add (the second sums three values), global
// average pooling and a dense head.
[Model(BatchSize = 8, Seed = 5)]
[Input(1, 8, 8)]
[Conv2D(4, 3, Activation.ReLU, Padding = Padding.Same, Name = "stem")]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[ReLU]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[Add("stem", Name = "block1")]
[ReLU(Name = "relu_block1")]
[Conv2D(4, 1, Name = "side")]
[Add("stem", "relu_block1")]
[GlobalAvgPool2D]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class Residual;

// Concatenation of images (along channels) and of vectors (along features), branches reading the input.
[Model(BatchSize = 8, Seed = 6)]
[Input(2, 6, 6)]
[Conv2D(3, 3, Activation.ReLU, Padding = Padding.Same, Name = "left")]
[Conv2D(2, 1, From = "input", Name = "right")]
[Concat("left")]
[MaxPool2D(2)]
[Flatten(Name = "flat")]
[Dense(5, Activation.Tanh, Name = "a")]
[Dense(4, From = "flat", Name = "b")]
[Concat("a")]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class Concatenation;

// Layer norm over a vector and over an image (all of a sample's values).
[Model(BatchSize = 8, Seed = 7)]
[Input(3, 5, 5)]
[Conv2D(4, 3, Activation.Tanh)]
[LayerNorm(Epsilon = 1e-4)]
[Flatten]
[Dense(10)]
[LayerNorm]
[ReLU]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.01)]
public partial class LayerNormModel;

// Activation.Softmax on a convolution normalizes over the whole [c x h x w] sample (Flatten, Softmax, Reshape).
[Model(BatchSize = 8, Seed = 8)]
[Input(1, 5, 5)]
[Conv2D(2, 2, Activation.Softmax)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1)]
public partial class ImageSoftmax;

// Dropout as the last layer: the graph's output is an Identity of the value it reads (deliberate: MG1015 says why a
// model to train should not end so).
#pragma warning disable MG1015
[Model(Seed = 9)]
[Input(4)]
[Dense(3, Activation.Sigmoid)]
[Dropout(0.5)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd]
public partial class DropoutLast;
#pragma warning restore MG1015

// Precision.Double: written with DOUBLE tensors.
[Model(BatchSize = 8, Seed = 10, Precision = Precision.Double)]
[Input(7)]
[Dense(12, Activation.LeakyReLU)]
[BatchNorm]
[Dense(12, Activation.Tanh, Name = "h")]
[Dense(12, Activation.Sigmoid)]
[Add("h")]
[LayerNorm]
[Dropout(0.2)]
[Dense(4, Activation.Softmax)]
[Loss(LossFunction.MeanSquaredError)]
[Adam(LearningRate = 0.01)]
public partial class DoubleMlp;

// Precision.Double with convolutions, pooling and batch norm on images.
[Model(BatchSize = 8, Seed = 11, Precision = Precision.Double)]
[Input(2, 8, 8)]
[Conv2D(3, 3, Activation.ReLU, Padding = Padding.Same, Name = "stem")]
[BatchNorm]
[Conv2D(3, 3, Padding = Padding.Same)]
[Add("stem")]
[MaxPool2D(2, Name = "maxed")]
[AvgPool2D(2, From = "add0")]
[Concat("maxed")]
[GlobalAvgPool2D]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class DoubleCnn;
