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

    [Fact]
    public void A_write_removes_the_stale_temporary_files_of_its_own_target_and_nothing_else()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        DateTime old = DateTime.UtcNow.AddHours(-2);
        string Make(string name, DateTime written)
        {
            string file = folder.File(name);
            File.WriteAllBytes(file, [1, 2, 3]); // what a killed write leaves: the start of a file
            File.SetLastWriteTimeUtc(file, written);
            return file;
        }
        string Unique() => Guid.NewGuid().ToString("N");

        // Left by two writes of this target that were killed long ago: removed.
        string[] stale = [Make($".model.safetensors.{Unique()}.tmp", old), Make($".model.safetensors.{Unique()}.tmp", old)];
        // Kept: a temporary file written just now (a write may be under way), the temporary files of other targets,
        // and every name that is not exactly the pattern.
        string[] kept =
        [
            Make($".model.safetensors.{Unique()}.tmp", DateTime.UtcNow),
            Make($".other.safetensors.{Unique()}.tmp", old),
            Make($".model.safetensor.{Unique()}.tmp", old),
            Make($".xmodel.safetensors.{Unique()}.tmp", old),
            Make($"model.safetensors.{Unique()}.tmp", old),
            Make($".model.safetensors.{Unique().ToUpperInvariant()}.tmp", old),
            Make($".model.safetensors.{Unique()[..31]}.tmp", old),
            Make($".model.safetensors.{Unique()}.tmp.bak", old),
            Make(".model.safetensors.tmp", old),
            Make("model.safetensors.tmp", old),
            Make("notes.tmp", old),
        ];
        // Old but still open in a writer (its exclusive handle): kept.
        string busy = Make($".model.safetensors.{Unique()}.tmp", old);

        using (new FileStream(busy, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            WeightFile.Save<float>(path, Specs, name => new float[name == "dense0.bias" ? 2 : 4]);
        }

        Assert.All(stale, file => Assert.False(File.Exists(file), file));
        Assert.All(kept, file => Assert.True(File.Exists(file), file));
        Assert.True(File.Exists(busy));
        Assert.True(File.Exists(path));
        Assert.Equal(kept.Length + 2, Directory.GetFiles(folder.Path).Length); // kept, busy and the target

        // The next write of the target, once nothing holds it, removes the busy one too.
        File.SetLastWriteTimeUtc(busy, old);
        WeightFile.Save<float>(path, Specs, name => new float[name == "dense0.bias" ? 2 : 4]);
        Assert.False(File.Exists(busy));
    }
}
