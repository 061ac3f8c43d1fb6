using System;
using System.Globalization;

namespace OnnxExport;

/// <summary>The command line: <c>[--data DIR] [--epochs N] [--out FILE] [--threads N] [--seconds S]</c>, or <c>--help</c>.</summary>
internal sealed record Arguments(string? DataFolder, int Epochs, string Output, int Threads, double Seconds, bool Help)
{
    public const string Usage =
        """
        Usage: dotnet run -c Release --project samples/OnnxExport [-- OPTIONS]
          --data DIR     folder of the four Fashion-MNIST .gz files (default: the bundled 10,000-image subset)
          --epochs N     epochs to train before exporting, N >= 1 (default: 1)
          --out FILE     where to write the ONNX file (default: fashion-mlp.onnx in the temporary folder)
          --threads N    threads for ModelGen's kernels and ONNX Runtime's intra-op pool alike (default: 1)
          --seconds S    time per speed measurement (default: 0.5)
          --help, -h     print this text and exit
        Trains the FashionMnist sample's MLP, exports it with OnnxExporter, runs the test images through Predict and
        through ONNX Runtime, prints both accuracies, the largest difference of their outputs and the speed of both at
        batch 1 and 64, and exits with 1 when an output differs by more than 1e-5 (absolute, plus 1e-5 relative).
        """;

    /// <summary>Reads the arguments; throws an <see cref="ArgumentException"/> saying what is wrong.</summary>
    public static Arguments Parse(string[] args)
    {
        string? data = null;
        string output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fashion-mlp.onnx");
        int epochs = 1, threads = 1;
        double seconds = 0.5;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    return new Arguments(data, epochs, output, threads, seconds, Help: true);
                case "--data":
                    data = Value(args, ref i);
                    break;
                case "--out":
                    output = Value(args, ref i);
                    break;
                case "--epochs":
                    epochs = Positive(args, ref i);
                    break;
                case "--threads":
                    threads = Positive(args, ref i);
                    break;
                case "--seconds":
                    string text = Value(args, ref i);
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) || !(seconds > 0) || !double.IsFinite(seconds))
                        throw new ArgumentException($"--seconds takes a positive number, not '{text}'.");
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'.");
            }
        }
        return new Arguments(data, epochs, output, threads, seconds, Help: false);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");

    private static int Positive(string[] args, ref int i)
    {
        string text = Value(args, ref i);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1
            ? value : throw new ArgumentException($"{args[i - 1]} takes a whole number of at least 1, not '{text}'.");
    }
}
