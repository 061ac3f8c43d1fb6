using System;
using System.Globalization;

namespace FashionResNet;

/// <summary>The command line of the sample: <c>[epochs] [data folder]</c>, or <c>--help</c>.</summary>
internal sealed record Arguments(int Epochs, string Folder, bool Help)
{
    public const string Usage =
        """
        Usage: dotnet run -c Release --project samples/FashionResNet [-- [epochs] [data folder]]
          epochs       epochs to train, >= 1 (default: 10)
          data folder  folder of the four Fashion-MNIST .gz files (default: /usr/share/datasets/fashion-mnist;
                       samples/FashionMnist/data holds a 10,000-image subset)
          --help, -h   print this text and exit
        Trains a small ResNet (ResNet.cs) with Adam and a cosine learning-rate decay; prints each epoch's time and test
        accuracy, then a classification report and the confusion matrix on the test set.
        """;

    /// <summary>Reads the arguments; throws an <see cref="ArgumentException"/> saying what is wrong.</summary>
    public static Arguments Parse(string[] args)
    {
        if (Array.Exists(args, a => a is "--help" or "-h")) return new Arguments(0, "", Help: true);
        string? option = Array.Find(args, a => a.StartsWith('-'));
        if (option is not null) throw new ArgumentException($"unknown option '{option}'.");
        if (args.Length > 2) throw new ArgumentException($"at most 2 arguments are expected, not {args.Length}.");
        int epochs = 10;
        if (args.Length > 0 && !(int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out epochs) && epochs >= 1))
            throw new ArgumentException($"epochs must be a whole number >= 1, not '{args[0]}'.");
        return new Arguments(epochs, args.Length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist", Help: false);
    }
}
