using System;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// <see cref="Unfold.Col2Im{T}"/> against the plain loop it documents: every column value added to the input position
/// it was unfolded from, in the order of the rows <c>(c, ki, kj)</c>, then of the output positions, in float, so the
/// vector runs must give the very bits of one addition at a time.
/// </summary>
public class UnfoldTests
{
    /// <summary>channels, height, width, kernel, stride, padTop, padLeft, outHeight, outWidth.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int> Geometries() => new()
    {
        { 2, 14, 14, 5, 1, 0, 0, 10, 10 },   // LeNet's second layer: runs of ten (a vector and two)
        { 3, 6, 23, 3, 1, 1, 1, 6, 23 },     // runs of 21 to 23 with padding: two vectors, a half and one
        { 1, 9, 8, 5, 1, 2, 2, 9, 8 },       // "same" padding, runs shorter than a vector at the borders
        { 2, 9, 8, 3, 2, 1, 1, 5, 4 },       // stride 2: no runs, one value at a time
        { 1, 5, 5, 5, 1, 0, 0, 1, 1 },       // one output position
        { 2, 6, 7, 3, 1, 2, 0, 6, 5 },       // padding on top only: output rows that land outside
        { 1, 5, 16, 3, 1, 1, 1, 5, 16 },     // rows of 16: one 512-bit vector, two 256-bit ones
        { 2, 4, 17, 3, 1, 0, 2, 2, 17 },     // rows of 17, padding on the left only: runs that start inside the row
        { 1, 3, 32, 3, 1, 1, 1, 3, 32 },     // rows of 32: two 512-bit vectors; wider than two 256-bit ones
        { 6, 14, 14, 5, 1, 0, 0, 10, 10 },   // four channels' rows side by side, then two one at a time
        { 5, 5, 16, 3, 1, 1, 1, 5, 16 },     // the same with "same" padding and rows of 16
        { 4, 4, 17, 3, 1, 0, 2, 2, 17 },     // four channels of two vectors, runs at the end of the columns
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Col2Im_gives_the_bits_of_the_plain_loop(int channels, int height, int width, int kernel, int stride,
        int padTop, int padLeft, int outHeight, int outWidth)
    {
        int positions = outHeight * outWidth, rows = channels * kernel * kernel;
        var random = new Random(channels * 1000 + width);
        var columns = new float[rows * positions];
        for (int i = 0; i < columns.Length; i++) columns[i] = (float)(random.NextDouble() * 2 - 1) * MathF.Pow(2, random.Next(-8, 8));
        var dx = new float[channels * height * width];
        for (int i = 0; i < dx.Length; i++) dx[i] = (float)(random.NextDouble() - 0.5);
        // Negative zeros, which must stay negative where no term arrives (and sum as the plain loop sums them elsewhere).
        for (int i = 0; i < dx.Length; i += 7) dx[i] = -0f;
        for (int i = 0; i < columns.Length; i += 5) columns[i] = -0f;
        var expected = (float[])dx.Clone();
        for (int c = 0, row = 0; c < channels; c++)
            for (int ki = 0; ki < kernel; ki++)
                for (int kj = 0; kj < kernel; kj++, row++)
                    for (int oh = 0; oh < outHeight; oh++)
                        for (int ow = 0; ow < outWidth; ow++)
                        {
                            int ih = oh * stride - padTop + ki, iw = ow * stride - padLeft + kj;
                            if (ih < 0 || ih >= height || iw < 0 || iw >= width) continue;
                            expected[(c * height + ih) * width + iw] += columns[row * positions + oh * outWidth + ow];
                        }

        Unfold.Col2Im<float>(columns, dx, channels, height, width, kernel, stride, padTop, padLeft, outHeight, outWidth);

        for (int i = 0; i < dx.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(dx[i]),
                $"dx[{i}]: {dx[i]:R}, the plain loop gives {expected[i]:R}");
    }

    [Fact]
    public void Col2Im_leaves_the_values_after_the_sample_as_they_are()
    {
        // LeNet's second layer on a sample at the start of a longer span: the rows' vectors reach past the sample's last
        // row, and must neither change what follows nor read it into the sample.
        var columns = new float[2 * 25 * 100];
        for (int i = 0; i < columns.Length; i++) columns[i] = i % 13 - 6;
        var dx = new float[2 * 14 * 14 + 40];
        dx.AsSpan(2 * 14 * 14).Fill(float.NaN);
        Unfold.Col2Im<float>(columns, dx, 2, 14, 14, 5, 1, 0, 0, 10, 10);
        Assert.All(dx[..(2 * 14 * 14)], v => Assert.False(float.IsNaN(v)));
        Assert.All(dx[(2 * 14 * 14)..], v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Col2Im_names_the_length_it_needs_and_writes_nothing_when_a_span_is_short()
    {
        var dx = new float[2 * 14 * 14];
        dx.AsSpan().Fill(3f);
        var error = Assert.Throws<ArgumentException>(() =>
            Unfold.Col2Im<float>(new float[50 * 100 - 1], dx, 2, 14, 14, 5, 1, 0, 0, 10, 10));
        Assert.Equal("columns", error.ParamName);
        Assert.Contains("5000", error.Message);
        error = Assert.Throws<ArgumentException>(() =>
            Unfold.Col2Im<float>(new float[50 * 100], new float[2 * 14 * 14 - 1], 2, 14, 14, 5, 1, 0, 0, 10, 10));
        Assert.Equal("dx", error.ParamName);
        Assert.Contains("392", error.Message);
        Assert.All(dx, v => Assert.Equal(3f, v));
    }
}
