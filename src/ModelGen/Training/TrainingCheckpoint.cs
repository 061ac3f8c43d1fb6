using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using ModelGen.Data;
using ModelGen.IO;

namespace ModelGen.Training;

/// <summary>
/// The whole state of a training run in one safetensors file: every parameter and buffer under its own name, every
/// optimizer state tensor as <c>optimizer.&lt;state&gt;</c> (flat, in parameter order), and in the metadata the step
/// count, the learning rate, the data position (epoch, batch, shuffling generator), the dropout generator and the
/// history so far. Restoring it and training on gives bit-identical results to a run that never stopped.
/// </summary>
public static partial class TrainingCheckpoint
{
    private const string OptimizerPrefix = "optimizer.";

    /// <summary>Writes the checkpoint (atomically).</summary>
    public static void Save<T>(string path, ITrainableModel<T> model, LoaderPosition position, IReadOnlyList<EpochResult> history)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "ModelGen training checkpoint 1",
            ["step"] = model.Step.ToString(CultureInfo.InvariantCulture),
            ["learning_rate"] = double.CreateTruncating(model.LearningRate).ToString("R", CultureInfo.InvariantCulture),
            ["data_epoch"] = position.Epoch.ToString(CultureInfo.InvariantCulture),
            ["data_batch"] = position.BatchIndex.ToString(CultureInfo.InvariantCulture),
            ["data_random"] = position.RandomState.ToString(CultureInfo.InvariantCulture),
            ["dropout_random"] = model.RandomState.ToString(CultureInfo.InvariantCulture),
            ["history"] = JsonSerializer.Serialize(history.Select(HistoryEntry.From).ToArray(), HistoryJson.Default.HistoryEntryArray),
        };
        WeightFile.Save<T>(path, Tensors(model), Accessor(model), metadata);
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="model"/> (which must have the same architecture) and returns the data
    /// position and history. Everything is read and checked before the first write to the model: the file's structure,
    /// every metadata field (format, step, learning rate, which must also be finite in the model's precision, data
    /// position, dropout generator, every history entry and each of its values), every tensor's name, dtype, shape and
    /// values (all finite). Any problem throws <see cref="System.IO.InvalidDataException"/> whose message names the file
    /// and the field, and leaves the model bit for bit as it was: parameters, buffers, optimizer state, step, learning
    /// rate and dropout generator.
    /// </summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="model">The model to restore.</param>
    /// <param name="batchesPerEpoch">Batches in an epoch of the loader the position is for (bounds its batch index).</param>
    /// <param name="position">The data position to continue from.</param>
    /// <param name="history">The epochs trained before the checkpoint.</param>
    /// <exception cref="System.IO.FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="System.IO.InvalidDataException">The file is not a valid checkpoint for this model (model unchanged).</exception>
    public static void Restore<T>(string path, ITrainableModel<T> model, int batchesPerEpoch, out LoaderPosition position, out List<EpochResult> history)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        State<T>? state = null;
        // The metadata is checked inside Load, after the header is validated and before the tensors are compared,
        // read and copied: the file is read once, and every check happens before the model changes.
        WeightFile.LoadChecked<T>(path, Tensors(model), Accessor(model),
            header => state = ReadState<T>(path, header.Metadata, batchesPerEpoch),
            requireFinite: true); // the trainer never lets a value become NaN or ±∞, so one in a checkpoint is damage
        // Nothing below can fail: every value was checked by ReadState.
        model.RestoreStep(state!.Step);
        model.RandomState = state.Dropout;
        model.LearningRate = state.LearningRate;
        position = state.Position;
        history = state.History;
    }

    /// <summary>The scalar state of a checkpoint, validated.</summary>
    private sealed record State<T>(long Step, T LearningRate, LoaderPosition Position, ulong Dropout, List<EpochResult> History)
        where T : unmanaged, IFloatingPointIeee754<T>;

    private static State<T> ReadState<T>(string path, IReadOnlyDictionary<string, string> metadata, int batchesPerEpoch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string Get(string key) => metadata.TryGetValue(key, out string? value)
            ? value : throw Bad($"not a ModelGen training checkpoint (no \"{key}\" in its metadata)");
        System.IO.InvalidDataException Bad(string what) => new($"{path}: {what}.");
        long Integer(string key, long min, long max) =>
            long.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= min && v <= max
                ? v : throw Bad($"\"{key}\" is \"{Get(key)}\", but it must be an integer in {min}..{max}");
        ulong Unsigned(string key) =>
            ulong.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v) ? v : throw Bad($"\"{key}\" is \"{Get(key)}\", not an unsigned integer");

        if (Get("format") != "ModelGen training checkpoint 1")
            throw Bad($"unknown checkpoint format \"{Get("format")}\"");
        long step = Integer("step", 0, long.MaxValue);
        var data = new LoaderPosition((int)Integer("data_epoch", 0, int.MaxValue), (int)Integer("data_batch", 0, Math.Max(0, batchesPerEpoch - 1)), Unsigned("data_random"));
        ulong dropout = Unsigned("dropout_random");
        if (!double.TryParse(Get("learning_rate"), NumberStyles.Float, CultureInfo.InvariantCulture, out double learningRate) || !double.IsFinite(learningRate) || learningRate < 0)
            throw Bad($"\"learning_rate\" is \"{Get("learning_rate")}\", not a finite number at least 0");
        T rate = T.CreateTruncating(learningRate);
        if (!T.IsFinite(rate))
            throw Bad($"\"learning_rate\" is \"{Get("learning_rate")}\", beyond the range of the model's {typeof(T).Name}");

        HistoryEntry?[] entries;
        try
        {
            entries = JsonSerializer.Deserialize(Get("history"), HistoryJson.Default.HistoryEntryArray) ?? throw Bad("\"history\" is null, not a list of epochs");
        }
        catch (JsonException e)
        {
            throw new System.IO.InvalidDataException($"{path}: \"history\" is not a list of epochs: {e.Message}", e);
        }
        var history = new List<EpochResult>(entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            string problem = entries[i] is HistoryEntry entry ? entry.Problem(step) : " is null, not an epoch";
            if (problem.Length > 0) throw Bad($"\"history\"[{i}]{problem}");
            history.Add(entries[i]!.ToResult());
        }
        return new State<T>(step, rate, data, dropout, history);
    }

    private static List<TensorSpec> Tensors<T>(ITrainableModel<T> model) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tensors = new List<TensorSpec>();
        foreach (string name in model.ParameterNames) tensors.Add(new TensorSpec(name, new[] { model.Parameter(name).Length }));
        foreach (string name in model.BufferNames) tensors.Add(new TensorSpec(name, new[] { model.Buffer(name).Length }));
        foreach (string name in model.OptimizerStateNames) tensors.Add(new TensorSpec(OptimizerPrefix + name, new[] { model.ParameterCount }));
        return tensors;
    }

    private static TensorAccessor<T> Accessor<T>(ITrainableModel<T> model) where T : unmanaged, IFloatingPointIeee754<T> =>
        name => name.StartsWith(OptimizerPrefix, StringComparison.Ordinal) ? model.OptimizerState(name.Substring(OptimizerPrefix.Length))
            : model.ParameterNames.Contains(name) ? model.Parameter(name) : model.Buffer(name);

    /// <summary>
    /// The history's JSON, by System.Text.Json's source generator (no reflection, so trimmed and Native AOT builds work).
    /// Reading is strict: every field present once, no unknown field.
    /// </summary>
    [System.Text.Json.Serialization.JsonSourceGenerationOptions(
        AllowDuplicateProperties = false,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
    [System.Text.Json.Serialization.JsonSerializable(typeof(HistoryEntry[]))]
    internal sealed partial class HistoryJson : System.Text.Json.Serialization.JsonSerializerContext;

    // One constructor only: System.Text.Json deserializes a record through it.
    internal sealed record HistoryEntry(int Epoch, double Loss, double LearningRate, long Step, double Seconds, double? ValidationLoss, double? ValidationAccuracy)
    {
        public static HistoryEntry From(EpochResult e) => new(e.Epoch, e.Loss, e.LearningRate, e.Step, e.Duration.TotalSeconds, e.ValidationLoss, e.ValidationAccuracy);

        /// <summary>
        /// What is wrong with the entry of a checkpoint taken at step <paramref name="checkpointStep"/> (".Field is …"),
        /// or "" when it is sane: values the trainer can have written, each one convertible to an <see cref="EpochResult"/>.
        /// </summary>
        public string Problem(long checkpointStep)
        {
            if (Epoch < 1) return Fault(nameof(Epoch), Epoch, "an epoch number at least 1");
            if (!double.IsFinite(Loss)) return Fault(nameof(Loss), Loss, "a finite number");
            if (!double.IsFinite(LearningRate) || LearningRate < 0) return Fault(nameof(LearningRate), LearningRate, "a finite number at least 0");
            if (Step < 0 || Step > checkpointStep) return Fault(nameof(Step), Step, $"a step count in 0..{checkpointStep} (the checkpoint's \"step\")");
            // TimeSpan.FromSeconds takes at most TimeSpan.MaxValue (about 9.2e11 seconds).
            if (!double.IsFinite(Seconds) || Seconds < 0 || Seconds > TimeSpan.MaxValue.TotalSeconds)
                return Fault(nameof(Seconds), Seconds, $"a duration in 0..{TimeSpan.MaxValue.TotalSeconds} seconds");
            if (ValidationLoss is double loss && !double.IsFinite(loss)) return Fault(nameof(ValidationLoss), loss, "null or a finite number");
            if (ValidationAccuracy is double accuracy && !(accuracy >= 0 && accuracy <= 1)) return Fault(nameof(ValidationAccuracy), accuracy, "null or a fraction in 0..1");
            return "";
        }

        private static string Fault(string field, double value, string expected) =>
            string.Create(CultureInfo.InvariantCulture, $".{field} is {value:R}, but it must be {expected}");

        public EpochResult ToResult() => new(Epoch, Loss, LearningRate, Step, TimeSpan.FromSeconds(Seconds))
        {
            ValidationLoss = ValidationLoss,
            ValidationAccuracy = ValidationAccuracy,
        };
    }
}
