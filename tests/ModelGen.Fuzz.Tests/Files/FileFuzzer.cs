using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGen.Fuzz.Tests.Infrastructure;

namespace ModelGen.Fuzz.Tests.Files;

/// <summary>
/// The loop every file-format fuzzer shares: for each case seed, a <see cref="MutationPlan"/> of a valid file, the
/// mutated bytes written to disk, and each of the case's loads checked by <see cref="LoadCheck"/>. A failure's
/// reproducer is its minimized plan (which edits of the valid file), with a view of the mutated file.
/// </summary>
internal sealed class FileFuzzer
{
    public required string Name { get; init; }
    public required string TestClass { get; init; }
    public required TimeSpan Budget { get; init; }
    /// <summary>The case of a seed: the valid file it starts from (by key) and the plan.</summary>
    public required Func<Rng, (string Base, MutationPlan Plan)> NewCase { get; init; }
    /// <summary>The valid files, by key.</summary>
    public required IReadOnlyDictionary<string, byte[]> Bases { get; init; }
    /// <summary>The loads to check on a mutated file written at the path (the base key is given too).</summary>
    public required Func<string, string, byte[], IEnumerable<LoadCheck.Load>> Loads { get; init; }
    /// <summary>A readable view of a file for the report.</summary>
    public Func<byte[], string> View { get; init; } = bytes => Convert.ToHexString(bytes, 0, Math.Min(bytes.Length, 64)) + (bytes.Length > 64 ? "..." : "");

    public FailureLog Run(TempFolder folder)
    {
        var log = new FailureLog(Name, TestClass);
        string path = folder["case.bin"];
        log.Cases = Campaign.Run(Name, Budget, seed =>
        {
            if (LoadCheck.Hung) return;
            var r = new Rng(seed);
            (string key, MutationPlan plan) = NewCase(r);
            foreach ((Failure failure, string outcome) in RunCase(path, key, plan))
            {
                if (failure.Class.Length == 0)
                {
                    log.CountOutcome(outcome);
                    continue;
                }
                log.Add(failure, seed, () =>
                {
                    MutationPlan minimal = plan.Minimize(p => RunCase(path, key, p).Any(f => f.Failure.Class == failure.Class));
                    byte[] bytes = minimal.Apply(Bases[key]);
                    return $"from the valid {key} file:{Environment.NewLine}{minimal.Describe()}{Environment.NewLine}the file ({bytes.Length} bytes): {View(bytes)}";
                });
            }
        });
        return log;
    }

    /// <summary>The failures of one case, and one entry with an empty class per load giving its outcome.</summary>
    public List<(Failure Failure, string Outcome)> RunCase(string path, string key, MutationPlan plan)
    {
        byte[] bytes = plan.Apply(Bases[key]);
        var results = new List<(Failure, string)>();
        foreach (LoadCheck.Load load in Loads(path, key, bytes))
        {
            File.WriteAllBytes(path, bytes);
            (List<Failure> failures, string outcome) = LoadCheck.Check(load);
            results.Add((new Failure("", ""), $"{load.Loader}: {outcome}"));
            results.AddRange(failures.Select(f => (f, outcome)));
            if (LoadCheck.Hung) break;
        }
        return results;
    }
}
