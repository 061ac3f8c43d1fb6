using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace ModelGen.IO.Tests;

/// <summary>The safetensors layout: the conventions' test vector, byte-exact output, round trips and interop with Python.</summary>
public class SafetensorsFormatTests
{
    private const string TestVectorHeader = "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    private static byte[] TestVectorFile()
    {
        byte[] header = Encoding.UTF8.GetBytes(TestVectorHeader);
        Assert.Equal(0x3C, header.Length);
        var file = new List<byte>(Hex.Parse("3C00000000000000"));
        file.AddRange(header);
        foreach (int value in new[] { 1, -2, 300, int.MinValue })
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
            file.AddRange(bytes);
        }
        return file.ToArray();
    }

    [Fact]
    public void Reader_parses_the_test_vector_of_the_conventions()
    {
        SafetensorsFile file = SafetensorsReader.Parse(TestVectorFile(), "test-vector");

        Assert.Equal(0x3C, file.Header.HeaderLength);
        Assert.Equal(8 + 0x3C, file.Header.DataStart);
        Assert.Equal(16, file.Header.DataLength);
        Assert.Empty(file.Header.Metadata);
        SafetensorsTensorInfo tensor = Assert.Single(file.Header.Tensors);
        Assert.Equal("test", tensor.Name);
        Assert.Equal("I32", tensor.DType);
        Assert.Equal(new long[] { 2, 2 }, tensor.Shape);
        Assert.Equal((0L, 16L), (tensor.Begin, tensor.End));
        Assert.Equal(new[] { 1, -2, 300, int.MinValue }, file.ToArray<int>("test"));
    }

    [Fact]
    public void Test_vector_read_from_disk_gives_the_same_header()
    {
        using var folder = new TempFolder();
        string path = folder.File("vector.safetensors");
        File.WriteAllBytes(path, TestVectorFile());

        SafetensorsHeader header = SafetensorsReader.ReadHeader(path);

        Assert.Equal("test", Assert.Single(header.Tensors).Name);
        Assert.Empty(WeightFile.ReadMetadata(path));
    }

    [Fact]
    public void Writer_produces_the_test_vector_header_padded_to_eight_bytes()
    {
        var stream = new MemoryStream();
        var writer = new SafetensorsWriter(stream);
        writer.AddTensor("test", SafetensorsDType.I32, [2, 2]);
        writer.WriteHeader();
        writer.WriteTensor<int>([1, -2, 300, int.MinValue]);
        writer.Complete();
        byte[] bytes = stream.ToArray();

        byte[] vector = TestVectorFile();
        // Same JSON, then 4 spaces: 0x3C + 4 = 0x40, so the data starts at 72, a multiple of 8.
        Assert.Equal(Hex.Parse("4000000000000000"), bytes[..8]);
        Assert.Equal(TestVectorHeader + "    ", Encoding.UTF8.GetString(bytes, 8, 0x40));
        Assert.Equal(vector[(8 + 0x3C)..], bytes[(8 + 0x40)..]);
    }

    [Fact]
    public void Saved_file_has_the_exact_byte_layout()
    {
        using var folder = new TempFolder();
        string path = folder.File("layout.safetensors");
        var values = new Dictionary<string, float[]> { ["w"] = [1f, -2f, 0.5f], ["bias"] = [3f] };
        TensorSpec[] specs = [new("w", [3]), new("bias", [1])];

        WeightFile.Save<float>(path, specs, name => values[name], new Dictionary<string, string> { ["k"] = "v" });
        byte[] bytes = File.ReadAllBytes(path);

        const string json = "{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}," +
                            "\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}";
        int padding = (8 - json.Length % 8) % 8;
        Assert.NotEqual(0, padding); // the case worth testing: the JSON alone would leave the data unaligned
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal((ulong)(json.Length + padding), headerLength);
        Assert.Equal(0, (8 + (int)headerLength) % 8);
        Assert.Equal(json + new string(' ', padding), Encoding.ASCII.GetString(bytes, 8, (int)headerLength));
        Assert.Equal(Hex.Parse("0000803F 000000C0 0000003F 00004040"), bytes[(8 + (int)headerLength)..]);
    }

    [Fact]
    public void Float_tensors_round_trip_bit_for_bit()
    {
        using var folder = new TempFolder();
        string path = folder.File("f32.safetensors");
        var random = new Random(7);
        var saved = new Dictionary<string, float[]>
        {
            ["dense0.weight"] = Enumerable.Range(0, 12).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(),
            ["dense0.bias"] = [float.NaN, -0.0f, float.Epsilon, float.MaxValue],
            ["empty"] = [],
        };
        TensorSpec[] specs = [new("dense0.weight", [3, 4]), new("dense0.bias", [4]), new("empty", [0, 5])];
        WeightFile.Save<float>(path, specs, name => saved[name]);

        var loaded = saved.ToDictionary(pair => pair.Key, pair => new float[pair.Value.Length]);
        WeightFile.Load<float>(path, specs, name => loaded[name]);

        foreach (string name in saved.Keys)
            Assert.Equal(saved[name].Select(BitConverter.SingleToInt32Bits), loaded[name].Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(SafetensorsDType.F32, SafetensorsReader.ReadHeader(path).Tensors[0].DType);
    }

    [Fact]
    public void Double_tensors_round_trip_bit_for_bit_with_metadata()
    {
        using var folder = new TempFolder();
        string path = folder.File("f64.safetensors");
        var random = new Random(11);
        var saved = new Dictionary<string, double[]>
        {
            ["conv2d0.weight"] = Enumerable.Range(0, 2 * 3 * 3 * 3).Select(_ => random.NextDouble() - 0.5).ToArray(),
            ["batchnorm0.running_var"] = [double.NaN, double.PositiveInfinity, double.Epsilon],
            ["step"] = [12345],
        };
        TensorSpec[] specs = [new("conv2d0.weight", [2, 3, 3, 3]), new("batchnorm0.running_var", [3]), new("step", [])];
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["model"] = "Net \"v2\" ✓" };
        WeightFile.Save<double>(path, specs, name => saved[name], metadata);

        var loaded = saved.ToDictionary(pair => pair.Key, pair => new double[pair.Value.Length]);
        WeightFile.Load<double>(path, specs, name => loaded[name]);

        foreach (string name in saved.Keys)
            Assert.Equal(saved[name].Select(BitConverter.DoubleToInt64Bits), loaded[name].Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(metadata, WeightFile.ReadMetadata(path));
        Assert.All(SafetensorsReader.ReadHeader(path).Tensors, t => Assert.Equal(SafetensorsDType.F64, t.DType));
    }

    [Fact]
    public void Half_tensors_round_trip_as_F16()
    {
        using var folder = new TempFolder();
        string path = folder.File("f16.safetensors");
        Half[] saved = [(Half)0.5f, (Half)(-3f), Half.MaxValue];
        TensorSpec[] specs = [new("h", [3])];
        WeightFile.Save<Half>(path, specs, _ => saved);
        var loaded = new Half[3];
        WeightFile.Load<Half>(path, specs, _ => loaded);
        Assert.Equal(saved, loaded);
        Assert.Equal(SafetensorsDType.F16, SafetensorsReader.ReadHeader(path).Tensors[0].DType);
    }

    [Fact]
    public void Loads_the_float_fixture_written_by_torch()
    {
        Dictionary<string, float[]> expected = FixtureTensors.F32Values();
        var loaded = expected.ToDictionary(pair => pair.Key, pair => new float[pair.Value.Length]);

        WeightFile.Load<float>(Fixtures.Path("torch_written_f32.safetensors"), FixtureTensors.F32Specs, name => loaded[name]);

        foreach (string name in expected.Keys)
            Assert.Equal(expected[name].Select(BitConverter.SingleToInt32Bits), loaded[name].Select(BitConverter.SingleToInt32Bits));
        Assert.True(float.IsNaN(loaded["special"][0]));
        Assert.Equal(new Dictionary<string, string> { ["epoch"] = "3", ["format"] = "pt" },
            WeightFile.ReadMetadata(Fixtures.Path("torch_written_f32.safetensors")));
    }

    [Fact]
    public void Loads_the_double_fixture_written_by_torch()
    {
        Dictionary<string, double[]> expected = FixtureTensors.F64Values();
        var loaded = expected.ToDictionary(pair => pair.Key, pair => new double[pair.Value.Length]);

        WeightFile.Load<double>(Fixtures.Path("torch_written_f64.safetensors"), FixtureTensors.F64Specs, name => loaded[name]);

        foreach (string name in expected.Keys) Assert.Equal(expected[name], loaded[name]);
        Assert.Equal(-0.35, loaded["conv2d0.weight"][0]);
        Assert.Equal(Math.PI, loaded["scalar"][0]);
    }

    [Fact]
    public void Reads_the_mixed_fixture_written_by_torch()
    {
        SafetensorsFile file = SafetensorsReader.Read(Fixtures.Path("torch_written.safetensors"));

        Assert.Equal(new[] { "dense0.weight", "dense0.bias", "empty", "conv2d0.weight", "batchnorm0.running_var", "scalar", "special" },
            file.Header.Tensors.Select(t => t.Name));
        Assert.Equal(0, file.Header.DataStart % 8);
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["note"] = FixtureTensors.MixedNote }, file.Header.Metadata);
        Dictionary<string, float[]> f32 = FixtureTensors.F32Values();
        Dictionary<string, double[]> f64 = FixtureTensors.F64Values();
        foreach ((string name, float[] values) in f32)
        {
            Assert.Equal("F32", file.Header.Tensors.Single(t => t.Name == name).DType);
            Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), file.ToArray<float>(name).Select(BitConverter.SingleToInt32Bits));
        }
        foreach ((string name, double[] values) in f64) Assert.Equal(values, file.ToArray<double>(name));
        Assert.True(file.Header.TryGetTensor("empty", out SafetensorsTensorInfo? empty));
        Assert.Equal(new long[] { 0, 3 }, empty.Shape);
        Assert.Empty(file.ToArray<float>("empty"));
        Assert.Equal(new long[] { 2, 1, 2, 2 }, file.Header.Tensors.Single(t => t.Name == "conv2d0.weight").Shape);
        Assert.Empty(file.Header.Tensors.Single(t => t.Name == "scalar").Shape);
        Assert.Throws<ArgumentException>(() => file.ToArray<double>("special")); // F32, not F64
    }

    [Fact]
    public void Saved_float_file_is_byte_identical_to_the_python_one()
    {
        using var folder = new TempFolder();
        string path = folder.File("f32.safetensors");
        Dictionary<string, float[]> values = FixtureTensors.F32Values();
        // Given in another order than Python's sorted keys: the writer sorts metadata keys.
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3" };

        WeightFile.Save<float>(path, FixtureTensors.F32Specs, name => values[name], metadata);

        Assert.Equal(File.ReadAllBytes(Fixtures.Path("torch_written_f32.safetensors")), File.ReadAllBytes(path));
    }

    [Fact]
    public void Saved_double_file_is_byte_identical_to_the_python_one()
    {
        using var folder = new TempFolder();
        string path = folder.File("f64.safetensors");
        Dictionary<string, double[]> values = FixtureTensors.F64Values();

        WeightFile.Save<double>(path, FixtureTensors.F64Specs, name => values[name]);

        Assert.Equal(File.ReadAllBytes(Fixtures.Path("torch_written_f64.safetensors")), File.ReadAllBytes(path));
    }

    [Fact]
    public void Mixed_file_written_with_the_writer_is_byte_identical_to_the_python_one()
    {
        Dictionary<string, float[]> f32 = FixtureTensors.F32Values();
        Dictionary<string, double[]> f64 = FixtureTensors.F64Values();
        var stream = new MemoryStream();
        var writer = new SafetensorsWriter(stream);
        writer.AddMetadata("note", FixtureTensors.MixedNote);
        writer.AddMetadata("format", "pt");
        writer.AddTensor("dense0.weight", "F32", [2, 3]);
        writer.AddTensor("dense0.bias", "F32", [2]);
        writer.AddTensor("empty", "F32", [0, 3]);
        writer.AddTensor("conv2d0.weight", "F64", [2, 1, 2, 2]);
        writer.AddTensor("batchnorm0.running_var", "F64", [3]);
        writer.AddTensor("scalar", "F64", []);
        writer.AddTensor("special", "F32", [3]);
        writer.WriteHeader();
        writer.WriteTensor<float>(f32["dense0.weight"]);
        writer.WriteTensor<float>(f32["dense0.bias"]);
        writer.WriteTensor<float>([]);
        writer.WriteTensor<double>(f64["conv2d0.weight"]);
        writer.WriteTensor<double>(f64["batchnorm0.running_var"]);
        writer.WriteTensor<double>(f64["scalar"]);
        writer.WriteTensor<float>(f32["special"]);
        writer.Complete();

        Assert.Equal(File.ReadAllBytes(Fixtures.Path("torch_written.safetensors")), stream.ToArray());
    }

    [Fact]
    public void Writer_escapes_names_as_json_requires()
    {
        var stream = new MemoryStream();
        var writer = new SafetensorsWriter(stream);
        writer.AddTensor("a\"b\\c\n\u0001ü", "F32", [1]);
        writer.WriteHeader();
        writer.WriteTensor<float>([1f]);
        writer.Complete();

        SafetensorsFile file = SafetensorsReader.Parse(stream.ToArray(), "escaped");
        Assert.Equal("a\"b\\c\n\u0001ü", Assert.Single(file.Header.Tensors).Name);
        Assert.Contains("\"a\\\"b\\\\c\\n\\u0001ü\"", Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void Writer_refuses_misuse()
    {
        var writer = new SafetensorsWriter(new MemoryStream());
        writer.AddTensor("a", "F32", [2]);
        Assert.Throws<ArgumentException>(() => writer.AddTensor("a", "F32", [2]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("__metadata__", "F32", [2]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("b", "Q7", [2]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("c", "F32", [-1]));
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensor<float>([1f, 2f]));
        writer.WriteHeader();
        Assert.Throws<InvalidOperationException>(() => writer.AddTensor("d", "F32", [1]));
        Assert.Throws<ArgumentException>(() => writer.WriteTensor<double>([1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => writer.WriteTensor<float>([1f]));
        Assert.Throws<InvalidOperationException>(() => writer.Complete());
        writer.WriteTensor<float>([1f, 2f]);
        writer.Complete();
    }
}
