using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Numerics;

namespace ModelGen.Data;

/// <summary>
/// Reader of IDX files, the format of MNIST, Fashion-MNIST, KMNIST and EMNIST: a big-endian header (magic number, then
/// one 32-bit size per dimension) followed by the values. Files may be gzip-compressed (as they are distributed, e.g.
/// <c>train-images-idx3-ubyte.gz</c>) or raw; gzip is recognized by its first two bytes 1F 8B, not by the file name.
/// </summary>
/// <remarks>
/// The magic number is <c>00 00 tt dd</c>: two zero bytes, the element type <c>tt</c> (0x08 = unsigned byte, the only
/// type supported here) and the number of dimensions <c>dd</c>. Image files are 0x00000803 (count × rows × columns),
/// label files 0x00000801 (count). A malformed file raises an <see cref="InvalidDataException"/> whose message names
/// the file, the byte offset and what was expected.
/// </remarks>
public static class Idx
{
    /// <summary>The magic number of an IDX file of unsigned-byte images: type 0x08, 3 dimensions.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of an IDX file of unsigned-byte labels: type 0x08, 1 dimension.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an IDX image file (magic 0x00000803).</summary>
    /// <remarks>
    /// The header is read first and the size it declares computed in 64-bit arithmetic; a raw file's length is checked
    /// against it before any data is read, and a gzip file is decompressed only up to the declared size plus one byte,
    /// so a small file that declares little but inflates to gigabytes (a gzip bomb) fails at once.
    /// </remarks>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX image file.</exception>
    public static IdxImages LoadImages(string path)
    {
        using var source = IdxSource.Open(path);
        Span<byte> header = stackalloc byte[16];
        ReadMagic(source, header, 3, "an image file");
        int count = Dimension(source, header, 0, "image count", allowZero: true);
        int rows = Dimension(source, header, 1, "row count", allowZero: false);
        int columns = Dimension(source, header, 2, "column count", allowZero: false);
        // Three dimensions below 2^31 each can exceed even a long: saturate, so the size check below refuses it.
        long plane = (long)rows * columns;
        long pixels = count != 0 && plane > long.MaxValue / count ? long.MaxValue : plane * count;
        byte[] data = ReadData(source, header.Length, pixels, $"{count} images of {rows} × {columns} pixels");
        return new IdxImages(count, rows, columns, data);
    }

    /// <summary>Reads an IDX label file (magic 0x00000801): one label per sample.</summary>
    /// <remarks>Read like <see cref="LoadImages"/>: header first, then at most the declared size (plus one byte).</remarks>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX label file.</exception>
    public static int[] LoadLabels(string path)
    {
        using var source = IdxSource.Open(path);
        Span<byte> header = stackalloc byte[8];
        ReadMagic(source, header, 1, "a label file");
        int count = Dimension(source, header, 0, "label count", allowZero: true);
        byte[] data = ReadData(source, header.Length, count, $"{count} labels");
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = data[i];
        return labels;
    }

    /// <summary>
    /// Reads an image file and its label file into a classification <see cref="Dataset{T}"/> with one feature per
    /// pixel (row-major, so a sample is a [1, rows, columns] image), each pixel multiplied by <paramref name="scale"/>.
    /// </summary>
    /// <param name="imagesPath">The IDX image file (raw or gzip).</param>
    /// <param name="labelsPath">The IDX label file (raw or gzip).</param>
    /// <param name="scale">The factor applied to each byte: 1/255 (the default) maps pixels to [0, 1].</param>
    /// <param name="classCount">The number of classes; 0 (the default) takes the largest label plus one.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or the image and label counts disagree.</exception>
    public static Dataset<T> Load<T>(string imagesPath, string labelsPath, double scale = 1.0 / 255.0, int classCount = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        IdxImages images = LoadImages(imagesPath);
        int[] labels = LoadLabels(labelsPath);
        if (images.Count != labels.Length)
            throw new InvalidDataException(
                $"'{imagesPath}' holds {images.Count} images but '{labelsPath}' holds {labels.Length} labels; " +
                "an image file and its label file must have the same count (are they from the same set, e.g. both train or both test?).");
        // 256 possible byte values: convert each once, so every pixel of value v gets exactly the same T.
        Span<T> table = stackalloc T[256];
        for (int v = 0; v < 256; v++) table[v] = T.CreateTruncating(v * scale);
        byte[] pixels = images.Pixels;
        var features = new T[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) features[i] = table[pixels[i]];
        return new Dataset<T>(features, images.Height * images.Width, labels, classCount);
    }

    /// <summary>
    /// An IDX file opened for reading: the raw bytes, or the decompressed bytes of a gzip file (recognized by its first
    /// two bytes 1F 8B). Counts the bytes it has delivered, and turns a gzip stream's errors into messages naming the file.
    /// </summary>
    private sealed class IdxSource : IDisposable
    {
        private readonly Stream _stream;

        private IdxSource(string path, Stream stream, bool gzip, long? length)
        {
            Path = path;
            _stream = stream;
            Form = gzip ? " after gzip decompression" : "";
            Length = length;
        }

        public string Path { get; }

        /// <summary>
        /// The number of bytes the source will deliver when it is known in advance (a raw file); null for gzip data,
        /// whose length is known only once it is decompressed, and for a file that cannot seek (a pipe).
        /// </summary>
        public long? Length { get; }

        /// <summary>" after gzip decompression" for a gzip file, for messages about sizes; "" for a raw file.</summary>
        public string Form { get; }

        /// <summary>The bytes delivered so far (the offset of the next byte).</summary>
        public long Position { get; private set; }

        public static IdxSource Open(string path)
        {
            ArgumentNullException.ThrowIfNull(path);
            if (!File.Exists(path))
                throw new FileNotFoundException($"IDX file '{path}' not found (full path: '{System.IO.Path.GetFullPath(path)}').", path);
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            try
            {
                byte[] signature = new byte[2];
                int read = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
                Stream raw;
                if (file.CanSeek)
                {
                    file.Position = 0;
                    raw = file;
                }
                else
                {
                    raw = new ReplayStream(signature.AsMemory(0, read), file); // a pipe: give back the two bytes read
                }
                bool gzip = read == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
                return gzip
                    ? new IdxSource(path, new GZipStream(raw, CompressionMode.Decompress), gzip: true, length: null)
                    : new IdxSource(path, raw, gzip: false, length: file.CanSeek ? file.Length : null);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        /// <summary>Fills <paramref name="buffer"/> as far as the data goes; returns the bytes read (fewer only at the end).</summary>
        public int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException(
                    $"'{Path}' starts with the gzip signature 1F 8B but its compressed data is corrupt: {e.Message}", e);
            }
            Position += read;
            return read;
        }

        public void Dispose() => _stream.Dispose();
    }

    /// <summary>A few bytes already read from a stream that cannot seek, then the rest of that stream.</summary>
    private sealed class ReplayStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return rest.Read(buffer);
            int count = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span.Slice(0, count).CopyTo(buffer);
            _prefix = _prefix.Slice(count);
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Reads the 4-byte magic number into <paramref name="header"/> and checks it.</summary>
    private static void ReadMagic(IdxSource source, Span<byte> header, int dimensions, string what)
    {
        int read = source.Read(header.Slice(0, 4));
        CheckMagic(source.Path, header.Slice(0, read), source.Form, dimensions, what);
    }

    /// <summary>
    /// Reads the <paramref name="values"/> data bytes that follow a header of <paramref name="header"/> bytes, and
    /// checks that the file ends right after them. A raw file's length is compared with the declared size before any
    /// data is read. A gzip file is decompressed into an array that grows with what arrives, never beyond the declared
    /// size (a file that declares more than it holds allocates no more than about twice what it holds), and one byte
    /// past the declared size is the most that is ever decompressed.
    /// </summary>
    private static byte[] ReadData(IdxSource source, int header, long values, string what)
    {
        string path = source.Path, form = source.Form;
        long expected = values > long.MaxValue - header ? long.MaxValue : header + values; // saturating: refused below
        if (expected > Array.MaxLength)
            throw new InvalidDataException(
                $"'{path}' declares {what} in its header, {expected} bytes in all, more than an array can hold.");
        if (source.Length is long length && length != expected)
            throw WrongLength(path, form, header, values, what, length);

        byte[] data = new byte[source.Length is null ? Math.Min(values, 1 << 20) : values];
        int filled = 0;
        while (true)
        {
            filled += source.Read(data.AsSpan(filled));
            if (filled < data.Length || data.Length == values) break; // the data ended, or all of it is here
            Array.Resize(ref data, (int)Math.Min(values, 2L * data.Length));
        }
        if (filled < values)
            throw WrongLength(path, form, header, values, what, header + filled);
        Span<byte> extra = stackalloc byte[1];
        if (source.Read(extra) != 0)
            throw WrongLength(path, form, header, values, what, actual: null);
        return data;
    }

    /// <summary>The error for a file of <paramref name="actual"/> bytes; null when it is longer by an unknown amount (gzip).</summary>
    private static InvalidDataException WrongLength(string path, string form, int header, long values, string what, long? actual)
    {
        long expected = header + values;
        if (actual < expected)
            return new InvalidDataException(
                $"'{path}' is truncated: its header declares {what}, so it must hold {expected} bytes " +
                $"({header}-byte header + {values} data bytes), but it holds {actual}{form}; " +
                $"the data ends at byte offset {actual}, {expected - actual} bytes short.");
        string prefix = $"'{path}' is longer than its header declares: {what} make {expected} bytes ({header}-byte header + {values} data bytes), ";
        return new InvalidDataException(actual is long count
            ? prefix + $"but it holds {count}{form}; {count - expected} unexpected bytes follow byte offset {expected}."
            : prefix + $"but more bytes follow byte offset {expected}{form}; {(form.Length > 0 ? "decompression" : "reading")} was stopped there.");
    }

    private static void CheckMagic(string path, ReadOnlySpan<byte> data, string form, int dimensions, string what)
    {
        int expected = 0x0800 | dimensions;
        if (data.Length == 0)
            throw new InvalidDataException(
                $"'{path}' is empty (0 bytes{form}): expected {what} starting with the magic number 0x{expected:X8} at byte offset 0.");
        if (data.Length < 4)
            throw new InvalidDataException(
                $"'{path}' is too short to be an IDX file: it holds {data.Length} bytes{form}, " +
                $"but the magic number alone takes 4 bytes at offset 0 (expected 0x{expected:X8}, {what}).");
        int magic = BinaryPrimitives.ReadInt32BigEndian(data);
        if (magic == expected) return;
        string prefix = $"'{path}' has magic number 0x{magic:X8} at byte offset 0{form}, but {what} must start with 0x{expected:X8}";
        string why;
        if (data[0] == 0x1F && data[1] == 0x8B)
            why = "the data is gzip-compressed twice";
        else if (data[0] != 0 || data[1] != 0)
        {
            if (data[1] == 0x08 && data[2] == 0 && data[3] == 0)
                why = "the bytes are in little-endian order; IDX headers are big-endian";
            else if (data[0] == (byte)'<' || data[0] == (byte)'{' || char.IsAsciiLetter((char)data[0]))
                why = "this looks like a text file (an HTML error page from a failed download?), not IDX data";
            else
                why = "an IDX file starts with two zero bytes, then the element type and the number of dimensions; this is not an IDX file";
        }
        else if (data[2] != 0x08)
            why = $"its element type is 0x{data[2]:X2} ({TypeName(data[2])}); only 0x08 (unsigned byte) is supported";
        else if (data[3] == 1)
            why = "it is a label file (1 dimension), not an image file: were the image and label paths swapped?";
        else if (data[3] == 3)
            why = "it is an image file (3 dimensions), not a label file: were the image and label paths swapped?";
        else
            why = $"it has {data[3]} dimensions, where {dimensions} {(dimensions == 1 ? "is" : "are")} expected";
        throw new InvalidDataException($"{prefix}: {why}.");
    }

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "not an IDX type",
    };

    /// <summary>Reads dimension <paramref name="index"/> of the header into <paramref name="header"/> and checks it.</summary>
    private static int Dimension(IdxSource source, Span<byte> header, int index, string name, bool allowZero)
    {
        int offset = 4 + 4 * index;
        if (source.Read(header.Slice(offset, 4)) < 4)
            throw new InvalidDataException(
                $"'{source.Path}' is truncated in its header: the {name} is the 32-bit value at byte offset {offset}, " +
                $"so the header needs {offset + 4} bytes, but the file holds {source.Position}{source.Form}.");
        uint value = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(offset));
        if (value > int.MaxValue || (value == 0 && !allowZero))
            throw new InvalidDataException(
                $"'{source.Path}' declares a {name} of {value} at byte offset {offset}; expected {(allowZero ? "0" : "1")} to {int.MaxValue}.");
        return (int)value;
    }
}

/// <summary>The contents of an IDX image file: <see cref="Count"/> images of <see cref="Height"/> × <see cref="Width"/> bytes.</summary>
public sealed class IdxImages
{
    /// <summary>Wraps decoded pixels (no copy).</summary>
    /// <param name="count">The number of images.</param>
    /// <param name="height">The rows of one image.</param>
    /// <param name="width">The columns of one image.</param>
    /// <param name="pixels">The pixels, image after image, each row-major: <c>count × height × width</c> bytes.</param>
    public IdxImages(int count, int height, int width, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if ((long)count * height * width != pixels.Length)
            throw new ArgumentException(
                $"pixels must hold {count} × {height} × {width} = {(long)count * height * width} bytes, but it holds {pixels.Length}.",
                nameof(pixels));
        Count = count;
        Height = height;
        Width = width;
        Pixels = pixels;
    }

    /// <summary>The number of images.</summary>
    public int Count { get; }

    /// <summary>The number of rows of one image.</summary>
    public int Height { get; }

    /// <summary>The number of columns of one image.</summary>
    public int Width { get; }

    /// <summary>The pixels, image after image, each row-major (0 = background in MNIST).</summary>
    public byte[] Pixels { get; }

    /// <summary>The pixels of image <paramref name="index"/> (<c>Height × Width</c> bytes).</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The file holds {Count} images (indices 0..{Count - 1}).");
        return new ReadOnlySpan<byte>(Pixels, index * Height * Width, Height * Width);
    }
}
