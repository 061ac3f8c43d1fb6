using System;
using System.Numerics;

namespace ModelGen.Data;

/// <summary>
/// Min–max scaling (scikit-learn's <c>MinMaxScaler</c>): each feature becomes <c>(x − min) / (max − min)</c>, with the
/// minimum and maximum of the training set, so the training set lies in [0, 1]. Other sets may fall outside [0, 1]
/// where they exceed the training range; nothing is clipped.
/// </summary>
/// <remarks>
/// A constant feature (min = max) gets range 1, so it becomes 0. Same API as <see cref="Standardizer{T}"/>.
/// </remarks>
/// <typeparam name="T">The floating-point type of the features.</typeparam>
public sealed class MinMaxScaler<T> : FeatureScaler<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal const string KindName = "minMaxScaler";
    internal static readonly (string, string) Fields = ("minimum", "range");

    /// <summary>A min–max scaler with the given minimum and range (max − min) of each feature (copied).</summary>
    /// <param name="minimum">The minimum of each feature.</param>
    /// <param name="range">The maximum minus the minimum of each feature; each must be positive and finite.</param>
    /// <exception cref="ArgumentException">The lengths differ or are 0, or a value is not valid.</exception>
    public MinMaxScaler(ReadOnlySpan<T> minimum, ReadOnlySpan<T> range)
        : base(minimum.ToArray(), range.ToArray())
    {
        if (minimum.Length == 0 || minimum.Length != range.Length)
            throw new ArgumentException(
                $"minimum and range must have the same positive length, but they hold {minimum.Length} and {range.Length} values.",
                nameof(range));
        for (int j = 0; j < minimum.Length; j++)
        {
            if (!T.IsFinite(minimum[j]))
                throw new ArgumentException($"minimum[{j}] is {minimum[j]}; it must be finite.", nameof(minimum));
            if (!T.IsFinite(range[j]) || range[j] <= T.Zero)
                throw new ArgumentException($"range[{j}] is {range[j]}; it must be positive and finite.", nameof(range));
        }
    }

    /// <summary>The minimum of each feature in the data the scaler was fitted on.</summary>
    public ReadOnlySpan<T> Minimum => Offset;

    /// <summary>The maximum minus the minimum of each feature (1 for a constant feature).</summary>
    public ReadOnlySpan<T> Range => Scale;

    /// <summary>Fits a min–max scaler on the features of <paramref name="data"/> (the training set).</summary>
    /// <exception cref="ArgumentException">The data set is empty or holds a non-finite feature.</exception>
    public static MinMaxScaler<T> Fit(Dataset<T> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.FeatureData, data.FeatureCount);
    }

    /// <summary>Fits a min–max scaler on row-major samples: <paramref name="rows"/> holds <c>n × featureCount</c> values.</summary>
    /// <exception cref="ArgumentException">There are no samples, the length does not fit, or a value is not finite.</exception>
    public static MinMaxScaler<T> Fit(ReadOnlySpan<T> rows, int featureCount)
    {
        int f = Math.Max(featureCount, 1);
        double[] mean = new double[f], deviation = new double[f], min = new double[f], max = new double[f];
        Statistics(rows, featureCount, mean, deviation, min, max);
        var lo = new T[f];
        var range = new T[f];
        for (int j = 0; j < f; j++)
        {
            lo[j] = T.CreateTruncating(min[j]);
            range[j] = T.CreateTruncating(max[j] - min[j]);
            if (!(range[j] > T.Zero) || !T.IsFinite(range[j])) range[j] = T.One;
        }
        return new MinMaxScaler<T>(lo, range);
    }

    /// <summary>Reads a min–max scaler saved by <see cref="FeatureScaler{T}.Save"/>.</summary>
    /// <exception cref="System.IO.FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="System.IO.InvalidDataException">The file is not a valid min–max scaler file.</exception>
    public static new MinMaxScaler<T> Load(string path) => (MinMaxScaler<T>)Read(path, KindName);

    private protected override string Kind => KindName;

    private protected override (string Offset, string Scale) FieldNames => Fields;
}
