using System;
using System.Diagnostics;
using System.IO;
using FashionMnist;
using ModelGen.Data;
using ModelGen.Evaluation;
using ModelGen.Training;

// ModelGen's main job: an MLP on Fashion-MNIST, trained with the runtime's trainer, with logs, a plot and weights.
//   dotnet run -c Release --project samples/FashionMnist [-- --data DIR] [--epochs N] [--out DIR]   (--help: usage)
// The full data set comes from Debian's dataset-fashion-mnist when it is installed (or from --data); otherwise the
// subset bundled in samples/FashionMnist/data (10,000 training and 2,000 test images) is used.
Arguments arguments;
try
{
    arguments = Arguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"FashionMnist: {e.Message}");
    Console.Error.WriteLine(Arguments.Usage);
    return 2;
}
if (arguments.Help)
{
    Console.WriteLine(Arguments.Usage);
    return 0;
}
int epochs = arguments.Epochs;
string output = Path.GetFullPath(arguments.Output);

// --distributed: every process mpirun started trains its share of each batch; rank 0 alone prints and writes files.
ICommunicator? ranks = arguments.Distributed ? Parallel.Ranks() : null;
int batch = ranks is null ? FashionMlp.BatchSize : Math.Max(1, FashionMlp.BatchSize / ranks.Size);

const string Installed = "/usr/share/datasets/fashion-mnist";
string bundled = Path.Combine(AppContext.BaseDirectory, "data");
string dataFolder = arguments.DataFolder ?? (File.Exists(Path.Combine(Installed, "train-images-idx3-ubyte.gz")) ? Installed : bundled);
string which = dataFolder == bundled ? "the bundled subset (install dataset-fashion-mnist for the full set)" : dataFolder;

var total = Stopwatch.StartNew();
Dataset<float> train = Idx.Load<float>(Path.Combine(dataFolder, "train-images-idx3-ubyte.gz"), Path.Combine(dataFolder, "train-labels-idx1-ubyte.gz"), classCount: 10);
Dataset<float> test = Idx.Load<float>(Path.Combine(dataFolder, "t10k-images-idx3-ubyte.gz"), Path.Combine(dataFolder, "t10k-labels-idx1-ubyte.gz"), classCount: 10);
Console.WriteLine($"Fashion-MNIST from {which}: {train.Count} training and {test.Count} test images");
Console.WriteLine($"FashionMlp: 784 -> 256 (ReLU) -> 10, {FashionMlp.ParameterCount} parameters, Adam 1e-3, batches of {FashionMlp.BatchSize}, {epochs} epochs");

if (ranks is null || ranks.Rank == 0) Directory.CreateDirectory(output);
var model = new FashionMlp();
Console.WriteLine(model.Summary());
var trainer = new Trainer<float>(model)
{
    Epochs = epochs,
    Seed = 0,
    DropLast = true, // as torch_fashion.py, which skips the last partial batch
    CheckpointPath = Path.Combine(output, "checkpoint.safetensors"),
    BatchSize = batch,
    Communicator = ranks,
    GradientBucketSize = arguments.Bucket ?? DataParallel<float>.DefaultBucketSize,
};
if (ranks is not null)
    Console.WriteLine($"Data-parallel on {ranks.Size} rank{(ranks.Size == 1 ? "" : "s")}: {batch} samples per rank, global batches of {batch * ranks.Size}");
// The test set serves as the per-epoch validation set, as in torch_fashion.py, so the two print the same figure.
trainer.Callbacks.Add(new BestModelCheckpoint(Path.Combine(output, "best.safetensors"), monitor: "val_accuracy"));
trainer.Callbacks.Add(new CsvLogger(Path.Combine(output, "history.csv")));
trainer.Callbacks.Add(new TensorBoardLogger(Path.Combine(output, "tensorboard")));
trainer.Callbacks.Add(new PlotLogger(Path.Combine(output, "training.svg"), "FashionMlp on Fashion-MNIST"));

TrainingHistory history = trainer.Fit(train, test);
double accuracy = trainer.Accuracy(test);
double seconds = 0;
foreach (EpochResult epoch in history.Epochs) seconds += epoch.Duration.TotalSeconds;
Console.WriteLine($"Test accuracy {accuracy:P2} after {history.Epochs.Count} epochs; training {seconds:F1} s, whole run {total.Elapsed.TotalSeconds:F1} s.");
Console.WriteLine($"Logs, plot and weights in {output} (tensorboard --logdir {Path.Combine(output, "tensorboard")})");
if (trainer.Parallel is DataParallel<float> parallel)
    Console.WriteLine($"All-reduce: {parallel.AllReduceTime.TotalSeconds:F2} s on rank 0 over {history.Epochs[^1].Step} steps ({parallel.AllReduceOperations} operations, buckets of {parallel.BucketSize} gradients)");

// Per-class figures on the test set: which garments the model confuses.
Metrics metrics = Metrics.Evaluate(model, test.FeatureData, test.Labels!, FashionClasses.Names);
Console.WriteLine();
Console.WriteLine(metrics.Report());
Console.Write(metrics.ConfusionMatrixTable());
return 0;
