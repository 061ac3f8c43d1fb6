using System.Globalization;

namespace ModelGen.Generator.Model;

/// <summary>
/// Numbers as ModelGen writes them, in generated code and in diagnostics alike: invariant culture, round-trip
/// precision, and exponents as people write them (1e-8, not 1E-08).
/// </summary>
internal static class NumberText
{
    public static string Of(double value) => Shorten(value.ToString("R", CultureInfo.InvariantCulture));

    public static string Of(float value) => Shorten(value.ToString("R", CultureInfo.InvariantCulture));

    public static string Of(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"1E-08" → "1e-8" (the value is unchanged).</summary>
    private static string Shorten(string text)
    {
        int e = text.IndexOf('E');
        if (e < 0) return text;
        int exponent = int.Parse(text.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return text.Substring(0, e) + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }
}
