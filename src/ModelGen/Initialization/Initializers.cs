using System;
using System.Numerics;

namespace ModelGen.Initialization;

/// <summary>
/// Fills parameter tensors with the initializers of <see cref="Init"/>. Values are drawn in double precision from a
/// <see cref="SplitMix64"/> stream and rounded to the tensor's type; uniform initializers draw
/// <c>limit·(2u − 1)</c> with <c>u ∈ [0, 1)</c>, normal ones <c>σ·z</c> with <c>z</c> from the polar method.
/// </summary>
public static class Initializers
{
    /// <summary>Fills <paramref name="values"/> with <paramref name="init"/> for the given fans.</summary>
    public static void Fill<T>(Span<T> values, Init init, int fanIn, int fanOut, ref SplitMix64 random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (fanIn <= 0 || fanOut <= 0)
            throw new ArgumentOutOfRangeException(nameof(fanIn), $"Fans must be positive (fan_in {fanIn}, fan_out {fanOut}).");
        switch (init)
        {
            case Init.Zeros: values.Fill(T.Zero); break;
            case Init.Ones: values.Fill(T.One); break;
            case Init.GlorotUniform: Uniform(values, Math.Sqrt(6.0 / (fanIn + fanOut)), ref random); break;
            case Init.GlorotNormal: Normal(values, Math.Sqrt(2.0 / (fanIn + fanOut)), ref random); break;
            case Init.LeCunUniform: Uniform(values, Math.Sqrt(3.0 / fanIn), ref random); break;
            case Init.LeCunNormal: Normal(values, Math.Sqrt(1.0 / fanIn), ref random); break;
            case Init.HeUniform: Uniform(values, Math.Sqrt(6.0 / fanIn), ref random); break;
            case Init.HeNormal: Normal(values, Math.Sqrt(2.0 / fanIn), ref random); break;
            default: throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown initializer.");
        }
    }

    private static void Uniform<T>(Span<T> values, double limit, ref SplitMix64 random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < values.Length; k++)
            values[k] = T.CreateTruncating(limit * (2.0 * random.NextDouble() - 1.0));
    }

    private static void Normal<T>(Span<T> values, double sigma, ref SplitMix64 random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < values.Length; k++)
            values[k] = T.CreateTruncating(sigma * random.NextNormal());
    }
}
