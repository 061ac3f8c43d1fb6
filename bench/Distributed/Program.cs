using System;
using System.Diagnostics;
using System.Globalization;
using ModelGen;
using ModelGen.Distributed;
using ModelGen.Initialization;
using ModelGen.Training;

// Times data-parallel training steps (strong scaling: the global batch is the model's BatchSize, split over the ranks).
//   dotnet DistributedBench.dll MODEL STEPS [--distributed] [--bucket N]
//   MODEL: sample (784-256-10, the Fashion-MNIST sample's MLP, 64 samples per step)
//          big    (784-1024-1024-10, 256 samples per step)
// Without --distributed: one process, the whole batch. With it: each rank takes batch/ranks samples of every global
// batch (the global batch stays the model's), as the sample does. Rank 0 prints one line:
//   RESULT model ranks bucket steps/s samples/s ms/step allreduce-ms/step compute-ms/step
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string which = args[0];
int steps = int.Parse(args[1], CultureInfo.InvariantCulture);
bool distributed = Array.IndexOf(args, "--distributed") >= 0;
int b = Array.IndexOf(args, "--bucket");
int bucket = b >= 0 ? int.Parse(args[b + 1], CultureInfo.InvariantCulture) : DataParallel<float>.DefaultBucketSize;
ICommunicator? world = distributed ? MpiCommunicator.World : null;
IClassifier<float> model = which == "sample" ? new SampleMlp() : which == "big" ? new BigMlp() : throw new ArgumentException(which);
int batch = model.BatchSize;

var random = SplitMix64.ForStream(1, 0);
var x = new float[batch * 784];
var y = new int[batch];
for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
for (int i = 0; i < y.Length; i++) y[i] = (int)(random.NextUInt64() % 10);

DataParallel<float>? parallel = world is null ? null : new DataParallel<float>(model, world, bucket);
parallel?.BroadcastState();
int size = world?.Size ?? 1, rank = world?.Rank ?? 0;
(int start, int count) = DataParallel<float>.Shard(batch, rank, size);
void Step()
{
    ReadOnlySpan<float> inputs = x.AsSpan(start * 784, count * 784);
    ReadOnlySpan<int> labels = y.AsSpan(start, count);
    if (parallel is null)
    {
        model.TrainStep(inputs, labels);
        return;
    }
    parallel.BeginStep(count, batch);
    float loss = model.ComputeGradients(inputs, labels);
    parallel.EndStep(loss, count);
    model.ApplyGradients();
}
for (int i = 0; i < 5; i++) Step(); // warm-up
TimeSpan reduceBefore = parallel?.AllReduceTime ?? TimeSpan.Zero;
var clock = Stopwatch.StartNew();
for (int i = 0; i < steps; i++) Step();
clock.Stop();
double ms = clock.Elapsed.TotalMilliseconds / steps;
double reduce = ((parallel?.AllReduceTime ?? TimeSpan.Zero) - reduceBefore).TotalMilliseconds / steps;
if (rank == 0)
    Console.WriteLine($"RESULT {which} {size} {(parallel is null ? "-" : bucket.ToString(CultureInfo.InvariantCulture))} {1000 / ms:F2} {1000 / ms * batch:F0} {ms:F2} {reduce:F2} {ms - reduce:F2} {model.ParameterCount}");
return 0;

/// <summary>The Fashion-MNIST sample's network.</summary>
[Model(BatchSize = 64, Seed = 42)]
[Input(784)]
[Dense(256, Activation.ReLU)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class SampleMlp;

/// <summary>The README's large MLP.</summary>
[Model(BatchSize = 256, Seed = 42)]
[Input(784)]
[Dense(1024, Activation.ReLU)]
[Dense(1024, Activation.ReLU)]
[Dense(10)]
[Loss(LossFunction.CrossEntropy)]
[Adam(LearningRate = 1e-3)]
public partial class BigMlp;
