using System;

namespace ModelGen.Initialization;

/// <summary>
/// Functions computed with additions, multiplications and divisions only (which IEEE 754 specifies exactly), so
/// their results do not depend on the platform's math library. Used where initialization must be reproducible.
/// </summary>
public static class DeterministicMath
{
    private const double Ln2 = 0.693147180559945309417232121458176568;

    /// <summary>
    /// Natural logarithm of a positive, finite <paramref name="x"/>: <c>x = m·2^e</c> with <c>m ∈ [√½, √2)</c>, then
    /// <c>ln m = 2·atanh(r)</c>, <c>r = (m−1)/(m+1)</c>, summed as a series (|r| ≤ 0.172, so 20 terms reach full precision).
    /// </summary>
    public static double Log(double x)
    {
        if (!(x > 0.0) || double.IsInfinity(x))
            throw new ArgumentOutOfRangeException(nameof(x), x, "The logarithm needs a positive, finite value.");
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF);
        if (exponent == 0)
        {
            // Subnormal: scale into the normal range first.
            return Log(x * 18014398509481984.0) - 54 * Ln2; // 2^54
        }
        exponent -= 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); // [1, 2)
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            exponent++;
        }
        double r = (m - 1.0) / (m + 1.0);
        double r2 = r * r;
        double term = r, sum = 0.0;
        for (int k = 1; k <= 41; k += 2)
        {
            sum += term / k;
            term *= r2;
        }
        return 2.0 * sum + exponent * Ln2;
    }
}
