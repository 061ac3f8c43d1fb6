using System;
using System.IO;
using System.IO.Compression;

namespace FashionCnn;

/// <summary>Reads the IDX files of the MNIST family (gzip-compressed): big-endian magic, dimensions, then bytes.</summary>
internal static class Idx
{
    /// <summary>Images as floats in [0, 1], row-major [count x rows x columns].</summary>
    public static float[] ReadImages(string path, out int count, out int rows, out int columns)
    {
        byte[] data = Decompress(path);
        RequireMagic(data, path, 0x00000803, "images");
        count = BigEndian(data, 4);
        rows = BigEndian(data, 8);
        columns = BigEndian(data, 12);
        long expected = 16L + (long)count * rows * columns;
        if (data.Length != expected)
            throw new InvalidDataException($"{path}: {count} images of {rows}x{columns} need {expected} bytes, but the file has {data.Length}.");
        var pixels = new float[count * rows * columns];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = data[16 + i] / 255f;
        return pixels;
    }

    /// <summary>Labels 0..9.</summary>
    public static int[] ReadLabels(string path)
    {
        byte[] data = Decompress(path);
        RequireMagic(data, path, 0x00000801, "labels");
        int count = BigEndian(data, 4);
        if (data.Length != 8 + count)
            throw new InvalidDataException($"{path}: {count} labels need {8 + count} bytes, but the file has {data.Length}.");
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = data[8 + i];
        return labels;
    }

    private static byte[] Decompress(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }

    private static void RequireMagic(byte[] data, string path, int magic, string what)
    {
        if (data.Length < 8 || BigEndian(data, 0) != magic)
            throw new InvalidDataException($"{path}: not an IDX file of {what} (magic number 0x{magic:X8} expected at byte 0).");
    }

    private static int BigEndian(byte[] data, int offset) =>
        (data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3];
}
