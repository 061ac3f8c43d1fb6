using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using ModelGen.Onnx.Import;
using ModelGen.Tool.Checking;

namespace ModelGen.Tool;

/// <summary>The command line: parsing, the <c>import</c> command, help and version. Progress and errors go to
/// <c>error</c>, the written paths to <c>output</c>.</summary>
internal static class Cli
{
    public const string Usage = """
        modelgen: turns an ONNX model into a ModelGen declaration and its weights.

        Usage:
          modelgen import <model.onnx> [--class <Name>] [--namespace <Namespace>] [--output <folder>] [--batch-size <n>]
          modelgen --help
          modelgen --version

        import writes <Name>.cs (the attributed partial class, a comment per layer naming its ONNX nodes) and
        <Name>.safetensors (the weights under ModelGen's names) into the output folder, after compiling the declaration
        with the ModelGen generator in memory. Nothing is written when anything fails.

        Options:
          --class <Name>          the model class (default: the file name in PascalCase)
          --namespace <Namespace> its namespace (default: none)
          --output <folder>       where to write the two files (default: the current folder; created if missing)
          --batch-size <n>        [Model(BatchSize = n)], the training batch and Predict's chunk size (default: 32)

        Exit codes:
          0  the files were written
          1  the model cannot be imported (every offending node is listed) or the generator rejects the declaration
          2  usage error (unknown command or option, missing argument, invalid class name)
          3  the file cannot be read or written, or is not a valid ONNX file (truncated, corrupt)
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0)
        {
            error.WriteLine("modelgen: no command given.");
            error.WriteLine(Usage);
            return ExitCodes.Usage;
        }
        if (args.Length == 1 && args[0] is "--help" or "-h" or "help" or "-?")
        {
            output.WriteLine(Usage);
            return ExitCodes.Success;
        }
        if (args.Length == 1 && args[0] == "--version")
        {
            output.WriteLine(Version());
            return ExitCodes.Success;
        }
        if (args[0] != "import")
        {
            error.WriteLine($"modelgen: unknown command '{args[0]}'. Run 'modelgen --help'.");
            return ExitCodes.Usage;
        }
        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            output.WriteLine(Usage);
            return ExitCodes.Success;
        }
        if (!TryParseImport(args, error, out ImportArguments? import)) return ExitCodes.Usage;
        return Import(import!, output, error);
    }

    private sealed record ImportArguments(string Model, string ClassName, string? Namespace, string Output, int BatchSize);

    private static bool TryParseImport(string[] args, TextWriter error, out ImportArguments? result)
    {
        result = null;
        string? model = null, className = null, ns = null, folder = null;
        int batch = 32;
        for (int i = 1; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    error.WriteLine($"modelgen import: option {arg} needs a value. Run 'modelgen --help'.");
                    return false;
                }
                string value = args[++i];
                switch (arg)
                {
                    case "--class": className = value; break;
                    case "--namespace": ns = value; break;
                    case "--output": folder = value; break;
                    case "--batch-size":
                        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out batch) || batch < 1)
                        {
                            error.WriteLine($"modelgen import: --batch-size must be a whole number of at least 1, not '{value}'.");
                            return false;
                        }
                        break;
                    default:
                        error.WriteLine($"modelgen import: unknown option '{arg}'. Run 'modelgen --help'.");
                        return false;
                }
            }
            else if (model is null) model = arg;
            else
            {
                error.WriteLine($"modelgen import: one model file at a time ('{model}', then '{arg}').");
                return false;
            }
        }
        if (model is null)
        {
            error.WriteLine("modelgen import: which ONNX file? Usage: modelgen import <model.onnx> [--class <Name>] [--namespace <Namespace>] [--output <folder>]");
            return false;
        }
        className ??= ClassNameFor(model);
        if (!OnnxImporter.IsIdentifier(className))
        {
            error.WriteLine($"modelgen import: '{className}' is not a C# class name (letters, digits and _, not starting with a digit, not a keyword); give one with --class.");
            return false;
        }
        if (ns is not null && !ns.Split('.').All(OnnxImporter.IsIdentifier))
        {
            error.WriteLine($"modelgen import: '{ns}' is not a C# namespace (identifiers separated by dots).");
            return false;
        }
        result = new ImportArguments(model, className, ns, folder ?? ".", batch);
        return true;
    }

    /// <summary>The file's name in PascalCase: fashion_resnet.onnx → FashionResnet.</summary>
    internal static string ClassNameFor(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        var text = new StringBuilder();
        bool upper = true;
        foreach (char c in stem)
        {
            if (!char.IsAsciiLetterOrDigit(c)) { upper = true; continue; }
            text.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        string name = text.ToString();
        return name.Length == 0 || char.IsAsciiDigit(name[0]) ? "Model" + name : name;
    }

    private static int Import(ImportArguments args, TextWriter output, TextWriter error)
    {
        ImportResult result;
        try
        {
            if (!File.Exists(args.Model))
            {
                error.WriteLine($"modelgen import: {args.Model}: no such file.");
                return ExitCodes.FileError;
            }
            error.WriteLine($"Reading {args.Model} ({new FileInfo(args.Model).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes)");
            result = OnnxImporter.Import(args.Model, new OnnxImportOptions { ClassName = args.ClassName, Namespace = args.Namespace, BatchSize = args.BatchSize });
            error.WriteLine($"Mapped the graph (opset {result.Opset}) onto {result.Layers.Count} layers and {result.Weights.Count} weight tensors");
        }
        catch (OnnxFormatException e)
        {
            error.WriteLine($"modelgen import: {e.Message}");
            error.WriteLine("Nothing was written.");
            return ExitCodes.FileError;
        }
        catch (OnnxImportException e)
        {
            error.WriteLine($"modelgen import: {args.Model}: {e.Message}");
            error.WriteLine("Nothing was written.");
            return ExitCodes.ImportErrors;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"modelgen import: {args.Model}: {e.Message}");
            return ExitCodes.FileError;
        }

        error.WriteLine("Checking the declaration with the ModelGen generator");
        CheckResult check = GeneratorCheck.Check(result);
        foreach (ImportProblem warning in check.Warnings) error.WriteLine($"  warning: {warning}");
        if (check.Errors.Count > 0)
        {
            error.WriteLine($"modelgen import: {args.Model}: the ModelGen generator rejects the imported declaration ({check.Errors.Count} {(check.Errors.Count == 1 ? "error" : "errors")}):");
            foreach (ImportProblem problem in check.Errors) error.WriteLine($"  {problem}");
            error.WriteLine("Nothing was written.");
            return ExitCodes.ImportErrors;
        }

        try
        {
            (string source, string weights) = result.WriteTo(args.Output);
            long parameters = result.Weights.Sum(w => (long)w.Values.Length);
            error.WriteLine($"Wrote {result.Layers.Count} layers and {parameters.ToString("N0", CultureInfo.InvariantCulture)} weights");
            output.WriteLine(source);
            output.WriteLine(weights);
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"modelgen import: could not write into {args.Output}: {e.Message}");
            return ExitCodes.FileError;
        }
    }

    internal static string Version()
    {
        Assembly assembly = typeof(Cli).Assembly;
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "?";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return $"modelgen {(plus >= 0 ? version[..plus] : version)}";
    }
}
