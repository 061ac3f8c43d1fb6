using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace ModelGen.IO.Tests;

/// <summary>Every fault of a weight file is reported specifically, naming the file, and leaves the model unchanged.</summary>
public sealed class WeightFileValidationTests : IDisposable
{
    private static readonly TensorSpec[] Specs = [new("a", [2, 2]), new("b", [3])];
    private const string GoodA = "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}";
    private const string GoodB = "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]}";

    private readonly TempFolder _folder = new();
    private readonly Dictionary<string, float[]> _model = new() { ["a"] = [9f, 9f, 9f, 9f], ["b"] = [9f, 9f, 9f] };

    public void Dispose() => _folder.Dispose();

    /// <summary>8-byte length, the JSON padded with spaces, then <paramref name="dataBytes"/> bytes of distinct floats.</summary>
    private static byte[] Craft(string json, int dataBytes)
    {
        byte[] text = Encoding.UTF8.GetBytes(json);
        int padded = text.Length + (8 - text.Length % 8) % 8;
        var file = new byte[8 + padded + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        text.CopyTo(file, 8);
        file.AsSpan(8 + text.Length, padded - text.Length).Fill((byte)' ');
        for (int k = 0; k + 4 <= dataBytes; k += 4)
            BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(8 + padded + k), k / 4 + 1);
        return file;
    }

    private string Write(byte[] content)
    {
        string path = _folder.File("weights.safetensors");
        File.WriteAllBytes(path, content);
        return path;
    }

    private void Load(string path) => WeightFile.Load<float>(path, Specs, name => _model[name]);

    private void AssertModelUnchanged()
    {
        Assert.All(_model["a"], value => Assert.Equal(9f, value));
        Assert.All(_model["b"], value => Assert.Equal(9f, value));
    }

    /// <summary>Loading fails with an InvalidDataException naming the file and containing every fragment; the model is unchanged.</summary>
    private void AssertRejected(byte[] content, params string[] fragments)
    {
        string path = Write(content);
        var error = Assert.Throws<InvalidDataException>(() => Load(path));
        Assert.Contains(Path.GetFullPath(path), error.Message, StringComparison.Ordinal);
        foreach (string fragment in fragments) Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        AssertModelUnchanged();
    }

    [Fact]
    public void A_valid_file_loads()
    {
        Load(Write(Craft("{" + GoodA + "," + GoodB + "}", 28)));
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, _model["a"]);
        Assert.Equal(new[] { 5f, 6f, 7f }, _model["b"]);
    }

    [Fact]
    public void NaN_and_infinite_values_are_legal_data()
    {
        byte[] content = Craft("{" + GoodA + "," + GoodB + "}", 28);
        int data = content.Length - 28;
        BinaryPrimitives.WriteSingleLittleEndian(content.AsSpan(data), float.NaN);
        BinaryPrimitives.WriteSingleLittleEndian(content.AsSpan(data + 16), float.NegativeInfinity);
        Load(Write(content));
        Assert.True(float.IsNaN(_model["a"][0]));
        Assert.Equal(float.NegativeInfinity, _model["b"][0]);
    }

    [Fact]
    public void Truncated_data_is_rejected() =>
        AssertRejected(Craft("{" + GoodA + "," + GoodB + "}", 28)[..^4], "truncated", "tensor 'b'", "[16, 28)", "only 24 bytes");

    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_rejected() =>
        AssertRejected([1, 0, 0, 0, 0], "truncated", "5 bytes");

    [Fact]
    public void An_empty_file_is_rejected() => AssertRejected([], "truncated", "0 bytes");

    [Fact]
    public void A_header_length_past_the_end_is_rejected()
    {
        byte[] content = Craft("{" + GoodA + "," + GoodB + "}", 28);
        BinaryPrimitives.WriteUInt64LittleEndian(content, 100_000);
        AssertRejected(content, "header length 100000 runs past the end of the file");
    }

    [Fact]
    public void A_huge_header_length_is_rejected()
    {
        byte[] content = Craft("{" + GoodA + "," + GoodB + "}", 28);
        BinaryPrimitives.WriteUInt64LittleEndian(content, ulong.MaxValue);
        AssertRejected(content, "header length 18446744073709551615 runs past the end");
    }

    [Fact]
    public void Bad_json_is_rejected() => AssertRejected(Craft("{" + GoodA + ",\"b\":{\"dtype\":", 28), "not valid JSON");

    [Fact]
    public void Invalid_utf8_is_rejected()
    {
        byte[] content = Craft("{" + GoodA + "," + GoodB.Replace("\"b\"", "\"#\"", StringComparison.Ordinal) + "}", 28);
        int hash = Array.IndexOf(content, (byte)'#');
        content[hash] = 0xFF;
        AssertRejected(content, "not valid UTF-8");
    }

    [Theory]
    [InlineData("[1,2,3]", "array")]
    [InlineData("\"text\"", "string")]
    [InlineData("42", "number")]
    public void A_header_that_is_not_an_object_is_rejected(string json, string kind) =>
        AssertRejected(Craft(json, 0), $"the header is a JSON {kind}, not an object");

    [Fact]
    public void A_missing_tensor_is_rejected() =>
        AssertRejected(Craft("{" + GoodA + "}", 16), "missing tensor 'b' (expected F32 [3])");

    [Fact]
    public void An_extra_tensor_is_rejected() =>
        AssertRejected(Craft("{" + GoodA + "," + GoodB + ",\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[28,32]}}", 32),
            "unexpected tensor 'c' (F32 [1])");

    [Fact]
    public void A_wrong_dtype_is_rejected() =>
        AssertRejected(Craft("{" + GoodA + ",\"b\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[16,40]}}", 40),
            "tensor 'b' has dtype F64, expected F32");

    [Fact]
    public void Loading_a_float_file_as_double_is_rejected()
    {
        string path = Write(Craft("{" + GoodA + "," + GoodB + "}", 28));
        var model = new Dictionary<string, double[]> { ["a"] = new double[4], ["b"] = new double[3] };
        var error = Assert.Throws<InvalidDataException>(() => WeightFile.Load<double>(path, Specs, name => model[name]));
        Assert.Contains("tensor 'a' has dtype F32, expected F64", error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'b' has dtype F32, expected F64", error.Message, StringComparison.Ordinal);
        Assert.All(model.Values.SelectMany(v => v), value => Assert.Equal(0.0, value));
    }

    [Fact]
    public void A_wrong_shape_is_rejected() =>
        AssertRejected(Craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}," + GoodB + "}", 28),
            "tensor 'a' has shape [4], expected [2, 2]");

    [Fact]
    public void Every_mismatch_is_listed_in_one_message() =>
        AssertRejected(Craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,4],\"data_offsets\":[0,16]},\"z\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]}}", 28),
            "tensor 'a' has shape [1, 4], expected [2, 2]", "missing tensor 'b'", "unexpected tensor 'z'");

    [Fact]
    public void Overlapping_offsets_are_rejected() =>
        AssertRejected(Craft("{" + GoodA + ",\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[12,24]}}", 24),
            "tensor 'b' (data_offsets [12, 24]) overlaps that of tensor 'a' (data_offsets [0, 16])");

    [Fact]
    public void A_gap_between_tensors_is_rejected() =>
        AssertRejected(Craft("{" + GoodA + ",\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[20,32]}}", 32),
            "gap", "bytes [16, 20) before tensor 'b'");

    [Fact]
    public void Offsets_not_starting_at_zero_are_rejected() =>
        AssertRejected(Craft("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[4,20]},\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[20,32]}}", 32),
            "gap", "bytes [0, 4) before tensor 'a'");

    [Fact]
    public void Offsets_not_reaching_the_end_are_rejected() =>
        AssertRejected(Craft("{" + GoodA + "," + GoodB + "}", 32), "data ends at byte 28", "32 data bytes", "4 bytes at the end");

    [Fact]
    public void A_byte_count_not_matching_the_shape_is_rejected() =>
        AssertRejected(Craft("{" + GoodA + ",\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,24]}}", 24),
            "tensor 'b' has the shape [3] of F32, which needs 12 bytes, but its data_offsets [16, 24] hold 8 bytes");

    [Theory]
    [InlineData("\"b\":{\"shape\":[3],\"data_offsets\":[16,28]}", "tensor 'b' has no \"dtype\"")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"data_offsets\":[16,28]}", "tensor 'b' has no \"shape\"")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[3]}", "tensor 'b' has no \"data_offsets\"")]
    [InlineData("\"b\":{\"dtype\":32,\"shape\":[3],\"data_offsets\":[16,28]}", "the \"dtype\" of tensor 'b' is a JSON number, not a string")]
    [InlineData("\"b\":{\"dtype\":\"Q4\",\"shape\":[3],\"data_offsets\":[16,28]}", "tensor 'b' has the unknown dtype 'Q4'")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":3,\"data_offsets\":[16,28]}", "the \"shape\" of tensor 'b' is a JSON number, not an array")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[-3],\"data_offsets\":[16,28]}", "the \"shape\" of tensor 'b' holds -3, not a non-negative integer")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[3.5],\"data_offsets\":[16,28]}", "the \"shape\" of tensor 'b' holds 3.5")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16]}", "have 1 numbers, not 2")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[28,16]}", "end before they begin: [28, 16]")]
    [InlineData("\"b\":[1,2]", "the entry of tensor 'b' is a JSON array, not an object")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]},\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]}",
        "tensor 'b' appears twice")]
    [InlineData("\"\\u0062\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]},\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]}",
        "tensor 'b' appears twice")] // the same key, escaped
    [InlineData("\"b\":{\"dtype\":\"F64\",\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]}", "tensor 'b' has the key \"dtype\" twice")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[6],\"shape\":[3],\"data_offsets\":[16,28]}", "tensor 'b' has the key \"shape\" twice")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12],\"data_offsets\":[16,28]}", "tensor 'b' has the key \"data_offsets\" twice")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"extra\":1,\"shape\":[3],\"extra\":2,\"data_offsets\":[16,28]}", "tensor 'b' has the key \"extra\" twice")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28],\"\\u0064type\":\"F64\"}", "tensor 'b' has the key \"dtype\" twice")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]},\"__metadata__\":{\"epoch\":3}",
        "metadata entry 'epoch' is a JSON number, not a string")]
    [InlineData("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]},\"__metadata__\":[]",
        "\"__metadata__\" is a JSON array, not an object of strings")]
    public void Malformed_entries_are_rejected(string entryB, string fragment) =>
        AssertRejected(Craft("{" + GoodA + "," + entryB + "}", 28), fragment);

    [Fact]
    public void Metadata_in_a_file_does_not_disturb_loading()
    {
        string path = Write(Craft("{\"__metadata__\":{\"format\":\"pt\"}," + GoodA + "," + GoodB + "}", 28));
        Load(path);
        Assert.Equal(7f, _model["b"][2]);
        Assert.Equal("pt", WeightFile.ReadMetadata(path)["format"]);
    }

    /// <summary>
    /// A file of 1 GiB and more (sparse: it takes no disk space) whose header is read and refused before its data:
    /// loading allocates a few kilobytes, not the file.
    /// </summary>
    [Theory]
    [InlineData("{\"big\":{\"dtype\":\"F32\",\"shape\":[268435456],\"data_offsets\":[0,1073741824]}}", 1L << 30, "missing tensor 'a'", "unexpected tensor 'big' (F32 [268435456])")]
    [InlineData("{" + GoodA + "," + GoodB + "}", 28 + (1L << 30), "data ends at byte 28", "belong to no tensor")]
    [InlineData("{" + GoodA + "," + GoodB + "}", 20, "truncated", "tensor 'b'")]
    public void A_large_file_is_judged_by_its_header_before_its_data_is_read(string json, long dataBytes, params string[] fragments)
    {
        string path = _folder.File("large.safetensors");
        byte[] head = Craft(json, 0);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            stream.Write(head);
            stream.SetLength(head.Length + dataBytes);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        foreach (string fragment in fragments) Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"loading allocated {allocated} bytes");
        AssertModelUnchanged();
    }

    [Fact]
    public void ReadMetadata_validates_the_structure_too()
    {
        string path = Write(Craft("{\"__metadata__\":{\"format\":\"pt\"}," + GoodA + "," + GoodB + "}", 28)[..^1]);
        var error = Assert.Throws<InvalidDataException>(() => WeightFile.ReadMetadata(path));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => Load(_folder.File("none.safetensors")));
        Assert.Throws<FileNotFoundException>(() => Load(Path.Combine(_folder.Path, "no-folder", "none.safetensors")));
        Assert.Throws<FileNotFoundException>(() => WeightFile.ReadMetadata(_folder.File("none.safetensors")));
        AssertModelUnchanged();
    }

    [Fact]
    public void An_accessor_of_the_wrong_length_loads_nothing()
    {
        string path = Write(Craft("{" + GoodA + "," + GoodB + "}", 28));
        var shortB = new float[2];
        var error = Assert.Throws<ArgumentException>(() =>
            WeightFile.Load<float>(path, Specs, name => name == "b" ? shortB : _model[name]));
        Assert.Contains("tensor 'b'", error.Message, StringComparison.Ordinal);
        AssertModelUnchanged();
    }

    [Fact]
    public void Invalid_specs_are_argument_errors()
    {
        string path = _folder.File("x.safetensors");
        float[] values = [1f];
        Assert.Throws<ArgumentException>(() => WeightFile.Save<float>(path, [new("a", [1]), new("a", [1])], _ => values));
        Assert.Throws<ArgumentException>(() => WeightFile.Save<float>(path, [new("a", [-1])], _ => values));
        Assert.Throws<ArgumentException>(() => WeightFile.Save<float>(path, [new("__metadata__", [1])], _ => values));
        Assert.Throws<ArgumentException>(() => WeightFile.Save<float>(path, [new("a", [2])], _ => values));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }
}
