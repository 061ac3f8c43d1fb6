using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace ModelGen.Benchmarks;

/// <summary>
/// Two builds of this project timed against each other in one process:
/// <c>--ab DIR_A DIR_B --case mlp1024 --mode step|b1|b64 [--rounds 40] [--slice-ms 100]</c>. Each directory holds a
/// build's output (<c>ModelGen.Benchmarks.dll</c> and its <c>ModelGen.dll</c>), loaded into an
/// <see cref="AssemblyLoadContext"/> of its own; the case runs in slices of <c>--slice-ms</c>, A then B, then B then A,
/// and so on. On a machine whose speed drifts by tens of percent within minutes, alternating whole processes leaves
/// each build with different minutes; slices a tenth of a second apart see the same machine, so the median of the
/// per-round ratios resolves changes of a few percent. Each build has its own worker threads, idle while the other runs;
/// so a change whose gain comes from where threads run and what their caches keep between calls (a batch-1 product split
/// so that each core keeps its share of the weights in its L2) is distorted here: confirm those in separate processes
/// (<c>--compare --cases …</c> of each build, alternated).
/// </summary>
public static class BuildComparison
{
    public static int Run(string[] args)
    {
        int at = Array.IndexOf(args, "--ab");
        if (at < 0 || at + 2 >= args.Length)
            throw new ArgumentException("--ab takes two build directories: --ab DIR_A DIR_B --case KEY --mode step|b1|b64");
        string[] dirs = [Path.GetFullPath(args[at + 1]), Path.GetFullPath(args[at + 2])];
        string mode = Compare.Option(args, "--mode") ?? "step";
        string key = Compare.Option(args, "--case") ?? (mode.StartsWith("conv", StringComparison.Ordinal) ? "lenet"
            : throw new ArgumentException("--case KEY is needed (xor, mlp128, mlp512, mlp1024, lenet)."));
        int rounds = int.Parse(Compare.Option(args, "--rounds") ?? "40", CultureInfo.InvariantCulture);
        double slice = double.Parse(Compare.Option(args, "--slice-ms") ?? "100", CultureInfo.InvariantCulture) / 1000;
        Action[] calls = [Load(dirs[0], key, mode), Load(dirs[1], key, mode)];
        foreach (Action call in calls)
            for (int i = 0; i < 50; i++) call();

        (List<double>[] times, List<double> ratios) = Alternate(calls, rounds, slice);
        Console.WriteLine($"{key} {mode}: A {Compare.Median(times[0]):0.0} µs, B {Compare.Median(times[1]):0.0} µs per call; A/B median {Compare.Median(ratios):0.000} " +
                          $"(quartiles {Quantile(ratios, 0.25):0.000}–{Quantile(ratios, 0.75):0.000}, {rounds} rounds of {slice * 1000:0} ms each)");
        Console.WriteLine($"  A: {dirs[0]} (kernels: {KernelsOf(dirs[0])})");
        Console.WriteLine($"  B: {dirs[1]} (kernels: {KernelsOf(dirs[1])})");
        return 0;
    }

    /// <summary>The case's call (a training step, a batch-1 or a batch-64 prediction) from the build in <paramref name="dir"/>.</summary>
    private static Action Load(string dir, string key, string mode)
    {
        string main = Path.Combine(dir, "ModelGen.Benchmarks.dll");
        if (!File.Exists(main)) throw new FileNotFoundException($"No build of ModelGen.Benchmarks in {dir}.", main);
        var context = new BuildContext(dir);
        Assembly assembly = context.LoadFromAssemblyPath(main);
        if (mode.StartsWith("conv", StringComparison.Ordinal)) return LoadConvolution(assembly, mode);
        Type type = assembly.GetType(typeof(BenchCase).FullName!, throwOnError: true)!;
        var all = (IEnumerable)type.GetMethod(nameof(BenchCase.All))!.Invoke(null, [true])!;
        object benchCase = all.Cast<object>().FirstOrDefault(c => (string)type.GetProperty(nameof(BenchCase.Key))!.GetValue(c)! == key)
            ?? throw new ArgumentException($"No case '{key}' in {main}.");
        type.GetMethod(nameof(BenchCase.Setup))!.Invoke(benchCase, null);
        switch (mode)
        {
            case "step":
                var step = type.GetMethod(nameof(BenchCase.TrainStep))!.CreateDelegate<Func<float>>(benchCase);
                return () => step();
            case "b1":
                return type.GetMethod(nameof(BenchCase.PredictOne))!.CreateDelegate<Action>(benchCase);
            case "b64":
                return type.GetMethod(nameof(BenchCase.PredictBatch))!.CreateDelegate<Action>(benchCase);
            default:
                throw new ArgumentException($"--mode is step, b1 or b64, not '{mode}'.");
        }
    }

    /// <summary>
    /// One of LeNet's convolutions at batch 64 on one thread (<see cref="ConvolutionLayers"/>): mode <c>conv1-fwd</c>,
    /// <c>conv1-bwd</c>, <c>conv2-fwd</c> or <c>conv2-bwd</c> (the case is not used).
    /// </summary>
    private static Action LoadConvolution(Assembly assembly, string mode)
    {
        string[] parts = mode.Split('-');
        if (parts.Length != 2 || parts[0] is not ("conv1" or "conv2") || parts[1] is not ("fwd" or "bwd"))
            throw new ArgumentException($"A convolution's mode is conv1-fwd, conv1-bwd, conv2-fwd or conv2-bwd, not '{mode}'.");
        Type data = assembly.GetType(typeof(ConvolutionLayers.Data).FullName!, throwOnError: true)!;
        object layer = Activator.CreateInstance(data, [parts[0] == "conv1" ? 0 : 1, 1, 64])!;
        return data.GetMethod(parts[1] == "fwd" ? nameof(ConvolutionLayers.Data.Forward) : nameof(ConvolutionLayers.Data.Backward))!
            .CreateDelegate<Action>(layer);
    }

    /// <summary>
    /// Two calls timed in alternating slices of <paramref name="slice"/> seconds, <paramref name="rounds"/> times (the first
    /// call first in even rounds, the second first in odd ones), each slice after a pause of <paramref name="gapMs"/>:
    /// each call's µs per call per round, and each round's ratio of the first call's time to the second's.
    /// </summary>
    internal static (List<double>[] Times, List<double> Ratios) Alternate(Action[] calls, int rounds, double slice, int gapMs = 0)
    {
        var times = new List<double>[] { new(), new() };
        var ratios = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            double[] us = new double[2];
            for (int k = 0; k < 2; k++)
            {
                int v = r % 2 == 0 ? k : 1 - k;
                if (gapMs > 0) System.Threading.Thread.Sleep(gapMs);
                us[v] = MicrosecondsPerCall(calls[v], slice);
                times[v].Add(us[v]);
            }
            ratios.Add(us[0] / us[1]);
        }
        return (times, ratios);
    }

    internal static double MicrosecondsPerCall(Action call, double seconds)
    {
        call();
        long n = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            call();
            n++;
        }
        return clock.Elapsed.TotalMilliseconds * 1000 / n;
    }

    /// <summary>Where the <c>ModelGen.dll</c> that the build in <paramref name="dir"/> runs was loaded from (its own directory, or the test is void).</summary>
    private static string KernelsOf(string dir) =>
        AssemblyLoadContext.All.OfType<BuildContext>().First(c => c.Dir == dir).Assemblies
            .FirstOrDefault(a => a.GetName().Name == "ModelGen")?.Location ?? "not loaded";

    /// <summary>
    /// A build's assemblies, each loaded from its directory before anything else is asked: a context's default resolution
    /// would hand every build the <c>ModelGen.dll</c> that this process started with (the default context finds it first,
    /// on its application path), and time one build's kernels twice. Only the framework comes from the default context.
    /// </summary>
    private sealed class BuildContext(string dir) : AssemblyLoadContext($"build {dir}")
    {
        public string Dir => dir;

        protected override Assembly? Load(AssemblyName name)
        {
            string path = Path.Combine(dir, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }

    internal static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[(int)Math.Round(q * (sorted.Count - 1))];
    }
}
