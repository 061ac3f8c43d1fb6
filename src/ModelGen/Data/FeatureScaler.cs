using System;
using System.Buffers;
using System.IO;
using System.Numerics;
using System.Text.Json;

namespace ModelGen.Data;

/// <summary>
/// A per-feature affine rescaling <c>x' = (x − Offset[j]) / Scale[j]</c>, fitted on the training set only and then
/// applied unchanged to the training, validation and test sets and at inference. The two kinds are
/// <see cref="Standardizer{T}"/> and <see cref="MinMaxScaler{T}"/>; both save to and load from a small JSON file, and
/// <see cref="Load"/> reads either kind.
/// </summary>
/// <typeparam name="T">The floating-point type of the features.</typeparam>
public abstract class FeatureScaler<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _offset;
    private readonly T[] _scale;

    private protected FeatureScaler(T[] offset, T[] scale)
    {
        _offset = offset;
        _scale = scale;
    }

    /// <summary>The number of features the scaler was fitted on (the data's FeatureCount).</summary>
    public int FeatureCount => _offset.Length;

    /// <summary>The value subtracted from each feature (the mean, or the minimum).</summary>
    public ReadOnlySpan<T> Offset => _offset;

    /// <summary>The divisor of each feature after the subtraction (the standard deviation, or max − min); never 0.</summary>
    public ReadOnlySpan<T> Scale => _scale;

    /// <summary>Rescales row-major samples in place: <paramref name="rows"/> holds <c>n × FeatureCount</c> values.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="FeatureCount"/>.</exception>
    public void Transform(Span<T> rows)
    {
        CheckRows(rows.Length, nameof(rows));
        int f = FeatureCount;
        for (int start = 0; start < rows.Length; start += f)
        {
            Span<T> row = rows.Slice(start, f);
            for (int j = 0; j < f; j++) row[j] = (row[j] - _offset[j]) / _scale[j];
        }
    }

    /// <summary>Writes the rescaled <paramref name="rows"/> (<c>n × FeatureCount</c> values) to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">A length does not fit.</exception>
    public void Transform(ReadOnlySpan<T> rows, Span<T> destination)
    {
        CheckRows(rows.Length, nameof(rows));
        if (destination.Length < rows.Length)
            throw new ArgumentException($"destination must hold at least {rows.Length} values, but it holds {destination.Length}.", nameof(destination));
        rows.CopyTo(destination);
        Transform(destination.Slice(0, rows.Length));
    }

    /// <summary>Rescales the features of <paramref name="data"/> in place (its labels or targets are untouched).</summary>
    public void TransformInPlace(Dataset<T> data)
    {
        CheckData(data);
        Transform(data.FeatureData);
    }

    /// <summary>A copy of <paramref name="data"/> with rescaled features (same labels, class names or targets).</summary>
    public Dataset<T> Transform(Dataset<T> data)
    {
        CheckData(data);
        var features = (T[])data.FeatureData.Clone();
        Transform(features);
        return data.Labels is not null
            ? new Dataset<T>(features, data.FeatureCount, data.Labels, data.ClassNames is null ? data.ClassCount : 0, data.ClassNames)
            : new Dataset<T>(features, data.FeatureCount, data.Targets!, data.TargetCount);
    }

    /// <summary>Undoes <see cref="Transform(Span{T})"/> in place: <c>x = x'·Scale[j] + Offset[j]</c>.</summary>
    public void InverseTransform(Span<T> rows)
    {
        CheckRows(rows.Length, nameof(rows));
        int f = FeatureCount;
        for (int start = 0; start < rows.Length; start += f)
        {
            Span<T> row = rows.Slice(start, f);
            for (int j = 0; j < f; j++) row[j] = row[j] * _scale[j] + _offset[j];
        }
    }

    /// <summary>The name written in the <c>"kind"</c> field of the saved file.</summary>
    private protected abstract string Kind { get; }

    /// <summary>The names of the two arrays in the saved file: offset first, then scale.</summary>
    private protected abstract (string Offset, string Scale) FieldNames { get; }

    /// <summary>
    /// Writes the scaler to a small JSON file, e.g.
    /// <c>{"kind": "standardizer", "featureCount": 2, "mean": [0.5, 3], "standardDeviation": [1.25, 1]}</c>. Numbers
    /// are written in the invariant format with enough digits to read back exactly, whatever the current culture.
    /// </summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("kind", Kind);
            json.WriteString("type", typeof(T).Name);
            json.WriteNumber("featureCount", FeatureCount);
            (string offsetName, string scaleName) = FieldNames;
            WriteArray(json, offsetName, _offset);
            WriteArray(json, scaleName, _scale);
            json.WriteEndObject();
        }
        File.WriteAllBytes(path, buffer.WrittenSpan.ToArray());
    }

    /// <summary>Reads a scaler saved by <see cref="Save"/>, of either kind.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid scaler file.</exception>
    public static FeatureScaler<T> Load(string path) => Read(path, null);

    private protected static FeatureScaler<T> Read(string path, string? expectedKind)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Scaler file '{path}' not found (full path: '{Path.GetFullPath(path)}').", path);
        JsonDocument document;
        try
        {
            // A repeated key would otherwise be read as one of its values, silently.
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"'{path}' is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1} of the line): {e.Message}", e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"'{path}': expected a JSON object with a \"kind\" field, found a {root.ValueKind}.");
            string kind = Property(path, root, "kind", JsonValueKind.String).GetString()!;
            if (kind != Standardizer<T>.KindName && kind != MinMaxScaler<T>.KindName)
                throw new InvalidDataException(
                    $"'{path}': \"kind\" is '{kind}'; expected '{Standardizer<T>.KindName}' or '{MinMaxScaler<T>.KindName}'.");
            if (expectedKind is not null && kind != expectedKind)
                throw new InvalidDataException($"'{path}' holds a {kind}, not a {expectedKind}; load it with the matching class.");
            JsonElement countElement = Property(path, root, "featureCount", JsonValueKind.Number);
            if (!countElement.TryGetInt32(out int count) || count < 1)
                throw new InvalidDataException($"'{path}': \"featureCount\" is {countElement.GetRawText()}; expected a positive integer.");
            bool standardizer = kind == Standardizer<T>.KindName;
            (string offsetName, string scaleName) = standardizer ? Standardizer<T>.Fields : MinMaxScaler<T>.Fields;
            T[] offset = ReadArray(path, root, offsetName, count);
            T[] second = ReadArray(path, root, scaleName, count);
            try
            {
                return standardizer ? new Standardizer<T>(offset, second) : new MinMaxScaler<T>(offset, second);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"'{path}': {e.Message}", e);
            }
        }
    }

    private static JsonElement Property(string path, JsonElement root, string name, JsonValueKind kind)
    {
        if (!root.TryGetProperty(name, out JsonElement value))
            throw new InvalidDataException($"'{path}': the field \"{name}\" is missing.");
        if (value.ValueKind != kind)
            throw new InvalidDataException($"'{path}': \"{name}\" is a {value.ValueKind}; expected a {kind}.");
        return value;
    }

    private static T[] ReadArray(string path, JsonElement root, string name, int count)
    {
        JsonElement array = Property(path, root, name, JsonValueKind.Array);
        if (array.GetArrayLength() != count)
            throw new InvalidDataException(
                $"'{path}': \"{name}\" holds {array.GetArrayLength()} values, but \"featureCount\" is {count}.");
        var values = new T[count];
        int i = 0;
        foreach (JsonElement element in array.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value) || !double.IsFinite(value))
                throw new InvalidDataException($"'{path}': \"{name}\"[{i}] is {element.GetRawText()}; expected a finite number.");
            values[i++] = T.CreateTruncating(value);
        }
        return values;
    }

    private static void WriteArray(Utf8JsonWriter json, string name, T[] values)
    {
        json.WriteStartArray(name);
        foreach (T value in values) json.WriteNumberValue(double.CreateTruncating(value));
        json.WriteEndArray();
    }

    private void CheckRows(int length, string name)
    {
        if (length % FeatureCount != 0)
            throw new ArgumentException(
                $"{name} must hold n × {FeatureCount} values (the scaler was fitted on {FeatureCount} features), but it holds {length}.",
                name);
    }

    private void CheckData(Dataset<T> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != FeatureCount)
            throw new ArgumentException(
                $"The data set has {data.FeatureCount} features, but the scaler was fitted on {FeatureCount}.", nameof(data));
    }

    /// <summary>Per-feature statistics of row-major data, accumulated in double.</summary>
    private protected static void Statistics(ReadOnlySpan<T> rows, int featureCount, Span<double> mean, Span<double> deviation,
                                             Span<double> min, Span<double> max)
    {
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "There must be at least one feature.");
        if (rows.Length == 0 || rows.Length % featureCount != 0)
            throw new ArgumentException(
                $"Fitting needs n × {featureCount} values for some n ≥ 1, but the data holds {rows.Length}.", nameof(rows));
        int n = rows.Length / featureCount;
        mean.Clear();
        deviation.Clear();
        min.Fill(double.PositiveInfinity);
        max.Fill(double.NegativeInfinity);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> row = rows.Slice(i * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++)
            {
                double x = double.CreateTruncating(row[j]);
                if (!double.IsFinite(x))
                    throw new ArgumentException($"Sample {i}, feature {j} is {x}; scalers are fitted on finite values only.", nameof(rows));
                mean[j] += x;
                min[j] = Math.Min(min[j], x);
                max[j] = Math.Max(max[j], x);
            }
        }
        for (int j = 0; j < featureCount; j++) mean[j] /= n;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> row = rows.Slice(i * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++)
            {
                double d = double.CreateTruncating(row[j]) - mean[j];
                deviation[j] += d * d;
            }
        }
        for (int j = 0; j < featureCount; j++) deviation[j] = Math.Sqrt(deviation[j] / n);
    }
}
