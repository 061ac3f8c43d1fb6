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
    /// position and history. Everything is read and checked first: a bad file throws InvalidDataException naming what
    /// is wrong, and leaves the model unchanged.
    /// </summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="model">The model to restore.</param>
    /// <param name="batchesPerEpoch">Batches in an epoch of the loader the position is for (bounds its batch index).</param>
    /// <param name="position">The data position to continue from.</param>
    /// <param name="history">The epochs trained before the checkpoint.</param>
    public static void Restore<T>(string path, ITrainableModel<T> model, int batchesPerEpoch, out LoaderPosition position, out List<EpochResult> history)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        IReadOnlyDictionary<string, string> metadata = WeightFile.ReadMetadata(path);
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
        HistoryEntry[] entries;
        try
        {
            entries = JsonSerializer.Deserialize(Get("history"), HistoryJson.Default.HistoryEntryArray) ?? throw Bad("\"history\" is null");
        }
        catch (JsonException e)
        {
            throw new System.IO.InvalidDataException($"{path}: \"history\" is not a list of epochs: {e.Message}", e);
        }

        // Every check above and inside Load happens before the model changes.
        WeightFile.Load<T>(path, Tensors(model), Accessor(model));
        model.RestoreStep(step);
        model.RandomState = dropout;
        model.LearningRate = T.CreateTruncating(learningRate);
        position = data;
        history = entries.Select(e => e.ToResult()).ToList();
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

    /// <summary>The history's JSON, by System.Text.Json's source generator (no reflection, so trimmed and Native AOT builds work).</summary>
    [System.Text.Json.Serialization.JsonSerializable(typeof(HistoryEntry[]))]
    internal sealed partial class HistoryJson : System.Text.Json.Serialization.JsonSerializerContext;

    // One constructor only: System.Text.Json deserializes a record through it.
    internal sealed record HistoryEntry(int Epoch, double Loss, double LearningRate, long Step, double Seconds, double? ValidationLoss, double? ValidationAccuracy)
    {
        public static HistoryEntry From(EpochResult e) => new(e.Epoch, e.Loss, e.LearningRate, e.Step, e.Duration.TotalSeconds, e.ValidationLoss, e.ValidationAccuracy);

        public EpochResult ToResult() => new(Epoch, Loss, LearningRate, Step, TimeSpan.FromSeconds(Seconds))
        {
            ValidationLoss = ValidationLoss,
            ValidationAccuracy = ValidationAccuracy,
        };
    }
}
