using System;
using System.Diagnostics;
using System.Globalization;

namespace ModelGen.Fuzz.Tests.Infrastructure;

/// <summary>
/// The fuzzers' settings, read once from the environment:
/// <list type="bullet">
/// <item><c>MODELGEN_FUZZ_SECONDS</c>: the whole project's time budget in seconds (default <see cref="DefaultSeconds"/>),
/// shared among the fuzzers by their <see cref="Share"/>s. A long run: <c>MODELGEN_FUZZ_SECONDS=1800</c>.</item>
/// <item><c>MODELGEN_FUZZ_SEED</c>: the master seed (default <see cref="DefaultSeed"/>; decimal or 0x-hex). Each case's
/// seed is derived from it, the fuzzer's name and the case's index, and every failure prints its case seed.</item>
/// <item><c>MODELGEN_FUZZ_REPLAY</c>: one case seed (as printed); each fuzzer then runs exactly that case and nothing else.</item>
/// <item><c>MODELGEN_FUZZ_REPORT</c>: a file to which each fuzzer appends its summary (counts and failure classes).</item>
/// </list>
/// With the defaults the run is the same fixed-seed slice every time (only how far it gets depends on the machine's speed).
/// </summary>
internal static class Fuzzing
{
    public const double DefaultSeconds = 60;
    public const ulong DefaultSeed = 20261201;

    public static readonly double TotalSeconds = ReadDouble("MODELGEN_FUZZ_SECONDS") ?? DefaultSeconds;
    public static readonly ulong MasterSeed = ReadUlong("MODELGEN_FUZZ_SEED") ?? DefaultSeed;
    public static readonly ulong? Replay = ReadUlong("MODELGEN_FUZZ_REPLAY");
    public static readonly string? ReportPath = Environment.GetEnvironmentVariable("MODELGEN_FUZZ_REPORT");

    /// <summary>True when the budget is larger than the default slice (a long run: more cases, more minimizing).</summary>
    public static bool Long => TotalSeconds > DefaultSeconds;

    /// <summary>The fuzzers' shares of <see cref="TotalSeconds"/> (they sum to 1).</summary>
    public static class Share
    {
        public const double Declarations = 0.55;
        public const double WeightFiles = 0.12;
        public const double Checkpoints = 0.15;
        public const double Idx = 0.09;
        public const double Csv = 0.09;
    }

    public static TimeSpan Budget(double share) => TimeSpan.FromSeconds(TotalSeconds * share);

    /// <summary>The seed of case <paramref name="index"/> of fuzzer <paramref name="fuzzer"/>.</summary>
    public static ulong CaseSeed(string fuzzer, long index)
    {
        ulong salt = 1469598103934665603UL;
        foreach (char c in fuzzer) salt = (salt ^ c) * 1099511628211UL;
        return Rng.Mix(Rng.Mix(MasterSeed ^ salt) + (ulong)index);
    }

    public static string Hex(ulong seed) => "0x" + seed.ToString("X16", CultureInfo.InvariantCulture);

    /// <summary>The command that replays one case.</summary>
    public static string ReplayCommand(string testClass, ulong seed) =>
        $"MODELGEN_FUZZ_REPLAY={Hex(seed)} dotnet test tests/ModelGen.Fuzz.Tests --filter FullyQualifiedName~{testClass}";

    private static double? ReadDouble(string name) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? v : null;

    private static ulong? ReadUlong(string name)
    {
        string? text = Environment.GetEnvironmentVariable(name)?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong h) ? h : null;
        return ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong d) ? d : null;
    }
}

/// <summary>
/// A runs cases until its budget is spent (or, when <see cref="Fuzzing.Replay"/> is set, runs that one case).
/// </summary>
internal static class Campaign
{
    /// <param name="fuzzer">The fuzzer's name (salts the case seeds).</param>
    /// <param name="budget">How long to run.</param>
    /// <param name="runCase">Runs the case of a seed; returns normally whatever the case found (it records failures itself).</param>
    /// <returns>The number of cases run.</returns>
    public static long Run(string fuzzer, TimeSpan budget, Action<ulong> runCase, long maxCases = long.MaxValue)
    {
        if (Fuzzing.Replay is { } replay)
        {
            runCase(replay);
            return 1;
        }
        var clock = Stopwatch.StartNew();
        long index = 0;
        while (index < maxCases && (index == 0 || clock.Elapsed < budget))
            runCase(Fuzzing.CaseSeed(fuzzer, index++));
        return index;
    }
}
