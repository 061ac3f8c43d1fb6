using ModelGen;

namespace ModelGen.Tests;

// Models the tests in this project train and inspect. Each is a declaration a user could write.

/// <summary>The network of lecture 2's backpropagation example: x (2) → 3 ReLU units (w1..w6) → output (w7..w9), no biases.</summary>
[Model(BatchSize = 1, Precision = Precision.Double)]
[Input(2)]
[Dense(3, Activation.ReLU, UseBias = false)]
[Dense(1, UseBias = false)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1)]
public partial class LectureNetwork;

/// <summary>Every activation, fused and as a layer, under mean squared error.</summary>
[Model(BatchSize = 4, Seed = 11, Precision = Precision.Double)]
[Input(3)]
[Dense(5, Activation.Tanh)]
[Dense(4, Activation.Sigmoid, WeightInit = Init.HeNormal)]
[LeakyReLU(0.1)]
[Dense(4, Activation.Softmax, BiasInit = Init.GlorotUniform)]
[Dense(3, Activation.LeakyReLU, WeightInit = Init.LeCunNormal)]
[ReLU]
[Dense(2, Activation.ReLU, WeightInit = Init.HeUniform, BiasInit = Init.Ones)]
[Dense(2)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.05, Momentum = 0.9, Nesterov = true)]
public partial class FdRegression;

/// <summary>Activation layers between dense layers, under cross-entropy.</summary>
[Model(BatchSize = 5, Seed = 12, Precision = Precision.Double)]
[Input(4)]
[Dense(6, WeightInit = Init.GlorotNormal)]
[Tanh]
[Sigmoid]
[Dense(5, WeightInit = Init.LeCunUniform)]
[Softmax]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.1, WeightDecay = 1e-3)]
public partial class FdClassifier;

/// <summary>Binary cross-entropy with several outputs.</summary>
[Model(BatchSize = 6, Seed = 13, Precision = Precision.Double)]
[Input(3)]
[Dense(4, Activation.LeakyReLU)]
[Dense(2)]
[Loss(LossFunction.BinaryCrossEntropy)]
[Sgd(LearningRate = 0.1, Momentum = 0.5, Dampening = 0.2)]
public partial class FdBinary;

/// <summary>A single-precision classifier of realistic width, for allocation and argument tests.</summary>
[Model(BatchSize = 16, Seed = 5)]
[Input(20)]
[Dense(32, Activation.ReLU)]
[Dense(4)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05, Momentum = 0.9)]
public partial class SmallClassifier;

/// <summary>Single-precision regression (plain SGD: no momentum buffer).</summary>
[Model(BatchSize = 8, Seed = 6)]
[Input(5)]
[Dense(7, Activation.Sigmoid)]
[Dense(3)]
[Loss(LossFunction.MeanSquaredError)]
[Sgd(LearningRate = 0.1)]
public partial class SmallRegression;

/// <summary>Single-precision binary model.</summary>
[Model(BatchSize = 8, Seed = 7)]
[Input(5)]
[Dense(6, Activation.Tanh)]
[Dense(1)]
[Loss(LossFunction.BinaryCrossEntropy)]
[Sgd(LearningRate = 0.2, WeightDecay = 1e-4)]
public partial class SmallBinary;

/// <summary>Inference only: no loss, no optimizer; an image input flattened.</summary>
[Model(BatchSize = 3, Seed = 9)]
[Input(1, 2, 3)]
[Flatten]
[Dense(4, Activation.ReLU)]
[Dense(2, Activation.Softmax)]
public partial class InferenceOnly;

/// <summary>A first dense layer large enough (100 × 64 weights) that its input gradient is computed only when read.</summary>
[Model(BatchSize = 8, Seed = 21, Precision = Precision.Double)]
[Input(100)]
[Dense(64, Activation.Tanh)]
[Dense(3)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 0.05)]
public partial class WideInput;

/// <summary>Wide enough that its products are split over the worker threads (64·256·256 multiply-adds per layer).</summary>
[Model(BatchSize = 64, Seed = 31)]
[Input(256)]
[Dense(256, Activation.ReLU)]
[Dense(256, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class ThreadedClassifier;

/// <summary><see cref="ThreadedClassifier"/> kept on the calling thread.</summary>
[Model(BatchSize = 64, Seed = 31, Threads = 1)]
[Input(256)]
[Dense(256, Activation.ReLU)]
[Dense(256, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class SingleThreadedClassifier;

/// <summary>A CNN whose convolutions are split over the worker threads (32·16·25·784 multiply-adds in the first).</summary>
[Model(BatchSize = 32, Seed = 32)]
[Input(1, 28, 28)]
[Conv2D(16, 5, Padding = Padding.Same)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(8, 3)]
[ReLU]
[Flatten]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class ThreadedCnn;

/// <summary><see cref="ThreadedCnn"/> kept on the calling thread.</summary>
[Model(BatchSize = 32, Seed = 32, Threads = 1)]
[Input(1, 28, 28)]
[Conv2D(16, 5, Padding = Padding.Same)]
[ReLU]
[MaxPool2D(2)]
[Conv2D(8, 3)]
[ReLU]
[Flatten]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class SingleThreadedCnn;

/// <summary>
/// A CNN with batch norm at batch 64, LeNet's first block: its batch norm (by channels), ReLU (by values) and max
/// pooling's gradient (by samples) are split over the worker threads.
/// </summary>
[Model(BatchSize = 64, Seed = 33)]
[Input(1, 28, 28)]
[Conv2D(16, 5, Padding = Padding.Same)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class ThreadedBatchNormCnn;

/// <summary><see cref="ThreadedBatchNormCnn"/> kept on the calling thread.</summary>
[Model(BatchSize = 64, Seed = 33, Threads = 1)]
[Input(1, 28, 28)]
[Conv2D(16, 5, Padding = Padding.Same)]
[BatchNorm]
[ReLU]
[MaxPool2D(2)]
[Flatten]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class SingleThreadedBatchNormCnn;

// Wide enough (512·512 + 512 + 512·10 + 10 = 267,786 parameters) that every optimizer's fused pass is split over the
// worker threads: 267,786 × 5 (SGD's cost per element, the least of the six) ≥ 2^20. One pair per optimizer, each with
// non-default hyperparameters, the threaded model next to the same one kept on the calling thread.

/// <summary>Sgd (momentum, Nesterov, weight decay) over a model whose optimizer pass is split over the worker threads.</summary>
[Model(BatchSize = 8, Seed = 33)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-3)]
public partial class ThreadedSgdModel;

/// <summary><see cref="ThreadedSgdModel"/> kept on the calling thread.</summary>
[Model(BatchSize = 8, Seed = 33, Threads = 1)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.05, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-3)]
public partial class SingleThreadedSgdModel;

/// <summary>RmsProp (centered, momentum, weight decay) over a model whose optimizer pass is split over the worker threads.</summary>
[Model(BatchSize = 8, Seed = 33)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[RmsProp(LearningRate = 1e-3, Alpha = 0.9, Momentum = 0.9, Centered = true, WeightDecay = 1e-3)]
public partial class ThreadedRmsPropModel;

/// <summary><see cref="ThreadedRmsPropModel"/> kept on the calling thread.</summary>
[Model(BatchSize = 8, Seed = 33, Threads = 1)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[RmsProp(LearningRate = 1e-3, Alpha = 0.9, Momentum = 0.9, Centered = true, WeightDecay = 1e-3)]
public partial class SingleThreadedRmsPropModel;

/// <summary>AdaGrad (initial accumulator, weight decay) over a model whose optimizer pass is split over the worker threads.</summary>
[Model(BatchSize = 8, Seed = 33)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[AdaGrad(LearningRate = 0.05, InitialAccumulator = 0.1, WeightDecay = 1e-3)]
public partial class ThreadedAdaGradModel;

/// <summary><see cref="ThreadedAdaGradModel"/> kept on the calling thread.</summary>
[Model(BatchSize = 8, Seed = 33, Threads = 1)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[AdaGrad(LearningRate = 0.05, InitialAccumulator = 0.1, WeightDecay = 1e-3)]
public partial class SingleThreadedAdaGradModel;

/// <summary>AdaDelta (weight decay) over a model whose optimizer pass is split over the worker threads.</summary>
[Model(BatchSize = 8, Seed = 33)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[AdaDelta(LearningRate = 0.5, Rho = 0.95, WeightDecay = 1e-3)]
public partial class ThreadedAdaDeltaModel;

/// <summary><see cref="ThreadedAdaDeltaModel"/> kept on the calling thread.</summary>
[Model(BatchSize = 8, Seed = 33, Threads = 1)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[AdaDelta(LearningRate = 0.5, Rho = 0.95, WeightDecay = 1e-3)]
public partial class SingleThreadedAdaDeltaModel;

/// <summary>Adamax (weight decay) over a model whose optimizer pass is split over the worker threads.</summary>
[Model(BatchSize = 8, Seed = 33)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adamax(LearningRate = 2e-3, Beta1 = 0.8, WeightDecay = 1e-3)]
public partial class ThreadedAdamaxModel;

/// <summary><see cref="ThreadedAdamaxModel"/> kept on the calling thread.</summary>
[Model(BatchSize = 8, Seed = 33, Threads = 1)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adamax(LearningRate = 2e-3, Beta1 = 0.8, WeightDecay = 1e-3)]
public partial class SingleThreadedAdamaxModel;

/// <summary>NAdam (momentum decay, weight decay) over a model whose optimizer pass is split over the worker threads.</summary>
[Model(BatchSize = 8, Seed = 33)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[NAdam(LearningRate = 2e-3, MomentumDecay = 8e-3, WeightDecay = 1e-3)]
public partial class ThreadedNAdamModel;

/// <summary><see cref="ThreadedNAdamModel"/> kept on the calling thread.</summary>
[Model(BatchSize = 8, Seed = 33, Threads = 1)]
[Input(512)]
[Dense(512, Activation.Tanh)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[NAdam(LearningRate = 2e-3, MomentumDecay = 8e-3, WeightDecay = 1e-3)]
public partial class SingleThreadedNAdamModel;
