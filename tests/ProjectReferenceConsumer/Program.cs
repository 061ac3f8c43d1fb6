using System;
using ModelGen;

// A project outside the repository that references src/ModelGen/ModelGen.csproj. run.sh builds it twice: without the
// README's <Import> (the generator does not run: every use of a generated member must be error MG0900, which names the
// fix, and no CS1061/CS0117), then with it (it builds and trains).
float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
int[] labels = [0, 1, 1, 0];
var model = new ReferencedXor();
float first = model.Evaluate(inputs, labels);
for (int i = 0; i < 500; i++) model.TrainStep(inputs, labels);
float last = model.Evaluate(inputs, labels);
Console.WriteLine($"project-reference consumer: {ReferencedXor.ParameterCount} parameters, loss {first:F4} -> {last:F4}");
return last < first / 4 ? 0 : 1;

[Model(BatchSize = 4, Seed = 3)]
[Input(2)]
[Dense(16, Activation.Tanh)]
[Dense(2)]
[Loss(LossFunction.CrossEntropy)]
[Sgd(LearningRate = 0.5, Momentum = 0.9)]
public partial class ReferencedXor;
