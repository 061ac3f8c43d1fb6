using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace ModelGen.IO.Tests;

/// <summary>Saving replaces the file atomically: a failure mid-save leaves the previous file and no temporary file.</summary>
public class AtomicSaveTests
{
    private static readonly TensorSpec[] Specs = [new("dense0.weight", [2, 2]), new("dense0.bias", [2])];

    [Fact]
    public void An_exception_from_the_accessor_mid_save_keeps_the_previous_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        var values = new Dictionary<string, float[]> { ["dense0.weight"] = [1f, 2f, 3f, 4f], ["dense0.bias"] = [5f, 6f] };
        WeightFile.Save<float>(path, Specs, name => values[name]);
        byte[] previous = File.ReadAllBytes(path);

        values["dense0.weight"] = [10f, 20f, 30f, 40f];
        int calls = 0;
        int failAt = -1;
        Span<float> Failing(string name)
        {
            // The length check calls each accessor once; fail in the write phase, after the first tensor is written.
            if (++calls == failAt) throw new InvalidOperationException("simulated crash");
            return values[name];
        }
        failAt = Specs.Length + 2;
        var error = Assert.Throws<InvalidOperationException>(() => WeightFile.Save<float>(path, Specs, Failing));

        Assert.Equal("simulated crash", error.Message);
        Assert.Equal(failAt, calls);
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
        var loaded = new Dictionary<string, float[]> { ["dense0.weight"] = new float[4], ["dense0.bias"] = new float[2] };
        WeightFile.Load<float>(path, Specs, name => loaded[name]);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, loaded["dense0.weight"]);
    }

    [Fact]
    public void Saving_replaces_an_existing_file_and_leaves_no_temporary_file()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "checkpoints", "model.safetensors"); // the folder is created
        float[] weight = [1f, 2f, 3f, 4f], bias = [5f, 6f];
        WeightFile.Save<float>(path, Specs, name => name == "dense0.bias" ? bias : weight);
        bias[0] = 50f;
        WeightFile.Save<float>(path, Specs, name => name == "dense0.bias" ? bias : weight);

        Assert.Equal(new[] { path }, Directory.GetFiles(Path.GetDirectoryName(path)!));
        var loaded = new float[2];
        var ignored = new float[4];
        WeightFile.Load<float>(path, Specs, name => name == "dense0.bias" ? loaded : ignored);
        Assert.Equal(new[] { 50f, 6f }, loaded);
    }
}
