namespace ModelGen.Generator.Model;

// Mirrors of the runtime's public enums (src/ModelGen/Attributes/Enums.cs), which the generator cannot reference: it
// reads attribute arguments as their underlying integers. A test asserts that names and values agree.

internal enum ActivationKind { Linear = 0, ReLU = 1, Tanh = 2, Sigmoid = 3, Softmax = 4, LeakyReLU = 5, Gelu = 6, GeluTanh = 7, Silu = 8, Elu = 9, Softplus = 10 }

internal enum InitKind { Zeros = 0, Ones = 1, GlorotUniform = 2, GlorotNormal = 3, LeCunUniform = 4, LeCunNormal = 5, HeUniform = 6, HeNormal = 7 }

internal enum LossKind { MeanSquaredError = 0, CrossEntropy = 1, BinaryCrossEntropy = 2, Hinge = 3, Huber = 4, MeanAbsoluteError = 5 }

internal enum PaddingKind { Valid = 0, Same = 1 }

internal enum PrecisionKind { Single = 0, Double = 1 }

/// <summary>The layer attributes, by attribute class.</summary>
internal enum LayerKind { Dense, ReLU, Tanh, Sigmoid, Softmax, LeakyReLU, Dropout, BatchNorm, LayerNorm, Conv2D, MaxPool2D, AvgPool2D, Flatten, Add, Concat, GlobalAvgPool2D, Gelu, Silu, Elu, Softplus }

/// <summary>The optimizer attributes, by attribute class.</summary>
internal enum OptimizerKind { Sgd, Adam, AdamW, RmsProp, AdaGrad, AdaDelta, Adamax, NAdam }
