using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ModelGen.Data;
using ModelGen.Fuzz.Tests.Infrastructure;
using ModelGen.Training;

namespace ModelGen.Fuzz.Tests.Files;

/// <summary>The valid files the mutation fuzzers start from, made once per test run by the runtime itself.</summary>
internal static class ValidFiles
{
    public const int ClassifierSamples = 40, RegressorSamples = 20;

    /// <summary>Batches per epoch of the trainer that wrote the checkpoints (what Restore bounds the data position by).</summary>
    public static int BatchesPerEpoch(string key) => key.StartsWith("float", StringComparison.Ordinal)
        ? (ClassifierSamples + FuzzClassifier.BatchSize - 1) / FuzzClassifier.BatchSize
        : (RegressorSamples + FuzzRegressor.BatchSize - 1) / FuzzRegressor.BatchSize;

    private static readonly Lazy<Dictionary<string, byte[]>> LazyModelFiles = new(() =>
    {
        using var folder = new TempFolder();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);

        var classifier = new FuzzClassifier();
        new Trainer<float>(classifier) { Epochs = 2, Seed = 1, Output = null, CheckpointPath = folder["float.ckpt"] }.Fit(ClassifierData());
        classifier.SaveWeights(folder["float.safetensors"]);

        var regressor = new FuzzRegressor();
        new Trainer<double>(regressor) { Epochs = 2, Seed = 1, Output = null, CheckpointPath = folder["double.ckpt"] }.Fit(RegressorData());
        regressor.SaveWeights(folder["double.safetensors"]);

        files["float weights"] = File.ReadAllBytes(folder["float.safetensors"]);
        files["double weights"] = File.ReadAllBytes(folder["double.safetensors"]);
        files["float checkpoint"] = File.ReadAllBytes(folder["float.ckpt"]);
        files["double checkpoint"] = File.ReadAllBytes(folder["double.ckpt"]);
        return files;
    });

    /// <summary>"float weights", "double weights" (SaveWeights after training), "float checkpoint", "double checkpoint" (the Trainer's).</summary>
    public static IReadOnlyDictionary<string, byte[]> ModelFiles => LazyModelFiles.Value;

    public static Dataset<float> ClassifierData()
    {
        var r = new Rng(7);
        var x = new float[ClassifierSamples * FuzzClassifier.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(r.Unit() * 2 - 1);
        int[] y = Enumerable.Range(0, ClassifierSamples).Select(i => i % 3).ToArray();
        return new Dataset<float>(x, FuzzClassifier.InputSize, y, 3);
    }

    public static Dataset<double> RegressorData()
    {
        var r = new Rng(8);
        var x = new double[RegressorSamples * FuzzRegressor.InputSize];
        var y = new double[RegressorSamples * FuzzRegressor.OutputSize];
        for (int i = 0; i < x.Length; i++) x[i] = r.Unit() * 2 - 1;
        for (int i = 0; i < y.Length; i++) y[i] = r.Unit();
        return new Dataset<double>(x, FuzzRegressor.InputSize, y, FuzzRegressor.OutputSize);
    }

    // ---------------------------------------------------------------- IDX

    public const int Images = 6, Rows = 4, Columns = 5;

    public static byte[] IdxImages()
    {
        var bytes = new byte[16 + Images * Rows * Columns];
        WriteBigEndian(bytes, 0, 0x00000803);
        WriteBigEndian(bytes, 4, Images);
        WriteBigEndian(bytes, 8, Rows);
        WriteBigEndian(bytes, 12, Columns);
        for (int i = 16; i < bytes.Length; i++) bytes[i] = (byte)(i * 37);
        return bytes;
    }

    public static byte[] IdxLabels()
    {
        var bytes = new byte[8 + Images];
        WriteBigEndian(bytes, 0, 0x00000801);
        WriteBigEndian(bytes, 4, Images);
        for (int i = 0; i < Images; i++) bytes[8 + i] = (byte)(i % 4);
        return bytes;
    }

    public static void WriteBigEndian(byte[] bytes, int offset, uint value) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), value);

    public static void WriteBigEndian(byte[] bytes, int offset, int value) => WriteBigEndian(bytes, offset, unchecked((uint)value));

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(raw);
        return output.ToArray();
    }

    // ---------------------------------------------------------------- CSV

    public static byte[] CsvClassification()
    {
        var text = new StringBuilder("a,b,c,label\n");
        var r = new Rng(9);
        for (int i = 0; i < 8; i++)
            text.Append(FormattableString.Invariant($"{r.Unit():0.###},{r.Unit() * 10 - 5:0.##},{i},{i % 3}\n"));
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] CsvRegression()
    {
        var text = new StringBuilder("x1,x2,y1,y2\n");
        var r = new Rng(10);
        for (int i = 0; i < 8; i++)
            text.Append(FormattableString.Invariant($"{r.Unit():0.###},{r.Unit() * 100:0.#},{r.Unit() - 0.5:0.####},{i * 1e-3}\n"));
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
