using System;
using System.Linq;
using ModelGen;
using ModelGen.Data;
using ModelGen.Training;

namespace Pitfalls;

/// <summary>
/// What the training monitor costs: the share of the training time it spent (<see cref="TrainingHistory.MonitorTime"/>
/// over the epochs' durations, which include it), for two models, with its default sampling (statistics every 10th
/// step) and with statistics on every step. A ratio within one run, so the load of other processes spoils it little.
/// </summary>
internal static class MonitorCost
{
    public static int Measure(Dataset<float> train, int epochs)
    {
        Console.WriteLine($"The monitor's share of the training time ({epochs} epochs of {train.Count} images, batches of 64):");
        Console.WriteLine($"  {"model",-40} {"sampling",-18} {"per step",9} {"monitor",9} {"share",7}");
        foreach ((string name, Func<ITrainableModel<float>> create) in new (string, Func<ITrainableModel<float>>)[]
        {
            ("HealthyMlp (784 -> 128 ReLU -> 10, Adam)", () => new HealthyMlp()),
            ("DeepRelu (10 x 64 ReLU -> 10, SGD)", () => new DeepRelu()),
        })
        {
            foreach ((string sampling, TrainingMonitor monitor) in new[] { ("every 10th step", new TrainingMonitor()), ("every step", new TrainingMonitor { Interval = 1 }) })
            {
                new Trainer<float>(create()) { Epochs = 1, Output = null, Monitor = monitor }.Fit(train.Subset(Enumerable.Range(0, 640).ToArray())); // JIT warm-up
                ITrainableModel<float> model = create();
                var trainer = new Trainer<float>(model) { Epochs = epochs, Seed = 0, Output = null, Monitor = monitor };
                TrainingHistory history = trainer.Fit(train);
                double seconds = history.Epochs.Sum(e => e.Duration.TotalSeconds), monitorSeconds = history.MonitorTime.TotalSeconds;
                Console.WriteLine($"  {name,-40} {sampling,-18} {seconds / model.Step * 1e6,6:F0} µs {monitorSeconds / model.Step * 1e6,6:F1} µs {monitorSeconds / seconds,7:P2}");
            }
        }
        return 0;
    }
}
