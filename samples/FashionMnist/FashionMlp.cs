using ModelGen;

namespace FashionMnist;

/// <summary>The network of ../shared/bench/torch_fashion.py: 784 → 256 (ReLU) → 10, Adam 1e-3, batches of 64.</summary>
[Model(BatchSize = 64, Seed = 0)]
[Input(784)]
[Dense(256, Activation.ReLU)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class FashionMlp;
