using System;
using System.Buffers.Binary;
using System.IO;
using System.Text.Json.Nodes;
using ModelGen.Data;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>
/// A corrupt checkpoint never changes the model: every field of a real checkpoint is corrupted in turn, and each time
/// Restore throws InvalidDataException naming the field, with the model's whole training state bit for bit as before.
/// </summary>
public sealed class CheckpointValidationTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private static readonly Dataset<float> Train = TestData.Blobs<float>(150, seed: 41, noise: 1.2); // 10 batches of 16
    private static readonly Dataset<float> Validation = TestData.Blobs<float>(60, seed: 42, noise: 1.2);

    /// <summary>A checkpoint after two epochs of a dropout and batch-norm classifier (Adam), made once.</summary>
    private static readonly Lazy<byte[]> Good = new(() =>
    {
        using var folder = new TempFolder();
        string path = folder["checkpoint.safetensors"];
        new Trainer<float>(new DropoutClassifier()) { Epochs = 2, Seed = 5, CheckpointPath = path, Output = null }.Fit(Train, Validation);
        return File.ReadAllBytes(path);
    });

    public void Dispose() => _folder.Dispose();

    private static SafetensorsParts Parts => new(Good.Value);

    private string Write(byte[] file)
    {
        string path = _folder["corrupt-" + Guid.NewGuid().ToString("N") + ".safetensors"];
        File.WriteAllBytes(path, file);
        return path;
    }

    private string WithMetadata(string key, string value)
    {
        SafetensorsParts parts = Parts;
        JsonObject header = parts.Header.DeepClone().AsObject();
        header["__metadata__"]![key] = value;
        return Write(SafetensorsParts.Compose(header, parts.Data));
    }

    private string WithHistory(Func<string, string> edit)
    {
        string history = (string)Parts.Header["__metadata__"]!["history"]!;
        return WithMetadata("history", edit(history));
    }

    /// <summary>A model in the middle of its own training: every part of its state differs from the checkpoint's.</summary>
    private static DropoutClassifier Busy()
    {
        var model = new DropoutClassifier(seed: 7);
        new Trainer<float>(model) { Epochs = 1, Seed = 3, Output = null, Schedule = new ConstantSchedule(0.003) }.Fit(Train);
        return model;
    }

    private static InvalidDataException AssertRefused(string path, params string[] fragments)
    {
        DropoutClassifier model = Busy();
        ModelState<float> before = ModelState<float>.Of(model);

        Exception? error = Record.Exception(() => TrainingCheckpoint.Restore(path, model, batchesPerEpoch: 10, out _, out _));

        Assert.NotNull(error);
        Same.TrainingState(before, ModelState<float>.Of(model)); // parameters, buffers, optimizer state, step, rate, dropout
        var invalid = Assert.IsType<InvalidDataException>(error);
        foreach (string fragment in fragments) Assert.Contains(fragment, invalid.Message);
        return invalid;
    }

    [Fact]
    public void The_good_checkpoint_restores()
    {
        var model = new DropoutClassifier(seed: 7);
        TrainingCheckpoint.Restore(Write(Good.Value), model, 10, out LoaderPosition position, out var history);
        Assert.Equal(2, history.Count);
        Assert.Equal(2, position.Epoch);
        Assert.Equal(20, ((ITrainableModel<float>)model).Step);
    }

    [Theory]
    [InlineData("learning_rate", "1e39", "\"learning_rate\" is \"1e39\"", "Single")] // finite as double, +∞ as float
    [InlineData("learning_rate", "NaN", "\"learning_rate\" is \"NaN\"")]
    [InlineData("learning_rate", "Infinity", "\"learning_rate\"")]
    [InlineData("learning_rate", "-0.5", "\"learning_rate\" is \"-0.5\"")]
    [InlineData("learning_rate", "", "\"learning_rate\"")]
    [InlineData("step", "-1", "\"step\" is \"-1\"")]
    [InlineData("step", "99999999999999999999", "\"step\"")]
    [InlineData("data_epoch", "-1", "\"data_epoch\"")]
    [InlineData("data_epoch", "2147483648", "\"data_epoch\"")]
    [InlineData("data_batch", "10", "\"data_batch\" is \"10\"")]
    [InlineData("data_random", "-3", "\"data_random\"")]
    [InlineData("dropout_random", "x", "\"dropout_random\"")]
    [InlineData("format", "ModelGen training checkpoint 2", "format")]
    [InlineData("history", "null", "\"history\" is null")]
    [InlineData("history", "{}", "\"history\" is not a list of epochs")]
    [InlineData("history", "[null]", "\"history\"[0] is null")]
    [InlineData("history", "[1, 2]", "\"history\" is not a list of epochs")]
    public void A_corrupt_metadata_field_is_refused_by_name(string key, string value, params string[] fragments) =>
        AssertRefused(WithMetadata(key, value), fragments);

    [Theory]
    [InlineData("Seconds", "1e300", "\"history\"[1].Seconds is 1E+300")]
    [InlineData("Seconds", "-1", "\"history\"[1].Seconds is -1")]
    [InlineData("Epoch", "0", "\"history\"[1].Epoch is 0")]
    [InlineData("Step", "-4", "\"history\"[1].Step is -4")]
    [InlineData("Step", "21", "\"history\"[1].Step is 21")] // after the checkpoint's own step (20)
    [InlineData("Loss", "1e400", "\"history\"")]        // not a finite double: refused by the JSON reader
    [InlineData("LearningRate", "-0.001", "\"history\"[1].LearningRate is -0.001")]
    [InlineData("ValidationLoss", "-1e999", "\"history\"")]
    [InlineData("ValidationAccuracy", "1.5", "\"history\"[1].ValidationAccuracy is 1.5")]
    [InlineData("ValidationAccuracy", "-0.25", "\"history\"[1].ValidationAccuracy is -0.25")]
    [InlineData("Epoch", "\"two\"", "\"history\" is not a list of epochs")]
    public void A_corrupt_history_value_is_refused_by_name(string field, string json, string fragment) =>
        AssertRefused(WithHistory(history =>
        {
            JsonArray entries = JsonNode.Parse(history)!.AsArray();
            entries[1]![field] = JsonNode.Parse(json);
            return entries.ToJsonString();
        }), fragment);

    [Fact]
    public void A_history_entry_with_a_missing_an_unknown_or_a_repeated_field_is_refused()
    {
        AssertRefused(WithHistory(h => { var a = JsonNode.Parse(h)!.AsArray(); a[0]!.AsObject().Remove("Seconds"); return a.ToJsonString(); }),
            "\"history\" is not a list of epochs", "Seconds");
        AssertRefused(WithHistory(h => { var a = JsonNode.Parse(h)!.AsArray(); a[0]!["Secs"] = 1; return a.ToJsonString(); }),
            "\"history\" is not a list of epochs", "Secs");
        AssertRefused(WithHistory(h => h.Replace("\"Seconds\":", "\"Seconds\":1,\"Seconds\":", StringComparison.Ordinal)),
            "\"history\" is not a list of epochs");
    }

    [Theory]
    [InlineData("dense0.weight", float.NaN)]
    [InlineData("batchnorm0.running_var", float.PositiveInfinity)]
    [InlineData("optimizer.exp_avg_sq", float.NegativeInfinity)]
    public void A_non_finite_tensor_value_is_refused_by_name(string tensor, float value)
    {
        SafetensorsParts parts = Parts;
        byte[] data = (byte[])parts.Data.Clone();
        (long begin, long end) = parts.Offsets(tensor);
        int index = (int)((end - begin) / 4 - 1); // the last value
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan((int)begin + 4 * index), value);
        AssertRefused(Write(SafetensorsParts.Compose(parts.Header, data)), $"value {index} of tensor '{tensor}'", "finite");
    }

    [Fact]
    public void A_tensor_of_the_wrong_dtype_or_length_is_refused_by_name()
    {
        SafetensorsParts parts = Parts;
        JsonObject header = parts.Header.DeepClone().AsObject();
        header["optimizer.exp_avg"]!["dtype"] = "I32"; // same byte count, another type
        AssertRefused(Write(SafetensorsParts.Compose(header, parts.Data)), "optimizer.exp_avg", "dtype I32, expected F32");

        header = parts.Header.DeepClone().AsObject();
        var shape = header["batchnorm0.running_mean"]!["shape"]!.AsArray();
        long n = (long)shape[0]!;
        header["batchnorm0.running_mean"]!["shape"] = new JsonArray(n / 2, 2); // same count, another shape
        AssertRefused(Write(SafetensorsParts.Compose(header, parts.Data)), "batchnorm0.running_mean", $"shape [{n / 2}, 2], expected [{n}]");
    }

    [Fact]
    public void A_learning_rate_beyond_float_is_fine_for_a_double_model()
    {
        string path = _folder["double.safetensors"];
        new Trainer<double>(new NormClassifierDouble()) { Epochs = 1, CheckpointPath = path, Output = null }.Fit(TestData.Blobs<double>(150, 41));
        SafetensorsParts parts = SafetensorsParts.Read(path);
        JsonObject header = parts.Header.DeepClone().AsObject();
        header["__metadata__"]!["learning_rate"] = "1e39";
        File.WriteAllBytes(path, SafetensorsParts.Compose(header, parts.Data));

        var model = new NormClassifierDouble(seed: 3);
        TrainingCheckpoint.Restore(path, model, 10, out _, out _);
        Assert.Equal(1e39, ((ITrainableModel<double>)model).LearningRate);
    }
}
