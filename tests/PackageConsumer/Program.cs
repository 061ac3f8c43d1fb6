using System;
using ModelGen;

// A consumer of the ModelGen package: declares a model, trains it a little, and checks that the loss falls.
float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
int[] labels = [0, 1, 1, 0];
var model = new PackagedXor();
float first = model.Evaluate(inputs, labels);
for (int i = 0; i < 500; i++) model.TrainStep(inputs, labels);
float last = model.Evaluate(inputs, labels);
Console.WriteLine($"package consumer: {PackagedXor.ParameterCount} parameters, loss {first:F4} -> {last:F4}");
return last < first / 4 ? 0 : 1;

[Model(BatchSize = 4, Seed = 3)]
[Input(2)]
[Dense(16, Activation.Tanh)]
[Dense(2)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.5, Momentum = 0.9)]
public partial class PackagedXor;

#if BROKEN_MODEL
// Built only by run.sh's diagnostics check: CrossEntropy over one output must fail with MG0007.
[Model]
[Input(2)]
[Dense(1)]
[Loss(LossFunction.CrossEntropy)]
[Sgd]
public partial class BrokenModel;
#endif
