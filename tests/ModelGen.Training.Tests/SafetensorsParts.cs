using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelGen.Training.Tests;

/// <summary>
/// A safetensors file taken apart by the tests' own code (8-byte little-endian header length, JSON header, data), so
/// that the format is checked independently of the runtime's reader and files can be edited and put back together.
/// </summary>
public sealed class SafetensorsParts
{
    public SafetensorsParts(byte[] file)
    {
        if (file.Length < 8) throw new InvalidDataException("shorter than the header length");
        HeaderLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (HeaderLength > (ulong)(file.Length - 8)) throw new InvalidDataException("header runs past the end");
        HeaderText = Encoding.UTF8.GetString(file, 8, (int)HeaderLength);
        Header = JsonNode.Parse(HeaderText)!.AsObject();
        Data = file.AsSpan(8 + (int)HeaderLength).ToArray();
    }

    public ulong HeaderLength { get; }
    public string HeaderText { get; }
    public JsonObject Header { get; }
    public byte[] Data { get; }

    public static SafetensorsParts Read(string path) => new(File.ReadAllBytes(path));

    /// <summary>Tensor names in header order, without <c>__metadata__</c>.</summary>
    public string[] TensorNames => Header.Select(p => p.Key).Where(k => k != "__metadata__").ToArray();

    public string DType(string name) => (string)Header[name]!["dtype"]!;

    public long[] Shape(string name) => Header[name]!["shape"]!.AsArray().Select(n => (long)n!).ToArray();

    public (long Begin, long End) Offsets(string name)
    {
        JsonArray offsets = Header[name]!["data_offsets"]!.AsArray();
        return ((long)offsets[0]!, (long)offsets[1]!);
    }

    public byte[] Bytes(string name)
    {
        (long begin, long end) = Offsets(name);
        return Data.AsSpan((int)begin, (int)(end - begin)).ToArray();
    }

    /// <summary>A file with the given header object and data (the header padded with spaces to 8-byte alignment).</summary>
    public static byte[] Compose(JsonObject header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        json.CopyTo(file, 8);
        for (int i = 8 + json.Length; i < 8 + padded; i++) file[i] = (byte)' ';
        data.CopyTo(file, 8 + padded);
        return file;
    }
}
