using System;
using ModelGen.Initialization;

namespace ModelGen.Data;

/// <summary>Uniform random integers and Fisher–Yates shuffles drawn from <see cref="SplitMix64"/>, identical everywhere.</summary>
internal static class Permutation
{
    /// <summary>A uniform integer in <c>0..bound−1</c> (bound ≥ 1), by rejection so that there is no modulo bias.</summary>
    public static int NextInt(ref SplitMix64 random, int bound)
    {
        ulong n = (ulong)bound;
        ulong limit = ulong.MaxValue - ulong.MaxValue % n; // a multiple of n; draws at or above it are rejected
        ulong r;
        do r = random.NextUInt64(); while (r >= limit);
        return (int)(r % n);
    }

    /// <summary>Fisher–Yates (Durstenfeld): for i = n−1 down to 1, swap element i with a uniform j in 0..i.</summary>
    public static void Shuffle(Span<int> values, ref SplitMix64 random)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(ref random, i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
