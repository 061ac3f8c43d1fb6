using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace ModelGen.IO.Tests;

/// <summary>TensorBoard event files: CRC-32C, the worked record of the conventions, and files parsed back record by record.</summary>
public class TensorBoardTests
{
    [Fact]
    public void Crc32C_of_the_check_string_is_E3069283()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
        Assert.Equal(Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")),
            Crc32C.Append(Crc32C.Compute(Encoding.ASCII.GetBytes("1234")), Encoding.ASCII.GetBytes("56789")));
    }

    [Fact]
    public void Mask_follows_the_formula_and_unmasks()
    {
        foreach (uint crc in new[] { 0u, 1u, 0xE3069283u, 0xFFFFFFFFu, 0x80000000u })
        {
            uint expected = unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
            Assert.Equal(expected, Crc32C.Mask(crc));
            Assert.Equal(crc, Crc32C.Unmask(Crc32C.Mask(crc)));
        }
    }

    [Fact]
    public void Scalar_record_matches_the_worked_example_byte_for_byte()
    {
        byte[] expected = Hex.Parse("1A00000000000000 129BD82D 09000000000000F03F 1003 2A0D 0A0B 0A046C6F7373 150000003F 7FB84377");
        Assert.Equal(expected, TensorBoardWriter.EncodeScalarRecord("loss", 0.5, 3, 1.0));
    }

    [Fact]
    public void File_version_record_carries_brain_Event_2()
    {
        byte[] frame = TensorBoardWriter.EncodeFileVersionRecord(1.0);
        (byte[] payload, int next) = ReadRecord(frame, 0);
        Assert.Equal(frame.Length, next);
        Assert.Equal(Hex.Parse("09000000000000F03F 1A0D").Concat(Encoding.ASCII.GetBytes("brain.Event:2")), payload);
    }

    [Fact]
    public void Negative_steps_encode_as_ten_byte_varints_and_step_zero_is_omitted()
    {
        List<Field> negative = Decode(ReadRecord(TensorBoardWriter.EncodeScalarRecord("t", 1, -1, 2.0), 0).Payload);
        Assert.Equal(ulong.MaxValue, negative.Single(f => f.Number == 2).Varint);
        List<Field> zero = Decode(ReadRecord(TensorBoardWriter.EncodeScalarRecord("t", 1, 0, 2.0), 0).Payload);
        Assert.DoesNotContain(zero, f => f.Number == 2);
        Assert.Equal(2.0, BitConverter.Int64BitsToDouble((long)zero.Single(f => f.Number == 1).Varint));
    }

    [Fact]
    public void Written_file_parses_back_record_by_record()
    {
        using var folder = new TempFolder();
        string logDir = Path.Combine(folder.Path, "runs", "exp1");
        double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        string path;
        var points = new (string Tag, double Value, long Step)[]
        {
            ("loss/train", 2.302585, 0), ("loss/train", 0.75, 100), ("accuracy", 0.875, 100), ("lr", 1e-3, 1L << 40), ("Ünïcode ✓", -1.5, 7),
        };
        using (var writer = new TensorBoardWriter(logDir))
        {
            path = writer.FilePath;
            foreach ((string tag, double value, long step) in points) writer.AddScalar(tag, value, step);
            writer.Flush();
        }
        double after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + 1;

        Assert.Equal(Path.GetFullPath(logDir), Path.GetDirectoryName(path));
        Match name = Regex.Match(Path.GetFileName(path), @"^events\.out\.tfevents\.(\d+)\.(.+)$");
        Assert.True(name.Success, Path.GetFileName(path));
        long seconds = long.Parse(name.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, (long)before - 1, (long)after);

        byte[] content = File.ReadAllBytes(path);
        var events = new List<List<Field>>();
        for (int offset = 0; offset < content.Length;)
        {
            (byte[] payload, int next) = ReadRecord(content, offset);
            events.Add(Decode(payload));
            offset = next;
        }
        Assert.Equal(1 + points.Length, events.Count);

        List<Field> first = events[0];
        Assert.InRange(BitConverter.Int64BitsToDouble((long)first.Single(f => f.Number == 1 && f.Wire == 1).Varint), before - 1, after);
        Assert.Equal("brain.Event:2", Encoding.UTF8.GetString(first.Single(f => f.Number == 3 && f.Wire == 2).Bytes));

        for (int i = 0; i < points.Length; i++)
        {
            List<Field> evt = events[i + 1];
            double wallTime = BitConverter.Int64BitsToDouble((long)evt.Single(f => f.Number == 1 && f.Wire == 1).Varint);
            Assert.InRange(wallTime, before - 1, after);
            long step = evt.SingleOrDefault(f => f.Number == 2 && f.Wire == 0) is { } stepField ? (long)stepField.Varint : 0;
            Assert.Equal(points[i].Step, step);
            List<Field> summary = Decode(evt.Single(f => f.Number == 5 && f.Wire == 2).Bytes);
            List<Field> value = Decode(summary.Single(f => f.Number == 1 && f.Wire == 2).Bytes);
            Assert.Equal(points[i].Tag, Encoding.UTF8.GetString(value.Single(f => f.Number == 1 && f.Wire == 2).Bytes));
            Assert.Equal((float)points[i].Value, BitConverter.Int32BitsToSingle((int)value.Single(f => f.Number == 2 && f.Wire == 5).Varint));
        }
    }

    [Fact]
    public void Records_are_visible_while_the_writer_is_open()
    {
        using var folder = new TempFolder();
        using var writer = new TensorBoardWriter(folder.Path);
        writer.AddScalar("loss", 1.25, 1);

        using var reader = new FileStream(writer.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var content = new byte[reader.Length];
        reader.ReadExactly(content);
        (_, int next) = ReadRecord(content, 0);
        (byte[] scalar, int end) = ReadRecord(content, next);
        Assert.Equal(content.Length, end);
        List<Field> value = Decode(Decode(Decode(scalar).Single(f => f.Number == 5).Bytes).Single().Bytes);
        Assert.Equal("loss", Encoding.UTF8.GetString(value.Single(f => f.Number == 1).Bytes));
        Assert.Equal(1.25f, BitConverter.Int32BitsToSingle((int)value.Single(f => f.Number == 2).Varint));
    }

    [Fact]
    public void Two_writers_in_one_folder_get_separate_files()
    {
        using var folder = new TempFolder();
        using var a = new TensorBoardWriter(folder.Path);
        using var b = new TensorBoardWriter(folder.Path);
        Assert.NotEqual(a.FilePath, b.FilePath);
        Assert.All(new[] { a.FilePath, b.FilePath }, p => Assert.Contains("tfevents", Path.GetFileName(p), StringComparison.Ordinal));
    }

    [Fact]
    public void A_disposed_writer_refuses_scalars()
    {
        using var folder = new TempFolder();
        var writer = new TensorBoardWriter(folder.Path);
        writer.Dispose();
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.AddScalar("loss", 1, 1));
        using var other = new TensorBoardWriter(folder.Path);
        Assert.Throws<ArgumentException>(() => other.AddScalar("", 1, 1));
    }

    private readonly record struct Field(int Number, int Wire, ulong Varint, byte[] Bytes);

    /// <summary>Reads one TFRecord frame at <paramref name="offset"/>, checking both masked CRCs.</summary>
    private static (byte[] Payload, int Next) ReadRecord(byte[] content, int offset)
    {
        Assert.True(content.Length - offset >= 16, "truncated record");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(content.AsSpan(offset));
        Assert.Equal(Crc32C.Mask(Crc32C.Compute(content.AsSpan(offset, 8))), BinaryPrimitives.ReadUInt32LittleEndian(content.AsSpan(offset + 8)));
        Assert.True((ulong)(content.Length - offset - 16) >= length, "record longer than the file");
        byte[] payload = content.AsSpan(offset + 12, (int)length).ToArray();
        Assert.Equal(Crc32C.Mask(Crc32C.Compute(payload)), BinaryPrimitives.ReadUInt32LittleEndian(content.AsSpan(offset + 12 + (int)length)));
        return (payload, offset + 16 + (int)length);
    }

    /// <summary>Decodes the top-level fields of a protocol buffer (fixed-width values are returned in <c>Varint</c>).</summary>
    private static List<Field> Decode(byte[] message)
    {
        var fields = new List<Field>();
        int k = 0;
        ulong ReadVarint()
        {
            ulong result = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = message[k++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return result;
            }
        }
        while (k < message.Length)
        {
            ulong key = ReadVarint();
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: fields.Add(new Field(number, wire, ReadVarint(), [])); break;
                case 1: fields.Add(new Field(number, wire, BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(k)), [])); k += 8; break;
                case 5: fields.Add(new Field(number, wire, BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(k)), [])); k += 4; break;
                case 2:
                    int length = (int)ReadVarint();
                    fields.Add(new Field(number, wire, 0, message.AsSpan(k, length).ToArray()));
                    k += length;
                    break;
                default: throw new InvalidDataException($"Unexpected wire type {wire}.");
            }
        }
        Assert.Equal(message.Length, k);
        return fields;
    }
}
