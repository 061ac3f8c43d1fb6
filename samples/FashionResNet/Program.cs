using System;
using System.IO;
using System.Linq;
using FashionResNet;
using ModelGen.Data;
using ModelGen.Evaluation;
using ModelGen.Training;

// Trains a small residual network on Fashion-MNIST and reports the test accuracy and the time per epoch.
// Usage: dotnet run -c Release --project samples/FashionResNet -- [epochs] [data folder]   (--help)
Arguments arguments;
try
{
    arguments = Arguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"FashionResNet: {e.Message}");
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
if (!File.Exists(Path.Combine(folder, "train-images-idx3-ubyte.gz")))
{
    Console.WriteLine($"Fashion-MNIST not found in {folder}: install Debian's dataset-fashion-mnist or pass its folder.");
    return 1;
}

Dataset<float> train = Idx.Load<float>(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
Dataset<float> test = Idx.Load<float>(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));
long steps = epochs * (long)(train.Count / ResNet.BatchSize); // optimizer steps in all: whole batches only

var model = new ResNet();
Console.WriteLine(model.Summary());
var trainer = new Trainer<float>(model)
{
    Epochs = epochs,
    BatchSize = ResNet.BatchSize,
    Seed = 1,
    DropLast = true, // batch norm needs two samples: no short last batch
    Schedule = new CosineDecay(1e-3, steps, alpha: 0.01),
};
Console.WriteLine($"ResNet: {ResNet.ParameterCount} parameters; {train.Count} training and {test.Count} test images; batches of {ResNet.BatchSize} for {epochs} epoch(s), Adam with a cosine decay from 1e-3");
TrainingHistory history = trainer.Fit(train, test);
double seconds = history.Epochs.Sum(e => e.Duration.TotalSeconds);
Console.WriteLine($"mean time per epoch {seconds / history.Epochs.Count:F1} s; final test accuracy {trainer.Accuracy(test):P2}");

// Per-class figures on the test set: which garments the model confuses.
string[] classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
Metrics metrics = Metrics.Evaluate(model, test.FeatureData, test.Labels!, classNames);
Console.WriteLine();
Console.WriteLine(metrics.Report());
Console.Write(metrics.ConfusionMatrixTable());
return 0;
