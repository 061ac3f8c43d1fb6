using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using ModelGen;
using ModelGen.Evaluation;
using Optimizers;

// Trains the same 64-64-10 network on the 8×8 digits with every optimizer, for the same budget (epochs of
// minibatches in the same shuffled order), and prints the final training loss, validation accuracy and time.
// Usage: dotnet run -c Release --project samples/Optimizers -- [epochs]   (--help)
const string Usage =
    """
    Usage: dotnet run -c Release --project samples/Optimizers [-- [epochs]]
      epochs      epochs of minibatches per optimizer, >= 1 (default: 30)
      --help, -h  print this text and exit
    Trains a 64-64-10 ReLU network on scikit-learn's 8x8 digits with each optimizer and prints a table of the final
    training loss, validation accuracy and time, then the classification report and confusion matrix of the best.
    """;
if (Array.Exists(args, a => a is "--help" or "-h"))
{
    Console.WriteLine(Usage);
    return 0;
}
int epochs = 30;
string? argumentError =
    Array.Find(args, a => a.StartsWith('-')) is string option ? $"unknown option '{option}'." :
    args.Length > 1 ? $"at most 1 argument is expected, not {args.Length}." :
    args.Length == 1 && !(int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out epochs) && epochs >= 1)
        ? $"epochs must be a whole number >= 1, not '{args[0]}'." : null;
if (argumentError is not null)
{
    Console.Error.WriteLine($"Optimizers: {argumentError}");
    Console.Error.WriteLine(Usage);
    return 2;
}
const int Features = 64, Classes = 10, Batch = 32;

(float[] x, int[] y) = LoadDigits(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
int samples = y.Length, validation = 397, training = samples - validation;
int[] order = Permutation(samples, new Random(42));
(float[] trainX, int[] trainY) = Gather(x, y, order.AsSpan(0, training));
(float[] validX, int[] validY) = Gather(x, y, order.AsSpan(training));
Console.WriteLine($"digits: {training} training and {validation} validation images of {Features} pixels, {Classes} classes; {epochs} epochs of batches of {Batch}");

var models = new List<(string Name, Func<IClassifier<float>> Create)>
{
    ("SGD lr 0.1", () => new DigitsSgd()),
    ("SGD momentum 0.9", () => new DigitsMomentum()),
    ("SGD Nesterov 0.9", () => new DigitsNesterov()),
    ("AdaGrad lr 0.05", () => new DigitsAdaGrad()),
    ("RMSProp lr 1e-3", () => new DigitsRmsProp()),
    ("AdaDelta lr 1", () => new DigitsAdaDelta()),
    ("Adam lr 1e-3", () => new DigitsAdam()),
    ("AdamW lr 1e-3, wd 0.01", () => new DigitsAdamW()),
    ("Adamax lr 2e-3", () => new DigitsAdamax()),
    ("NAdam lr 2e-3", () => new DigitsNAdam()),
    ("Adam + L2 1e-4 + clip 1", () => new DigitsAdamL2Clipped()),
};

Console.WriteLine();
Console.WriteLine("| optimizer | final training loss | validation accuracy | training time |");
Console.WriteLine("|---|---|---|---|");
float[] batchX = new float[Batch * Features];
int[] batchY = new int[Batch];
(string Name, IClassifier<float> Model, double Accuracy) best = ("", null!, -1);
foreach ((string name, Func<IClassifier<float>> create) in models)
{
    // Warm-up on a throwaway instance, so that the time below is training, not JIT compilation.
    IClassifier<float> warmUp = create();
    for (int i = 0; i < 3; i++) warmUp.TrainStep(trainX.AsSpan(0, Batch * Features), trainY.AsSpan(0, Batch));

    IClassifier<float> model = create();
    var shuffle = new Random(7); // the same order of minibatches for every optimizer
    int[] epochOrder = Permutation(training, shuffle);
    var clock = Stopwatch.StartNew();
    for (int epoch = 0; epoch < epochs; epoch++)
    {
        shuffle.Shuffle(epochOrder);
        for (int start = 0; start < training; start += Batch)
        {
            int n = Math.Min(Batch, training - start);
            for (int i = 0; i < n; i++)
            {
                int row = epochOrder[start + i];
                trainX.AsSpan(row * Features, Features).CopyTo(batchX.AsSpan(i * Features));
                batchY[i] = trainY[row];
            }
            model.TrainStep(batchX.AsSpan(0, n * Features), batchY.AsSpan(0, n));
        }
    }
    clock.Stop();
    float loss = model.Evaluate(trainX, trainY);
    double accuracy = Accuracy(model, validX, validY);
    Console.WriteLine($"| {name} | {loss:F4} | {accuracy:P1} | {clock.Elapsed.TotalMilliseconds:F0} ms |");
    if (accuracy > best.Accuracy) best = (name, model, accuracy);
}

// The per-class figures of the best optimizer's model on the validation set.
Console.WriteLine();
Console.WriteLine($"{best.Name}, on the validation set:");
Metrics metrics = Metrics.Evaluate(best.Model, validX, validY);
Console.WriteLine(metrics.Report());
Console.Write(metrics.ConfusionMatrixTable());
return 0;

// The fraction of images whose predicted class (the arg-max of the logits) is their label.
static double Accuracy(IClassifier<float> model, float[] x, int[] y)
{
    int[] predicted = model.PredictClasses(x);
    int correct = 0;
    for (int i = 0; i < y.Length; i++) if (predicted[i] == y[i]) correct++;
    return (double)correct / y.Length;
}

static (float[] X, int[] Y) LoadDigits(string path)
{
    var x = new List<float>();
    var y = new List<int>();
    using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
    int lineNumber = 0;
    for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
    {
        lineNumber++;
        string[] cells = line.Split(',');
        if (cells.Length != Features + 1)
            throw new InvalidDataException($"{path}, line {lineNumber}: expected {Features + 1} values, found {cells.Length}.");
        for (int j = 0; j < Features; j++) x.Add(float.Parse(cells[j], CultureInfo.InvariantCulture) / 16f);
        y.Add(int.Parse(cells[Features], CultureInfo.InvariantCulture));
    }
    return (x.ToArray(), y.ToArray());
}

static int[] Permutation(int count, Random random)
{
    int[] order = new int[count];
    for (int i = 0; i < count; i++) order[i] = i;
    random.Shuffle(order);
    return order;
}

static (float[] X, int[] Y) Gather(float[] x, int[] y, ReadOnlySpan<int> rows)
{
    float[] gx = new float[rows.Length * Features];
    int[] gy = new int[rows.Length];
    for (int i = 0; i < rows.Length; i++)
    {
        x.AsSpan(rows[i] * Features, Features).CopyTo(gx.AsSpan(i * Features));
        gy[i] = y[rows[i]];
    }
    return (gx, gy);
}
