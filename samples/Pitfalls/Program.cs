using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ModelGen;
using ModelGen.Data;
using ModelGen.Training;
using Pitfalls;

// Trains deliberately broken setups next to their fixes for a few epochs on the bundled Fashion-MNIST subset and shows
// what the trainer's monitor said about each, and the test accuracy each reached.
//   dotnet run -c Release --project samples/Pitfalls [-- EPOCHS [DATA FOLDER]]
// With --cost first, it measures instead what the monitor costs: the training time of the healthy MLP with the
// monitor off, on (statistics every 10th step, the default) and on with statistics on every step.
//   dotnet run -c Release --project samples/Pitfalls -- --cost [EPOCHS [DATA FOLDER]]
bool cost = args.Length > 0 && args[0] == "--cost";
if (cost) args = args[1..];
int epochs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
string folder = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "data");
var clock = Stopwatch.StartNew();

// Raw pixels (0..255), as the files hold them; the usual 0..1 scaling; and standardized pixels (per-pixel mean 0 and
// standard deviation 1, fitted on the training set only).
Dataset<float> rawTrain = Idx.Load<float>(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Path.Combine(folder, "train-labels-idx1-ubyte.gz"), scale: 1, classCount: 10);
Dataset<float> rawTest = Idx.Load<float>(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), scale: 1, classCount: 10);
var standardizer = Standardizer<float>.Fit(rawTrain);
Dataset<float> train = standardizer.Transform(rawTrain), test = standardizer.Transform(rawTest);
Console.WriteLine($"Fashion-MNIST: {train.Count} training and {test.Count} test images; each setup trains {epochs} epochs (batches of 64).");
Console.WriteLine();
if (cost) return MonitorCost.Measure(train, epochs);

var runs = new List<Run>
{
    Train("deep sigmoid stack (10 layers)", new DeepSigmoid(), train, test),
    Train("  fix: ReLU + He initialization", new DeepRelu(), train, test),
    Train("SGD, learning rate 1.0", new LargeStepMlp(), train, test),
    Train("  fix: learning rate 0.1", new SgdMlp(), train, test),
    Train("unscaled inputs (pixels 0..255)", new HealthyMlp(), rawTrain, rawTest),
    Train("  fix: Standardizer", new HealthyMlp(), train, test),
    Train("zero initialization", new ZeroInitMlp(), train, test),
    Train("  fix: He initialization", new HealthyMlp(), train, test),
};

Console.WriteLine($"{"setup",-34} {"test accuracy",13}  warnings");
Console.WriteLine(new string('-', 34) + " " + new string('-', 13) + "  " + new string('-', 40));
foreach (Run run in runs)
    Console.WriteLine($"{run.Setup,-34} {run.Accuracy,13:P1}  {(run.Warnings.Count == 0 ? "none" : string.Join(", ", run.Warnings.Select(w => Short(w.Kind))))}{run.Note}");
Console.WriteLine();
Console.WriteLine("What the warnings said:");
foreach (Run run in runs.Where(r => r.Warnings.Count > 0))
{
    Console.WriteLine($"- {run.Setup.Trim()}:");
    foreach (TrainingWarning warning in run.Warnings) Console.WriteLine($"    {warning}");
}
Console.WriteLine();
Console.WriteLine($"{runs.Count} runs in {clock.Elapsed.TotalSeconds:F1} s.");
return 0;

Run Train(string setup, ITrainableModel<float> model, Dataset<float> train, Dataset<float> test)
{
    var trainer = new Trainer<float>(model) { Epochs = epochs, Seed = 0, Output = null };
    IReadOnlyList<TrainingWarning> warnings;
    string note = "";
    try
    {
        warnings = trainer.Fit(train).Warnings;
    }
    catch (TrainingDivergedException e)
    {
        warnings = e.Warnings; // the model keeps its state from before the refused step
        note = $" (diverged in epoch {e.Epoch})";
    }
    return new Run(setup, trainer.Accuracy(test), warnings, note);
}

static string Short(TrainingWarningKind kind) => kind switch
{
    TrainingWarningKind.VanishingGradients => "vanishing gradients",
    TrainingWarningKind.ExplodingGradients => "exploding gradients",
    TrainingWarningKind.DeadUnits => "dead units",
    TrainingWarningKind.LearningRateTooSmall => "learning rate too small",
    TrainingWarningKind.LearningRateTooLarge => "learning rate too large",
    TrainingWarningKind.UnscaledInputs => "unscaled inputs",
    _ => kind.ToString(),
};

internal sealed record Run(string Setup, double Accuracy, IReadOnlyList<TrainingWarning> Warnings, string Note);
