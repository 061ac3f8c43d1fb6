using System;
using System.IO;
using Xunit;

namespace ModelGen.Data.Tests;

public sealed class IdxTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Raw_image_and_label_files_load()
    {
        string images = _folder.File("images.idx", TempFolder.ImagesFile(3, 4, 5));
        string labels = _folder.File("labels.idx", TempFolder.LabelsFile(7, 0, 9));

        IdxImages read = Idx.LoadImages(images);
        Assert.Equal((3, 4, 5), (read.Count, read.Height, read.Width));
        Assert.Equal(TempFolder.Pixels(3, 4, 5), read.Pixels);
        Assert.Equal(TempFolder.Pixels(3, 4, 5).AsSpan(20, 20).ToArray(), read.Image(1).ToArray());
        Assert.Equal(new[] { 7, 0, 9 }, Idx.LoadLabels(labels));
    }

    [Fact]
    public void Gzip_files_are_recognized_by_their_magic_not_their_name()
    {
        // No ".gz" in the names: detection must come from the bytes 1F 8B.
        string images = _folder.File("images.bin", TempFolder.Gzip(TempFolder.ImagesFile(3, 4, 5)));
        string labels = _folder.File("labels.bin", TempFolder.Gzip(TempFolder.LabelsFile(7, 0, 9)));
        Assert.Equal(TempFolder.Pixels(3, 4, 5), Idx.LoadImages(images).Pixels);
        Assert.Equal(new[] { 7, 0, 9 }, Idx.LoadLabels(labels));
    }

    [Fact]
    public void Load_scales_pixels_and_keeps_labels()
    {
        string images = _folder.File("i.gz", TempFolder.Gzip(TempFolder.ImagesFile(3, 2, 2)));
        string labels = _folder.File("l", TempFolder.LabelsFile(1, 4, 2));
        Dataset<float> data = Idx.Load<float>(images, labels);

        Assert.Equal(3, data.Count);
        Assert.Equal(4, data.FeatureCount);
        Assert.Equal(5, data.ClassCount); // largest label + 1
        Assert.Equal(new[] { 1, 4, 2 }, data.Labels);
        byte[] pixels = TempFolder.Pixels(3, 2, 2);
        for (int i = 0; i < pixels.Length; i++) Assert.Equal((float)(pixels[i] / 255.0), data.FeatureData[i]);

        Dataset<double> raw = Idx.Load<double>(images, labels, scale: 1.0, classCount: 10);
        Assert.Equal(10, raw.ClassCount);
        Assert.Equal((double)pixels[5], raw.Features(1)[1]);
    }

    [Fact]
    public void Missing_file_raises_FileNotFoundException_naming_it()
    {
        string path = Path.Combine(_folder.Path, "nowhere-images.gz");
        var e = Assert.Throws<FileNotFoundException>(() => Idx.LoadImages(path));
        Assert.Equal(path, e.FileName);
        Assert.Contains("nowhere-images.gz", e.Message);
    }

    [Fact]
    public void Label_file_given_as_images_explains_the_magic()
    {
        string labels = _folder.File("train-labels", TempFolder.LabelsFile(1, 2));
        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(labels));
        Assert.Contains("train-labels", e.Message);
        Assert.Contains("0x00000801", e.Message);
        Assert.Contains("0x00000803", e.Message);
        Assert.Contains("offset 0", e.Message);
        Assert.Contains("label file", e.Message);
        Assert.Contains("swapped", e.Message);

        string images = _folder.File("train-images", TempFolder.ImagesFile(1, 2, 2));
        e = Assert.Throws<InvalidDataException>(() => Idx.LoadLabels(images));
        Assert.Contains("0x00000803", e.Message);
        Assert.Contains("must start with 0x00000801", e.Message);
        Assert.Contains("image file", e.Message);
    }

    [Fact]
    public void Wrong_magic_numbers_are_explained()
    {
        byte[] littleEndian = TempFolder.ImagesFile(1, 2, 2);
        Array.Reverse(littleEndian, 0, 4);
        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(_folder.File("le", littleEndian)));
        Assert.Contains("0x03080000", e.Message);
        Assert.Contains("little-endian", e.Message);

        byte[] floats = TempFolder.IdxBytes(0x00000D03, [1, 1, 1], new byte[4]);
        e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(_folder.File("floats", floats)));
        Assert.Contains("0x0D (32-bit float)", e.Message);
        Assert.Contains("only 0x08 (unsigned byte)", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(_folder.Text("page.html", "<html>404 Not Found</html>")));
        Assert.Contains("page.html", e.Message);
        Assert.Contains("text file", e.Message);

        byte[] twoDimensions = TempFolder.IdxBytes(0x00000802, [2, 2], new byte[4]);
        e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(_folder.File("two", twoDimensions)));
        Assert.Contains("2 dimensions, where 3 are expected", e.Message);
    }

    [Fact]
    public void Truncated_images_report_expected_and_found_bytes()
    {
        byte[] full = TempFolder.ImagesFile(3, 4, 4); // 16 + 48 = 64 bytes
        string path = _folder.File("short-images", full.AsSpan(0, 56).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(path));
        Assert.Contains("short-images", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("3 images of 4 × 4 pixels", e.Message);
        Assert.Contains("must hold 64 bytes", e.Message);
        Assert.Contains("holds 56", e.Message);
        Assert.Contains("8 bytes short", e.Message);

        // The same, compressed: the sizes refer to the decompressed data, and the message says so.
        string gz = _folder.File("short-images.gz", TempFolder.Gzip(full.AsSpan(0, 56).ToArray()));
        e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(gz));
        Assert.Contains("must hold 64 bytes", e.Message);
        Assert.Contains("holds 56 after gzip decompression", e.Message);
    }

    [Fact]
    public void Truncated_labels_report_expected_and_found_bytes()
    {
        byte[] full = TempFolder.LabelsFile(1, 2, 3, 4, 5); // 8 + 5 = 13 bytes
        string path = _folder.File("short-labels", full.AsSpan(0, 10).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadLabels(path));
        Assert.Contains("short-labels", e.Message);
        Assert.Contains("5 labels", e.Message);
        Assert.Contains("must hold 13 bytes", e.Message);
        Assert.Contains("holds 10", e.Message);
    }

    [Fact]
    public void Truncated_header_and_empty_file_are_reported()
    {
        string header = _folder.File("header", TempFolder.ImagesFile(1, 2, 2).AsSpan(0, 10).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(header));
        Assert.Contains("truncated in its header", e.Message);
        Assert.Contains("row count", e.Message);
        Assert.Contains("byte offset 8", e.Message);
        Assert.Contains("holds 10", e.Message);

        string empty = _folder.File("empty", []);
        e = Assert.Throws<InvalidDataException>(() => Idx.LoadLabels(empty));
        Assert.Contains("empty", e.Message);
        Assert.Contains("0 bytes", e.Message);
        Assert.Contains("0x00000801", e.Message);
    }

    [Fact]
    public void Extra_bytes_and_zero_sizes_are_reported()
    {
        byte[] full = TempFolder.LabelsFile(1, 2);
        string longer = _folder.File("long", [.. full, 0, 0, 0]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadLabels(longer));
        Assert.Contains("longer than its header declares", e.Message);
        Assert.Contains("3 unexpected bytes", e.Message);

        string zeroRows = _folder.File("zero-rows", TempFolder.IdxBytes(0x00000803, [1, 0, 4], []));
        e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(zeroRows));
        Assert.Contains("row count of 0 at byte offset 8", e.Message);
    }

    [Fact]
    public void Corrupt_gzip_names_the_file()
    {
        byte[] gz = TempFolder.Gzip(TempFolder.ImagesFile(2, 8, 8));
        for (int i = 10; i < gz.Length - 8; i++) gz[i] ^= 0x5A; // damage the deflate data, keep the signature
        string path = _folder.File("damaged.gz", gz);
        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(path));
        Assert.Contains("damaged.gz", e.Message);
    }

    /// <summary>A gzip file of <paramref name="head"/> followed by <paramref name="zeros"/> zero bytes (compressed, about 1/1000 of that).</summary>
    private static byte[] GzipBomb(byte[] head, long zeros)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(head);
            var chunk = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= chunk.Length) gzip.Write(chunk, 0, (int)Math.Min(left, chunk.Length));
        }
        return output.ToArray();
    }

    /// <summary>Runs <paramref name="load"/>, which must throw InvalidDataException, and returns it with the bytes it allocated.</summary>
    private static (InvalidDataException Error, long Allocated) Measure(Action load)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(load);
        return (error, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_gzip_bomb_fails_after_inflating_one_byte_more_than_declared()
    {
        // One 1×1 image declared, 50 MB of zeros after it: decompressing all of it used to come first.
        byte[] bomb = GzipBomb(TempFolder.ImagesFile(1, 1, 1), 50L << 20);
        Assert.True(bomb.Length < 200_000, $"the bomb is {bomb.Length} bytes compressed");
        string images = _folder.File("bomb-images.gz", bomb);
        var (error, allocated) = Measure(() => Idx.LoadImages(images));
        Assert.Contains("bomb-images.gz", error.Message);
        Assert.Contains("longer than its header declares", error.Message);
        Assert.Contains("1 images of 1 × 1 pixels make 17 bytes", error.Message);
        Assert.Contains("more bytes follow byte offset 17 after gzip decompression; decompression was stopped there", error.Message);
        Assert.True(allocated < 1 << 20, $"loading allocated {allocated} bytes");

        string labels = _folder.File("bomb-labels.gz", GzipBomb(TempFolder.LabelsFile(3), 50L << 20));
        (error, allocated) = Measure(() => Idx.LoadLabels(labels));
        Assert.Contains("1 labels make 9 bytes", error.Message);
        Assert.True(allocated < 1 << 20, $"loading allocated {allocated} bytes");
    }

    [Fact]
    public void A_file_that_declares_far_more_than_it_holds_allocates_no_more_than_it_holds()
    {
        // 60,000 images of 28 × 28 (47 MB) declared, 100 bytes present: raw and compressed.
        byte[] small = TempFolder.IdxBytes(0x00000803, [60000, 28, 28], new byte[100]);
        foreach ((string name, byte[] bytes, string form) in new[] { ("raw", small, ""), ("gz", TempFolder.Gzip(small), " after gzip decompression") })
        {
            string path = _folder.File("liar-" + name, bytes);
            var (error, allocated) = Measure(() => Idx.LoadImages(path));
            Assert.Contains("truncated", error.Message);
            Assert.Contains($"must hold 47040016 bytes (16-byte header + 47040000 data bytes), but it holds 116{form}", error.Message);
            Assert.True(allocated < 3 << 20, $"{name}: loading allocated {allocated} bytes");
        }
    }

    [Fact]
    public void A_gzip_file_one_byte_too_long_is_reported()
    {
        string path = _folder.File("long.gz", TempFolder.Gzip([.. TempFolder.LabelsFile(1, 2), 7]));
        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadLabels(path));
        Assert.Contains("longer than its header declares: 2 labels make 10 bytes", e.Message);
        Assert.Contains("more bytes follow byte offset 10 after gzip decompression", e.Message);
    }

    [Fact]
    public void Large_gzip_files_load_whole()
    {
        // 3 MB of pixels: more than the first buffer of a gzip read (1 MB), so it grows twice.
        string path = _folder.File("large.gz", TempFolder.Gzip(TempFolder.ImagesFile(4000, 28, 28)));
        IdxImages images = Idx.LoadImages(path);
        Assert.Equal(TempFolder.Pixels(4000, 28, 28), images.Pixels);
    }

    [Fact]
    public async System.Threading.Tasks.Task Files_that_cannot_seek_load_too()
    {
        if (!OperatingSystem.IsLinux()) return; // a named pipe made with mkfifo
        foreach ((string name, byte[] bytes) in new[] { ("raw", TempFolder.ImagesFile(3, 4, 5)), ("gz", TempFolder.Gzip(TempFolder.ImagesFile(3, 4, 5))) })
        {
            string fifo = System.IO.Path.Combine(_folder.Path, "pipe-" + name);
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync();
            var writer = System.Threading.Tasks.Task.Run(() => File.WriteAllBytes(fifo, bytes));
            Assert.Equal(TempFolder.Pixels(3, 4, 5), Idx.LoadImages(fifo).Pixels);
            await writer;
        }
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        string images = _folder.File("imgs", TempFolder.ImagesFile(3, 2, 2));
        string labels = _folder.File("lbls", TempFolder.LabelsFile(1, 2));
        var e = Assert.Throws<InvalidDataException>(() => Idx.Load<float>(images, labels));
        Assert.Contains("imgs", e.Message);
        Assert.Contains("lbls", e.Message);
        Assert.Contains("3 images", e.Message);
        Assert.Contains("2 labels", e.Message);
    }

    [Fact]
    public void Dimensions_whose_product_exceeds_even_a_long_are_refused_as_invalid_data()
    {
        // Found by the fuzzer: three dimensions near 2^31 multiply past long.MaxValue (an OverflowException before).
        byte[] huge = TempFolder.IdxBytes(0x00000803, [0x7FFFFFF0, 0x7FFFFFF0, 0x7FFFFFF0], new byte[8]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.LoadImages(_folder.File("huge", huge)));
        Assert.Contains("more than an array can hold", e.Message);
        Assert.Throws<InvalidDataException>(() => Idx.LoadImages(_folder.File("huge.gz", TempFolder.Gzip(huge))));
    }
}
