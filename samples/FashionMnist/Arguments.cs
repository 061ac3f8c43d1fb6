using System;
using System.Globalization;

namespace FashionMnist;

/// <summary>The command line of the sample: <c>[--data DIR] [--epochs N] [--out DIR]</c>, or <c>--help</c>.</summary>
internal sealed record Arguments(string? DataFolder, int Epochs, string Output, bool Help)
{
    public const string Usage =
        """
        Usage: dotnet run -c Release --project samples/FashionMnist [-- OPTIONS]
          --data DIR    folder of the four Fashion-MNIST .gz files (default: /usr/share/datasets/fashion-mnist if
                        installed, else the bundled 10,000-image subset)
          --epochs N    epochs to train, N >= 1 (default: 10)
          --out DIR     folder for the checkpoint, best weights, history.csv, TensorBoard logs and plot
                        (default: fashion-mnist-run)
          --help, -h    print this text and exit
        Trains an MLP (784 -> 256 ReLU -> 10, Adam) and prints the test accuracy, a classification report and the
        confusion matrix.
        """;

    /// <summary>Reads the arguments; throws an <see cref="ArgumentException"/> saying what is wrong.</summary>
    public static Arguments Parse(string[] args)
    {
        string? data = null, output = "fashion-mnist-run";
        int epochs = 10;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h": return new Arguments(null, epochs, output, Help: true);
                case "--data": data = Value(args, ref i); break;
                case "--out": output = Value(args, ref i); break;
                case "--epochs": epochs = Positive(args[i], Value(args, ref i)); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'.");
            }
        }
        return new Arguments(data, epochs, output, Help: false);
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"{args[i]} needs a value.");
        return args[++i];
    }

    private static int Positive(string option, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1
            ? value
            : throw new ArgumentException($"{option} takes a whole number >= 1, not '{text}'.");
}
