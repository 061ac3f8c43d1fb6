using System;
using System.Numerics;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// <see cref="Pooling.GlobalAvgForward{T}"/> and <see cref="Pooling.GlobalAvgBackward{T}"/> against plain loops in float
/// and double (planes shorter than a vector, with vector tails, and long), the division by the plane's size (not a
/// multiplication by its reciprocal), the backward pass as the forward pass's adjoint, accumulation, argument checks and
/// allocations.
/// </summary>
public class GlobalAveragePoolingTests
{
    // (n, channels, spatial): 1×1 planes, planes shorter than a vector, with a tail, 7×7 (ResNet's last), long ones.
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 3, 4, 1 }, { 2, 3, 3 }, { 2, 5, 9 }, { 4, 3, 17 }, { 2, 8, 49 }, { 3, 2, 100 }, { 1, 3, 784 }, { 0, 3, 4 },
    };

    private static T[] Values<T>(int count, int seed, double scale = 1.0) where T : unmanaged, IFloatingPointIeee754<T> =>
        Array.ConvertAll(TestData.Doubles(count, seed, scale), v => T.CreateTruncating(v));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_a_plain_loop(int n, int channels, int spatial)
    {
        ForwardMatches<float>(n, channels, spatial);
        ForwardMatches<double>(n, channels, spatial);
    }

    private static void ForwardMatches<T>(int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Values<T>(n * channels * spatial, seed: spatial);
        T[] y = new T[n * channels + 1];
        Array.Fill(y, T.NaN);
        Pooling.GlobalAvgForward<T>(x, y, n, channels, spatial);
        double eps = typeof(T) == typeof(float) ? Math.Pow(2, -23) : Math.Pow(2, -52);
        for (int plane = 0; plane < n * channels; plane++)
        {
            // The same sum in order, in T; the kernel adds in vector lanes first, so it may differ by the rounding of
            // the sums (relative to the sum of the magnitudes).
            T sum = T.Zero;
            double magnitude = 0;
            for (int p = 0; p < spatial; p++)
            {
                sum += x[plane * spatial + p];
                magnitude += Math.Abs(double.CreateTruncating(x[plane * spatial + p]));
            }
            T expected = sum / T.CreateTruncating(spatial);
            double error = Math.Abs(double.CreateTruncating(expected) - double.CreateTruncating(y[plane]));
            Assert.True(error <= 2 * spatial * eps * magnitude / spatial + eps * Math.Abs(double.CreateTruncating(expected)),
                $"{typeof(T).Name} plane {plane} of {spatial}: expected {expected}, got {y[plane]}");
            if (spatial < 4) Assert.Equal(expected, y[plane]); // shorter than any vector: the plain loop's bits
        }
        Assert.True(T.IsNaN(y[n * channels]), "the forward pass wrote past n·channels");
    }

    [Fact]
    public void The_sum_is_divided_by_the_plane_size_not_multiplied_by_its_reciprocal()
    {
        // Planes of 49 small integers (sums exact in any order) whose sum S has S/49 ≠ S·(1/49) in the type.
        DividesExactly<float>();
        DividesExactly<double>();
    }

    private static void DividesExactly<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int spatial = 49;
        T count = T.CreateTruncating(spatial), reciprocal = T.One / count;
        int found = 0;
        for (int total = 1; total < 5000 && found < 8; total++)
        {
            T sum = T.CreateTruncating(total);
            if ((sum / count).Equals(sum * reciprocal)) continue;
            found++;
            T[] x = new T[spatial];
            for (int p = 0; p < spatial; p++) x[p] = T.CreateTruncating(total / spatial + (p < total % spatial ? 1 : 0));
            T[] y = new T[1];
            Pooling.GlobalAvgForward<T>(x, y, 1, 1, spatial);
            Assert.Equal(sum / count, y[0]);
        }
        Assert.Equal(8, found); // the cases exist, so the assertion above was reached
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_spreads_each_gradient_over_its_plane_and_accumulates_exactly(int n, int channels, int spatial)
    {
        BackwardMatches<float>(n, channels, spatial);
        BackwardMatches<double>(n, channels, spatial);
    }

    private static void BackwardMatches<T>(int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = n * channels * spatial;
        T[] dy = Values<T>(n * channels, seed: 20 + spatial);
        T[] prefill = Values<T>(count, seed: 21 + spatial, scale: 3);
        T[] spread = new T[count], added = new T[count];
        for (int plane = 0; plane < n * channels; plane++)
            for (int p = 0; p < spatial; p++)
            {
                T g = dy[plane] / T.CreateTruncating(spatial);
                spread[plane * spatial + p] = g;
                added[plane * spatial + p] = prefill[plane * spatial + p] + g;
            }
        T[] dx = new T[count + 1];
        Array.Fill(dx, T.NaN);
        Pooling.GlobalAvgBackward<T>(dy, dx, n, channels, spatial);
        Assert.Equal(spread, dx[..count]);
        Assert.True(T.IsNaN(dx[count]), "the backward pass wrote past n·channels·spatial");

        dx = (T[])prefill.Clone();
        Pooling.GlobalAvgBackward<T>(dy, dx, n, channels, spatial, accumulate: true);
        Assert.Equal(added, dx);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_is_the_adjoint_of_forward(int n, int channels, int spatial)
    {
        // ⟨forward(x), r⟩ = ⟨x, backward(r)⟩: the gradient of L = Σ y·r.
        double[] x = TestData.Doubles(n * channels * spatial, seed: 30), r = TestData.Doubles(n * channels, seed: 31);
        double[] y = new double[n * channels], dx = new double[x.Length];
        Pooling.GlobalAvgForward<double>(x, y, n, channels, spatial);
        Pooling.GlobalAvgBackward<double>(r, dx, n, channels, spatial);
        double left = 0, right = 0;
        for (int i = 0; i < y.Length; i++) left += y[i] * r[i];
        for (int i = 0; i < x.Length; i++) right += x[i] * dx[i];
        Assert.True(Math.Abs(left - right) <= 1e-12 * (1 + Math.Abs(left)), $"⟨y, r⟩ = {left}, ⟨x, dx⟩ = {right}");
    }

    [Fact]
    public void Short_spans_are_rejected_with_the_expected_length()
    {
        // 2 samples of 3 channels of 5 values: x and dx need 30, y and dy 6.
        var e = Assert.Throws<ArgumentException>(() => Pooling.GlobalAvgForward<float>(new float[29], new float[6], 2, 3, 5));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("30", e.Message);
        e = Assert.Throws<ArgumentException>(() => Pooling.GlobalAvgForward<double>(new double[30], new double[5], 2, 3, 5));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("6", e.Message);
        e = Assert.Throws<ArgumentException>(() => Pooling.GlobalAvgBackward<float>(new float[5], new float[30], 2, 3, 5));
        Assert.Equal("dy", e.ParamName);
        Assert.Contains("6", e.Message);
        e = Assert.Throws<ArgumentException>(() => Pooling.GlobalAvgBackward<double>(new double[6], new double[29], 2, 3, 5, accumulate: true));
        Assert.Equal("dx", e.ParamName);
        Assert.Contains("30", e.Message);
        Assert.ThrowsAny<ArgumentException>(() => Pooling.GlobalAvgForward<float>(new float[30], new float[6], 2, 3, 0));
        Assert.ThrowsAny<ArgumentException>(() => Pooling.GlobalAvgBackward<float>(new float[6], new float[30], 2, 0, 5));
    }

    [Fact]
    public void Global_average_pooling_allocates_nothing()
    {
        float[] x = TestData.Floats(4 * 16 * 49, seed: 40), y = new float[4 * 16], dx = new float[x.Length];
        double[] xd = TestData.Doubles(4 * 16 * 49, seed: 41), yd = new double[4 * 16];
        Assert.Equal(0, Allocations.Steady(() => Pooling.GlobalAvgForward<float>(x, y, 4, 16, 49)));
        Assert.Equal(0, Allocations.Steady(() => Pooling.GlobalAvgForward<double>(xd, yd, 4, 16, 49)));
        Assert.Equal(0, Allocations.Steady(() => Pooling.GlobalAvgBackward<float>(y, dx, 4, 16, 49)));
        Assert.Equal(0, Allocations.Steady(() => Pooling.GlobalAvgBackward<float>(y, dx, 4, 16, 49, accumulate: true)));
    }
}
