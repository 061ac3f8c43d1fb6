using System;
using System.IO;
using System.Linq;
using FashionMnist;
using Microsoft.ML.OnnxRuntime;
using ModelGen;
using ModelGen.Data;
using ModelGen.Onnx;
using ModelGen.Training;
using OnnxExport;

// The FashionMnist sample's MLP, trained, exported to ONNX and run in ONNX Runtime beside ModelGen's own Predict.
//   dotnet run -c Release --project samples/OnnxExport [-- --data DIR] [--epochs N] [--out FILE] [--threads N]   (--help)
Arguments arguments;
try
{
    arguments = Arguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"OnnxExport: {e.Message}");
    Console.Error.WriteLine(Arguments.Usage);
    return 2;
}
if (arguments.Help)
{
    Console.WriteLine(Arguments.Usage);
    return 0;
}

string folder = arguments.DataFolder ?? Path.Combine(AppContext.BaseDirectory, "data");
if (!File.Exists(Path.Combine(folder, "train-images-idx3-ubyte.gz")))
{
    Console.Error.WriteLine($"OnnxExport: no Fashion-MNIST files in {folder}.");
    return 2;
}
Dataset<float> train = Idx.Load<float>(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"), classCount: 10);
Dataset<float> test = Idx.Load<float>(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), classCount: 10);
Parallelism.MaxThreads = arguments.Threads;

// 1. Train, as samples/FashionMnist does.
var model = new FashionMlp();
var trainer = new Trainer<float>(model) { Epochs = arguments.Epochs, Seed = 0, DropLast = true };
Console.WriteLine($"Training FashionMlp (784 -> 256 ReLU -> 10) for {arguments.Epochs} epoch(s) on {train.Count} images...");
trainer.Fit(train);

// 2. Export.
OnnxExporter.Export(model, arguments.Output);
Console.WriteLine($"Exported to {arguments.Output} ({new FileInfo(arguments.Output).Length:N0} bytes, opset {OnnxExporter.OperatorSet}, input '{OnnxExporter.InputName}' [batch, 784], output '{OnnxExporter.OutputName}' [batch, 10])");

// 3. The test images through both: the whole set as one batch in ONNX Runtime (the batch axis is dynamic).
int n = test.Count;
float[] predicted = new float[n * FashionMlp.OutputSize];
model.Predict(test.FeatureData, predicted);
using var options = new SessionOptions
{
    GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    IntraOpNumThreads = arguments.Threads,
    InterOpNumThreads = 1,
};
using var session = new InferenceSession(arguments.Output, options);
float[] onnx;
using (OrtValue input = OrtValue.CreateTensorValueFromMemory(test.FeatureData, new long[] { n, FashionMlp.InputSize }))
using (var runOptions = new RunOptions())
using (var outputs = session.Run(runOptions, new[] { OnnxExporter.InputName }, new[] { input }, new[] { OnnxExporter.OutputName }))
    onnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();

double maxDifference = 0;
int outside = 0;
for (int i = 0; i < predicted.Length; i++)
{
    double difference = Math.Abs(onnx[i] - predicted[i]);
    maxDifference = Math.Max(maxDifference, difference);
    if (difference > 1e-5 + 1e-5 * Math.Abs(predicted[i])) outside++;
}
double Accuracy(float[] outputs) =>
    Enumerable.Range(0, n).Count(i => ArgMax(outputs.AsSpan(i * 10, 10)) == test.Labels![i]) / (double)n;
Console.WriteLine($"Test accuracy on {n} images: ModelGen {Accuracy(predicted):P2}, ONNX Runtime {Accuracy(onnx):P2}");
Console.WriteLine($"Largest difference between the outputs: {maxDifference:E2} (logits up to {predicted.Max(Math.Abs):F1} in size)");

// 4. Speed, one batch at a time, with the same number of threads for both.
Console.WriteLine($"Speed ({arguments.Threads} thread(s) each, {arguments.Seconds:0.###} s per figure), microseconds per call:");
foreach (int batch in new[] { 1, 64 })
{
    float[] inputs = test.FeatureData.AsSpan(0, batch * FashionMlp.InputSize).ToArray();
    float[] outputs = new float[batch * FashionMlp.OutputSize];
    double modelGen = Speed.Microseconds(() => model.Predict(inputs, outputs), arguments.Seconds);
    double onnxRuntime = Speed.OnnxRuntime(session, test.FeatureData, FashionMlp.InputSize, FashionMlp.OutputSize, batch, arguments.Seconds);
    Console.WriteLine($"  batch {batch,2}: ModelGen Predict {modelGen,8:F1} µs, ONNX Runtime {onnxRuntime,8:F1} µs ({OrtEnv.Instance().GetVersionString()})");
}

if (outside > 0)
{
    Console.Error.WriteLine($"OnnxExport: {outside} outputs differ by more than 1e-5 (absolute, plus 1e-5 relative).");
    return 1;
}
Console.WriteLine("Every output agrees within 1e-5 (absolute, plus 1e-5 relative).");
return 0;

static int ArgMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++)
        if (values[i] > values[best]) best = i;
    return best;
}
