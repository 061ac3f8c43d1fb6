using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace ModelGen.IO;

/// <summary>
/// Reads and validates safetensors files: an 8-byte little-endian header length <c>N</c>, <c>N</c> bytes of UTF-8 JSON
/// mapping each tensor name to <c>{"dtype", "shape", "data_offsets"}</c> (plus an optional <c>"__metadata__"</c> object of
/// string pairs), then the data section. Every check a loader needs is made here, so that a file that passes is safe to
/// copy from: the header length lies within the file, the header is a UTF-8 JSON object, every entry is complete and
/// known, each tensor's byte range holds exactly its shape's elements, and the ranges tile the data section from 0 to
/// the end of the file without gaps or overlaps. Problems are reported as <see cref="InvalidDataException"/> naming
/// the file and the exact fault.
/// </summary>
public static class SafetensorsReader
{
    /// <summary>The key of the metadata object in the header.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest header accepted, in bytes (the limit of the reference implementation), against memory bombs.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Reads and validates only the header of a file (the data is not read, but its length is checked).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The validated header.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file; the message says why.</exception>
    public static SafetensorsHeader ReadHeader(string path)
    {
        string fullPath = CheckExists(path);
        using FileStream stream = OpenRead(fullPath);
        return ReadHeader(stream, fullPath);
    }

    /// <summary>
    /// Reads a file and validates it: first the 8-byte length and the JSON header (every declared tensor range is
    /// checked against the file's length), and only then the data section, so a file with a bad header is rejected
    /// after reading its header alone, however large it is.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The validated file.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file; the message says why.</exception>
    public static SafetensorsFile Read(string path) => Read(path, checkHeader: null);

    /// <summary>
    /// <see cref="Read(string)"/> with a check of the validated header that runs before the data section is read
    /// (for loaders that compare the tensors against a model first): whatever it throws is thrown, and no data is read.
    /// </summary>
    internal static SafetensorsFile Read(string path, Action<SafetensorsHeader>? checkHeader)
    {
        string fullPath = CheckExists(path);
        using FileStream stream = OpenRead(fullPath);
        SafetensorsHeader header = ReadHeader(stream, fullPath);
        checkHeader?.Invoke(header);
        if (header.DataLength > Array.MaxLength)
            throw new IOException($"'{fullPath}' holds {header.DataLength} bytes of tensor data, too many to read into memory.");
        byte[] data = new byte[header.DataLength];
        int read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        // The length was checked against the header; a file that changes while it is read is not the file that was checked.
        Span<byte> extra = stackalloc byte[1];
        if (read != data.Length || stream.Read(extra) != 0)
            throw Invalid(fullPath, $"the file changed while it was read: its header declares {header.DataLength} data bytes, " +
                $"but {(read != data.Length ? $"only {read} could be read" : "more followed")}.");
        return new SafetensorsFile(fullPath, header, data, dataStart: 0);
    }

    private static FileStream OpenRead(string fullPath) =>
        // No FileStream buffer: the header and the data are read straight into their arrays.
        new(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);

    /// <summary>Reads and validates the length prefix and the JSON header from the start of <paramref name="stream"/>.</summary>
    private static SafetensorsHeader ReadHeader(FileStream stream, string fullPath)
    {
        long fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (fileLength < 8) throw Truncated(fullPath, fileLength);
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) != 8) throw Truncated(fullPath, stream.Position);
        long headerLength = CheckHeaderLength(fullPath, BinaryPrimitives.ReadUInt64LittleEndian(prefix), fileLength);
        byte[] header = new byte[headerLength];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) != header.Length)
            throw Invalid(fullPath, "the file changed while its header was read.");
        return ParseHeader(header, fileLength, fullPath);
    }

    /// <summary>Validates the complete contents of a safetensors file held in memory.</summary>
    /// <param name="content">The file's bytes; the returned object keeps a reference to them.</param>
    /// <param name="source">The name to use in messages, such as the file's path.</param>
    /// <returns>The validated file.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a valid safetensors file; the message says why.</exception>
    public static SafetensorsFile Parse(byte[] content, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        if (content.Length < 8) throw Truncated(source, content.Length);
        long headerLength = CheckHeaderLength(source, BinaryPrimitives.ReadUInt64LittleEndian(content), content.Length);
        SafetensorsHeader header = ParseHeader(content.AsSpan(8, (int)headerLength), content.Length, source);
        return new SafetensorsFile(source, header, content, header.DataStart);
    }

    private static string CheckExists(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath)) throw new FileNotFoundException($"The safetensors file '{fullPath}' does not exist.", fullPath);
        return fullPath;
    }

    private static InvalidDataException Invalid(string source, string problem) =>
        new($"Invalid safetensors file '{source}': {problem}");

    private static InvalidDataException Truncated(string source, long fileLength) =>
        Invalid(source, $"the file is truncated: it has {fileLength} bytes, fewer than the 8-byte header length that starts the format.");

    private static long CheckHeaderLength(string source, ulong headerLength, long fileLength)
    {
        if (headerLength > (ulong)(fileLength - 8))
            throw Invalid(source, $"the header length {headerLength} runs past the end of the file " +
                $"({fileLength} bytes leave at most {fileLength - 8} bytes for the header); the file is truncated or not a safetensors file.");
        if (headerLength > MaxHeaderLength)
            throw Invalid(source, $"the header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes.");
        return (long)headerLength;
    }

    /// <summary>Validates the JSON header of a file of <paramref name="fileLength"/> bytes.</summary>
    internal static SafetensorsHeader ParseHeader(ReadOnlySpan<byte> json, long fileLength, string source)
    {
        long dataLength = fileLength - 8 - json.Length;
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw Invalid(source, "the header is not valid UTF-8.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Invalid(source, $"the header is a JSON {Describe(root.ValueKind)}, not an object.");
            var tensors = new List<SafetensorsTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            bool hasMetadata = false;
            foreach (JsonProperty property in root.EnumerateObject())
            {
                string name = property.Name;
                if (name == MetadataKey)
                {
                    if (hasMetadata) throw Invalid(source, $"\"{MetadataKey}\" appears twice in the header.");
                    hasMetadata = true;
                    ReadMetadata(property.Value, metadata, source);
                    continue;
                }
                if (!seen.Add(name)) throw Invalid(source, $"tensor '{name}' appears twice in the header.");
                tensors.Add(ReadEntry(name, property.Value, source));
            }
            CheckLayout(tensors, dataLength, source);
            return new SafetensorsHeader(tensors, metadata, json.Length, dataLength);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid(source, $"\"{MetadataKey}\" is a JSON {Describe(value.ValueKind)}, not an object of strings.");
        foreach (JsonProperty pair in value.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
                throw Invalid(source, $"metadata entry '{pair.Name}' is a JSON {Describe(pair.Value.ValueKind)}, not a string.");
            if (!metadata.TryAdd(pair.Name, pair.Value.GetString()!))
                throw Invalid(source, $"metadata entry '{pair.Name}' appears twice.");
        }
    }

    private static SafetensorsTensorInfo ReadEntry(string name, JsonElement entry, string source)
    {
        if (entry.ValueKind != JsonValueKind.Object)
            throw Invalid(source, $"the entry of tensor '{name}' is a JSON {Describe(entry.ValueKind)}, not an object.");
        // JSON lets a key repeat and JsonElement.TryGetProperty would quietly take one of them: refuse instead, as the
        // reference implementation does ("duplicate field").
        JsonElement dtypeElement = default, shapeElement = default, offsetsElement = default;
        bool hasDType = false, hasShape = false, hasOffsets = false;
        HashSet<string>? others = null;
        foreach (JsonProperty field in entry.EnumerateObject())
        {
            bool seen = field.Name switch
            {
                "dtype" => Take(field, ref dtypeElement, ref hasDType),
                "shape" => Take(field, ref shapeElement, ref hasShape),
                "data_offsets" => Take(field, ref offsetsElement, ref hasOffsets),
                // Other keys are ignored, as by the reference implementation, but not repeated (found by the fuzzer).
                _ => !(others ??= new HashSet<string>(StringComparer.Ordinal)).Add(field.Name),
            };
            if (seen) throw Invalid(source, $"tensor '{name}' has the key \"{field.Name}\" twice.");
        }
        if (!hasDType)
            throw Invalid(source, $"tensor '{name}' has no \"dtype\".");
        if (dtypeElement.ValueKind != JsonValueKind.String)
            throw Invalid(source, $"the \"dtype\" of tensor '{name}' is a JSON {Describe(dtypeElement.ValueKind)}, not a string.");
        string dtype = dtypeElement.GetString()!;
        if (!SafetensorsDType.TryGetSize(dtype, out int elementSize))
            throw Invalid(source, $"tensor '{name}' has the unknown dtype '{dtype}'.");
        if (!hasShape)
            throw Invalid(source, $"tensor '{name}' has no \"shape\".");
        long[] shape = ReadNonNegativeIntegers(shapeElement, name, "shape", source);
        if (!hasOffsets)
            throw Invalid(source, $"tensor '{name}' has no \"data_offsets\".");
        long[] offsets = ReadNonNegativeIntegers(offsetsElement, name, "data_offsets", source);
        if (offsets.Length != 2)
            throw Invalid(source, $"the \"data_offsets\" of tensor '{name}' have {offsets.Length} numbers, not 2 (begin, end).");
        long begin = offsets[0], end = offsets[1];
        if (end < begin)
            throw Invalid(source, $"the \"data_offsets\" of tensor '{name}' end before they begin: [{begin}, {end}].");
        long bytes;
        try
        {
            long count = 1;
            foreach (long dim in shape) count = checked(count * dim);
            bytes = checked(count * elementSize);
        }
        catch (OverflowException)
        {
            throw Invalid(source, $"tensor '{name}' has the shape {SafetensorsTensorInfo.FormatShape(shape)}, too large to address.");
        }
        if (bytes != end - begin)
            throw Invalid(source, $"tensor '{name}' has the shape {SafetensorsTensorInfo.FormatShape(shape)} of {dtype}, which needs " +
                $"{bytes} bytes, but its data_offsets [{begin}, {end}] hold {end - begin} bytes.");
        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    /// <summary>Keeps the value of a key of a tensor entry; returns whether the key was seen before.</summary>
    private static bool Take(JsonProperty field, ref JsonElement value, ref bool present)
    {
        if (present) return true;
        value = field.Value;
        present = true;
        return false;
    }

    private static long[] ReadNonNegativeIntegers(JsonElement element, string name, string field, string source)
    {
        if (element.ValueKind != JsonValueKind.Array)
            throw Invalid(source, $"the \"{field}\" of tensor '{name}' is a JSON {Describe(element.ValueKind)}, not an array.");
        var values = new long[element.GetArrayLength()];
        int k = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0)
                throw Invalid(source, $"the \"{field}\" of tensor '{name}' holds {item.GetRawText()}, not a non-negative integer.");
            values[k++] = value;
        }
        return values;
    }

    private static void CheckLayout(List<SafetensorsTensorInfo> tensors, long dataLength, string source)
    {
        var byOffset = new List<SafetensorsTensorInfo>(tensors);
        byOffset.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long next = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (SafetensorsTensorInfo tensor in byOffset)
        {
            if (tensor.Begin < next)
                throw Invalid(source, $"the data of tensor '{tensor.Name}' (data_offsets [{tensor.Begin}, {tensor.End}]) overlaps " +
                    $"that of tensor '{previous!.Name}' (data_offsets [{previous.Begin}, {previous.End}]).");
            if (tensor.Begin > next)
                throw Invalid(source, $"the data section has a gap: bytes [{next}, {tensor.Begin}) before tensor '{tensor.Name}' " +
                    "belong to no tensor (offsets must be contiguous from 0).");
            if (tensor.End > dataLength)
                throw Invalid(source, $"the file is truncated: tensor '{tensor.Name}' needs the data bytes [{tensor.Begin}, {tensor.End}) " +
                    $"but the data section after the header has only {dataLength} bytes.");
            next = tensor.End;
            previous = tensor;
        }
        if (next != dataLength)
            throw Invalid(source, $"the tensors' data ends at byte {next} of the data section, but the file has {dataLength} data bytes " +
                $"after the header ({(dataLength - next).ToString(CultureInfo.InvariantCulture)} bytes at the end belong to no tensor).");
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
