using System;
using ModelGen.Data;
using ModelGen.Training;

namespace Pitfalls;

/// <summary>
/// What the training monitor costs: the healthy MLP's training time per step with the monitor off, on with its default
/// sampling (statistics every 10th step) and on with statistics on every step, alternated over rounds. Time is the
/// process's processor time (all threads), not the wall clock, and each figure is the fastest round's, so that the load
/// of other processes spoils it as little as possible.
/// </summary>
internal static class MonitorCost
{
    private const int Rounds = 7;

    public static int Measure(Dataset<float> train, int epochs)
    {
        (string Name, TrainingMonitor? Monitor)[] settings =
        [
            ("monitor off", null),
            ("monitor on (default: statistics every 10th step)", new TrainingMonitor()),
            ("monitor on, statistics every step", new TrainingMonitor { Interval = 1 }),
        ];
        var best = new double[settings.Length];
        Array.Fill(best, double.PositiveInfinity);
        long steps = 0;
        Time(settings[0].Monitor, train, 1, out _); // warm-up: the JIT and the caches
        for (int round = 0; round < Rounds; round++)
        {
            for (int s = 0; s < settings.Length; s++)
                best[s] = Math.Min(best[s], Time(settings[s].Monitor, train, epochs, out steps));
        }
        Console.WriteLine($"Training time per step of HealthyMlp (784 -> 128 ReLU -> 10, Adam, batches of 64), {steps} steps after a first epoch, processor time, fastest of {Rounds} rounds:");
        for (int s = 0; s < settings.Length; s++)
        {
            string extra = s == 0 ? "" : $"  ({(best[s] / best[0] - 1) * 100:+0.0;-0.0} %)";
            Console.WriteLine($"  {settings[s].Name,-52} {best[s] * 1e6:F1} µs{extra}");
        }
        return 0;
    }

    /// <summary>
    /// Processor seconds per optimizer step of the epochs after the first on a fresh model: the steady cost, without
    /// the one-time input check before the first epoch.
    /// </summary>
    private static double Time(TrainingMonitor? monitor, Dataset<float> train, int epochs, out long steps)
    {
        var model = new HealthyMlp();
        var trainer = new Trainer<float>(model) { Epochs = epochs + 1, Seed = 0, Output = null, Monitor = monitor };
        var clock = new ProcessorClock();
        trainer.Callbacks.Add(clock);
        trainer.Fit(train);
        steps = model.Step - clock.StepsAfterFirstEpoch;
        return clock.Seconds / steps;
    }

    /// <summary>The process's processor time from the end of the first epoch to the end of the last.</summary>
    private sealed class ProcessorClock : ITrainingCallback
    {
        private readonly System.Diagnostics.Process _process = System.Diagnostics.Process.GetCurrentProcess();
        private TimeSpan _start;

        public long StepsAfterFirstEpoch { get; private set; }

        public double Seconds { get; private set; }

        public void OnEpochEnd(TrainingContext context, EpochResult result)
        {
            _process.Refresh();
            if (result.Epoch == 1)
            {
                _start = _process.TotalProcessorTime;
                StepsAfterFirstEpoch = result.Step;
            }
            else
            {
                Seconds = (_process.TotalProcessorTime - _start).TotalSeconds;
            }
        }
    }
}
