using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;

namespace ModelGen.IO;

/// <summary>
/// Writes scalars (loss, accuracy, learning rate...) to a TensorBoard event file, so that
/// <c>tensorboard --logdir DIR</c> plots them. The file, <c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host name&gt;</c>,
/// is a sequence of TFRecord frames (u64 little-endian length, masked CRC-32C of the length, payload, masked CRC-32C of
/// the payload) whose payloads are serialized <c>Event</c> protocol buffers; the first one carries the file version
/// <c>brain.Event:2</c>. Every record is handed to the operating system as soon as it is added, so TensorBoard sees it
/// during training and a crash loses nothing. Thread-safe.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    /// <summary>The file version written in the first event.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly object _gate = new();
    private FileStream? _stream;

    /// <summary>Creates <paramref name="logDirectory"/> if needed and starts a new event file in it.</summary>
    /// <param name="logDirectory">The run's log folder (TensorBoard shows each folder as one run).</param>
    public TensorBoardWriter(string logDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDirectory);
        Directory.CreateDirectory(logDirectory);
        double wallTime = Now();
        string baseName = "events.out.tfevents." + ((long)Math.Floor(wallTime)).ToString(CultureInfo.InvariantCulture) + "." + HostName();
        string path = Path.GetFullPath(Path.Combine(logDirectory, baseName));
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 4096);
                break;
            }
            catch (IOException) when (File.Exists(path) && attempt < 1000)
            {
                // Another writer started in the same second: TensorBoard reads every file with "tfevents" in its name.
                path = Path.GetFullPath(Path.Combine(logDirectory, baseName + "." + attempt.ToString(CultureInfo.InvariantCulture)));
            }
        }
        FilePath = path;
        WriteRecord(EncodeFileVersionRecord(wallTime));
    }

    /// <summary>The full path of the event file.</summary>
    public string FilePath { get; }

    /// <summary>Adds one point of the scalar series <paramref name="tag"/>, stamped with the current time.</summary>
    /// <param name="tag">The series name, such as <c>loss/train</c> (slashes group charts in TensorBoard).</param>
    /// <param name="value">The value (stored as a 32-bit float, as TensorBoard does).</param>
    /// <param name="step">The x coordinate: the optimizer step or epoch.</param>
    public void AddScalar(string tag, double value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        WriteRecord(EncodeScalarRecord(tag, value, step, Now()));
    }

    /// <summary>Flushes the written records to the disk.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stream is null, this);
            _stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Flushes and closes the file. Further calls do nothing.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stream is null) return;
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            _stream = null;
        }
    }

    /// <summary>
    /// One framed scalar record: <c>Event{wall_time = 1 (double), step = 2 (int64), summary = 5 {value = 1 {tag = 1
    /// (string), simple_value = 2 (float)}}}</c>. As in proto3, a zero <c>wall_time</c> or <c>step</c> is omitted;
    /// <c>simple_value</c> belongs to a oneof and is always written.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="value">The value, stored as a 32-bit float.</param>
    /// <param name="step">The step.</param>
    /// <param name="wallTime">Seconds since the Unix epoch.</param>
    /// <returns>The frame: length, its masked CRC, the payload, its masked CRC.</returns>
    public static byte[] EncodeScalarRecord(string tag, double value, long step, double wallTime)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var summaryValue = new ProtobufWriter();
        summaryValue.WriteString(1, tag);
        summaryValue.WriteFloat(2, (float)value);
        var summary = new ProtobufWriter();
        summary.WriteBytes(1, summaryValue.ToArray());
        var evt = new ProtobufWriter();
        if (wallTime != 0) evt.WriteDouble(1, wallTime);
        if (step != 0) evt.WriteInt64(2, step);
        evt.WriteBytes(5, summary.ToArray());
        return FrameRecord(evt.ToArray());
    }

    /// <summary>The framed first record of an event file: <c>Event{wall_time = 1, file_version = 3 "brain.Event:2"}</c>.</summary>
    /// <param name="wallTime">Seconds since the Unix epoch.</param>
    /// <returns>The frame.</returns>
    public static byte[] EncodeFileVersionRecord(double wallTime)
    {
        var evt = new ProtobufWriter();
        if (wallTime != 0) evt.WriteDouble(1, wallTime);
        evt.WriteString(3, FileVersion);
        return FrameRecord(evt.ToArray());
    }

    /// <summary>Frames a payload as a TFRecord: u64 LE length, masked CRC-32C of those 8 bytes, payload, masked CRC-32C of the payload.</summary>
    /// <param name="payload">The record's bytes.</param>
    /// <returns>The frame, 16 bytes longer than the payload.</returns>
    public static byte[] FrameRecord(ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[payload.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(frame, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), Crc32C.Mask(Crc32C.Compute(frame.AsSpan(0, 8))));
        payload.CopyTo(frame.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(12 + payload.Length), Crc32C.Mask(Crc32C.Compute(payload)));
        return frame;
    }

    private void WriteRecord(byte[] frame)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stream is null, this);
            _stream.Write(frame);
            _stream.Flush(flushToDisk: false);
        }
    }

    private static double Now() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    private static string HostName()
    {
        string name;
        try
        {
            name = System.Net.Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            name = Environment.MachineName;
        }
        if (string.IsNullOrWhiteSpace(name)) name = "localhost";
        foreach (char c in Path.GetInvalidFileNameChars()) name = name.Replace(c, '_');
        return name;
    }
}
