using System;
using System.Numerics;

namespace ModelGen.Data;

/// <summary>
/// Standardization (scikit-learn's <c>StandardScaler</c>): each feature becomes <c>(x − mean) / std</c>, with the mean
/// and the population standard deviation (divisor n) of the training set.
/// </summary>
/// <remarks>
/// A constant feature (minimum = maximum in the training set) gets standard deviation 1: its mean is still subtracted,
/// so it becomes 0, and nothing is divided by zero. Fit on the training set only, then transform every set with the same
/// statistics; <see cref="FeatureScaler{T}.Save"/> the scaler next to the model to apply it at inference.
/// </remarks>
/// <example>
/// <code>
/// var scaler = Standardizer&lt;float&gt;.Fit(split.Train);
/// scaler.TransformInPlace(split.Train);
/// scaler.TransformInPlace(split.Validation);
/// scaler.Save("scaler.json");                      // later: Standardizer&lt;float&gt;.Load("scaler.json")
/// </code>
/// </example>
/// <typeparam name="T">The floating-point type of the features.</typeparam>
public sealed class Standardizer<T> : FeatureScaler<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal const string KindName = "standardizer";
    internal static readonly (string, string) Fields = ("mean", "standardDeviation");

    /// <summary>A standardizer with the given statistics (copied).</summary>
    /// <param name="mean">The mean of each feature.</param>
    /// <param name="standardDeviation">The standard deviation of each feature; each must be positive and finite.</param>
    /// <exception cref="ArgumentException">The lengths differ or are 0, or a value is not valid.</exception>
    public Standardizer(ReadOnlySpan<T> mean, ReadOnlySpan<T> standardDeviation)
        : base(mean.ToArray(), standardDeviation.ToArray())
    {
        if (mean.Length == 0 || mean.Length != standardDeviation.Length)
            throw new ArgumentException(
                $"mean and standardDeviation must have the same positive length, but they hold {mean.Length} and {standardDeviation.Length} values.",
                nameof(standardDeviation));
        for (int j = 0; j < mean.Length; j++)
        {
            if (!T.IsFinite(mean[j]))
                throw new ArgumentException($"mean[{j}] is {mean[j]}; it must be finite.", nameof(mean));
            if (!T.IsFinite(standardDeviation[j]) || standardDeviation[j] <= T.Zero)
                throw new ArgumentException($"standardDeviation[{j}] is {standardDeviation[j]}; it must be positive and finite.", nameof(standardDeviation));
        }
    }

    /// <summary>The mean of each feature in the data the standardizer was fitted on.</summary>
    public ReadOnlySpan<T> Mean => Offset;

    /// <summary>The population standard deviation of each feature (1 for a constant feature).</summary>
    public ReadOnlySpan<T> StandardDeviation => Scale;

    /// <summary>Fits a standardizer on the features of <paramref name="data"/> (the training set).</summary>
    /// <exception cref="ArgumentException">The data set is empty or holds a non-finite feature.</exception>
    public static Standardizer<T> Fit(Dataset<T> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.FeatureData, data.FeatureCount);
    }

    /// <summary>Fits a standardizer on row-major samples: <paramref name="rows"/> holds <c>n × featureCount</c> values.</summary>
    /// <exception cref="ArgumentException">There are no samples, the length does not fit, or a value is not finite.</exception>
    public static Standardizer<T> Fit(ReadOnlySpan<T> rows, int featureCount)
    {
        int f = Math.Max(featureCount, 1);
        double[] mean = new double[f], deviation = new double[f], min = new double[f], max = new double[f];
        Statistics(rows, featureCount, mean, deviation, min, max);
        var m = new T[f];
        var s = new T[f];
        for (int j = 0; j < f; j++)
        {
            bool constant = min[j] == max[j];
            m[j] = T.CreateTruncating(constant ? min[j] : mean[j]);
            s[j] = T.CreateTruncating(deviation[j]);
            if (constant || s[j] <= T.Zero) s[j] = T.One;
        }
        return new Standardizer<T>(m, s);
    }

    /// <summary>Reads a standardizer saved by <see cref="FeatureScaler{T}.Save"/>.</summary>
    /// <exception cref="System.IO.FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="System.IO.InvalidDataException">The file is not a valid standardizer file.</exception>
    public static new Standardizer<T> Load(string path) => (Standardizer<T>)Read(path, KindName);

    private protected override string Kind => KindName;

    private protected override (string Offset, string Scale) FieldNames => Fields;
}
