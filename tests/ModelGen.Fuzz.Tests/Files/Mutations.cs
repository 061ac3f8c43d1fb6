using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using ModelGen.Fuzz.Tests.Infrastructure;

namespace ModelGen.Fuzz.Tests.Files;

/// <summary>One edit of a file, with its random choices made: applying it again gives the same bytes.</summary>
internal sealed record Mutation(string Description, Func<byte[], byte[]> Apply)
{
    public override string ToString() => Description;
}

/// <summary>A list of mutations applied in order to a valid file; minimizing keeps the fewest that still fail.</summary>
internal sealed record MutationPlan(IReadOnlyList<Mutation> Steps)
{
    public byte[] Apply(byte[] original) => Steps.Aggregate(original, (bytes, m) => m.Apply(bytes));

    public string Describe() => Steps.Count == 0 ? "(the valid file, unchanged)" : string.Join(Environment.NewLine, Steps.Select((m, i) => $"{i + 1}. {m.Description}"));

    /// <summary>The smallest sub-plan (single steps, then pairs) that still makes <paramref name="fails"/> true.</summary>
    public MutationPlan Minimize(Func<MutationPlan, bool> fails)
    {
        if (Steps.Count <= 1) return this;
        foreach (Mutation m in Steps)
            if (fails(new MutationPlan(new[] { m }))) return new MutationPlan(new[] { m });
        for (int i = 0; i < Steps.Count; i++)
            for (int j = i + 1; j < Steps.Count; j++)
                if (fails(new MutationPlan(new[] { Steps[i], Steps[j] }))) return new MutationPlan(new[] { Steps[i], Steps[j] });
        return this;
    }
}

/// <summary>Format-blind edits: bit flips, overwrites, truncation, insertion, deletion, appended bytes.</summary>
internal static class ByteMutations
{
    public static Mutation Random(Rng r, int length)
    {
        int At(byte[] b, double u) => Math.Min(b.Length, (int)(u * (b.Length + 1)));
        double u = r.Unit(), v = r.Unit();
        switch (r.Weighted(4, 2, 2, 2, 2, 1, 1, 1))
        {
            case 0:
            {
                int bits = r.Between(1, 8);
                ulong[] picks = Enumerable.Range(0, bits).Select(_ => r.Next()).ToArray();
                return new($"flip {bits} random bits", b =>
                {
                    byte[] c = (byte[])b.Clone();
                    if (c.Length == 0) return c;
                    foreach (ulong p in picks) c[(int)(p % (ulong)c.Length)] ^= (byte)(1 << (int)((p >> 32) % 8));
                    return c;
                });
            }
            case 1:
            {
                byte value = r.Pick<byte>(0, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'{', (byte)'}', (byte)',', (byte)'0', (byte)'9', (byte)r.Next());
                int count = r.Between(1, 8);
                return new($"overwrite {count} bytes at {u:0.###} of the file with 0x{value:X2}", b =>
                {
                    byte[] c = (byte[])b.Clone();
                    int at = At(c, u);
                    for (int k = at; k < Math.Min(c.Length, at + count); k++) c[k] = value;
                    return c;
                });
            }
            case 2:
                return new($"truncate at {u:0.###} of the file", b => b[..At(b, u)]);
            case 3:
            {
                byte[] inserted = r.Chance(0.5) ? r.Bytes(r.Between(1, 16)) : Encoding.UTF8.GetBytes(r.Pick("\"", "{", "}", "[", "]", ",", ":", "null", "1e39", "-1", "\"x\"", "\\", "\uFEFF", "\u00e9", "\0"));
                return new($"insert {inserted.Length} bytes ({Convert.ToHexString(inserted)}) at {u:0.###} of the file", b =>
                {
                    int at = At(b, u);
                    return b[..at].Concat(inserted).Concat(b[at..]).ToArray();
                });
            }
            case 4:
            {
                int count = r.Between(1, 32);
                return new($"delete {count} bytes at {u:0.###} of the file", b =>
                {
                    int at = At(b, u);
                    return b[..at].Concat(b[Math.Min(b.Length, at + count)..]).ToArray();
                });
            }
            case 5:
            {
                int count = r.Chance(0.9) ? r.Between(1, 64) : 24 << 20;
                byte fill = (byte)r.Next();
                return new($"append {count} bytes of 0x{fill:X2}", b => b.Concat(Enumerable.Repeat(fill, count)).ToArray());
            }
            case 6:
                return new("swap two 8-byte blocks", b =>
                {
                    byte[] c = (byte[])b.Clone();
                    if (c.Length < 16) return c;
                    int i = (int)(u * (c.Length - 8)), j = (int)(v * (c.Length - 8));
                    byte[] t = c[i..(i + 8)];
                    Array.Copy(c, j, c, i, 8);
                    Array.Copy(t, 0, c, j, 8);
                    return c;
                });
            default:
                return new("duplicate a block", b =>
                {
                    int at = At(b, u), n = Math.Min(b.Length - at, 64);
                    return b[..(at + n)].Concat(b[at..]).ToArray();
                });
        }
    }
}

/// <summary>A safetensors file as its two parts: the header's JSON text and the bytes after it.</summary>
internal static class Safetensors
{
    public static (string Header, byte[] Data) Split(byte[] file)
    {
        long length = (long)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (Encoding.UTF8.GetString(file, 8, (int)length), file[(8 + (int)length)..]);
    }

    /// <summary>The file of <paramref name="header"/> and <paramref name="data"/>, its length field right (the header padded with spaces to 8 bytes).</summary>
    public static byte[] Join(string header, byte[] data, bool pad = true)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        int padding = pad ? (8 - json.Length % 8) % 8 : 0;
        var file = new byte[8 + json.Length + padding + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)(json.Length + padding));
        json.CopyTo(file, 8);
        for (int k = 0; k < padding; k++) file[8 + json.Length + k] = (byte)' ';
        data.CopyTo(file, 8 + json.Length + padding);
        return file;
    }

    /// <summary>An edit of the header text (the length field rewritten to fit), of the data left alone.</summary>
    public static Mutation Header(string description, Func<string, string> edit) =>
        new(description, b =>
        {
            if (b.Length < 8) return b;
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(b);
            if (length > (ulong)(b.Length - 8)) return b;
            (string header, byte[] data) = Split(b);
            try
            {
                return Join(edit(header), data);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return b; // an edit that does not apply to this (already mutated) header leaves it alone
            }
        });

    /// <summary>
    /// The first key that appears twice in one JSON object of <paramref name="json"/> ("dtype" in tensor 'x', ...), or
    /// null; null also when the text is not JSON at all (a loader must reject that anyway).
    /// </summary>
    public static string? DuplicateKey(string json)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(Encoding.UTF8.GetBytes(json), new System.Text.Json.JsonReaderOptions { MaxDepth = 2048 });
            var objects = new Stack<(HashSet<string> Keys, string Where)>();
            string last = "the top level";
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case System.Text.Json.JsonTokenType.StartObject:
                        objects.Push((new HashSet<string>(StringComparer.Ordinal), objects.Count == 0 ? "the top level" : $"'{last}'"));
                        break;
                    case System.Text.Json.JsonTokenType.EndObject:
                        objects.Pop();
                        break;
                    case System.Text.Json.JsonTokenType.PropertyName:
                        last = reader.GetString()!;
                        if (!objects.Peek().Keys.Add(last)) return $"\"{last}\" twice in {objects.Peek().Where}";
                        break;
                }
            }
            return null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A duplicate key in a safetensors file's header, or null.</summary>
    public static string? DuplicateKey(byte[] file)
    {
        if (file.Length < 8) return null;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        return length > (ulong)(file.Length - 8) ? null : DuplicateKey(Encoding.UTF8.GetString(file, 8, (int)length));
    }

    /// <summary>Replaces the first occurrence of <paramref name="find"/> in the header (nothing when absent).</summary>
    public static Mutation Replace(string description, string find, string replacement) =>
        Header(description, h =>
        {
            int at = h.IndexOf(find, StringComparison.Ordinal);
            return at < 0 ? h : h[..at] + replacement + h[(at + find.Length)..];
        });

    private static readonly string[] Dtypes = { "F16", "BF16", "F64", "F32", "I32", "I64", "U8", "BOOL", "F8_E4M3", "", "f32", "F32 ", "X" };

    private static readonly string[] Numbers =
    {
        "0", "1", "-1", "2", "7", "8", "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551615", "1e3", "2.5",
        "-0", "1E2", "\"4\"", "null", "true", "[]", "{}", "1099511627776", "2147483647", "2147483648", "00", "0x10",
    };

    /// <summary>Structured edits of a header's JSON: a tensor's dtype, shape and offsets, duplicate and missing keys, metadata.</summary>
    public static Mutation RandomHeader(Rng r, IReadOnlyList<string> tensorNames)
    {
        string name = r.PickFrom(tensorNames);
        string Q(string s) => "\"" + s + "\"";
        switch (r.Below(16))
        {
            case 0:
            {
                string dtype = r.Pick(Dtypes);
                return Header($"tensor '{name}': dtype := \"{dtype}\"", h => EditEntry(h, name, e => System.Text.RegularExpressions.Regex.Replace(e, "\"dtype\":\"[^\"]*\"", "\"dtype\":" + Q(dtype))));
            }
            case 1:
            {
                string shape = r.Pick("[]", "[0]", "[-1]", "[1,1,1,1,1,1,1,1,1]", $"[{r.Pick(Numbers)}]", $"[{r.Pick(Numbers)},{r.Pick(Numbers)}]", "\"3\"", "null", "[4294967296,4294967296]", "[3037000500,3037000500]", "[1e400]", "[[1]]");
                return Header($"tensor '{name}': shape := {shape}", h => EditEntry(h, name, e => System.Text.RegularExpressions.Regex.Replace(e, "\"shape\":\\[[^\\]]*\\]", "\"shape\":" + shape)));
            }
            case 2:
            {
                string offsets = r.Pick("[0,0]", "[0]", "[0,1,2]", "[]", $"[{r.Pick(Numbers)},{r.Pick(Numbers)}]", "[8,4]", "null", "\"0,4\"", "[0,18446744073709551615]", "[-8,0]");
                return Header($"tensor '{name}': data_offsets := {offsets}", h => EditEntry(h, name, e => System.Text.RegularExpressions.Regex.Replace(e, "\"data_offsets\":\\[[^\\]]*\\]", "\"data_offsets\":" + offsets)));
            }
            case 3:
            {
                string key = r.Pick("dtype", "shape", "data_offsets");
                string value = key switch { "dtype" => Q(r.Pick(Dtypes)), "shape" => "[1]", _ => "[0,4]" };
                bool first = r.Chance(0.5);
                return Header($"tensor '{name}': a second \"{key}\": {value} {(first ? "before" : "after")} the first", h => EditEntry(h, name, e =>
                    first ? "{" + Q(key) + ":" + value + "," + e[1..] : e[..^1] + "," + Q(key) + ":" + value + "}"));
            }
            case 4:
                return Header($"tensor '{name}' listed twice (the copy first)", h =>
                {
                    (int start, int end) = Entry(h, name);
                    if (start < 0) return h;
                    string entry = h[start..end];
                    return "{" + Q(name) + ":" + entry + "," + h[1..];
                });
            case 5:
            {
                string key = r.Pick("dtype", "shape", "data_offsets");
                return Header($"tensor '{name}': no \"{key}\"", h => EditEntry(h, name, e => System.Text.RegularExpressions.Regex.Replace(e, $",?\"{key}\":(\"[^\"]*\"|\\[[^\\]]*\\])", "").Replace("{,", "{")));
            }
            case 6:
            {
                string renamed = r.Pick(name.ToUpperInvariant(), name + " ", name + "\\u0000", "", "__metadata__", name.Replace('.', '_'), name + "x");
                return Replace($"tensor '{name}' renamed to \"{renamed}\"", Q(name) + ":", Q(renamed) + ":");
            }
            case 7:
            {
                string metadata = r.Pick("{\"a\":1}", "[]", "null", "\"x\"", "{\"a\":\"b\",\"a\":\"c\"}", "{\"a\":{\"b\":\"c\"}}", "{}");
                return Header($"__metadata__ := {metadata} (added first)", h => "{\"__metadata__\":" + metadata + (h.Length > 2 ? "," : "") + h[1..]);
            }
            case 8:
                return Header("__metadata__ twice", h => "{\"__metadata__\":{},\"__metadata__\":{}," + h[1..]);
            case 9:
            {
                string extra = r.Pick("\"extra\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}", "\"x\":1", "\"x\":null", "\"x\":[]", "\"x\":{}");
                return Header($"an extra entry {extra}", h => "{" + extra + (h.Length > 2 ? "," : "") + h[1..]);
            }
            case 10:
            {
                string field = r.Pick("\"extra\":1", "\"dtype2\":\"F32\"", "\"shape\":null");
                return Header($"tensor '{name}': an extra field {field}", h => EditEntry(h, name, e => e[..^1] + "," + field + "}"));
            }
            case 11:
            {
                int depth = r.Pick(8, 17, 64, 1000);
                return Header($"nested {depth} arrays deep", h => "{\"x\":" + new string('[', depth) + new string(']', depth) + (h.Length > 2 ? "," : "") + h[1..]);
            }
            case 12:
            {
                string replacement = r.Pick("[]", "null", "1", "\"x\"", "", " ", "{", "}", "{}", "{\"a\":}");
                return Header($"the header := {replacement}", _ => replacement);
            }
            case 13:
            {
                int which = r.Below(5);
                return Header(new[] { "a byte-order mark before the header", "NUL bytes after the header", "text after the header", "a '}' after the header", "a ',' after the header" }[which],
                    h => new[] { "\uFEFF" + h, h + "\0\0\0", h + " x", h + "}", h + "," }[which]);
            }
            case 14:
            {
                long value = r.Pick(0L, 1L, 7L, -1L, 1L << 32, long.MaxValue, 100_000_001L);
                bool add = r.Chance(0.5);
                return new($"header length field {(add ? "+=" : ":=")} {value}", b =>
                {
                    byte[] c = (byte[])b.Clone();
                    if (c.Length < 8) return c;
                    ulong old = BinaryPrimitives.ReadUInt64LittleEndian(c);
                    BinaryPrimitives.WriteUInt64LittleEndian(c, add ? unchecked(old + (ulong)value) : (ulong)value);
                    return c;
                });
            }
            default:
            {
                string number = r.Pick(Numbers);
                return Header($"every number in tensor '{name}' := {number}", h => EditEntry(h, name, e => System.Text.RegularExpressions.Regex.Replace(e, "(?<=[\\[,])\\d+", number)));
            }
        }
    }

    /// <summary>The span of the JSON object that is tensor <paramref name="name"/>'s entry (-1 when absent).</summary>
    public static (int Start, int End) Entry(string header, string name)
    {
        string key = "\"" + name + "\":";
        int at = header.IndexOf(key, StringComparison.Ordinal);
        if (at < 0) return (-1, -1);
        int start = header.IndexOf('{', at + key.Length);
        if (start < 0) return (-1, -1);
        int depth = 0;
        for (int k = start; k < header.Length; k++)
        {
            if (header[k] == '{') depth++;
            else if (header[k] == '}' && --depth == 0) return (start, k + 1);
        }
        return (-1, -1);
    }

    public static string EditEntry(string header, string name, Func<string, string> edit)
    {
        (int start, int end) = Entry(header, name);
        return start < 0 ? header : header[..start] + edit(header[start..end]) + header[end..];
    }

    /// <summary>The tensor names of a valid file's header.</summary>
    public static List<string> TensorNames(byte[] file)
    {
        using var document = System.Text.Json.JsonDocument.Parse(Split(file).Header);
        return document.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__").ToList();
    }
}

/// <summary>Everything a model holds, copied, so that a failed load can be checked to have changed nothing (bit for bit).</summary>
internal sealed class ModelSnapshot<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<string, byte[]> _tensors = new(StringComparer.Ordinal);
    private long _step;
    private ulong _random;
    private T _learningRate;

    public static ModelSnapshot<T> Of(IModel<T> model)
    {
        var s = new ModelSnapshot<T>();
        foreach (string name in model.ParameterNames) s._tensors["parameter " + name] = MemoryMarshal.AsBytes(model.Parameter(name)).ToArray();
        foreach (string name in model.BufferNames) s._tensors["buffer " + name] = MemoryMarshal.AsBytes(model.Buffer(name)).ToArray();
        if (model is ITrainableModel<T> t)
        {
            foreach (string name in t.OptimizerStateNames) s._tensors["optimizer state " + name] = MemoryMarshal.AsBytes(t.OptimizerState(name)).ToArray();
            s._step = t.Step;
            s._random = t.RandomState;
            s._learningRate = t.LearningRate;
        }
        return s;
    }

    /// <summary>What differs from <paramref name="other"/> (e.g. "parameters: dense0.weight"), or null when nothing does.</summary>
    public string? Difference(ModelSnapshot<T> other)
    {
        var changed = new List<string>();
        foreach ((string name, byte[] bytes) in _tensors)
            if (!bytes.AsSpan().SequenceEqual(other._tensors[name])) changed.Add(name);
        if (_step != other._step) changed.Add($"Step {_step} -> {other._step}");
        if (_random != other._random) changed.Add("RandomState");
        if (!_learningRate.Equals(other._learningRate)) changed.Add($"LearningRate {_learningRate} -> {other._learningRate}");
        if (changed.Count == 0) return null;
        string kinds = string.Join(", ", changed.Select(c => c.StartsWith("optimizer", StringComparison.Ordinal) ? "optimizer state"
            : c.StartsWith("parameter", StringComparison.Ordinal) ? "parameters" : c.StartsWith("buffer", StringComparison.Ordinal) ? "buffers"
            : c.Split(' ')[0]).Distinct());
        return $"{kinds}: {string.Join("; ", changed.Take(6))}";
    }
}
