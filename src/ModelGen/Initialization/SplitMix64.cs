using System;

namespace ModelGen.Initialization;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit counter passed through a fixed mixing function. It is the whole
/// source of randomness in ModelGen, specified here so that a seed gives the same numbers on every platform and .NET
/// version (<see cref="System.Random"/> promises neither). Each parameter tensor draws from its own stream,
/// <see cref="ForStream"/>, so adding a layer never changes the initial values of the others.
/// </summary>
public struct SplitMix64
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    /// <summary>A generator whose state starts at <paramref name="state"/>.</summary>
    public SplitMix64(ulong state) => _state = state;

    /// <summary>
    /// Stream <paramref name="stream"/> of model seed <paramref name="seed"/>: the state starts at
    /// <c>Mix(seed as 32 unsigned bits) ^ Mix(stream + 1)</c>.
    /// </summary>
    public static SplitMix64 ForStream(int seed, int stream) =>
        new(Mix(unchecked((uint)seed)) ^ Mix(unchecked((ulong)(uint)stream + 1)));

    /// <summary>The whole state: read it to checkpoint the generator, write it to resume exactly where it was.</summary>
    public ulong State
    {
        readonly get => _state;
        set => _state = value;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state = unchecked(_state + Gamma);
        return Mix(_state);
    }

    /// <summary>A double uniform on [0, 1): the top 53 bits of <see cref="NextUInt64"/> times 2⁻⁵³.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// A standard normal value by Marsaglia's polar method, using only IEEE-exact operations and
    /// <see cref="DeterministicMath.Log"/>, so the value is identical everywhere.
    /// </summary>
    public double NextNormal()
    {
        while (true)
        {
            double u = 2.0 * NextDouble() - 1.0;
            double v = 2.0 * NextDouble() - 1.0;
            double s = u * u + v * v;
            if (s >= 1.0 || s == 0.0) continue;
            return u * Math.Sqrt(-2.0 * DeterministicMath.Log(s) / s);
        }
    }

    /// <summary>The SplitMix64 finalizer.</summary>
    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
