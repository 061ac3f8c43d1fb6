using System;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary><see cref="RowMath.AddRowSums{T}"/>: several rows' sums at once, each with the bits of <see cref="RowMath.Sum{T}"/>.</summary>
public class RowMathTests
{
    [Theory]
    [InlineData(1, 100)]
    [InlineData(4, 784)]     // LeNet's first convolution: rows of 784 positions, four at a time
    [InlineData(7, 100)]     // a group of four and three rows left
    [InlineData(9, 37)]      // a vector tail in every row
    [InlineData(5, 3)]       // rows shorter than a vector
    public void Each_row_sum_has_the_bits_of_Sum_and_is_added_to_what_is_there(int rows, int length)
    {
        // Values of very different sizes, so that any other order of the additions would round differently.
        float[] x = TestData.Floats(rows * length, seed: 5);
        for (int i = 0; i < x.Length; i += 3) x[i] *= 1e4f;
        float[] start = TestData.Floats(rows, seed: 6);
        float[] sums = (float[])start.Clone();

        RowMath.AddRowSums<float>(x, rows, length, sums);

        for (int r = 0; r < rows; r++)
        {
            float expected = start[r] + RowMath.Sum<float>(x.AsSpan(r * length, length));
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(sums[r]));
        }
    }

    [Fact]
    public void The_inputs_tell_orders_of_addition_apart()
    {
        // The test above would pass for any order that happened to round the same; with these values the same row summed
        // in reverse order gives other bits, so a changed order would show.
        float[] x = TestData.Floats(784, seed: 5);
        for (int i = 0; i < x.Length; i += 3) x[i] *= 1e4f;
        float[] reversed = (float[])x.Clone();
        Array.Reverse(reversed);
        Assert.NotEqual(RowMath.Sum<float>(x), RowMath.Sum<float>(reversed));
    }

    [Fact]
    public void Too_short_an_input_or_too_few_sums_is_rejected()
    {
        Assert.Throws<ArgumentException>("x", () => RowMath.AddRowSums<float>(new float[11], 3, 4, new float[3]));
        Assert.Throws<ArgumentException>("sums", () => RowMath.AddRowSums<float>(new float[12], 3, 4, new float[2]));
    }
}
