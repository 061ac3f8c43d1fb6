using ModelGen;

namespace ModelGen.Reference.Tests;

// The models of the graph fixtures (residual_mlp ... three_readers_image in generate_fixtures.py; contract 0.2:
// branches, skip connections and merges), each in double and single precision. A layer reads the previous layer's
// output unless it names another with From ("input": the model's input); [Add] sums, [Concat] joins along features or
// channels; [GlobalAvgPool2D] averages each channel. Layers are named <kind><index per kind> (a layer with a Name
// still counts: after [Dense(8, Name = "h")] the next dense layer is dense1), and parameters are named after their
// layer ("h.weight"). As in Models.cs, Seed does not matter (the tests load the fixture's parameters and batch-norm
// buffers), and the harness checks these declarations against the fixture: input shape, every layer with its
// settings, its name, its From and a merge's operands (Declarations.TorchLayers), loss and optimizer.

// ---- residual_mlp: a skip connection around a dense layer (h + dense1); CrossEntropy, Adam. 8 steps.
[Model(BatchSize = 6, Seed = 41, Precision = Precision.Double)]
[Input(5)]
[Dense(8, Activation.Tanh, Name = "h")]
[Dense(8)]
[Add("h")]
[Tanh]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.02, Beta2 = 0.99)]
public partial class ResidualMlpDouble : ILabelModel<double>;

[Model(BatchSize = 6, Seed = 41)]
[Input(5)]
[Dense(8, Activation.Tanh, Name = "h")]
[Dense(8)]
[Add("h")]
[Tanh]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.02, Beta2 = 0.99)]
public partial class ResidualMlpSingle : ILabelModel<float>;

// ---- residual_cnn: a ResNet basic block (conv → batch norm → tanh → conv → batch norm, plus the stem) on 2x6x6 with
// same padding; 5 samples of BatchSize 6. SGD with momentum, not Adam, as in batchnorm_image; Tanh rather than ReLU
// after the first batch norm, and a small output layer: see the script.
[Model(BatchSize = 6, Seed = 42, Precision = Precision.Double)]
[Input(2, 6, 6)]
[Conv2D(4, 3, Activation.Tanh, Padding = Padding.Same, Name = "stem")]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[Tanh]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[Add("stem")]
[Tanh]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class ResidualCnnDouble : ILabelModel<double>;

[Model(BatchSize = 6, Seed = 42)]
[Input(2, 6, 6)]
[Conv2D(4, 3, Activation.Tanh, Padding = Padding.Same, Name = "stem")]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[Tanh]
[Conv2D(4, 3, Padding = Padding.Same, UseBias = false)]
[BatchNorm]
[Add("stem")]
[Tanh]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class ResidualCnnSingle : ILabelModel<float>;

// ---- branch_from_input: a side branch reading the input (From = "input"), the input itself as an operand of Add, and a
// Concat of the two branches; the input is read by dense0, side and add0, so its gradient is a sum of three. MSE, SGD.
[Model(BatchSize = 5, Seed = 43, Precision = Precision.Double)]
[Input(4)]
[Dense(6, Activation.Tanh)]
[Dense(4, Activation.Tanh, From = "input", Name = "side")]
[Add("input")]
[Concat("dense0")]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.02, Momentum = 0.5)]
public partial class BranchFromInputDouble : ITargetModel<double>;

[Model(BatchSize = 5, Seed = 43)]
[Input(4)]
[Dense(6, Activation.Tanh)]
[Dense(4, Activation.Tanh, From = "input", Name = "side")]
[Add("input")]
[Concat("dense0")]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.02, Momentum = 0.5)]
public partial class BranchFromInputSingle : ITargetModel<float>;

// ---- concat_vectors: three dense branches joined by a Concat with two operands and a From (a, then b, then c: 6 + 4 + 3
// features); a is read by c and by the Concat. BinaryCrossEntropy on two outputs, Adam. 8 steps.
[Model(BatchSize = 6, Seed = 44, Precision = Precision.Double)]
[Input(5)]
[Dense(6, Activation.Tanh, Name = "a")]
[Dense(4, Activation.Sigmoid, From = "input", Name = "b")]
[Dense(3, Activation.Tanh, From = "a", Name = "c")]
[Concat("b", "c", From = "a")]
[Dense(2)]
[Loss(LossFunction.BinaryCrossEntropy)]
[Adam(LearningRate = 0.03, Beta1 = 0.85, Beta2 = 0.98, Epsilon = 1e-7)]
public partial class ConcatVectorsDouble : ITargetModel<double>;

[Model(BatchSize = 6, Seed = 44)]
[Input(5)]
[Dense(6, Activation.Tanh, Name = "a")]
[Dense(4, Activation.Sigmoid, From = "input", Name = "b")]
[Dense(3, Activation.Tanh, From = "a", Name = "c")]
[Concat("b", "c", From = "a")]
[Dense(2)]
[Loss(LossFunction.BinaryCrossEntropy)]
[Adam(LearningRate = 0.03, Beta1 = 0.85, Beta2 = 0.98, Epsilon = 1e-7)]
public partial class ConcatVectorsSingle : ITargetModel<float>;

// ---- concat_images: two convolution branches on the input (3x3 same-padded, and 1x1 from the input) joined along
// channels, right's 2 before left's 3, then pooled; CrossEntropy, Adam.
[Model(BatchSize = 4, Seed = 45, Precision = Precision.Double)]
[Input(2, 6, 6)]
[Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same, Name = "left")]
[Conv2D(2, 1, Activation.Tanh, From = "input", Name = "right")]
[Concat("left")]
[AvgPool2D(2)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.02)]
public partial class ConcatImagesDouble : ILabelModel<double>;

[Model(BatchSize = 4, Seed = 45)]
[Input(2, 6, 6)]
[Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same, Name = "left")]
[Conv2D(2, 1, Activation.Tanh, From = "input", Name = "right")]
[Concat("left")]
[AvgPool2D(2)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.02)]
public partial class ConcatImagesSingle : ILabelModel<float>;

// ---- global_avg_pool: a convolution's 4x4x4 output averaged per channel (PyTorch's AdaptiveAvgPool2d(1), flatten(1));
// MSE, SGD with momentum.
[Model(BatchSize = 5, Seed = 46, Precision = Precision.Double)]
[Input(3, 6, 6)]
[Conv2D(4, 3, Activation.Tanh)]
[GlobalAvgPool2D]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class GlobalAvgPoolDouble : ITargetModel<double>;

[Model(BatchSize = 5, Seed = 46)]
[Input(3, 6, 6)]
[Conv2D(4, 3, Activation.Tanh)]
[GlobalAvgPool2D]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1, Momentum = 0.9)]
public partial class GlobalAvgPoolSingle : ITargetModel<float>;

// ---- three_readers: h is read by dense1, dense2 (From = "h") and add0, whose three operands are dense2 + h + dense1;
// CrossEntropy, SGD with Nesterov momentum.
[Model(BatchSize = 6, Seed = 47, Precision = Precision.Double)]
[Input(4)]
[Dense(6, Activation.Tanh, Name = "h")]
[Dense(6, Activation.Tanh)]
[Dense(6, From = "h")]
[Add("h", "dense1")]
[Tanh]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.2, Momentum = 0.9, Nesterov = true)]
public partial class ThreeReadersDouble : ILabelModel<double>;

[Model(BatchSize = 6, Seed = 47)]
[Input(4)]
[Dense(6, Activation.Tanh, Name = "h")]
[Dense(6, Activation.Tanh)]
[Dense(6, From = "h")]
[Add("h", "dense1")]
[Tanh]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.2, Momentum = 0.9, Nesterov = true)]
public partial class ThreeReadersSingle : ILabelModel<float>;

// ---- three_readers_image: the image h is read by a convolution, an Add and a GlobalAvgPool2D with From; a Flatten with
// From joins the residual sum (75 features) and the pooled h (3) in a Concat. MSE, Adam; a small output layer, see the
// script.
[Model(BatchSize = 4, Seed = 48, Precision = Precision.Double)]
[Input(2, 5, 5)]
[Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same, Name = "h")]
[Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same)]
[Add("h")]
[GlobalAvgPool2D(From = "h", Name = "pooled")]
[Flatten(From = "add0")]
[Concat("pooled")]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Adam(LearningRate = 0.01)]
public partial class ThreeReadersImageDouble : ITargetModel<double>;

[Model(BatchSize = 4, Seed = 48)]
[Input(2, 5, 5)]
[Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same, Name = "h")]
[Conv2D(3, 3, Activation.Tanh, Padding = Padding.Same)]
[Add("h")]
[GlobalAvgPool2D(From = "h", Name = "pooled")]
[Flatten(From = "add0")]
[Concat("pooled")]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Adam(LearningRate = 0.01)]
public partial class ThreeReadersImageSingle : ITargetModel<float>;
