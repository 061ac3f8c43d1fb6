using System;
using System.Diagnostics;
using System.IO;
using FashionCnn;
using ModelGen;
using ModelGen.Evaluation;

// Trains a LeNet-style CNN on Fashion-MNIST and reports the test accuracy and the time per epoch.
// Usage: dotnet run -c Release --project samples/FashionCnn -- [epochs] [data folder] [training images]   (--help)
Arguments arguments;
try
{
    arguments = Arguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"FashionCnn: {e.Message}");
    Console.Error.WriteLine(Arguments.Usage);
    return 2;
}
if (arguments.Help)
{
    Console.WriteLine(Arguments.Usage);
    return 0;
}
int epochs = arguments.Epochs;
string folder = arguments.Folder;
int limit = arguments.Limit;
if (!File.Exists(Path.Combine(folder, "train-images-idx3-ubyte.gz")))
{
    Console.WriteLine($"Fashion-MNIST not found in {folder}: install Debian's dataset-fashion-mnist or pass its folder.");
    return 1;
}

float[] trainX = Idx.ReadImages(Path.Combine(folder, "train-images-idx3-ubyte.gz"), out int trainCount, out _, out _);
int[] trainY = Idx.ReadLabels(Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
float[] testX = Idx.ReadImages(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), out int testCount, out _, out _);
int[] testY = Idx.ReadLabels(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
trainCount = Math.Min(trainCount, limit);
const int Pixels = LeNet.InputSize, Batch = LeNet.BatchSize;

var model = new LeNet();
Console.WriteLine(model.Summary());
Console.WriteLine($"LeNet: {LeNet.ParameterCount} parameters; {trainCount} training and {testCount} test images; {epochs} epochs of batches of {Batch}, Adam 1e-3 (1e-4 for the last quarter)");
int[] order = new int[trainCount];
for (int i = 0; i < trainCount; i++) order[i] = i;
var shuffle = new Random(1);
float[] batchX = new float[Batch * Pixels];
int[] batchY = new int[Batch];
double totalSeconds = 0;
for (int epoch = 1; epoch <= epochs; epoch++)
{
    // Step decay: the last quarter of the epochs at a tenth of the learning rate.
    model.LearningRate = epoch > epochs * 3 / 4 ? 1e-4f : 1e-3f;
    shuffle.Shuffle(order);
    var clock = Stopwatch.StartNew();
    double lossSum = 0;
    int steps = 0;
    for (int start = 0; start < trainCount; start += Batch)
    {
        int n = Math.Min(Batch, trainCount - start);
        if (n < 2) break; // batch norm needs two samples
        for (int i = 0; i < n; i++)
        {
            trainX.AsSpan(order[start + i] * Pixels, Pixels).CopyTo(batchX.AsSpan(i * Pixels));
            batchY[i] = trainY[order[start + i]];
        }
        lossSum += model.TrainStep(batchX.AsSpan(0, n * Pixels), batchY.AsSpan(0, n));
        steps++;
    }
    clock.Stop();
    totalSeconds += clock.Elapsed.TotalSeconds;
    double accuracy = Accuracy(model, testX, testY);
    Console.WriteLine($"epoch {epoch,2}: training loss {lossSum / steps:F4}, test accuracy {accuracy:P2}, {clock.Elapsed.TotalSeconds:F1} s ({trainCount / clock.Elapsed.TotalSeconds:F0} images/s)");
}
Console.WriteLine($"mean time per epoch {totalSeconds / epochs:F1} s; final test accuracy {Accuracy(model, testX, testY):P2}");

// Per-class figures on the test set: which garments the model confuses.
string[] classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
Metrics metrics = Metrics.Evaluate(model, testX, testY, classNames);
Console.WriteLine();
Console.WriteLine(metrics.Report());
Console.Write(metrics.ConfusionMatrixTable());
return 0;

// The fraction of test images whose predicted class (the arg-max of the logits) is their label.
static double Accuracy(LeNet model, float[] x, int[] y)
{
    int[] predicted = model.PredictClasses(x);
    int correct = 0;
    for (int i = 0; i < y.Length; i++) if (predicted[i] == y[i]) correct++;
    return (double)correct / y.Length;
}
