using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace ModelGen.Generator.Emitting;

/// <summary>
/// Formats numbers and names for generated code, independent of the compiler's culture: invariant digits, '.' as the
/// decimal separator, '-' (never U+2212) as the minus sign, and round-trip precision.
/// </summary>
internal static class Literals
{
    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A literal of the model's scalar type: <c>0.1f</c>, <c>1e-8f</c> for float; <c>0.1</c>, <c>1e-8</c> for double.</summary>
    public static string Scalar(double value, bool isDouble) =>
        isDouble ? Number(value) : Shorten(((float)value).ToString("R", CultureInfo.InvariantCulture)) + "f";

    /// <summary>A double literal with round-trip precision: <c>0.9</c>, <c>1e-8</c>, <c>0</c>.</summary>
    public static string Number(double value) => Shorten(value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>"1E-08" → "1e-8": the exponent as people write it (the value is unchanged).</summary>
    private static string Shorten(string text)
    {
        int e = text.IndexOf('E');
        if (e < 0) return text;
        int exponent = int.Parse(text.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return text.Substring(0, e) + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A C# string literal.</summary>
    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>An identifier, escaped with '@' when it is a keyword.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;

    public static string Bool(bool value) => value ? "true" : "false";
}
