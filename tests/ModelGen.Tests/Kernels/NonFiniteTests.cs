using System;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// The scan that keeps non-finite values out of a model: every length (vector body and tail), every position, each
/// kind of non-finite value, in float and double, and the largest finite values and subnormals, which are finite.
/// </summary>
public class NonFiniteTests
{
    private static void Check<T>(T[] specials) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int length = 0; length <= 70; length++)
        {
            if (length == 0) { Assert.Equal(-1, NonFinite.IndexOf<T>([])); continue; }
            var values = new T[length];
            for (int i = 0; i < length; i++) values[i] = T.CreateTruncating(i % 3 == 0 ? -i : i) * T.CreateTruncating(0.37);
            Assert.Equal(-1, NonFinite.IndexOf<T>(values));
            values[length / 2 % Math.Max(1, length)] = T.CreateTruncating(3.4e38); // large finite values are fine
            if (length > 1) values[length - 1] = -T.Epsilon; // the smallest subnormal
            Assert.Equal(-1, NonFinite.IndexOf<T>(values));
            for (int position = 0; position < length; position++)
            {
                foreach (T special in specials)
                {
                    T saved = values[position];
                    values[position] = special;
                    Assert.Equal(position, NonFinite.IndexOf<T>(values));
                    values[^1] = T.NaN; // a later one does not hide the first
                    Assert.Equal(position, NonFinite.IndexOf<T>(values));
                    values[position] = saved;
                    values[^1] = length > 1 ? -T.Epsilon : saved;
                }
            }
        }
    }

    [Fact]
    public void Float() => Check([float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001))]);

    [Fact]
    public void Double() => Check([double.NaN, double.PositiveInfinity, double.NegativeInfinity, -double.NaN]);
}
