using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelGen.Onnx.Import;

/// <summary>One reason an ONNX graph cannot become a ModelGen declaration: the node (or graph input) and why.</summary>
/// <param name="Node">The node's name (or a description of an unnamed node, or the graph input's name).</param>
/// <param name="OpType">The node's operator (<c>Conv</c>, <c>Pad</c>, ...), or <c>input</c> for a graph input.</param>
/// <param name="Reason">What ModelGen cannot express, in a sentence.</param>
public sealed record ImportProblem(string Node, string OpType, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Node} ({OpType}): {Reason}";
}

/// <summary>
/// The ONNX file is well formed, but its graph uses what ModelGen cannot express (an unsupported operator, a dynamic
/// dimension other than the batch axis, a convolution with dilation, ...), or the declaration it maps to does not
/// pass the generator's checks. <see cref="Problems"/> lists every offending node; nothing is written.
/// </summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>Creates the exception from its problems (at least one).</summary>
    public OnnxImportException(IReadOnlyList<ImportProblem> problems)
        : base(Describe(problems ?? throw new ArgumentNullException(nameof(problems))))
    {
        if (problems.Count == 0) throw new ArgumentException("An import error needs at least one problem.", nameof(problems));
        Problems = problems.ToArray();
    }

    /// <summary>Every node ModelGen cannot import, with the reason.</summary>
    public IReadOnlyList<ImportProblem> Problems { get; }

    private static string Describe(IReadOnlyList<ImportProblem> problems) =>
        $"The ONNX graph cannot be imported ({problems.Count} {(problems.Count == 1 ? "problem" : "problems")}):"
        + string.Concat(problems.Select(p => Environment.NewLine + "  " + p));
}

/// <summary>The file is not a readable ONNX model: truncated, corrupt, not protobuf, or structurally invalid (a node
/// reading a value nothing produces, a tensor whose data does not match its shape, ...).</summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with the error that revealed the problem.</summary>
    public OnnxFormatException(string message, Exception inner) : base(message, inner) { }
}
