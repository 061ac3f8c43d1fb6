// The OnnxImport sample: a residual network trained in PyTorch (train_export.py) and imported with
//     modelgen import samples/OnnxImport/fashion_resnet.onnx --class FashionResNet --namespace OnnxImport --output samples/OnnxImport/Models
// runs here as generated C#. It loads the imported weights, classifies the bundled Fashion-MNIST test subset, and
// compares with PyTorch's figures (accuracy, predicted classes, logits) and with ONNX Runtime on the same .onnx file.
// Exits with 1 when ModelGen and PyTorch disagree (accuracy, or a logit beyond 1e-5 relative).
// Usage: dotnet run -c Release --project samples/OnnxImport -- [data folder]   (--help)
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelGen;
using ModelGen.Data;
using OnnxImport;

if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine("Usage: dotnet run -c Release --project samples/OnnxImport -- [data folder]");
    Console.WriteLine("Runs the imported FashionResNet (Models/) on the Fashion-MNIST test subset (default: samples/FashionMnist/data)");
    Console.WriteLine("and compares it with PyTorch's figures (pytorch_reference.json) and ONNX Runtime. Exit code 1 when they disagree.");
    return 0;
}
string folder = args.Length > 0 ? args[0] : FindBundledData();
string testImages = Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), testLabels = Path.Combine(folder, "t10k-labels-idx1-ubyte.gz");
if (!File.Exists(testImages) || !File.Exists(testLabels))
{
    Console.Error.WriteLine($"The Fashion-MNIST test subset was not found in {folder}; pass the folder of samples/FashionMnist/data.");
    return 2;
}
string baseDir = AppContext.BaseDirectory;
using JsonDocument reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(baseDir, "pytorch_reference.json")));
JsonElement torch = reference.RootElement;
int[] torchPredicted = torch.GetProperty("predicted").EnumerateArray().Select(e => e.GetInt32()).ToArray();
float[] torchLogits = torch.GetProperty("first_logits").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

Dataset<float> test = Idx.Load<float>(testImages, testLabels);
if (test.Count != torchPredicted.Length)
{
    Console.Error.WriteLine($"{folder} holds {test.Count} test images; PyTorch's figures are for the {torchPredicted.Length} of the bundled subset.");
    return 2;
}
var model = new FashionResNet();
model.LoadWeights(Path.Combine(baseDir, "FashionResNet.safetensors"));
Console.WriteLine(model.Summary());

float[] inputs = new float[test.Count * FashionResNet.InputSize];
for (int i = 0; i < test.Count; i++) test.Features(i).CopyTo(inputs.AsSpan(i * FashionResNet.InputSize));
float[] logits = new float[test.Count * FashionResNet.OutputSize];
model.Predict(inputs, logits); // warm-up and the figures
double modelGenSeconds = Median(() => model.Predict(inputs, logits));

int correct = 0, sameClass = 0;
for (int i = 0; i < test.Count; i++)
{
    int predicted = ArgMax(logits.AsSpan(i * 10, 10));
    if (predicted == test.Labels![i]) correct++;
    if (predicted == torchPredicted[i]) sameClass++;
}
double maxTorch = 0, maxTorchRelative = 0;
for (int i = 0; i < torchLogits.Length; i++)
{
    double difference = Math.Abs(logits[i] - torchLogits[i]);
    maxTorch = Math.Max(maxTorch, difference);
    maxTorchRelative = Math.Max(maxTorchRelative, difference / Math.Max(1, Math.Abs(torchLogits[i])));
}

// ONNX Runtime on the same file and images.
using var session = new InferenceSession(Path.Combine(baseDir, "fashion_resnet.onnx"));
var tensor = new DenseTensor<float>(inputs, new[] { test.Count, 1, 28, 28 });
float[] ortLogits = Array.Empty<float>();
void RunOrt()
{
    using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("image", tensor) });
    ortLogits = results.First().AsEnumerable<float>().ToArray();
}
RunOrt();
double ortSeconds = Median(RunOrt);
double maxOrt = logits.Zip(ortLogits, (a, b) => (double)Math.Abs(a - b)).Max();

double torchAccuracy = torch.GetProperty("accuracy").GetDouble();
int torchCorrect = torch.GetProperty("correct").GetInt32();
Console.WriteLine($"Test subset: {test.Count} images");
Console.WriteLine($"  accuracy  ModelGen {correct / (double)test.Count:P2} ({correct})   PyTorch {torchAccuracy:P2} ({torchCorrect})");
Console.WriteLine($"  same predicted class as PyTorch: {sameClass} of {test.Count}");
Console.WriteLine($"  largest logit difference from PyTorch (first 100 images): {maxTorch:E2} ({maxTorchRelative:E2} relative)");
Console.WriteLine($"  largest logit difference from ONNX Runtime (all images): {maxOrt:E2}");
Console.WriteLine($"  inference on {test.Count} images: ModelGen {modelGenSeconds * 1e3:F1} ms ({test.Count / modelGenSeconds:N0} images/s), " +
                  $"ONNX Runtime {OrtVersion()} {ortSeconds * 1e3:F1} ms ({test.Count / ortSeconds:N0} images/s); medians of 5");
bool agree = correct == torchCorrect && maxTorchRelative <= 1e-5;
Console.WriteLine(agree ? "ModelGen agrees with PyTorch." : "ModelGen DISAGREES with PyTorch.");
return agree ? 0 : 1;

static int ArgMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
    return best;
}

static double Median(Action action)
{
    var times = new double[5];
    for (int i = 0; i < times.Length; i++)
    {
        var watch = Stopwatch.StartNew();
        action();
        times[i] = watch.Elapsed.TotalSeconds;
    }
    Array.Sort(times);
    return times[times.Length / 2];
}

static string OrtVersion() => typeof(InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "";

static string FindBundledData()
{
    for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
    {
        string candidate = Path.Combine(dir, "samples", "FashionMnist", "data");
        if (Directory.Exists(candidate)) return candidate;
    }
    return Path.Combine("samples", "FashionMnist", "data");
}
