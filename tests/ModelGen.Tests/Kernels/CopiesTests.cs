using System;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

public class CopiesTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1_000_003, 1)]
    [InlineData(1_000_003, 0)] // large enough to be split over the threads, its length not a multiple of the blocks
    public void Copy_writes_every_value_and_nothing_past_the_source(int count, int threads)
    {
        float[] source = TestData.Floats(count, seed: 3);
        float[] destination = new float[count + 1];
        destination.AsSpan().Fill(float.NaN);
        Copies.Copy<float>(source, destination.AsSpan(0, count), threads);
        Assert.True(source.AsSpan().SequenceEqual(destination.AsSpan(0, count)));
        Assert.True(float.IsNaN(destination[count]));
    }

    [Fact]
    public void A_destination_of_another_length_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Copies.Copy<double>(new double[8], new double[7]));
        Assert.Equal("destination", e.ParamName);
        Assert.Contains("8", e.Message);
    }
}
