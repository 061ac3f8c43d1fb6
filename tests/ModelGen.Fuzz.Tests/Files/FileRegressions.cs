using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Fuzz.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Fuzz.Tests.Files;

/// <summary>
/// The failure classes the file fuzzers found on the code of 2026-11-29, each as one explicit edit of a valid file,
/// run through the same loads and checks as the fuzzers (<see cref="FileFuzzer.RunCase"/>).
/// </summary>
public sealed class FileRegressions : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private sealed record Case(Func<TempFolder, FileFuzzer> Fuzzer, string Base, Mutation Edit);

    private static readonly Func<TempFolder, FileFuzzer> Weights = _ => ModelFileFuzzTests.WeightFuzzer();
    private static readonly Func<TempFolder, FileFuzzer> Checkpoints = _ => ModelFileFuzzTests.CheckpointFuzzer();
    private static readonly Func<TempFolder, FileFuzzer> IdxFiles = DataFileFuzzTests.IdxFuzzer;
    private static readonly Func<TempFolder, FileFuzzer> CsvFiles = _ => DataFileFuzzTests.CsvFuzzer();

    private static Mutation History(string description, string json) =>
        CheckpointMutations.SetMetadata(description, m => m["history"] = json);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["checkpoint: learning_rate 1e39 on a float model"] = new(Checkpoints, "float checkpoint",
            CheckpointMutations.SetMetadata("learning_rate := 1e39", m => m["learning_rate"] = "1e39")),
        ["checkpoint: a null history entry"] = new(Checkpoints, "double checkpoint", History("history := [null]", "[null]")),
        ["checkpoint: an entry's Seconds of 1e300"] = new(Checkpoints, "double checkpoint", History("Seconds 1e300",
            "[{\"Epoch\":1,\"Loss\":0.5,\"LearningRate\":0.01,\"Step\":5,\"Seconds\":1e300,\"ValidationLoss\":null,\"ValidationAccuracy\":null}]")),
        ["checkpoint: an entry's Seconds of -1"] = new(Checkpoints, "float checkpoint", History("Seconds -1",
            "[{\"Epoch\":1,\"Loss\":0.5,\"LearningRate\":0.01,\"Step\":5,\"Seconds\":-1,\"ValidationLoss\":null,\"ValidationAccuracy\":null}]")),
        ["checkpoint: a key twice in a history entry"] = new(Checkpoints, "float checkpoint", History("Epoch twice",
            "[{\"Epoch\":1,\"Epoch\":2,\"Loss\":0.5,\"LearningRate\":0.01,\"Step\":5,\"Seconds\":1}]")),
        ["checkpoint: dtype twice in a tensor entry"] = new(Checkpoints, "float checkpoint",
            Safetensors.Header("\"dtype\":\"F32\" added before the first dtype of every entry", h => h.Replace("{\"dtype\":", "{\"dtype\":\"F32\",\"dtype\":", StringComparison.Ordinal))),
        ["weights: dtype twice in a tensor entry"] = new(Weights, "float weights",
            Safetensors.Header("\"dtype\":\"F16\" added before the first dtype of every entry", h => h.Replace("{\"dtype\":", "{\"dtype\":\"F16\",\"dtype\":", StringComparison.Ordinal))),
        ["weights: 32 MiB after the tensors (read whole before the header is checked)"] = new(Weights, "double weights",
            new Mutation("append 32 MiB of zeros", b => b.Concat(new byte[32 << 20]).ToArray())),
        ["idx: a gzip bomb (one label declared, 32 MiB inflated)"] = new(IdxFiles, "labels", IdxMutations.Bomb(new Rng(1), "labels")),
        ["csv: a label of int.MaxValue"] = new(CsvFiles, "classification",
            new Mutation("the last row's label := 2147483647", b => System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(b).TrimEnd('\n') + "\n1,2,3,2147483647\n"))),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Found_by_the_fuzzers(string name)
    {
        Case c = Cases[name];
        FileFuzzer fuzzer = c.Fuzzer(_folder);
        var plan = new MutationPlan(new[] { c.Edit });
        List<Failure> failures = fuzzer.RunCase(_folder["case.bin"], c.Base, plan).Select(r => r.Failure).Where(f => f.Class.Length > 0).ToList();
        Assert.True(failures.Count == 0, $"{name} ({c.Base} file: {c.Edit.Description}):{Environment.NewLine}" +
            string.Join(Environment.NewLine, failures.Select(f => $"- {f.Class}{Environment.NewLine}  {f.Detail}")));
    }
}
