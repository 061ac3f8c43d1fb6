using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using ModelGen.Data;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>The generated SaveWeights and LoadWeights: round trips, the file format, and every way a load must refuse.</summary>
public sealed class WeightFileTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private static readonly Dataset<float> Data = TestData.Blobs<float>(96, seed: 10);
    private static readonly Dataset<double> DataDouble = TestData.Blobs<double>(96, seed: 10);

    public void Dispose() => _folder.Dispose();

    /// <summary>A model trained for a few epochs, so that parameters and running statistics are far from their initial values.</summary>
    private static TModel Trained<TModel, T>(TModel model, Dataset<T> data) where TModel : ITrainableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        new Trainer<T>(model) { Epochs = 3, Seed = 1, Output = null }.Fit(data);
        return model;
    }

    private static void AssertRoundTrip<T>(ITrainableModel<T> trained, IModel<T> fresh, Dataset<T> data, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ModelState<T> saved = ModelState<T>.Of(trained);
        T[] predictions = Same.Predictions(trained, data);
        foreach (string name in trained.BufferNames)
        {
            // Training moved the running statistics away from 0 and 1: a round trip that dropped them would show.
            ModelState<T> initial = ModelState<T>.Of(fresh);
            Assert.False(Same.Bits<T>(initial.Buffers[name], saved.Buffers[name]), $"buffer {name} still has its initial values");
        }
        Assert.False(Same.Bits<T>(ModelState<T>.Of(fresh).Weights(), saved.Weights()), "the fresh model already has the trained weights");

        trained.SaveWeights(path);
        fresh.LoadWeights(path);

        Same.Weights(saved, ModelState<T>.Of(fresh));
        Same.AssertBits<T>(predictions, Same.Predictions(fresh, data), "predictions after loading");
        // Loading does not change the model that saved.
        Same.Weights(saved, ModelState<T>.Of(trained));
    }

    [Fact]
    public void Float_round_trip_restores_parameters_buffers_and_predictions_into_a_model_with_another_seed() =>
        AssertRoundTrip<float>(Trained<NormClassifier, float>(new NormClassifier(), Data), new NormClassifier(seed: 99), Data, _folder["float.safetensors"]);

    [Fact]
    public void Double_round_trip_restores_parameters_buffers_and_predictions_into_a_model_with_another_seed() =>
        AssertRoundTrip<double>(Trained<NormClassifierDouble, double>(new NormClassifierDouble(), DataDouble), new NormClassifierDouble(seed: 99), DataDouble, _folder["double.safetensors"]);

    private static readonly (string Name, long[] Shape)[] NormClassifierTensors =
    [
        ("dense0.weight", [16, 6]), ("dense0.bias", [16]),
        ("batchnorm0.weight", [16]), ("batchnorm0.bias", [16]),
        ("dense1.weight", [3, 16]), ("dense1.bias", [3]),
        ("batchnorm0.running_mean", [16]), ("batchnorm0.running_var", [16]),
    ];

    private static void AssertHeaderAndData<T>(IModel<T> model, string path, string dtype, int elementSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        byte[] file = File.ReadAllBytes(path);
        var parts = new SafetensorsParts(file);

        Assert.Equal(0UL, (8 + parts.HeaderLength) % 8); // data 8-byte aligned, as the runtime documents
        Assert.Equal(NormClassifierTensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal),
            parts.TensorNames.OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(model.ParameterNames.Concat(model.BufferNames).OrderBy(n => n, StringComparer.Ordinal),
            parts.TensorNames.OrderBy(n => n, StringComparer.Ordinal));

        long covered = 0;
        foreach ((string name, long[] shape) in NormClassifierTensors)
        {
            Assert.Equal(dtype, parts.DType(name));
            Assert.Equal(shape, parts.Shape(name));
            (long begin, long end) = parts.Offsets(name);
            Assert.Equal(shape.Aggregate(1L, (a, b) => a * b) * elementSize, end - begin);
            covered += end - begin;

            // The bytes are the live values, little-endian.
            byte[] bytes = parts.Bytes(name);
            ReadOnlySpan<T> live = model.BufferNames.Contains(name) ? model.Buffer(name) : model.Parameter(name);
            for (int i = 0; i < live.Length; i++)
            {
                double stored = elementSize == 4
                    ? BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i)))
                    : BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8 * i)));
                Assert.Equal(double.CreateTruncating(live[i]), stored);
            }
        }
        // The tensors cover the data section exactly, without gaps or overlaps.
        Assert.Equal(parts.Data.Length, covered);
        var ranges = parts.TensorNames.Select(parts.Offsets).OrderBy(r => r.Begin).ToArray();
        for (int i = 1; i < ranges.Length; i++) Assert.Equal(ranges[i - 1].End, ranges[i].Begin);
        Assert.Equal(0, ranges[0].Begin);
    }

    [Fact]
    public void Float_file_header_has_the_contract_names_F32_dtype_shapes_and_the_values()
    {
        NormClassifier model = Trained<NormClassifier, float>(new NormClassifier(), Data);
        string path = _folder["f32.safetensors"];
        model.SaveWeights(path);
        AssertHeaderAndData<float>(model, path, "F32", 4);
    }

    [Fact]
    public void Double_file_header_has_the_contract_names_F64_dtype_shapes_and_the_values()
    {
        NormClassifierDouble model = Trained<NormClassifierDouble, double>(new NormClassifierDouble(), DataDouble);
        string path = _folder["f64.safetensors"];
        model.SaveWeights(path);
        AssertHeaderAndData<double>(model, path, "F64", 8);
    }

    [Fact]
    public void A_file_written_by_other_software_loads()
    {
        // Compose the file with the test's own writer (unpadded key order, no metadata): LoadWeights must not depend on
        // details of SaveWeights' layout.
        NormClassifier source = Trained<NormClassifier, float>(new NormClassifier(), Data);
        var header = new JsonObject();
        using var data = new MemoryStream();
        var bytes = new byte[4];
        foreach ((string name, long[] shape) in NormClassifierTensors.Reverse())
        {
            ReadOnlySpan<float> values = name.Contains("running") ? source.Buffer(name) : source.Parameter(name);
            long begin = data.Length;
            foreach (float v in values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes, v);
                data.Write(bytes);
            }
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(begin, data.Length),
            };
        }
        string path = _folder["external.safetensors"];
        File.WriteAllBytes(path, SafetensorsParts.Compose(header, data.ToArray()));

        var target = new NormClassifier(seed: 77);
        target.LoadWeights(path);
        Same.Weights(ModelState<float>.Of(source), ModelState<float>.Of(target));
    }

    // ------------------------------------------------------------------ refusals: InvalidDataException, model unchanged

    /// <summary>Loads <paramref name="path"/> into a trained model, expects <typeparamref name="TException"/>, and checks that nothing changed.</summary>
    private static TException AssertRefusedUnchanged<TException>(string path) where TException : Exception
    {
        NormClassifier model = Trained<NormClassifier, float>(new NormClassifier(seed: 5), Data);
        ModelState<float> before = ModelState<float>.Of(model);
        float[] predictions = Same.Predictions(model, Data);

        TException error = Assert.Throws<TException>(() => model.LoadWeights(path));

        Same.TrainingState(before, ModelState<float>.Of(model));
        Same.AssertBits<float>(predictions, Same.Predictions(model, Data), "predictions after a refused load");
        return error;
    }

    private string SavedNormClassifier(string name = "good.safetensors")
    {
        string path = _folder[name];
        Trained<NormClassifier, float>(new NormClassifier(seed: 8), Data).SaveWeights(path);
        return path;
    }

    [Fact]
    public void Different_architecture_is_refused_naming_the_tensor_and_both_shapes()
    {
        string path = _folder["narrow.safetensors"];
        new NarrowNormClassifier().SaveWeights(path);

        InvalidDataException error = AssertRefusedUnchanged<InvalidDataException>(path);

        Assert.Contains(path, error.Message);
        Assert.Contains("tensor 'dense0.weight' has shape [12, 6], expected [16, 6]", error.Message);
        Assert.Contains("tensor 'dense1.weight' has shape [3, 12], expected [3, 16]", error.Message);
        Assert.Contains("tensor 'batchnorm0.running_var' has shape [12], expected [16]", error.Message);
        Assert.Contains("nothing was loaded", error.Message);
    }

    [Fact]
    public void A_model_without_batch_norm_is_refused_naming_the_missing_tensors()
    {
        string path = _folder["plain.safetensors"];
        new PlainClassifier().SaveWeights(path);

        InvalidDataException error = AssertRefusedUnchanged<InvalidDataException>(path);

        Assert.Contains("missing tensor 'batchnorm0.weight'", error.Message);
        Assert.Contains("missing tensor 'batchnorm0.running_mean'", error.Message);
        Assert.DoesNotContain("'dense0.weight'", error.Message); // the tensors that match are not blamed
    }

    [Fact]
    public void A_file_with_extra_tensors_is_refused_naming_them()
    {
        string path = SavedNormClassifier();
        var plain = new PlainClassifier();
        ModelState<float> before = ModelState<float>.Of(plain);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => plain.LoadWeights(path));

        Assert.Contains("unexpected tensor 'batchnorm0.running_var'", error.Message);
        Same.TrainingState(before, ModelState<float>.Of(plain));
    }

    [Fact]
    public void Different_precision_is_refused_naming_both_dtypes()
    {
        string path = _folder["double.safetensors"];
        new NormClassifierDouble().SaveWeights(path); // same architecture, F64

        InvalidDataException error = AssertRefusedUnchanged<InvalidDataException>(path);

        Assert.Contains("tensor 'dense0.weight' has dtype F64, expected F32", error.Message);
        Assert.Contains("tensor 'batchnorm0.running_mean' has dtype F64, expected F32", error.Message);
    }

    [Fact]
    public void A_float_file_is_refused_by_the_double_model()
    {
        string path = SavedNormClassifier();
        var model = new NormClassifierDouble(seed: 3);
        ModelState<double> before = ModelState<double>.Of(model);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));

        Assert.Contains("has dtype F32, expected F64", error.Message);
        Same.TrainingState(before, ModelState<double>.Of(model));
    }

    [Fact]
    public void A_truncated_file_is_refused()
    {
        string path = SavedNormClassifier();
        byte[] bytes = File.ReadAllBytes(path);
        var parts = new SafetensorsParts(bytes);
        string last = parts.TensorNames.MaxBy(name => parts.Offsets(name).End)!;
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 10).ToArray());

        InvalidDataException error = AssertRefusedUnchanged<InvalidDataException>(path);

        Assert.Contains("truncated", error.Message);
        Assert.Contains($"tensor '{last}'", error.Message); // the last tensor in the file is the one cut short
    }

    [Fact]
    public void A_file_cut_inside_its_header_is_refused()
    {
        string path = SavedNormClassifier();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, 40).ToArray());

        InvalidDataException error = AssertRefusedUnchanged<InvalidDataException>(path);

        Assert.Contains("header length", error.Message);
        Assert.Contains("past the end of the file", error.Message);
    }

    [Fact]
    public void A_corrupted_header_is_refused()
    {
        string path = SavedNormClassifier();
        byte[] bytes = File.ReadAllBytes(path);
        int quote = Array.IndexOf(bytes, (byte)':', 8);
        bytes[quote] = (byte)'#'; // "name"#{...}: not JSON any more
        File.WriteAllBytes(path, bytes);

        InvalidDataException error = AssertRefusedUnchanged<InvalidDataException>(path);

        Assert.Contains("not valid JSON", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Garbage_is_refused()
    {
        string path = _folder["garbage.safetensors"];
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("this is not a weight file at all, just text"));

        InvalidDataException error = AssertRefusedUnchanged<InvalidDataException>(path);

        Assert.Contains("Invalid safetensors file", error.Message);
    }

    [Fact]
    public void A_file_missing_one_tensor_is_refused_naming_it()
    {
        string path = SavedNormClassifier();
        var parts = SafetensorsParts.Read(path);
        JsonObject header = parts.Header.DeepClone().AsObject();
        (long begin, long end) = parts.Offsets("dense1.bias");
        header.Remove("dense1.bias");
        header.Remove("__metadata__");
        // Remove its bytes and move the offsets of the tensors behind it.
        byte[] data = parts.Data.Take((int)begin).Concat(parts.Data.Skip((int)end)).ToArray();
        foreach (var (name, node) in header)
        {
            JsonArray offsets = node!["data_offsets"]!.AsArray();
            long b = (long)offsets[0]!, e = (long)offsets[1]!;
            if (b >= end) node["data_offsets"] = new JsonArray(b - (end - begin), e - (end - begin));
        }
        File.WriteAllBytes(path, SafetensorsParts.Compose(header, data));

        InvalidDataException error = AssertRefusedUnchanged<InvalidDataException>(path);

        Assert.Contains("missing tensor 'dense1.bias' (expected F32 [3])", error.Message);
    }

    [Fact]
    public void A_missing_file_throws_FileNotFoundException()
    {
        string path = _folder["nowhere/weights.safetensors"];
        FileNotFoundException error = AssertRefusedUnchanged<FileNotFoundException>(path);
        Assert.Contains("weights.safetensors", error.Message);
    }

    // ------------------------------------------------------------------ atomic saves

    [Fact]
    public void Saving_again_replaces_the_file_and_leaves_no_temporary_files()
    {
        string path = _folder["weights.safetensors"];
        var model = new NormClassifier();
        model.SaveWeights(path);
        Trained<NormClassifier, float>(model, Data).SaveWeights(path);

        var loaded = new NormClassifier(seed: 50);
        loaded.LoadWeights(path);
        Same.Weights(ModelState<float>.Of(model), ModelState<float>.Of(loaded));
        Assert.Equal(["weights.safetensors"], Directory.GetFileSystemEntries(_folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Saving_creates_a_missing_folder()
    {
        string path = _folder["a/b/weights.safetensors"];
        var model = new NormClassifier();
        model.SaveWeights(path);
        var loaded = new NormClassifier(seed: 50);
        loaded.LoadWeights(path);
        Same.Weights(ModelState<float>.Of(model), ModelState<float>.Of(loaded));
    }

    [Fact]
    public void A_failed_save_into_a_folder_made_read_only_keeps_the_previous_file()
    {
        string folder = Path.Combine(_folder.Path, "readonly");
        string path = Path.Combine(folder, "weights.safetensors");
        var first = new NormClassifier(seed: 1);
        first.SaveWeights(path);
        byte[] previous = File.ReadAllBytes(path);

        NormClassifier second = Trained<NormClassifier, float>(new NormClassifier(seed: 2), Data);
        using (ReadOnlyFolder.Make(folder, path))
        {
            Exception error = Record.Exception(() => second.SaveWeights(path));
            Assert.True(error is UnauthorizedAccessException or IOException, $"expected an I/O error, got {error?.GetType().Name ?? "none"}");
        }

        Assert.Equal(previous, File.ReadAllBytes(path));
        var loaded = new NormClassifier(seed: 3);
        loaded.LoadWeights(path);
        Same.Weights(ModelState<float>.Of(first), ModelState<float>.Of(loaded));
        Assert.Equal(["weights.safetensors"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_save_to_a_long_file_name_either_succeeds_or_keeps_the_previous_file()
    {
        // A file name of 240 characters is legal. If the save cannot create its temporary file beside it (a name 38
        // characters longer), it must fail without touching the existing file; if it succeeds, the file is the new one.
        string path = Path.Combine(_folder.Path, new string('w', 228) + ".safetensors");
        var first = new NormClassifier(seed: 1);
        string scratch = _folder["scratch.safetensors"];
        first.SaveWeights(scratch);
        File.Copy(scratch, path);
        byte[] previous = File.ReadAllBytes(path);

        var second = new NormClassifier(seed: 2);
        Exception? error = Record.Exception(() => second.SaveWeights(path));

        var loaded = new NormClassifier(seed: 3);
        loaded.LoadWeights(path);
        if (error is null)
        {
            Same.Weights(ModelState<float>.Of(second), ModelState<float>.Of(loaded));
        }
        else
        {
            Assert.True(error is IOException or UnauthorizedAccessException, $"unexpected {error.GetType().Name}: {error.Message}");
            Assert.Equal(previous, File.ReadAllBytes(path));
            Same.Weights(ModelState<float>.Of(first), ModelState<float>.Of(loaded));
        }
        Assert.Equal(new[] { "scratch.safetensors", Path.GetFileName(path) }.Order(), Directory.GetFileSystemEntries(_folder.Path).Select(Path.GetFileName).Order());
    }
}

/// <summary>
/// Makes a folder unwritable for the duration of a test: chmod 555, and for root (whom permissions do not stop)
/// chattr +i. On Windows, where neither exists, the target file is held open without delete sharing instead, so that
/// replacing it fails.
/// </summary>
internal sealed class ReadOnlyFolder : IDisposable
{
    private const UnixFileMode ReadExecute = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead
        | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly string _folder;
    private readonly bool _immutable;
    private readonly FileStream? _lock;

    private ReadOnlyFolder(string folder, bool immutable, FileStream? fileLock)
    {
        _folder = folder;
        _immutable = immutable;
        _lock = fileLock;
    }

    public static ReadOnlyFolder Make(string folder, string file)
    {
        if (OperatingSystem.IsWindows())
            return new ReadOnlyFolder(folder, immutable: false, new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read));
        File.SetUnixFileMode(folder, ReadExecute);
        if (!CanWrite(folder)) return new ReadOnlyFolder(folder, immutable: false, null);
        Chattr("+i", folder);
        var guard = new ReadOnlyFolder(folder, immutable: true, null);
        if (CanWrite(folder))
        {
            guard.Dispose();
            throw new InvalidOperationException($"Cannot make '{folder}' unwritable here (neither chmod nor chattr +i stops writes).");
        }
        return guard;
    }

    public void Dispose()
    {
        _lock?.Dispose();
        if (OperatingSystem.IsWindows()) return;
        if (_immutable) Chattr("-i", _folder);
        File.SetUnixFileMode(_folder, ReadExecute | UnixFileMode.UserWrite);
    }

    private static bool CanWrite(string folder)
    {
        string probe = Path.Combine(folder, ".probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    private static void Chattr(string flag, string folder)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("chattr", [flag, folder]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No chattr: Make reports that the folder stays writable.
        }
    }
}
