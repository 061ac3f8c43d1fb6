using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using Optimizers;

// Trains the same 64-64-10 network on the 8×8 digits with every optimizer, for the same budget (epochs of
// minibatches in the same shuffled order), and prints the final training loss, validation accuracy and time.
int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
const int Features = 64, Classes = 10, Batch = 32;

(float[] x, int[] y) = LoadDigits(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
int samples = y.Length, validation = 397, training = samples - validation;
int[] order = Permutation(samples, new Random(42));
(float[] trainX, int[] trainY) = Gather(x, y, order.AsSpan(0, training));
(float[] validX, int[] validY) = Gather(x, y, order.AsSpan(training));
Console.WriteLine($"digits: {training} training and {validation} validation images of {Features} pixels, {Classes} classes; {epochs} epochs of batches of {Batch}");

var models = new List<(string Name, Func<IDigitClassifier> Create)>
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
foreach ((string name, Func<IDigitClassifier> create) in models)
{
    // Warm-up on a throwaway instance, so that the time below is training, not JIT compilation.
    IDigitClassifier warmUp = create();
    for (int i = 0; i < 3; i++) warmUp.TrainStep(trainX.AsSpan(0, Batch * Features), trainY.AsSpan(0, Batch));

    IDigitClassifier model = create();
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
}

static double Accuracy(IDigitClassifier model, float[] x, int[] y)
{
    float[] logits = new float[y.Length * Classes];
    model.Predict(x, logits);
    int correct = 0;
    for (int i = 0; i < y.Length; i++)
    {
        int best = 0;
        for (int c = 1; c < Classes; c++) if (logits[i * Classes + c] > logits[i * Classes + best]) best = c;
        if (best == y[i]) correct++;
    }
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
