using System;
using System.IO;
using System.Linq;
using Xunit;

namespace ModelGen.Data.Tests;

public sealed class ScalerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // Feature 0: 1, 2, 3, 4 (mean 2.5, population std √1.25); feature 1: constant 7; feature 2: 0.1, 0.1, 0.1, 0.5.
    private static Dataset<double> Train() =>
        new([1, 7, 0.1, 2, 7, 0.1, 3, 7, 0.1, 4, 7, 0.5], 3, [0, 1, 0, 1]);

    [Fact]
    public void Standardizer_uses_the_mean_and_the_population_standard_deviation()
    {
        Standardizer<double> scaler = Standardizer<double>.Fit(Train());
        Assert.Equal(3, scaler.FeatureCount);
        Assert.Equal(2.5, scaler.Mean[0], 15);
        Assert.Equal(Math.Sqrt(1.25), scaler.StandardDeviation[0], 15);
        Assert.Equal(0.2, scaler.Mean[2], 15);
        Assert.Equal(Math.Sqrt(0.03), scaler.StandardDeviation[2], 15);

        Dataset<double> train = Train();
        scaler.TransformInPlace(train);
        for (int j = 0; j < 3; j++)
        {
            double[] column = Enumerable.Range(0, 4).Select(i => train.Features(i)[j]).ToArray();
            Assert.Equal(0, column.Average(), 12);
            double variance = column.Select(v => v * v).Average();
            Assert.Equal(j == 1 ? 0 : 1, variance, 12);
        }
    }

    [Fact]
    public void A_constant_feature_is_centred_and_divided_by_one()
    {
        Standardizer<double> scaler = Standardizer<double>.Fit(Train());
        Assert.Equal(7, scaler.Mean[1]);
        Assert.Equal(1, scaler.StandardDeviation[1]);
        double[] rows = [2.5, 7, 0.2, 0, 9, 0];
        scaler.Transform(rows.AsSpan());
        Assert.Equal(0, rows[1]);       // exactly 0 for the training constant
        Assert.Equal(2, rows[4]);       // other values move by the mean only
        Assert.All(rows, v => Assert.True(double.IsFinite(v)));

        // A constant whose mean is not exactly representable after summation still maps to exactly 0.
        Standardizer<float> tenths = Standardizer<float>.Fit([0.1f, 0.1f, 0.1f], 1);
        float[] x = [0.1f];
        tenths.Transform(x.AsSpan());
        Assert.Equal(0f, x[0]);
    }

    [Fact]
    public void Statistics_come_from_the_training_set_only()
    {
        DatasetSplit<double> split = DatasetTests.Indexed(50, features: 2).Split(0.3, 0, seed: 4);
        Standardizer<double> scaler = Standardizer<double>.Fit(split.Train);
        Dataset<double> validation = scaler.Transform(split.Validation);

        double trainMean = Enumerable.Range(0, split.Train.Count).Average(i => split.Train.Features(i)[0]);
        double trainStd = Math.Sqrt(Enumerable.Range(0, split.Train.Count)
            .Average(i => Math.Pow(split.Train.Features(i)[0] - trainMean, 2)));
        Assert.Equal(trainMean, scaler.Mean[0], 12);
        for (int i = 0; i < validation.Count; i++)
            Assert.Equal((split.Validation.Features(i)[0] - trainMean) / trainStd, validation.Features(i)[0], 12);
        // The validation set is not standardized by its own statistics: its mean is not 0.
        double validationMean = Enumerable.Range(0, validation.Count).Average(i => validation.Features(i)[0]);
        double ownMean = Enumerable.Range(0, split.Validation.Count).Average(i => split.Validation.Features(i)[0]);
        Assert.Equal((ownMean - trainMean) / trainStd, validationMean, 12);
        Assert.NotEqual(0, validationMean, 3);
    }

    [Fact]
    public void Transform_to_a_copy_leaves_the_source_and_keeps_labels_and_targets()
    {
        Dataset<double> train = Train();
        double[] before = (double[])train.FeatureData.Clone();
        Standardizer<double> scaler = Standardizer<double>.Fit(train);
        Dataset<double> copy = scaler.Transform(train);
        Assert.Equal(before, train.FeatureData);
        Assert.NotEqual(before, copy.FeatureData);
        Assert.Equal(train.Labels, copy.Labels);

        double[] destination = new double[12];
        scaler.Transform(train.FeatureData, destination);
        Assert.Equal(copy.FeatureData, destination);

        Dataset<float> regression = DatasetTests.IndexedRegression(5);
        Dataset<float> scaled = MinMaxScaler<float>.Fit(regression).Transform(regression);
        Assert.Equal(regression.Targets, scaled.Targets);
        Assert.Equal(2, scaled.TargetCount);
    }

    [Fact]
    public void Inverse_transform_restores_the_values()
    {
        Dataset<double> train = Train();
        Standardizer<double> scaler = Standardizer<double>.Fit(train);
        double[] x = (double[])train.FeatureData.Clone();
        scaler.Transform(x.AsSpan());
        scaler.InverseTransform(x);
        for (int i = 0; i < x.Length; i++) Assert.Equal(train.FeatureData[i], x[i], 14);
    }

    [Fact]
    public void Mismatched_shapes_and_empty_data_are_rejected()
    {
        Standardizer<double> scaler = Standardizer<double>.Fit(Train());
        var e = Assert.Throws<ArgumentException>(() => scaler.Transform(new double[4].AsSpan()));
        Assert.Contains("n × 3", e.Message);
        Assert.Throws<ArgumentException>(() => scaler.TransformInPlace(DatasetTests.Indexed(3, features: 2)));
        Assert.Throws<ArgumentException>(() => Standardizer<double>.Fit(ReadOnlySpan<double>.Empty, 3));
        Assert.Throws<ArgumentException>(() => MinMaxScaler<double>.Fit([1.0, double.NaN], 1));
        Assert.Throws<ArgumentException>(() => new Standardizer<double>([1.0], [0.0]));
    }

    [Fact]
    public void Min_max_maps_the_training_range_to_zero_one()
    {
        MinMaxScaler<double> scaler = MinMaxScaler<double>.Fit(Train());
        Assert.Equal(new[] { 1.0, 7, 0.1 }, scaler.Minimum.ToArray());
        Assert.Equal(3.0, scaler.Range[0]);
        Assert.Equal(1.0, scaler.Range[1]); // constant feature
        Dataset<double> train = scaler.Transform(Train());
        for (int j = 0; j < 3; j++)
        {
            double[] column = Enumerable.Range(0, 4).Select(i => train.Features(i)[j]).ToArray();
            Assert.Equal(0, column.Min());
            Assert.Equal(j == 1 ? 0 : 1, column.Max());
        }
        Assert.Equal(1.0 / 3, train.Features(1)[0], 15);

        // Values outside the training range are not clipped.
        double[] outside = [7, 8, -0.3];
        scaler.Transform(outside.AsSpan());
        Assert.Equal(new[] { 2.0, 1, -1 }, outside.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Save_and_load_round_trip_exactly()
    {
        // Values that need all 17 significant digits of a double, and floats that are not short decimals.
        var awkward = new Dataset<double>([0.1, 1.0 / 3, 1e-300, 2.0 / 3, 1e10 / 7, -1e-300], 3, [0, 0]);
        Standardizer<double> standardizer = Standardizer<double>.Fit(awkward);
        string path = Path.Combine(_folder.Path, "standardizer.json");
        standardizer.Save(path);
        Standardizer<double> loaded = Standardizer<double>.Load(path);
        Assert.Equal(standardizer.Mean.ToArray(), loaded.Mean.ToArray());
        Assert.Equal(standardizer.StandardDeviation.ToArray(), loaded.StandardDeviation.ToArray());

        MinMaxScaler<float> minMax = MinMaxScaler<float>.Fit([0.1f, 1 / 3f, 0.7f, 2 / 3f], 2);
        string minMaxPath = Path.Combine(_folder.Path, "minmax.json");
        minMax.Save(minMaxPath);
        MinMaxScaler<float> minMaxLoaded = MinMaxScaler<float>.Load(minMaxPath);
        Assert.Equal(minMax.Minimum.ToArray(), minMaxLoaded.Minimum.ToArray());
        Assert.Equal(minMax.Range.ToArray(), minMaxLoaded.Range.ToArray());

        // The base class reads either kind.
        Assert.IsType<Standardizer<double>>(FeatureScaler<double>.Load(path));
        Assert.IsType<MinMaxScaler<float>>(FeatureScaler<float>.Load(minMaxPath));
        Assert.Contains("\"kind\": \"minMaxScaler\"", File.ReadAllText(minMaxPath));
    }

    [Fact]
    public void Saved_file_does_not_depend_on_the_culture()
    {
        Standardizer<double> scaler = new([0.5, -1234.25], [1.5, 0.125]);
        string invariantPath = Path.Combine(_folder.Path, "invariant.json");
        scaler.Save(invariantPath);
        string commaPath = Path.Combine(_folder.Path, "comma.json");
        TempFolder.InCulture(TempFolder.CommaCulture(), () =>
        {
            Assert.Equal("0,5", 0.5.ToString(System.Globalization.CultureInfo.CurrentCulture)); // the culture is in effect
            scaler.Save(commaPath);
        });
        string text = File.ReadAllText(commaPath);
        Assert.Equal(File.ReadAllText(invariantPath), text);
        Assert.Contains("0.5", text);
        Assert.Contains("-1234.25", text);
        Assert.DoesNotContain("0,5", text);

        TempFolder.InCulture(TempFolder.CommaCulture(), () =>
        {
            Standardizer<double> loaded = Standardizer<double>.Load(commaPath);
            Assert.Equal(new[] { 0.5, -1234.25 }, loaded.Mean.ToArray());
            Assert.Equal(new[] { 1.5, 0.125 }, loaded.StandardDeviation.ToArray());
        });
    }

    [Fact]
    public void Malformed_scaler_files_are_reported()
    {
        string minMax = Path.Combine(_folder.Path, "m.json");
        MinMaxScaler<double>.Fit(Train()).Save(minMax);
        var e = Assert.Throws<InvalidDataException>(() => Standardizer<double>.Load(minMax));
        Assert.Contains("m.json", e.Message);
        Assert.Contains("holds a minMaxScaler, not a standardizer", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Standardizer<double>.Load(_folder.Text("short.json",
            "{\"kind\": \"standardizer\", \"featureCount\": 2, \"mean\": [1, 2], \"standardDeviation\": [1]}")));
        Assert.Contains("\"standardDeviation\" holds 1 values, but \"featureCount\" is 2", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Standardizer<double>.Load(_folder.Text("nomean.json",
            "{\"kind\": \"standardizer\", \"featureCount\": 1, \"standardDeviation\": [1]}")));
        Assert.Contains("\"mean\" is missing", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Standardizer<double>.Load(_folder.Text("zero.json",
            "{\"kind\": \"standardizer\", \"featureCount\": 1, \"mean\": [0], \"standardDeviation\": [0]}")));
        Assert.Contains("standardDeviation[0] is 0", e.Message);

        e = Assert.Throws<InvalidDataException>(() => FeatureScaler<double>.Load(_folder.Text("broken.json", "{\"kind\": ")));
        Assert.Contains("broken.json", e.Message);
        Assert.Contains("not valid JSON", e.Message);

        Assert.Throws<FileNotFoundException>(() => Standardizer<float>.Load(Path.Combine(_folder.Path, "none.json")));
    }

    [Fact]
    public void A_repeated_key_in_a_scaler_file_is_refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => Standardizer<double>.Load(_folder.Text("twice.json",
            "{\"kind\": \"standardizer\", \"featureCount\": 1, \"mean\": [0], \"standardDeviation\": [1], \"mean\": [5]}")));
        Assert.Contains("twice.json", e.Message);
        Assert.Contains("mean", e.Message);

        // A value finite as a double but not as a float is refused for a float scaler.
        e = Assert.Throws<InvalidDataException>(() => Standardizer<float>.Load(_folder.Text("huge.json",
            "{\"kind\": \"standardizer\", \"featureCount\": 1, \"mean\": [1e39], \"standardDeviation\": [1]}")));
        Assert.Contains("mean[0]", e.Message);
    }
}
