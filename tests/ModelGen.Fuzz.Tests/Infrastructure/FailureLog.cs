using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace ModelGen.Fuzz.Tests.Infrastructure;

/// <summary>One thing a case did that it must not do.</summary>
/// <param name="Class">
/// The failure class, the key by which failures are deduplicated: what went wrong, without the case's particulars
/// (e.g. "diagnostic inside generated code: CS0102", "exception type OverflowException from Restore").
/// </param>
/// <param name="Detail">The particulars of this case (the exception message, the diagnostic, the values).</param>
internal sealed record Failure(string Class, string Detail);

/// <summary>
/// The failures of one fuzzer's run, deduplicated by <see cref="Failure.Class"/>: each class keeps a count, the seed and
/// detail of its first case and a reproducer (minimized when the fuzzer can).
/// </summary>
internal sealed class FailureLog
{
    private readonly string _fuzzer;
    private readonly string _testClass;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();

    public FailureLog(string fuzzer, string testClass)
    {
        _fuzzer = fuzzer;
        _testClass = testClass;
    }

    private sealed class Entry
    {
        public int Count;
        public ulong Seed;
        public string Detail = "";
        public string Reproducer = "";
        public List<ulong> MoreSeeds = new();
    }

    public long Cases { get; set; }
    public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);
    public int Classes => _entries.Count;
    public int Total => _entries.Values.Sum(e => e.Count);
    public IEnumerable<string> ClassNames => _order;

    public void CountOutcome(string outcome) => Outcomes[outcome] = Outcomes.TryGetValue(outcome, out long n) ? n + 1 : 1;

    public bool IsNew(string failureClass) => !_entries.ContainsKey(failureClass);

    /// <summary>Records a failure; <paramref name="reproducer"/> is computed only for the first case of its class.</summary>
    public void Add(Failure failure, ulong seed, Func<string> reproducer)
    {
        if (_entries.TryGetValue(failure.Class, out Entry? entry))
        {
            entry.Count++;
            if (entry.MoreSeeds.Count < 5 && entry.Seed != seed && !entry.MoreSeeds.Contains(seed)) entry.MoreSeeds.Add(seed);
            return;
        }
        _entries[failure.Class] = new Entry { Count = 1, Seed = seed, Detail = failure.Detail, Reproducer = reproducer() };
        _order.Add(failure.Class);
    }

    public string Summary()
    {
        var text = new StringBuilder();
        text.Append(_fuzzer).Append(": ").Append(Cases).Append(" cases (master seed ").Append(Fuzzing.Hex(Fuzzing.MasterSeed))
            .Append(", budget ").Append(Fuzzing.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)).Append(" s in all)");
        if (Outcomes.Count > 0)
            text.Append("; outcomes: ").Append(string.Join(", ", Outcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
        text.Append("; ").Append(Total).Append(" failing checks in ").Append(Classes).Append(" classes").AppendLine();
        foreach (string name in _order)
        {
            Entry e = _entries[name];
            text.AppendLine();
            text.Append("== ").Append(name).Append("  (").Append(e.Count).Append(e.Count == 1 ? " case" : " cases").Append(')').AppendLine();
            text.Append("first seed ").Append(Fuzzing.Hex(e.Seed)).Append("; replay: ").Append(Fuzzing.ReplayCommand(_testClass, e.Seed)).AppendLine();
            if (e.MoreSeeds.Count > 0) text.Append("more seeds: ").Append(string.Join(", ", e.MoreSeeds.Select(Fuzzing.Hex))).AppendLine();
            text.Append(e.Detail).AppendLine();
            text.Append("reproducer:").AppendLine().Append(e.Reproducer.TrimEnd()).AppendLine();
        }
        return text.ToString();
    }

    /// <summary>Appends the summary to <see cref="Fuzzing.ReportPath"/> when set.</summary>
    public void WriteReport()
    {
        if (Fuzzing.ReportPath is { Length: > 0 } path)
        {
            lock (typeof(FailureLog))
                File.AppendAllText(path, Summary() + Environment.NewLine + new string('-', 100) + Environment.NewLine);
        }
    }
}
