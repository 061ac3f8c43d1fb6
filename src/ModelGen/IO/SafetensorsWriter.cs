using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace ModelGen.IO;

/// <summary>
/// Writes a safetensors file to a stream in two phases: declare the tensors (and metadata), write the header, then
/// write each tensor's values in declaration order. The tensors' data is laid out contiguously in that order. The header
/// is compact JSON (<c>{"__metadata__":{..},"name":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},..}</c>, metadata
/// keys in ordinal order, only <c>"</c>, <c>\</c> and control characters escaped, as Python's
/// <c>json.dumps(..., separators=(",", ":"), ensure_ascii=False)</c> writes it), padded with spaces so the data starts
/// 8-byte aligned.
/// </summary>
public sealed class SafetensorsWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _destination;
    private readonly List<SafetensorsTensorInfo> _tensors = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private long _dataLength;
    private int _written = -1; // -1 until the header is written, then the number of tensors written

    /// <summary>Creates a writer that writes to <paramref name="destination"/> (which it does not dispose).</summary>
    /// <param name="destination">A writable stream, positioned where the file starts.</param>
    public SafetensorsWriter(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(destination));
        _destination = destination;
    }

    /// <summary>The tensors declared so far, with their data offsets.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors => _tensors;

    /// <summary>Adds a <c>__metadata__</c> string pair. Only before <see cref="WriteHeader"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void AddMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        RequireDeclaring();
        if (!_metadata.TryAdd(key, value)) throw new ArgumentException($"Metadata key '{key}' was already added.", nameof(key));
    }

    /// <summary>Declares the next tensor. Only before <see cref="WriteHeader"/>.</summary>
    /// <param name="name">The tensor's name; unique, and not <c>__metadata__</c>.</param>
    /// <param name="dtype">Its dtype, such as <see cref="SafetensorsDType.F32"/>.</param>
    /// <param name="shape">Its dimensions, outermost first; non-negative.</param>
    /// <returns>The entry, with its data offsets.</returns>
    public SafetensorsTensorInfo AddTensor(string name, string dtype, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dtype);
        ArgumentNullException.ThrowIfNull(shape);
        RequireDeclaring();
        if (name == SafetensorsReader.MetadataKey)
            throw new ArgumentException($"'{SafetensorsReader.MetadataKey}' is reserved for the metadata and cannot name a tensor.", nameof(name));
        if (!SafetensorsDType.TryGetSize(dtype, out int elementSize))
            throw new ArgumentException($"Unknown safetensors dtype '{dtype}'.", nameof(dtype));
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim < 0) throw new ArgumentException($"Tensor '{name}' has a negative dimension: {SafetensorsTensorInfo.FormatShape(shape)}.", nameof(shape));
            count = checked(count * dim);
        }
        if (!_names.Add(name)) throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        var tensor = new SafetensorsTensorInfo(name, dtype, new List<long>(shape), _dataLength, checked(_dataLength + count * elementSize));
        _tensors.Add(tensor);
        _dataLength = tensor.End;
        return tensor;
    }

    /// <summary>Writes the 8-byte header length, the JSON header and its padding. Ends the declarations.</summary>
    public void WriteHeader()
    {
        RequireDeclaring();
        byte[] header = EncodeHeader(_tensors, _metadata);
        _destination.Write(header);
        _written = 0;
    }

    /// <summary>Writes the values of the next declared tensor, converting them to little-endian.</summary>
    /// <typeparam name="T">The element type, whose dtype (<see cref="SafetensorsDType.Of{T}"/>) must be the tensor's.</typeparam>
    /// <param name="values">Exactly the tensor's element count of values, row-major.</param>
    public void WriteTensor<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        SafetensorsTensorInfo tensor = NextTensor();
        string dtype = SafetensorsDType.Of<T>();
        if (dtype != tensor.DType)
            throw new ArgumentException($"Tensor '{tensor.Name}' was declared {tensor.DType}; {typeof(T).Name} values are {dtype}.", nameof(values));
        if (values.Length != tensor.ElementCount)
            throw new ArgumentException($"Tensor '{tensor.Name}' has {tensor.ElementCount} values; {values.Length} were given.", nameof(values));
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        if (BitConverter.IsLittleEndian)
        {
            _destination.Write(bytes);
        }
        else
        {
            byte[] swapped = bytes.ToArray();
            SafetensorsFile.SwapElements(swapped, SafetensorsDType.SizeOf(dtype));
            _destination.Write(swapped);
        }
        _written++;
    }

    /// <summary>Writes the raw little-endian bytes of the next declared tensor (for dtypes without a .NET type, such as BF16).</summary>
    /// <param name="bytes">Exactly the tensor's byte length.</param>
    public void WriteTensorBytes(ReadOnlySpan<byte> bytes)
    {
        SafetensorsTensorInfo tensor = NextTensor();
        if (bytes.Length != tensor.ByteLength)
            throw new ArgumentException($"Tensor '{tensor.Name}' has {tensor.ByteLength} bytes; {bytes.Length} were given.", nameof(bytes));
        _destination.Write(bytes);
        _written++;
    }

    /// <summary>Checks that every declared tensor was written and flushes the stream.</summary>
    public void Complete()
    {
        if (_written < 0) throw new InvalidOperationException("The header has not been written.");
        if (_written < _tensors.Count)
            throw new InvalidOperationException($"Only {_written} of {_tensors.Count} tensors were written; next is '{_tensors[_written].Name}'.");
        _destination.Flush();
    }

    private void RequireDeclaring()
    {
        if (_written >= 0) throw new InvalidOperationException("The header has already been written.");
    }

    private SafetensorsTensorInfo NextTensor()
    {
        if (_written < 0) throw new InvalidOperationException("Write the header before the tensors.");
        if (_written >= _tensors.Count) throw new InvalidOperationException($"All {_tensors.Count} declared tensors were already written.");
        return _tensors[_written];
    }

    /// <summary>Encodes the 8-byte length, the compact JSON header and the space padding.</summary>
    internal static byte[] EncodeHeader(IReadOnlyList<SafetensorsTensorInfo> tensors, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var json = new StringBuilder();
        json.Append('{');
        bool first = true;
        bool hasMetadata = false;
        foreach (KeyValuePair<string, string> pair in metadata)
        {
            if (!hasMetadata)
            {
                AppendString(json, SafetensorsReader.MetadataKey);
                json.Append(":{");
                hasMetadata = true;
            }
            else
            {
                json.Append(',');
            }
            AppendString(json, pair.Key);
            json.Append(':');
            AppendString(json, pair.Value);
        }
        if (hasMetadata)
        {
            json.Append('}');
            first = false;
        }
        foreach (SafetensorsTensorInfo tensor in tensors)
        {
            if (!first) json.Append(',');
            first = false;
            AppendString(json, tensor.Name);
            json.Append(":{\"dtype\":");
            AppendString(json, tensor.DType);
            json.Append(",\"shape\":[");
            for (int k = 0; k < tensor.Shape.Count; k++)
            {
                if (k > 0) json.Append(',');
                json.Append(tensor.Shape[k].ToString(CultureInfo.InvariantCulture));
            }
            json.Append("],\"data_offsets\":[")
                .Append(tensor.Begin.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(tensor.End.ToString(CultureInfo.InvariantCulture)).Append("]}");
        }
        json.Append('}');

        byte[] text;
        try
        {
            text = StrictUtf8.GetBytes(json.ToString());
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("A tensor name or metadata string is not valid Unicode (it has an unpaired surrogate).", e);
        }
        int padding = (8 - text.Length % 8) % 8;
        byte[] header = new byte[8 + text.Length + padding];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)(text.Length + padding));
        text.CopyTo(header, 8);
        header.AsSpan(8 + text.Length).Fill((byte)' ');
        return header;
    }

    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < ' ') json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else json.Append(c);
                    break;
            }
        }
        json.Append('"');
    }
}
