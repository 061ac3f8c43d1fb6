using System.Collections.Generic;

namespace ModelGen.Generator.Graph;

/// <summary>
/// Sizes in 64-bit arithmetic that saturates instead of wrapping: a product too large for a long stays long.MaxValue,
/// so every "does it fit an array" check sees a too-large size as too large, never as a small or negative one.
/// </summary>
internal static class Sizes
{
    /// <summary>Most elements one .NET array holds (Array.MaxLength).</summary>
    public const long MaxArrayLength = 0x7FFFFFC7;

    /// <summary>The product of <paramref name="factors"/>, or long.MaxValue when it does not fit (factors are ≥ 0).</summary>
    public static long Product(IEnumerable<long> factors)
    {
        long product = 1;
        foreach (long factor in factors)
        {
            if (factor <= 0) return factor == 0 ? 0 : long.MaxValue;
            product = product > long.MaxValue / factor ? long.MaxValue : product * factor;
        }
        return product;
    }

    public static long Product(params long[] factors) => Product((IEnumerable<long>)factors);

    /// <summary>The sum, or long.MaxValue when it does not fit (terms are ≥ 0).</summary>
    public static long Sum(IEnumerable<long> terms)
    {
        long sum = 0;
        foreach (long term in terms)
            sum = sum > long.MaxValue - term ? long.MaxValue : sum + term;
        return sum;
    }
}
