using System;
using System.Diagnostics;
using System.Globalization;

namespace ModelGen.Benchmarks;

/// <summary>
/// A training step in its two phases, in this process: <c>ComputeGradients</c> (forward and backward passes) and
/// <c>ApplyGradients</c> (the optimizer's pass) timed apart, then <c>TrainStep</c> whole. What each phase costs, and
/// the figure to compare between two builds run one after the other in separate processes (where a change moves work
/// between cores, as <c>--ab</c>'s shared process cannot show).
/// </summary>
public static class StepPhases
{
    public static int Run(string[] args)
    {
        string key = args.Length > 1 ? args[1] : "mlp128";
        IClassifier<float>? model = key switch
        {
            "mlp128" => new Mlp784x128x10(),
            "mlp512" => new Mlp784x512x512x10(),
            "mlp1024" => new Mlp784x1024x1024x10(),
            "lenet" => new LeNet(),
            _ => null,
        };
        if (model is null)
        {
            Console.Error.WriteLine($"--phases {key}: expected mlp128, mlp512, mlp1024 or lenet");
            return 2;
        }
        int rounds = Compare.Option(args, "--rounds") is string r ? int.Parse(r, CultureInfo.InvariantCulture) : 5;
        var random = new Random(1);
        var x = new float[model.BatchSize * model.InputSize];
        var labels = new int[model.BatchSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(model.OutputSize);

        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 1500) model.TrainStep(x, labels);
        double gradients = double.MaxValue, apply = double.MaxValue, step = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            long inGradients = 0, inApply = 0;
            int calls = 0;
            var clock = Stopwatch.StartNew();
            while (clock.ElapsedMilliseconds < 300)
            {
                long t0 = Stopwatch.GetTimestamp();
                model.ComputeGradients(x, labels);
                long t1 = Stopwatch.GetTimestamp();
                model.ApplyGradients();
                inGradients += t1 - t0;
                inApply += Stopwatch.GetTimestamp() - t1;
                calls++;
            }
            double us = 1e6 / Stopwatch.Frequency / calls;
            int steps = 0;
            var whole = Stopwatch.StartNew();
            while (whole.ElapsedMilliseconds < 300)
            {
                model.TrainStep(x, labels);
                steps++;
            }
            gradients = Math.Min(gradients, inGradients * us);
            apply = Math.Min(apply, inApply * us);
            step = Math.Min(step, whole.Elapsed.TotalMicroseconds / steps);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{key}: ComputeGradients {gradients:F1} µs, ApplyGradients {apply:F1} µs, TrainStep {step:F1} µs (best of {rounds} rounds of 0.3 s)"));
        return 0;
    }
}
