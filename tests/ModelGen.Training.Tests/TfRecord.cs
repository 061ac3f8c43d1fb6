using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace ModelGen.Training.Tests;

/// <summary>The tests' own reader of TFRecord frames (TensorBoard event files), with its own CRC-32C.</summary>
public static class TfRecord
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1; // Castagnoli, reflected
            table[i] = c;
        }
        return table;
    }

    public static uint Crc32C(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in bytes) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TensorFlow's masking: rotate right by 15 and add a constant.</summary>
    public static uint Masked(ReadOnlySpan<byte> bytes)
    {
        uint crc = Crc32C(bytes);
        return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
    }

    /// <summary>Every payload of the file; throws when a frame is cut short or a CRC does not match.</summary>
    public static List<byte[]> ReadAll(byte[] file)
    {
        var records = new List<byte[]>();
        int at = 0;
        while (at < file.Length)
        {
            if (file.Length - at < 12) throw new InvalidDataException($"frame header cut short at byte {at}");
            ReadOnlySpan<byte> lengthBytes = file.AsSpan(at, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8)) != Masked(lengthBytes))
                throw new InvalidDataException($"bad length CRC at byte {at}");
            if ((ulong)(file.Length - at - 16) < length) throw new InvalidDataException($"payload cut short at byte {at}");
            ReadOnlySpan<byte> payload = file.AsSpan(at + 12, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + (int)length)) != Masked(payload))
                throw new InvalidDataException($"bad payload CRC at byte {at}");
            records.Add(payload.ToArray());
            at += 16 + (int)length;
        }
        return records;
    }
}

/// <summary>Just enough protocol-buffer decoding to read TensorBoard Event messages.</summary>
public static class Protobuf
{
    public sealed record Field(int Number, int WireType, ulong Varint, byte[] Bytes)
    {
        public string String => Encoding.UTF8.GetString(Bytes);
        public double Double => BitConverter.Int64BitsToDouble((long)Varint);
        public float Float => BitConverter.Int32BitsToSingle((int)Varint);
    }

    public static List<Field> Fields(byte[] message)
    {
        var fields = new List<Field>();
        int at = 0;
        while (at < message.Length)
        {
            ulong key = ReadVarint(message, ref at);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0:
                    fields.Add(new Field(number, wire, ReadVarint(message, ref at), []));
                    break;
                case 1:
                    fields.Add(new Field(number, wire, BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(at)), []));
                    at += 8;
                    break;
                case 2:
                    int length = (int)ReadVarint(message, ref at);
                    fields.Add(new Field(number, wire, 0, message.AsSpan(at, length).ToArray()));
                    at += length;
                    break;
                case 5:
                    fields.Add(new Field(number, wire, BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(at)), []));
                    at += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wire} at byte {at}");
            }
        }
        return fields;
    }

    /// <summary>Event{step = 2, summary = 5 {value = 1 {tag = 1, simple_value = 2}}}: the one scalar of an event.</summary>
    public static (long Step, string Tag, float Value) Scalar(byte[] evt)
    {
        List<Field> fields = Fields(evt);
        long step = 0;
        foreach (Field f in fields) if (f.Number == 2 && f.WireType == 0) step = (long)f.Varint;
        Field summary = fields.Find(f => f.Number == 5 && f.WireType == 2) ?? throw new InvalidDataException("no summary");
        Field value = Fields(summary.Bytes).Find(f => f.Number == 1) ?? throw new InvalidDataException("no value");
        List<Field> parts = Fields(value.Bytes);
        string tag = parts.Find(f => f.Number == 1)!.String;
        Field simple = parts.Find(f => f.Number == 2 && f.WireType == 5) ?? throw new InvalidDataException("no simple_value");
        return (step, tag, simple.Float);
    }

    private static ulong ReadVarint(byte[] bytes, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }
}
