using System;
using System.IO;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests;

/// <summary>
/// Dense layers read their weights from a packed copy kept between calls; every way of changing the weights must make
/// the next prediction use the new ones: an optimizer step, <c>Parameter(name)</c> and <c>LoadWeights</c>.
/// </summary>
public class PackedWeightsTests
{
    private static float[] Predict(SmallClassifier model, float[] x)
    {
        float[] y = new float[x.Length / SmallClassifier.InputSize * SmallClassifier.OutputSize];
        model.Predict(x, y);
        return y;
    }

    /// <summary>A fresh model with the same parameters, whose packed copies are made from them for the first time.</summary>
    private static SmallClassifier Copy(SmallClassifier model)
    {
        var copy = new SmallClassifier(seed: 999);
        foreach (string name in SmallClassifier.ParameterNames) model.Parameter(name).CopyTo(copy.Parameter(name));
        return copy;
    }

    [Fact]
    public void A_write_through_Parameter_is_seen_by_the_next_prediction()
    {
        var model = new SmallClassifier();
        float[] x = TestData.Floats(3 * SmallClassifier.InputSize, seed: 5);
        float[] before = Predict(model, x);
        model.Parameter("dense0.weight")[7] += 0.5f;
        float[] after = Predict(model, x);
        Assert.NotEqual(before, after);
        Assert.Equal(Predict(Copy(model), x), after);
    }

    [Fact]
    public void An_optimizer_step_is_seen_by_the_next_prediction()
    {
        var model = new SmallClassifier();
        float[] x = TestData.Floats(4 * SmallClassifier.InputSize, seed: 6);
        float[] before = Predict(model, x);
        model.TrainStep(x, new[] { 0, 1, 2, 3 });
        float[] after = Predict(model, x);
        Assert.NotEqual(before, after);
        Assert.Equal(Predict(Copy(model), x), after);
    }

    [Fact]
    public void LoadWeights_is_seen_by_the_next_prediction()
    {
        string path = Path.Combine(Path.GetTempPath(), $"packed-{Guid.NewGuid():N}.safetensors");
        try
        {
            var other = new SmallClassifier(seed: 77);
            other.SaveWeights(path);
            var model = new SmallClassifier();
            float[] x = TestData.Floats(2 * SmallClassifier.InputSize, seed: 7);
            _ = Predict(model, x);
            model.LoadWeights(path);
            Assert.Equal(Predict(other, x), Predict(model, x));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(1, 20, 32)]
    [InlineData(5, 33, 17)]
    [InlineData(64, 784, 128)]
    [InlineData(130, 200, 72)] // split by columns against A packed once for both threads
    [InlineData(600, 40, 48)] // split by rows, each thread packing its own
    public void Packed_and_unpacked_forward_give_the_same_bits(int n, int inputs, int outputs)
    {
        float[] x = TestData.Floats(n * inputs, seed: 1), w = TestData.Floats(outputs * inputs, seed: 2), b = TestData.Floats(outputs, seed: 3);
        float[] plain = new float[n * outputs], packed = new float[n * outputs];
        Dense.Forward<float>(x, w, b, plain, n, inputs, outputs, relu: true);
        var weights = new PackedWeights<float>(inputs, outputs);
        Dense.Forward<float>(x, w, weights, 1, b, packed, n, inputs, outputs, relu: true);
        Assert.Equal(plain, packed);
        Array.Clear(packed);
        Dense.Forward<float>(x, w, weights, 1, b, packed, n, inputs, outputs, threads: 0, relu: true);
        Assert.Equal(plain, packed);

        // The same version is not packed again (a stale copy is used, as the rule says); a new version is.
        w[0] += 1;
        Dense.Forward<float>(x, w, weights, 1, b, packed, n, inputs, outputs, relu: true);
        Assert.Equal(plain, packed);
        Dense.Forward<float>(x, w, weights, 2, b, packed, n, inputs, outputs, relu: true);
        Dense.Forward<float>(x, w, b, plain, n, inputs, outputs, relu: true);
        Assert.Equal(plain, packed);

        // A new version on all threads: the product's parts pack the panels they compute with; then every panel is
        // there for a call on one thread that reads the copy as it is.
        w[^1] -= 1;
        Dense.Forward<float>(x, w, b, plain, n, inputs, outputs, relu: true);
        Array.Clear(packed);
        Dense.Forward<float>(x, w, weights, 3, b, packed, n, inputs, outputs, threads: 0, relu: true);
        Assert.Equal(plain, packed);
        Array.Clear(packed);
        Dense.Forward<float>(x, w, weights, 3, b, packed, n, inputs, outputs, relu: true);
        Assert.Equal(plain, packed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100_003)]
    public unsafe void Packed_weights_start_at_a_cache_line_and_a_kernel_writes_all_of_them(int outputs)
    {
        // Every packed copy, of floats and doubles, current and previous, starts at a 64-byte boundary: the kernels read
        // it as whole vectors. The packed panels are read back from that address: the same values as the unpacked product.
        var single = new PackedWeights<float>(3, outputs, keepPrevious: true);
        var wide = new PackedWeights<double>(3, outputs);
        float[] w = TestData.Floats(3 * outputs, seed: 12);
        Assert.Equal(0, (nint)single.For(w, version: 1) % 64);
        Assert.Equal(0, (nint)single.For(w, version: 2) % 64);
        Assert.Equal(0, (nint)single.PackedAt(1) % 64);
        Assert.Equal(0, (nint)wide.For(new double[3 * outputs], version: 1) % 64);
        float[] x = TestData.Floats(3 * 2, seed: 13), expected = new float[2 * outputs], y = new float[2 * outputs];
        Dense.Forward<float>(x, w, ReadOnlySpan<float>.Empty, expected, 2, 3, outputs);
        // Version 3: stale, so the product packs the panels into the aligned copy itself before it reads them.
        Dense.Forward<float>(x, w, single, version: 3, ReadOnlySpan<float>.Empty, y, 2, 3, outputs);
        Assert.Equal(0, (nint)single.PackedAt(3) % 64);
        Assert.Equal(expected, y);
    }

    [Fact]
    public unsafe void An_aligned_array_holds_what_was_asked_and_refuses_a_negative_length()
    {
        var bytes = new AlignedArray<byte>(5);
        Assert.Equal(5, bytes.Length);
        Assert.Equal(5, bytes.Span.Length);
        bytes.Span.Fill(7);
        Assert.Equal(0, (nint)bytes.Pointer % AlignedArray<byte>.Alignment);
        Assert.Equal(0, new AlignedArray<double>(0).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedArray<float>(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedArray<float>(Array.MaxLength)); // no room for the padding
    }

    [Fact]
    public void Packed_weights_of_another_shape_are_refused()
    {
        var weights = new PackedWeights<float>(3, 2);
        var e = Assert.Throws<ArgumentException>(() =>
            Dense.Forward<float>(new float[4], new float[8], weights, 0, ReadOnlySpan<float>.Empty, new float[2], 1, 4, 2));
        Assert.Contains("[2 x 3]", e.Message);
    }
}
