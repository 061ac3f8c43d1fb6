using System;
using System.Runtime.Intrinsics;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// The ReLU of the kernels' epilogues (<c>ILanes.Relu</c>, one max instruction on x86) against the scalar rule
/// <c>v &lt; 0 ? 0 : v</c>, bit for bit, at every vector width and in float and double: NaN (with its payload and sign),
/// −0, infinities, subnormals and ordinary values, each in every lane.
/// </summary>
public class ReluLanesTests
{
    private static T[] Specials<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
    [
        T.NaN, -T.NaN, T.NegativeZero, T.Zero, T.PositiveInfinity, T.NegativeInfinity, T.Epsilon, -T.Epsilon,
        T.One, -T.One, T.CreateTruncating(3.5), T.CreateTruncating(-1e-30),
    ];

    private static void Check<T, TV, S>(int width, Func<T[], TV> load, Func<TV, int, T> lane)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        T[] specials = Specials<T>();
        var values = new T[width];
        for (int shift = 0; shift < specials.Length; shift++)
        {
            for (int i = 0; i < width; i++) values[i] = specials[(i + shift) % specials.Length];
            TV result = S.Relu(load(values));
            for (int i = 0; i < width; i++)
            {
                T expected = values[i] < T.Zero ? T.Zero : values[i];
                Assert.Equal(Bits(expected), Bits(lane(result, i)));
            }
        }
    }

    private static long Bits<T>(T value) where T : unmanaged =>
        value is float f ? BitConverter.SingleToInt32Bits(f) : BitConverter.DoubleToInt64Bits((double)(object)value);

    [Fact]
    public void Float_relu_has_the_bits_of_the_scalar_rule_at_every_width()
    {
        Check<float, Vector512<float>, Lanes512<float>>(16, Vector512.Create, (v, i) => v[i]);
        Check<float, Vector256<float>, Lanes256<float>>(8, Vector256.Create, (v, i) => v[i]);
        Check<float, Vector128<float>, Lanes128<float>>(4, Vector128.Create, (v, i) => v[i]);
        Check<float, float, Lane<float>>(1, a => a[0], (v, i) => v);
    }

    [Fact]
    public void Double_relu_has_the_bits_of_the_scalar_rule_at_every_width()
    {
        Check<double, Vector512<double>, Lanes512<double>>(8, Vector512.Create, (v, i) => v[i]);
        Check<double, Vector256<double>, Lanes256<double>>(4, Vector256.Create, (v, i) => v[i]);
        Check<double, Vector128<double>, Lanes128<double>>(2, Vector128.Create, (v, i) => v[i]);
        Check<double, double, Lane<double>>(1, a => a[0], (v, i) => v);
    }
}
