using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace ModelGen.Onnx.Import;

/// <summary>
/// Turns an ONNX model (as <c>torch.onnx.export</c> writes it, opsets 13–17) into a ModelGen declaration: the attributed
/// partial class as C# source and its weights under ModelGen's names. The <c>modelgen import</c> tool also compiles the
/// declaration with the generator and reports its diagnostics.
/// </summary>
public static class OnnxImporter
{
    private static readonly Regex Identifier = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>Imports the ONNX file at <paramref name="path"/>.</summary>
    /// <exception cref="OnnxFormatException">The file is not a readable ONNX model (truncated, corrupt, not ONNX).</exception>
    /// <exception cref="OnnxImportException">The graph uses what ModelGen cannot express; every offending node is listed.</exception>
    /// <exception cref="ArgumentException">An option is invalid (a class name that is not a C# identifier, ...).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static ImportResult Import(string path, OnnxImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new OnnxImportOptions();
        CheckOptions(options);
        using FileStream stream = File.OpenRead(path);
        return Import(stream, options, options.SourceName ?? Path.GetFileName(path));
    }

    /// <summary>Imports an ONNX model from a stream (read to its end).</summary>
    /// <inheritdoc cref="Import(string, OnnxImportOptions?)"/>
    public static ImportResult Import(Stream stream, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new OnnxImportOptions();
        CheckOptions(options);
        return Import(stream, options, options.SourceName ?? "model.onnx");
    }

    private static ImportResult Import(Stream stream, OnnxImportOptions options, string sourceName)
    {
        var graph = new OnnxGraph(ModelReader.Read(stream, sourceName), sourceName);
        MappedModel model = GraphMapper.Map(graph);
        (string source, IReadOnlyList<ImportedLayer> layers) = SourceWriter.Write(model, options, sourceName);
        var weights = model.Layers
            .SelectMany(l => l.Tensors.Select(t => new ImportedTensor(l.Name + t.Suffix, t.Shape, t.Values)))
            .ToList();
        return new ImportResult(options.ClassName, string.IsNullOrEmpty(options.Namespace) ? null : options.Namespace,
            source, layers, weights, model.Input, model.Opset);
    }

    private static void CheckOptions(OnnxImportOptions options)
    {
        if (!IsIdentifier(options.ClassName))
            throw new ArgumentException($"The class name '{options.ClassName}' is not a C# identifier.", nameof(options));
        if (!string.IsNullOrEmpty(options.Namespace) && !options.Namespace.Split('.').All(IsIdentifier))
            throw new ArgumentException($"The namespace '{options.Namespace}' is not a C# namespace name (identifiers separated by dots).", nameof(options));
        if (options.BatchSize < 1)
            throw new ArgumentException($"The batch size must be at least 1, not {options.BatchSize}.", nameof(options));
    }

    /// <summary>A plain C# identifier that is not a keyword.</summary>
    public static bool IsIdentifier(string? name) => name is not null && Identifier.IsMatch(name) && !Keywords.Contains(name);
}
