using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ModelGen.Data;
using ModelGen.Fuzz.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Fuzz.Tests.Files;

/// <summary>
/// Mutated IDX files (raw and gzip; <c>Idx.LoadImages</c>, <c>Idx.LoadLabels</c>, <c>Idx.Load</c>) and CSV files
/// (<c>Csv.Load</c>, <c>Csv.LoadRegression</c>, by name and by index). Documented outcome of a bad file:
/// <see cref="InvalidDataException"/> with a message; what loads must be a consistent data set (labels within the class
/// count, finite features and targets, counts that agree).
/// </summary>
public sealed class DataFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Mutated_idx_files_load_or_are_rejected() => Report(IdxFuzzer(_folder).Run(_folder));

    [Fact]
    public void Mutated_csv_files_load_or_are_rejected() => Report(CsvFuzzer().Run(_folder));

    // ---------------------------------------------------------------- IDX

    internal static readonly IReadOnlyDictionary<string, byte[]> IdxBases = new Dictionary<string, byte[]>(StringComparer.Ordinal)
    {
        ["images"] = ValidFiles.IdxImages(),
        ["labels"] = ValidFiles.IdxLabels(),
    };

    internal static FileFuzzer IdxFuzzer(TempFolder folder) => new()
    {
        Name = "idx files",
        TestClass = nameof(DataFileFuzzTests) + ".Mutated_idx",
        Budget = Fuzzing.Budget(Fuzzing.Share.Idx),
        Bases = IdxBases,
        NewCase = r =>
        {
            string key = r.Pick("images", "labels");
            var plan = new List<Mutation>();
            int steps = r.Weighted(1, 6, 3);
            for (int i = 0; i < steps; i++)
                plan.Add(r.Chance(0.5) ? IdxMutations.Header(r, key) : ByteMutations.Random(r, IdxBases[key].Length));
            if (r.Chance(0.02)) plan.Add(IdxMutations.Bomb(r, key));
            else if (r.Chance(0.45)) plan.Add(IdxMutations.Compress());
            if (r.Chance(0.15)) plan.Add(ByteMutations.Random(r, 64));
            return (key, new MutationPlan(plan));
        },
        Loads = (path, key, bytes) => IdxLoads(folder, path, key, bytes),
    };

    internal static IEnumerable<LoadCheck.Load> IdxLoads(TempFolder folder, string path, string key, byte[] bytes)
    {
        long entitled = bytes.Length + IdxMutations.DeclaredBytes(bytes);
        string other = folder[key == "images" ? "valid-labels" : "valid-images"];
        File.WriteAllBytes(other, key == "images" ? IdxBases["labels"] : IdxBases["images"]);
        if (key == "images")
        {
            IdxImages? images = null;
            yield return new LoadCheck.Load("Idx.LoadImages", () => images = Idx.LoadImages(path), typeof(InvalidDataException), entitled,
                AfterSuccess: () => images!.Pixels.Length == (long)images.Count * images.Height * images.Width && images.Height >= 1 && images.Width >= 1
                    ? null : $"inconsistent images: {images.Count} x {images.Height} x {images.Width} with {images.Pixels.Length} pixels");
            Dataset<float>? data = null;
            yield return new LoadCheck.Load("Idx.Load", () => data = Idx.Load<float>(path, other), typeof(InvalidDataException), entitled + IdxBases["labels"].Length,
                AfterSuccess: () => DataChecks.Classification(data!));
        }
        else
        {
            int[]? labels = null;
            yield return new LoadCheck.Load("Idx.LoadLabels", () => labels = Idx.LoadLabels(path), typeof(InvalidDataException), entitled,
                AfterSuccess: () => labels!.All(l => l is >= 0 and <= 255) ? null : "labels outside 0..255: " + string.Join(", ", labels!.Take(8)));
            Dataset<double>? data = null;
            yield return new LoadCheck.Load("Idx.Load", () => data = Idx.Load<double>(other, path), typeof(InvalidDataException), entitled + IdxBases["images"].Length,
                AfterSuccess: () => DataChecks.Classification(data!));
        }
    }

    // ---------------------------------------------------------------- CSV

    internal static readonly IReadOnlyDictionary<string, byte[]> CsvBases = new Dictionary<string, byte[]>(StringComparer.Ordinal)
    {
        ["classification"] = ValidFiles.CsvClassification(),
        ["regression"] = ValidFiles.CsvRegression(),
    };

    internal static FileFuzzer CsvFuzzer() => new()
    {
        Name = "csv files",
        TestClass = nameof(DataFileFuzzTests) + ".Mutated_csv",
        Budget = Fuzzing.Budget(Fuzzing.Share.Csv),
        Bases = CsvBases,
        NewCase = r =>
        {
            string key = r.Pick("classification", "regression");
            var plan = new List<Mutation>();
            int steps = r.Weighted(1, 6, 3, 1);
            for (int i = 0; i < steps; i++)
                plan.Add(r.Chance(0.7) ? CsvMutations.Text(r) : ByteMutations.Random(r, CsvBases[key].Length));
            return (key, new MutationPlan(plan));
        },
        Loads = CsvLoads,
        View = bytes => Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 600)).Replace("\n", "\\n", StringComparison.Ordinal),
    };

    internal static IEnumerable<LoadCheck.Load> CsvLoads(string path, string key, byte[] bytes)
    {
        long entitled = bytes.Length;
        if (key == "classification")
        {
            Dataset<float>? f = null;
            yield return new LoadCheck.Load("Csv.Load by name", () => f = Csv.Load<float>(path, "label"), typeof(InvalidDataException), entitled,
                AfterSuccess: () => DataChecks.Classification(f!));
            Dataset<double>? d = null;
            yield return new LoadCheck.Load("Csv.Load by index", () => d = Csv.Load<double>(path, 3), typeof(InvalidDataException), entitled,
                AfterSuccess: () => DataChecks.Classification(d!));
        }
        else
        {
            Dataset<float>? f = null;
            yield return new LoadCheck.Load("Csv.LoadRegression by name", () => f = Csv.LoadRegression<float>(path, new[] { "y1", "y2" }), typeof(InvalidDataException), entitled,
                AfterSuccess: () => DataChecks.Regression(f!));
            Dataset<double>? d = null;
            yield return new LoadCheck.Load("Csv.LoadRegression by index", () => d = Csv.LoadRegression<double>(path, new[] { 2, 3 }), typeof(InvalidDataException), entitled,
                AfterSuccess: () => DataChecks.Regression(d!));
        }
    }

    private void Report(FailureLog log)
    {
        string summary = log.Summary();
        output.WriteLine(summary);
        log.WriteReport();
        Assert.True(log.Classes == 0, summary);
    }
}

/// <summary>What a loaded data set must satisfy.</summary>
internal static class DataChecks
{
    public static string? Classification<T>(Dataset<T> data) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (data.Labels is null) return "no labels: a classification set without labels";
        if (data.FeatureData.Length != (long)data.Count * data.FeatureCount) return $"inconsistent counts: {data.FeatureData.Length} features for {data.Count} x {data.FeatureCount}";
        if (data.Count > 0 && data.ClassCount < 1) return $"class count below 1: {data.ClassCount}";
        if (data.Labels.Any(l => l < 0 || l >= data.ClassCount)) return $"label outside 0..ClassCount-1: ClassCount {data.ClassCount}, labels {string.Join(", ", data.Labels.Take(8))}";
        if (data.ClassNames is { } names && names.Count != data.ClassCount) return $"class names disagree with the class count: {names.Count} names, ClassCount {data.ClassCount}";
        if (data.FeatureData.Any(v => !T.IsFinite(v))) return $"non-finite feature: {data.FeatureData.First(v => !T.IsFinite(v))}";
        return null;
    }

    public static string? Regression<T>(Dataset<T> data) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (data.Targets is null) return "no targets: a regression set without targets";
        if (data.FeatureData.Length != (long)data.Count * data.FeatureCount) return $"inconsistent counts: {data.FeatureData.Length} features for {data.Count} x {data.FeatureCount}";
        if (data.Targets.Length != (long)data.Count * data.TargetCount) return $"inconsistent counts: {data.Targets.Length} targets for {data.Count} x {data.TargetCount}";
        if (data.FeatureData.Any(v => !T.IsFinite(v))) return $"non-finite feature: {data.FeatureData.First(v => !T.IsFinite(v))}";
        if (data.Targets.Any(v => !T.IsFinite(v))) return $"non-finite target: {data.Targets.First(v => !T.IsFinite(v))}";
        return null;
    }
}

/// <summary>Edits of IDX files: header fields, gzip compression, gzip bombs.</summary>
internal static class IdxMutations
{
    private static readonly uint[] FieldValues =
    {
        0, 1, 2, 5, 6, 7, 255, 256, 65536, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x00000803, 0x00000801, 0x03080000, 0x00000D03, 0x00000804, 46341, 1 << 20,
    };

    /// <summary>Overwrites one 32-bit big-endian header field (the magic number or a dimension).</summary>
    public static Mutation Header(Rng r, string key)
    {
        int fields = key == "images" ? 4 : 2;
        int field = r.Below(fields);
        uint value = r.Chance(0.8) ? r.Pick(FieldValues) : (uint)r.Next();
        string name = field == 0 ? "magic" : key == "images" ? new[] { "", "count", "rows", "columns" }[field] : "count";
        return new($"header field {name} := 0x{value:X8} ({value})", b =>
        {
            byte[] c = (byte[])b.Clone();
            if (c.Length >= 4 * field + 4) ValidFiles.WriteBigEndian(c, 4 * field, value);
            return c;
        });
    }

    public static Mutation Compress() => new("gzip-compress the file", ValidFiles.Gzip);

    /// <summary>A small gzip file that inflates to far more bytes than its header declares.</summary>
    public static Mutation Bomb(Rng r, string key)
    {
        int zeros = r.Pick(16, 32) << 20;
        return new($"header declares one 1x1 image (or one label), then {zeros >> 20} MiB of zeros, gzip-compressed", b =>
        {
            byte[] header = key == "images" ? new byte[16] : new byte[8];
            ValidFiles.WriteBigEndian(header, 0, key == "images" ? 0x803 : 0x801);
            ValidFiles.WriteBigEndian(header, 4, 1);
            if (key == "images") { ValidFiles.WriteBigEndian(header, 8, 1); ValidFiles.WriteBigEndian(header, 12, 1); }
            using var output = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(header);
                gzip.WriteByte(1);
                var block = new byte[1 << 20];
                for (int k = 0; k < zeros >> 20; k++) gzip.Write(block);
            }
            return output.ToArray();
        });
    }

    /// <summary>The data bytes an IDX file's header declares (after decompression for a gzip file), capped; 0 when unreadable.</summary>
    public static long DeclaredBytes(byte[] file)
    {
        byte[] head = file;
        if (file.Length >= 2 && file[0] == 0x1F && file[1] == 0x8B)
        {
            try
            {
                using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(file), System.IO.Compression.CompressionMode.Decompress);
                head = new byte[16];
                int n = 0, read;
                while (n < 16 && (read = gzip.Read(head, n, 16 - n)) > 0) n += read;
                head = head[..n];
            }
            catch (InvalidDataException)
            {
                return 0;
            }
        }
        if (head.Length < 8) return 0;
        int dims = head[3];
        if (head.Length < 4 + 4 * dims) return 0;
        long product = 1;
        const long Cap = 1L << 40; // saturate before multiplying: three 32-bit dimensions overflow a long
        for (int d = 0; d < dims; d++)
        {
            long dimension = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4 + 4 * d));
            product = dimension != 0 && product > Cap / dimension ? Cap : Math.Min(product * dimension, Cap);
        }
        return product;
    }
}

/// <summary>Edits of CSV text: cells, separators, quotes, columns, lines, encodings.</summary>
internal static class CsvMutations
{
    private static readonly string[] Cells =
    {
        "NaN", "nan", "Infinity", "-Infinity", "∞", "1e39", "-1e39", "3.5e38", "1e-50", "1e400", "2147483647", "2147483648", "-1", "-0", "+1",
        "0x10", "1_000", "1,5", "1.5.5", "", " ", "\"1\"", "\"a,b\"", "\"unterminated", "a\"b", "٣", "１", "1e", ".", "-", "0.1f", "1d", "1 2",
        "\t1", "9999999999999999999999", "4294967296", "-2147483648", "cat", "2147483646", "00", "1.0", "3", "\"\"", "\"\"\"\"", "label",
    };

    public static Mutation Text(Rng r)
    {
        int line = r.Below(9), cell = r.Below(5);
        switch (r.Weighted(8, 2, 2, 2, 1, 1, 1, 1))
        {
            case 0:
            {
                string value = r.Pick(Cells);
                return Lines($"line {line + 1}, cell {cell + 1} := {value}", lines =>
                {
                    if (line >= lines.Count) return;
                    string[] cells = lines[line].Split(',');
                    if (cell < cells.Length) cells[cell] = value;
                    lines[line] = string.Join(",", cells);
                });
            }
            case 1:
            {
                string added = r.Pick(Cells);
                return Lines($"line {line + 1}: a cell {added} added", lines => { if (line < lines.Count) lines[line] += "," + added; });
            }
            case 2:
                return Lines($"line {line + 1}: the last cell removed", lines =>
                {
                    if (line < lines.Count && lines[line].LastIndexOf(',') is int at and >= 0) lines[line] = lines[line][..at];
                });
            case 3:
            {
                string header = r.Pick("a,a,c,label", "a,b,c,label,label", "label,b,c,label", "a,b,c,Label", "a,b,c", "label", "", "a;b;c;label", "\"a\",\"b\",\"c\",\"label\"", "x1,x2,y1,y1", "y1,y2,y1,y2");
                return Lines($"header := {header}", lines => { if (lines.Count > 0) lines[0] = header; });
            }
            case 4:
            {
                string inserted = r.Pick("", " ", ",,,", "\"", "\r", "1,2,3,4,5,6", "#comment", "\u0000", "\uFEFF");
                return Lines($"a line \"{inserted}\" inserted before line {line + 1}", lines => lines.Insert(Math.Min(line, lines.Count), inserted));
            }
            case 5:
                return Lines($"line {line + 1} removed", lines => { if (line < lines.Count) lines.RemoveAt(line); });
            case 6:
            {
                int which = r.Below(4);
                return new(new[] { "CRLF line ends", "a byte-order mark", "no final newline", "Latin-1 bytes" }[which], b =>
                {
                    string text = Encoding.UTF8.GetString(b);
                    return which switch
                    {
                        0 => Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal)),
                        1 => new byte[] { 0xEF, 0xBB, 0xBF }.Concat(b).ToArray(),
                        2 => Encoding.UTF8.GetBytes(text.TrimEnd('\n')),
                        _ => b.Select(x => x == (byte)'.' ? (byte)0xE9 : x).ToArray(),
                    };
                });
            }
            default:
            {
                int length = r.Pick(1000, 100_000, 2_000_000);
                return Lines($"line {line + 1}: a cell of {length} digits", lines => { if (line < lines.Count) lines[line] += "," + new string('7', length); });
            }
        }
    }

    private static Mutation Lines(string description, Action<List<string>> edit) => new(description, b =>
    {
        List<string> lines = Encoding.UTF8.GetString(b).Split('\n').ToList();
        edit(lines);
        return Encoding.UTF8.GetBytes(string.Join("\n", lines));
    });
}
