using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Initialization;
using Xunit;

namespace ModelGen.Data.Tests;

public class AugmentationTests
{
    /// <summary>The reference transform: flip (optionally), then pixel (y, x) ← (y − dy, x − dx) or 0 outside.</summary>
    private static float[] Expected(float[] image, int channels, int h, int w, bool flip, int dy, int dx)
    {
        var result = new float[image.Length];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int sy = y - dy, sx = x - dx;
                    if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
                    int fx = flip ? w - 1 - sx : sx;
                    result[(c * h + y) * w + x] = image[(c * h + sy) * w + fx];
                }
        return result;
    }

    /// <summary>Every pixel distinct and non-zero, so a flip and shift can be recognized from the output.</summary>
    private static float[] Distinct(int channels, int h, int w) =>
        Enumerable.Range(1, channels * h * w).Select(v => (float)v).ToArray();

    /// <summary>The (flip, dy, dx) within ±maxShift that turn <paramref name="image"/> into <paramref name="output"/>.</summary>
    private static List<(bool Flip, int Dy, int Dx)> Explain(float[] image, float[] output, int channels, int h, int w, int maxShift)
    {
        var matches = new List<(bool, int, int)>();
        foreach (bool flip in new[] { false, true })
            for (int dy = -maxShift; dy <= maxShift; dy++)
                for (int dx = -maxShift; dx <= maxShift; dx++)
                    if (Expected(image, channels, h, w, flip, dy, dx).SequenceEqual(output)) matches.Add((flip, dy, dx));
        return matches;
    }

    [Fact]
    public void Each_output_is_the_input_flipped_and_shifted_within_bounds_with_zero_fill()
    {
        const int channels = 2, h = 5, w = 6, maxShift = 2, count = 400;
        var augmentation = new ImageAugmentation(channels, h, w, maxShift, flipProbability: 0.5);
        float[] image = Distinct(channels, h, w);
        var batch = new float[count * image.Length];
        for (int s = 0; s < count; s++) image.CopyTo(batch, s * image.Length);
        var random = SplitMix64.ForStream(3, 0);
        augmentation.Apply<float>(batch, count, ref random);

        var shifts = new HashSet<(int, int)>();
        int flips = 0;
        for (int s = 0; s < count; s++)
        {
            float[] output = batch.AsSpan(s * image.Length, image.Length).ToArray();
            // Exactly one flip and shift in range explains the whole sample, both channels alike (zero fill included).
            (bool flip, int dy, int dx) = Assert.Single(Explain(image, output, channels, h, w, maxShift));
            Assert.Equal((5 - Math.Abs(dy)) * (6 - Math.Abs(dx)) * channels, output.Count(v => v != 0));
            shifts.Add((dy, dx));
            if (flip) flips++;
        }
        Assert.Equal(25, shifts.Count); // every shift in −2..2 × −2..2 occurs
        Assert.InRange(flips, 160, 240); // p = 0.5 over 400 samples: ±4σ
    }

    [Fact]
    public void Flip_fraction_is_close_to_the_probability()
    {
        const int count = 20000;
        var augmentation = new ImageAugmentation(1, 1, 2, maxShift: 0, flipProbability: 0.3);
        var batch = new double[count * 2];
        for (int s = 0; s < count; s++) (batch[2 * s], batch[2 * s + 1]) = (1, 2);
        var random = new SplitMix64(12345);
        augmentation.Apply<double>(batch, count, ref random);
        int flipped = 0;
        for (int s = 0; s < count; s++)
        {
            Assert.True((batch[2 * s], batch[2 * s + 1]) is (1, 2) or (2, 1));
            if (batch[2 * s] == 2) flipped++;
        }
        // σ = √(0.3·0.7/20000) ≈ 0.0032.
        Assert.InRange(flipped / (double)count, 0.3 - 0.015, 0.3 + 0.015);
    }

    [Fact]
    public void Certain_flip_and_no_augmentation_are_exact()
    {
        float[] image = Distinct(1, 2, 3); // rows 1 2 3 / 4 5 6
        float[] flipped = (float[])image.Clone();
        var random = new SplitMix64(1);
        new ImageAugmentation(1, 2, 3, flipProbability: 1).Apply<float>(flipped, 1, ref random);
        Assert.Equal(new float[] { 3, 2, 1, 6, 5, 4 }, flipped);

        float[] same = (float[])image.Clone();
        new ImageAugmentation(1, 2, 3).Apply<float>(same, 1, ref random);
        Assert.Equal(image, same);
    }

    [Fact]
    public void Shifts_as_large_as_the_image_empty_it_and_only_count_images_are_touched()
    {
        var augmentation = new ImageAugmentation(1, 2, 2, maxShift: 5);
        float[] batch = [.. Distinct(1, 2, 2), .. Distinct(1, 2, 2), 9, 9, 9, 9];
        var random = new SplitMix64(7);
        int emptied = 0;
        for (int trial = 0; trial < 50; trial++)
        {
            float[] copy = (float[])batch.Clone();
            augmentation.Apply<float>(copy, 2, ref random);
            Assert.Equal(new float[] { 9, 9, 9, 9 }, copy[8..]);
            for (int s = 0; s < 2; s++)
            {
                float[] output = copy[(4 * s)..(4 * s + 4)];
                Assert.Single(Explain(Distinct(1, 2, 2), output, 1, 2, 2, 5).Select(m => Expected(Distinct(1, 2, 2), 1, 2, 2, m.Flip, m.Dy, m.Dx)).Distinct(new ArrayComparer()));
                if (output.All(v => v == 0)) emptied++;
            }
        }
        Assert.True(emptied > 0);
    }

    private sealed class ArrayComparer : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? a, float[]? b) => a!.SequenceEqual(b!);
        public int GetHashCode(float[] a) => a.Aggregate(17, (h, v) => h * 31 + v.GetHashCode());
    }

    [Fact]
    public void The_same_generator_state_gives_the_same_augmentation()
    {
        var augmentation = new ImageAugmentation(3, 4, 4, maxShift: 1, flipProbability: 0.5);
        float[] images = Enumerable.Range(0, 10 * 48).Select(v => (float)(v % 17)).ToArray();
        float[] Run(ulong state)
        {
            float[] copy = (float[])images.Clone();
            var random = new SplitMix64(state);
            augmentation.Apply<float>(copy, 10, ref random);
            return copy;
        }
        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
    }

    [Fact]
    public void Loader_augments_its_buffers_not_the_data_set_and_reproduces_with_the_seed()
    {
        Dataset<double> data = DatasetTests.Indexed(40, features: 9);
        double[] original = (double[])data.FeatureData.Clone();
        double[] Epochs(int seed)
        {
            var loader = new BatchLoader<double>(data, batchSize: 8, seed: seed,
                augmentation: new ImageAugmentation(1, 3, 3, maxShift: 1, flipProbability: 0.5));
            var all = new List<double>();
            for (int e = 0; e < 2; e++) foreach (Batch<double> b in loader) all.AddRange(b.Inputs.ToArray());
            return all.ToArray();
        }
        double[] a = Epochs(4);
        Assert.Equal(original, data.FeatureData);
        Assert.Equal(a, Epochs(4));
        Assert.NotEqual(a, Epochs(5));

        // Without augmentation the loader would serve exact rows; with it, some rows are moved (zeros appear).
        Assert.Contains(0.0, a.Where((v, k) => k % 9 != 0 || v != 0));
    }

    [Fact]
    public void Invalid_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(0, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(1, 2, 2, maxShift: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmentation(1, 2, 2, flipProbability: 1.5));
        var random = new SplitMix64(1);
        float[] small = new float[7];
        Assert.Throws<ArgumentException>(() => new ImageAugmentation(1, 2, 2).Apply<float>(small, 2, ref random));
    }
}
