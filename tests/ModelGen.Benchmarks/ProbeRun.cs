using System;
using System.Globalization;

namespace ModelGen.Benchmarks;

/// <summary>The options and the header that the per-kernel probes (<c>--products</c>, <c>--convolutions</c>) share.</summary>
internal readonly record struct ProbeRun(int Threads, double Seconds, double ReferencePeak)
{
    /// <summary>
    /// Reads <c>--threads</c> (default 1; 0: all) and <c>--seconds</c> (default 0.5), measures the float32 peak and prints
    /// the machine, the peak and <paramref name="what"/> is timed; the reference for percentages is the one-core peak on
    /// one thread, the all-core peak otherwise.
    /// </summary>
    public static ProbeRun Start(string[] args, string what)
    {
        int threads = int.Parse(Compare.Option(args, "--threads") ?? "1", CultureInfo.InvariantCulture);
        double seconds = double.Parse(Compare.Option(args, "--seconds") ?? "0.5", CultureInfo.InvariantCulture);
        var peak = PeakProbe.Measure();
        Console.WriteLine(Compare.MachineLine());
        Console.WriteLine($"Peak float32 measured: {peak.OneCore:0} GFLOP/s on one core, {peak.AllCores:0} on all; {what} on {threads} thread(s) " +
                          $"(0: all); median of 5 runs of {seconds} s each; % of the {(threads == 1 ? "one-core" : "all-core")} peak.");
        Console.WriteLine();
        return new ProbeRun(threads, seconds, threads == 1 ? peak.OneCore : peak.AllCores);
    }
}
