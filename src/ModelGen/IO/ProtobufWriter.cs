using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace ModelGen.IO;

/// <summary>
/// The few pieces of the protocol buffers wire format that TensorBoard events need: a key is
/// <c>(field &lt;&lt; 3) | wire type</c> as a varint; wire type 0 is a varint, 1 a little-endian 64-bit value, 2 a
/// varint length followed by that many bytes, 5 a little-endian 32-bit value.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;
    private readonly MemoryStream _buffer = new();

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => _buffer.ToArray();

    /// <summary>A <c>double</c> field.</summary>
    public void WriteDouble(int field, double value)
    {
        WriteKey(field, Fixed64);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    /// <summary>A <c>float</c> field.</summary>
    public void WriteFloat(int field, float value)
    {
        WriteKey(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    /// <summary>An <c>int64</c> field (negative values take ten bytes, as two's complement).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteKey(field, Varint);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>A <c>string</c> field, UTF-8 encoded.</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A <c>bytes</c> or embedded-message field.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteKey(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    private void WriteKey(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}
