using System;
using System.Globalization;

namespace FashionMnist;

/// <summary>The command line of the sample: <c>[--data DIR] [--epochs N] [--out DIR] [--distributed [--bucket N]]</c>, or <c>--help</c>.</summary>
internal sealed record Arguments(string? DataFolder, int Epochs, string Output, bool Help)
{
    /// <summary>Train data-parallel over the ranks mpirun started (MPI is loaded only then).</summary>
    public bool Distributed { get; init; }

    /// <summary>With --distributed: gradients per all-reduce bucket (0: one all-reduce after the backward pass); null: the default.</summary>
    public int? Bucket { get; init; }

    public const string Usage =
        """
        Usage: dotnet run -c Release --project samples/FashionMnist [-- OPTIONS]
          --data DIR    folder of the four Fashion-MNIST .gz files (default: /usr/share/datasets/fashion-mnist if
                        installed, else the bundled 10,000-image subset)
          --epochs N    epochs to train, N >= 1 (default: 10)
          --out DIR     folder for the checkpoint, best weights, history.csv, TensorBoard logs and plot
                        (default: fashion-mnist-run)
          --distributed train data-parallel over the processes mpirun started (needs MPI, e.g. Open MPI):
                          mpirun -np 4 dotnet run -c Release --project samples/FashionMnist -- --distributed
                        each rank computes 64/ranks samples of every batch of 64; rank 0 prints and writes the files
          --bucket N    with --distributed: gradients per all-reduce bucket started during the backward pass
                        (default 1048576; 0: one all-reduce after the backward pass)
          --help, -h    print this text and exit
        Trains an MLP (784 -> 256 ReLU -> 10, Adam) and prints the test accuracy, a classification report and the
        confusion matrix.
        """;

    /// <summary>Reads the arguments; throws an <see cref="ArgumentException"/> saying what is wrong.</summary>
    public static Arguments Parse(string[] args)
    {
        string? data = null, output = "fashion-mnist-run";
        int epochs = 10;
        bool distributed = false;
        int? bucket = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h": return new Arguments(null, epochs, output, Help: true);
                case "--data": data = Value(args, ref i); break;
                case "--out": output = Value(args, ref i); break;
                case "--epochs": epochs = Positive(args[i], Value(args, ref i)); break;
                case "--distributed": distributed = true; break;
                case "--bucket": bucket = Positive(args[i], Value(args, ref i), minimum: 0); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'.");
            }
        }
        if (bucket is not null && !distributed) throw new ArgumentException("--bucket needs --distributed.");
        return new Arguments(data, epochs, output, Help: false) { Distributed = distributed, Bucket = bucket };
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"{args[i]} needs a value.");
        return args[++i];
    }

    private static int Positive(string option, string text, int minimum = 1) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= minimum
            ? value
            : throw new ArgumentException($"{option} takes a whole number >= {minimum}, not '{text}'.");
}
