using System;

namespace ModelGen.Tests;

/// <summary>Reproducible inputs for tests.</summary>
internal static class TestData
{
    public static double[] Doubles(int count, int seed, double scale = 1.0)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = scale * (2 * random.NextDouble() - 1);
        return values;
    }

    public static float[] Floats(int count, int seed, double scale = 1.0) =>
        Array.ConvertAll(Doubles(count, seed, scale), v => (float)v);

    public static int[] Labels(int count, int classes, int seed)
    {
        var random = new Random(seed);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = random.Next(classes);
        return labels;
    }

    /// <summary>Targets in [0, 1], including fractional ones (BCE accepts soft targets).</summary>
    public static double[] Probabilities(int count, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = i % 3 == 0 ? random.Next(2) : random.NextDouble();
        return values;
    }
}
