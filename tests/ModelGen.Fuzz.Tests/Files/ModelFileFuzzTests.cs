using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using ModelGen.Data;
using ModelGen.Fuzz.Tests.Infrastructure;
using ModelGen.IO;
using ModelGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Fuzz.Tests.Files;

/// <summary>
/// Mutated weight files (<c>LoadWeights</c>, <c>WeightFile.ReadMetadata</c>) and training checkpoints
/// (<c>TrainingCheckpoint.Restore</c>) of the two <see cref="FileModels"/> models, in both precisions. Documented outcome
/// of a bad file: <see cref="InvalidDataException"/> with a message, the model bit for bit as it was (parameters,
/// buffers, optimizer state, Step, RandomState, LearningRate).
/// </summary>
public sealed class ModelFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Mutated_weight_files_load_or_are_rejected_leaving_the_model_unchanged() =>
        Report(WeightFuzzer().Run(_folder));

    [Fact]
    public void Mutated_checkpoints_restore_or_are_rejected_leaving_the_model_unchanged() =>
        Report(CheckpointFuzzer().Run(_folder));

    internal static FileFuzzer WeightFuzzer() => new()
    {
        Name = "weight files",
        TestClass = nameof(ModelFileFuzzTests) + ".Mutated_weight_files",
        Budget = Fuzzing.Budget(Fuzzing.Share.WeightFiles),
        Bases = ValidFiles.ModelFiles,
        NewCase = r =>
        {
            string key = r.Pick("float weights", "double weights");
            byte[] valid = ValidFiles.ModelFiles[key];
            List<string> names = Safetensors.TensorNames(valid);
            int steps = r.Weighted(0, 6, 3, 1);
            var plan = new List<Mutation>();
            for (int i = 0; i < steps; i++)
                plan.Add(r.Chance(0.55) ? Safetensors.RandomHeader(r, names) : ByteMutations.Random(r, valid.Length));
            return (key, new MutationPlan(plan));
        },
        Loads = WeightLoads,
        View = SafetensorsView,
    };

    internal static IEnumerable<LoadCheck.Load> WeightLoads(string path, string key, byte[] bytes)
    {
        long entitled = bytes.Length;
        Func<string?> strict = () => Safetensors.DuplicateKey(bytes) is { } duplicate ? "a duplicate key in the header: " + duplicate : null;
        if (key.StartsWith("float", StringComparison.Ordinal))
            yield return ModelLoad("LoadWeights", new FuzzClassifier(seed: 5), m => m.LoadWeights(path), entitled, strict, HeaderBytes(bytes));
        else
            yield return ModelLoad("LoadWeights", new FuzzRegressor(seed: 5), m => m.LoadWeights(path), entitled, strict, HeaderBytes(bytes));
        yield return new LoadCheck.Load("WeightFile.ReadMetadata", () => WeightFile.ReadMetadata(path), typeof(InvalidDataException), HeaderBytes(bytes),
            AfterSuccess: strict);
    }

    /// <summary>
    /// The bytes a header-only reader is entitled to: the declared header, if it lies within the file. Every fault of a
    /// safetensors file shows in its header and length, so a failed load is entitled to no more than this either.
    /// </summary>
    private static long HeaderBytes(byte[] bytes) =>
        bytes.Length >= 8 && BitConverter.ToUInt64(bytes, 0) is var n && n <= (ulong)bytes.Length ? (long)n + 8 : 8;

    private static LoadCheck.Load ModelLoad<T>(string loader, IModel<T> model, Action<IModel<T>> load, long entitled, Func<string?>? afterSuccess, long entitledOnFailure)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ModelSnapshot<T> before = ModelSnapshot<T>.Of(model);
        return new LoadCheck.Load($"{loader} ({typeof(T).Name})", () => load(model), typeof(InvalidDataException), entitled,
            ModelChanged: () => before.Difference(ModelSnapshot<T>.Of(model)), AfterSuccess: afterSuccess, EntitledOnFailure: entitledOnFailure);
    }

    internal static FileFuzzer CheckpointFuzzer() => new()
    {
        Name = "checkpoints",
        TestClass = nameof(ModelFileFuzzTests) + ".Mutated_checkpoints",
        Budget = Fuzzing.Budget(Fuzzing.Share.Checkpoints),
        Bases = ValidFiles.ModelFiles,
        NewCase = r =>
        {
            string key = r.Pick("float checkpoint", "double checkpoint");
            byte[] valid = ValidFiles.ModelFiles[key];
            List<string> names = Safetensors.TensorNames(valid);
            int steps = r.Weighted(0, 6, 3, 1);
            var plan = new List<Mutation>();
            for (int i = 0; i < steps; i++)
            {
                plan.Add(r.Weighted(5, 2, 2) switch
                {
                    0 => CheckpointMutations.Metadata(r),
                    1 => Safetensors.RandomHeader(r, names),
                    _ => ByteMutations.Random(r, valid.Length),
                });
            }
            return (key, new MutationPlan(plan));
        },
        Loads = CheckpointLoads,
        View = SafetensorsView,
    };

    internal static IEnumerable<LoadCheck.Load> CheckpointLoads(string path, string key, byte[] bytes)
    {
        int batches = ValidFiles.BatchesPerEpoch(key);
        if (key.StartsWith("float", StringComparison.Ordinal))
            yield return Restore(path, new FuzzClassifier(seed: 5), batches, bytes);
        else
            yield return Restore(path, new FuzzRegressor(seed: 5), batches, bytes);
    }

    private static LoadCheck.Load Restore<T>(string path, ITrainableModel<T> model, int batches, byte[] bytes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        LoaderPosition position = default;
        List<EpochResult>? history = null;
        return ModelLoad("TrainingCheckpoint.Restore", model, m => TrainingCheckpoint.Restore(path, (ITrainableModel<T>)m, batches, out position, out history), bytes.Length,
            entitledOnFailure: HeaderBytes(bytes), afterSuccess: () =>
            {
                if (Safetensors.DuplicateKey(bytes) is { } duplicate) return "a duplicate key in the header: " + duplicate;
                if (WeightFile.ReadMetadata(path).TryGetValue("history", out string? json) && Safetensors.DuplicateKey(json) is { } inHistory)
                    return "a duplicate key in the history: " + inHistory;
                double rate = double.CreateTruncating(model.LearningRate);
                if (!double.IsFinite(rate) || rate < 0) return $"the restored LearningRate is not finite and at least 0: {rate}";
                if (model.Step < 0) return $"the restored Step is negative: {model.Step}";
                if (position.Epoch < 0 || position.BatchIndex < 0 || position.BatchIndex >= batches)
                    return $"the restored data position is out of range: epoch {position.Epoch}, batch {position.BatchIndex} of {batches}";
                if (history is null || history.Any(e => e is null)) return "the restored history holds null: " + (history is null ? "the list" : "an entry");
                if (history.Any(e => !double.IsFinite(e.Loss) && !double.IsNaN(e.Loss)) || history.Any(e => e.Duration < TimeSpan.Zero))
                    return "the restored history holds an impossible entry: " + string.Join("; ", history.Select(e => e.ToString()).Take(3));
                return null;
            });
    }

    internal static string SafetensorsView(byte[] bytes)
    {
        if (bytes.Length < 8) return Convert.ToHexString(bytes);
        ulong n = BitConverter.ToUInt64(bytes, 0);
        string header = n <= (ulong)(bytes.Length - 8) ? Encoding.UTF8.GetString(bytes, 8, (int)Math.Min((long)n, 1500)) : "(header length " + n + " past the end)";
        return $"header length {n}: {header}{(n > 1500 && n <= (ulong)bytes.Length ? "..." : "")}";
    }

    private void Report(FailureLog log)
    {
        string summary = log.Summary();
        output.WriteLine(summary);
        log.WriteReport();
        Assert.True(log.Classes == 0, summary);
    }
}

/// <summary>Edits of a checkpoint's metadata: every key's value, missing keys, and the history's JSON.</summary>
internal static class CheckpointMutations
{
    private static readonly string[] Keys = { "format", "step", "learning_rate", "data_epoch", "data_batch", "data_random", "dropout_random", "history" };

    private static readonly string[] Values =
    {
        "", " ", "0", "-1", "1", "1e39", "-1e39", "3.5e38", "1e308", "1e309", "NaN", "Infinity", "-Infinity", "-0", "1e-320", "5 ", " 5", "+5",
        "0x10", "1,5", "1.5", "٣", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
        "18446744073709551616", "2147483647", "2147483648", "4", "5", "1000000", "null", "ModelGen training checkpoint 2", "ModelGen training checkpoint 1",
    };

    private static readonly string[] HistoryValues =
    {
        "[]", "null", "[null]", "{}", "\"x\"", "[1]", "[[]]", "", "[", "[{}]",
        "[{\"Epoch\":1,\"Loss\":0.5,\"LearningRate\":0.01,\"Step\":5,\"Seconds\":1e300,\"ValidationLoss\":null,\"ValidationAccuracy\":null}]",
        "[{\"Epoch\":1,\"Loss\":0.5,\"LearningRate\":0.01,\"Step\":5,\"Seconds\":-1e300,\"ValidationLoss\":null,\"ValidationAccuracy\":null}]",
        "[{\"Epoch\":1,\"Loss\":0.5,\"LearningRate\":0.01,\"Step\":5,\"Seconds\":-1,\"ValidationLoss\":null,\"ValidationAccuracy\":null}]",
        "[{\"Epoch\":1,\"Loss\":1e400,\"LearningRate\":0.01,\"Step\":5,\"Seconds\":1}]",
        "[{\"Epoch\":1e10,\"Loss\":0.5,\"LearningRate\":0.01,\"Step\":5,\"Seconds\":1}]",
        "[{\"Epoch\":1,\"Epoch\":2,\"Loss\":0.5,\"LearningRate\":0.01,\"Step\":5,\"Seconds\":1}]",
        "[{\"Loss\":\"NaN\"}]",
        "[{\"Epoch\":-1,\"Loss\":-0.5,\"LearningRate\":-1,\"Step\":-5,\"Seconds\":0,\"ValidationAccuracy\":2}]",
    };

    public static Mutation Metadata(Rng r)
    {
        string key = r.Pick(Keys);
        switch (r.Weighted(6, 1, 3, 1))
        {
            case 0:
            {
                string value = key == "history" ? r.Pick(HistoryValues) : r.Pick(Values);
                return SetMetadata($"metadata \"{key}\" := \"{value}\"", m => m[key] = value);
            }
            case 1:
                return SetMetadata($"metadata \"{key}\" removed", m => m.Remove(key));
            case 2:
                return HistoryEdit(r);
            default:
            {
                string value = r.Pick(Values);
                return Safetensors.Header($"metadata \"{key}\" twice, the copy \"{value}\" first", h =>
                    h.Replace("\"__metadata__\":{", "\"__metadata__\":{\"" + key + "\":\"" + value + "\",", StringComparison.Ordinal));
            }
        }
    }

    /// <summary>An edit of one field of one history entry (the history is JSON inside the metadata string).</summary>
    private static Mutation HistoryEdit(Rng r)
    {
        string field = r.Pick("Epoch", "Loss", "LearningRate", "Step", "Seconds", "ValidationLoss", "ValidationAccuracy");
        string value = r.Pick("null", "1e300", "-1e300", "1e400", "-1", "0", "2147483648", "9223372036854775808", "\"x\"", "\"NaN\"", "[]", "{}", "true", "1.5", "-0");
        int kind = r.Below(4);
        int entry = r.Below(2);
        string description = kind switch
        {
            0 => $"history entry {entry}: {field} := {value}",
            1 => $"history entry {entry}: {field} removed",
            2 => $"history entry {entry} := null",
            _ => $"history entry {entry}: {field} twice, the copy {value} first",
        };
        return SetMetadata(description, m =>
        {
            if (!m.TryGetValue("history", out string? text)) return;
            if (kind == 3)
            {
                int at = IndexOfNth(text, "{", entry);
                if (at >= 0) m["history"] = text[..(at + 1)] + $"\"{field}\":{value}," + text[(at + 1)..];
                return;
            }
            if (JsonNode.Parse(text) is not JsonArray array || entry >= array.Count) return;
            if (kind == 2) array[entry] = null;
            else if (array[entry] is JsonObject o)
            {
                if (kind == 0) o[field] = JsonNode.Parse(value);
                else o.Remove(field);
            }
            m["history"] = array.ToJsonString();
        });
    }

    private static int IndexOfNth(string text, string find, int n)
    {
        int at = -1;
        for (int k = 0; k <= n; k++)
        {
            at = text.IndexOf(find, at + 1, StringComparison.Ordinal);
            if (at < 0) return -1;
        }
        return at;
    }

    /// <summary>An edit of the metadata as a dictionary of strings (the header rewritten, the data left alone).</summary>
    public static Mutation SetMetadata(string description, Action<Dictionary<string, string>> edit) =>
        Safetensors.Header(description, h =>
        {
            if (JsonNode.Parse(h) is not JsonObject root || root["__metadata__"] is not JsonObject metadata) return h;
            var values = metadata.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "");
            edit(values);
            var replaced = new JsonObject();
            foreach ((string k, string v) in values) replaced[k] = v;
            root["__metadata__"] = replaced;
            return root.ToJsonString();
        });
}
