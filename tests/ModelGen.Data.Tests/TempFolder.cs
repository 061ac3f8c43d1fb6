using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace ModelGen.Data.Tests;

/// <summary>A fresh temporary folder, deleted on dispose, with helpers that write the test files.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "modelgen-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public string Text(string name, string text) => File(name, Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>An IDX file: magic, big-endian dimensions, then the data bytes.</summary>
    public static byte[] IdxBytes(int magic, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dimensions.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    /// <summary>Pixels of image i, row r, column c: (i·31 + r·7 + c·3) mod 256, so every image differs.</summary>
    public static byte[] Pixels(int count, int rows, int columns)
    {
        var data = new byte[count * rows * columns];
        for (int i = 0; i < count; i++)
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                    data[(i * rows + r) * columns + c] = (byte)((i * 31 + r * 7 + c * 3) % 256);
        return data;
    }

    public static byte[] ImagesFile(int count, int rows, int columns) =>
        IdxBytes(0x00000803, [count, rows, columns], Pixels(count, rows, columns));

    public static byte[] LabelsFile(params byte[] labels) => IdxBytes(0x00000801, [labels.Length], labels);

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>A culture that writes 1.5 as "1,5", built by hand so that it exists even without ICU data.</summary>
    public static CultureInfo CommaCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        return culture;
    }

    /// <summary>Runs <paramref name="action"/> with <paramref name="culture"/> as the current culture of the thread.</summary>
    public static void InCulture(CultureInfo culture, Action action)
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try { action(); }
        finally { CultureInfo.CurrentCulture = saved; }
    }
}
