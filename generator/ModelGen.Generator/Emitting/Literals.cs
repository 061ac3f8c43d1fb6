using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Emitting;

/// <summary>
/// Formats numbers and names for generated code, independent of the compiler's culture: invariant digits, '.' as the
/// decimal separator, '-' (never U+2212) as the minus sign, and round-trip precision.
/// </summary>
internal static class Literals
{
    public static string Int(int value) => NumberText.Of(value);

    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A literal of the model's scalar type: <c>0.1f</c>, <c>1e-8f</c> for float; <c>0.1</c>, <c>1e-8</c> for double.</summary>
    public static string Scalar(double value, bool isDouble) => isDouble ? Number(value) : NumberText.Of((float)value) + "f";

    /// <summary>A double literal with round-trip precision: <c>0.9</c>, <c>1e-8</c>, <c>0</c>.</summary>
    public static string Number(double value) => NumberText.Of(value);

    /// <summary>A C# string literal.</summary>
    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>An identifier, escaped with '@' when it is a keyword.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;

    public static string Bool(bool value) => value ? "true" : "false";
}
