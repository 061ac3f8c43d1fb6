using System;
using System.Globalization;

namespace FashionCnn;

/// <summary>The command line of the sample: <c>[epochs] [data folder] [training images]</c>, or <c>--help</c>.</summary>
internal sealed record Arguments(int Epochs, string Folder, int Limit, bool Help)
{
    public const string Usage =
        """
        Usage: dotnet run -c Release --project samples/FashionCnn [-- [epochs] [data folder] [training images]]
          epochs           epochs to train, >= 1 (default: 8)
          data folder      folder of the four Fashion-MNIST .gz files (default: /usr/share/datasets/fashion-mnist;
                           samples/FashionMnist/data holds a 10,000-image subset)
          training images  train on the first N images only, >= 1 (default: all)
          --help, -h       print this text and exit
        Trains a LeNet-style CNN with batch norm and dropout (LeNet.cs) and prints each epoch's time and test accuracy,
        then a classification report and the confusion matrix on the test set.
        """;

    /// <summary>Reads the arguments; throws an <see cref="ArgumentException"/> saying what is wrong.</summary>
    public static Arguments Parse(string[] args)
    {
        if (Array.Exists(args, a => a is "--help" or "-h")) return new Arguments(0, "", 0, Help: true);
        string? option = Array.Find(args, a => a.StartsWith('-'));
        if (option is not null) throw new ArgumentException($"unknown option '{option}'.");
        if (args.Length > 3) throw new ArgumentException($"at most 3 arguments are expected, not {args.Length}.");
        int epochs = args.Length > 0 ? Positive("epochs", args[0]) : 8;
        string folder = args.Length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist";
        int limit = args.Length > 2 ? Positive("training images", args[2]) : int.MaxValue;
        return new Arguments(epochs, folder, limit, Help: false);
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1
            ? value
            : throw new ArgumentException($"{name} must be a whole number >= 1, not '{text}'.");
}
