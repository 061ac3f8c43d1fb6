using System;
using System.IO;

namespace ModelGen.Tool;

/// <summary>The <c>modelgen</c> command's entry point.</summary>
public static class Program
{
    /// <summary>Runs the command; returns its exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Main(string[] args) => Cli.Run(args, Console.Out, Console.Error);
}
