using System;
using System.Collections.Generic;

namespace ModelGen.Fuzz.Tests.Infrastructure;

/// <summary>
/// The fuzzers' own SplitMix64 stream (independent of the runtime's, and of System.Random's implementation), so that a
/// case seed gives the same case on every machine and .NET version.
/// </summary>
internal sealed class Rng
{
    private ulong _state;

    public Rng(ulong seed) => _state = seed;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong Next()
    {
        _state = unchecked(_state + 0x9E3779B97F4A7C15UL);
        return Mix(_state);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>).</summary>
    public int Below(int bound) => bound <= 1 ? 0 : (int)(Next() % (ulong)bound);

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Between(int min, int max) => min + Below(max - min + 1);

    public double Unit() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => Unit() < p;

    public T PickFrom<T>(IReadOnlyList<T> items) => items[Below(items.Count)];

    public T Pick<T>(params T[] items) => items[Below(items.Length)];

    /// <summary>Picks index i with probability weights[i] / Σ weights.</summary>
    public int Weighted(params double[] weights)
    {
        double total = 0;
        foreach (double w in weights) total += w;
        double x = Unit() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.Length - 1;
    }

    public byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        for (int i = 0; i < count; i++) bytes[i] = (byte)Next();
        return bytes;
    }
}
