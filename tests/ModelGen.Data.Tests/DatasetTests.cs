using System;
using System.Linq;
using Xunit;

namespace ModelGen.Data.Tests;

public class DatasetTests
{
    /// <summary>n samples whose first feature is the sample's index (so rows can be traced), labels i mod classes.</summary>
    internal static Dataset<double> Indexed(int n, int features = 2, int classes = 3)
    {
        var x = new double[n * features];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < features; j++) x[i * features + j] = i + 0.125 * j;
            labels[i] = i % classes;
        }
        return new Dataset<double>(x, features, labels, classes);
    }

    internal static Dataset<float> IndexedRegression(int n, int features = 3, int targets = 2)
    {
        var x = new float[n * features];
        var y = new float[n * targets];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < features; j++) x[i * features + j] = i * 10 + j;
            for (int k = 0; k < targets; k++) y[i * targets + k] = -i - 0.5f * k;
        }
        return new Dataset<float>(x, features, y, targets);
    }

    [Fact]
    public void Accessors_give_rows_labels_and_targets()
    {
        Dataset<double> data = Indexed(5);
        Assert.Equal(5, data.Count);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal(new[] { 3.0, 3.125 }, data.Features(3).ToArray());
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(0, data.TargetCount);
        Assert.Null(data.Targets);
        Assert.Throws<InvalidOperationException>(() => data.Target(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Features(5));
        Assert.Equal("Dataset<Double>: 5 samples × 2 features, 3 classes", data.ToString());

        Dataset<float> regression = IndexedRegression(4);
        Assert.Equal(new[] { -2f, -2.5f }, regression.Target(2).ToArray());
        Assert.Equal(0, regression.ClassCount);
        Assert.Null(regression.Labels);
    }

    [Fact]
    public void Class_count_is_inferred_or_given()
    {
        Assert.Equal(8, new Dataset<float>(new float[3], 1, [0, 7, 2]).ClassCount);
        Assert.Equal(10, new Dataset<float>(new float[3], 1, [0, 7, 2], classCount: 10).ClassCount);
        var named = new Dataset<float>(new float[2], 1, [1, 0], classNames: ["cat", "dog", "bird"]);
        Assert.Equal(3, named.ClassCount);
    }

    [Fact]
    public void Construction_validates_lengths_and_labels()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset<float>(new float[7], 2, new int[3]));
        Assert.Contains("3 samples × 2 features = 6 values", e.Message);
        Assert.Contains("holds 7", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dataset<float>(new float[3], 1, [0, 5, 1], classCount: 3));
        Assert.Contains("labels[1] is 5", e.Message);
        Assert.Throws<ArgumentException>(() => new Dataset<float>(new float[3], 1, [0, -1, 1]));
        e = Assert.Throws<ArgumentException>(() => new Dataset<float>(new float[4], 2, new float[5], 2));
        Assert.Contains("n × 2", e.Message);
        Assert.Throws<ArgumentException>(() => new Dataset<float>(new float[4], 2, new float[6], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset<float>(new float[4], 0, new int[4]));
        Assert.Throws<ArgumentException>(() => new Dataset<float>(new float[2], 1, [0, 1], classCount: 2, classNames: ["a"]));
    }

    [Fact]
    public void A_label_of_int_MaxValue_cannot_overflow_the_class_count()
    {
        // The largest label plus one used to wrap to int.MinValue, and every label then passed the range check.
        var e = Assert.Throws<ArgumentException>(() => new Dataset<float>(new float[3], 1, [0, int.MaxValue, 1]));
        Assert.Equal("labels", e.ParamName);
        Assert.Contains("labels[1] is 2147483647", e.Message);
        Assert.Contains("would not fit an int", e.Message);

        // One below is a legal (if odd) label: the count is int.MaxValue, and nothing allocates per class.
        var sparse = new Dataset<float>(new float[4], 1, [0, int.MaxValue - 1, 0, int.MaxValue - 1]);
        Assert.Equal(int.MaxValue, sparse.ClassCount);
        DatasetSplit<float> split = sparse.Split(0.5, 0, seed: 1, stratify: true);
        Assert.Equal((2, 2), (split.Train.Count, split.Validation.Count));
        Assert.Equal(int.MaxValue, split.Train.ClassCount);
    }

    [Fact]
    public void Subset_copies_the_rows_in_the_given_order_and_keeps_the_classes()
    {
        var named = new Dataset<float>([10, 11, 20, 21, 30, 31], 2, [0, 2, 1], classNames: ["a", "b", "c"]);
        Dataset<float> subset = named.Subset([2, 0, 2]);
        Assert.Equal(new float[] { 30, 31, 10, 11, 30, 31 }, subset.FeatureData);
        Assert.Equal(new[] { 1, 0, 1 }, subset.Labels);
        Assert.Equal(3, subset.ClassCount);
        Assert.Equal(new[] { "a", "b", "c" }, subset.ClassNames);
        subset.FeatureData[0] = -1;
        Assert.Equal(30, named.FeatureData[4]); // a copy

        Dataset<float> regression = IndexedRegression(4).Subset([3, 1]);
        Assert.Equal(new[] { -3f, -3.5f, -1f, -1.5f }, regression.Targets);
        Assert.Equal(new float[] { 30, 31, 32, 10, 11, 12 }, regression.FeatureData);

        Assert.Equal(0, named.Subset([]).Count);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => named.Subset([0, 3]));
        Assert.Contains("rows[1] is 3", e.Message);
    }
}

public class SplitTests
{
    private static int[] Ids(Dataset<double> data) =>
        Enumerable.Range(0, data.Count).Select(i => (int)data.Features(i)[0]).ToArray();

    [Fact]
    public void Sizes_follow_the_rounded_fractions()
    {
        DatasetSplit<double> split = DatasetTests.Indexed(100).Split(0.2, 0.1, seed: 1);
        Assert.Equal((70, 20, 10), (split.Train.Count, split.Validation.Count, split.Test.Count));

        // 0.15 × 10 = 1.5 rounds away from zero to 2; 0.04 × 10 = 0.4 rounds to 0 (an empty test set).
        (Dataset<double> train, Dataset<double> validation, Dataset<double> test) = DatasetTests.Indexed(10).Split(0.15, 0.04, seed: 1);
        Assert.Equal((8, 2, 0), (train.Count, validation.Count, test.Count));
        Assert.Equal(2, test.FeatureCount);
        Assert.Equal(3, test.ClassCount);
    }

    [Fact]
    public void Parts_are_disjoint_cover_every_row_and_keep_the_original_order()
    {
        DatasetSplit<double> split = DatasetTests.Indexed(57).Split(0.25, 0.25, seed: 9);
        int[] train = Ids(split.Train), validation = Ids(split.Validation), test = Ids(split.Test);
        Assert.Equal(Enumerable.Range(0, 57), train.Concat(validation).Concat(test).OrderBy(i => i));
        Assert.Equal(train.OrderBy(i => i), train);
        Assert.Equal(test.OrderBy(i => i), test);
        for (int k = 0; k < train.Length; k++)
            Assert.Equal(train[k] % 3, split.Train.Labels![k]); // labels travel with their rows
        Assert.NotEqual(Enumerable.Range(0, train.Length), train); // the split is random, not the first rows
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        Dataset<double> data = DatasetTests.Indexed(40);
        DatasetSplit<double> a = data.Split(0.3, 0.2, seed: 5), b = data.Split(0.3, 0.2, seed: 5), c = data.Split(0.3, 0.2, seed: 6);
        Assert.Equal(Ids(a.Train), Ids(b.Train));
        Assert.Equal(Ids(a.Validation), Ids(b.Validation));
        Assert.Equal(Ids(a.Test), Ids(b.Test));
        Assert.NotEqual(Ids(a.Validation), Ids(c.Validation));
    }

    [Fact]
    public void Stratified_split_keeps_class_proportions()
    {
        // 60 samples of class 0, 30 of class 1, 10 of class 2.
        var labels = new int[100];
        for (int i = 0; i < 100; i++) labels[i] = i < 60 ? 0 : i < 90 ? 1 : 2;
        var x = new double[100];
        for (int i = 0; i < 100; i++) x[i] = i;
        var data = new Dataset<double>(x, 1, labels);
        DatasetSplit<double> split = data.Split(0.2, 0.1, seed: 3, stratify: true);
        int[] Counts(Dataset<double> d) => [.. Enumerable.Range(0, 3).Select(c => d.Labels!.Count(l => l == c))];
        Assert.Equal(new[] { 42, 21, 7 }, Counts(split.Train));
        Assert.Equal(new[] { 12, 6, 2 }, Counts(split.Validation));
        Assert.Equal(new[] { 6, 3, 1 }, Counts(split.Test));
        Assert.Equal(Enumerable.Range(0, 100), Ids(split.Train).Concat(Ids(split.Validation)).Concat(Ids(split.Test)).OrderBy(i => i));
    }

    [Fact]
    public void Stratified_split_is_pinned_with_absent_classes()
    {
        // Classes 0, 2 and 5 of 7, interleaved: the exact split of the implementation that kept one list per class.
        var labels = new int[40];
        for (int i = 0; i < 40; i++) labels[i] = new[] { 5, 0, 2, 5, 2, 0, 0, 5 }[i % 8];
        var x = new double[40];
        for (int i = 0; i < 40; i++) x[i] = i;
        DatasetSplit<double> split = new Dataset<double>(x, 1, labels, classCount: 7).Split(0.25, 0.2, seed: 11, stratify: true);
        Assert.Equal([1, 2, 3, 4, 6, 7, 9, 11, 14, 15, 16, 17, 18, 23, 24, 28, 30, 34, 35, 37, 38], Ids(split.Train));
        Assert.Equal([0, 10, 13, 19, 22, 25, 26, 27, 29, 36, 39], Ids(split.Validation));
        Assert.Equal([5, 8, 12, 20, 21, 31, 32, 33], Ids(split.Test));
    }

    [Fact]
    public void Regression_sets_split_with_their_targets()
    {
        DatasetSplit<float> split = DatasetTests.IndexedRegression(20).Split(0.5, 0, seed: 2);
        Assert.Equal(10, split.Validation.Count);
        for (int k = 0; k < split.Validation.Count; k++)
        {
            float id = split.Validation.Features(k)[0] / 10;
            Assert.Equal(-id, split.Validation.Target(k)[0]);
        }
    }

    [Fact]
    public void Invalid_fractions_are_rejected()
    {
        Dataset<double> data = DatasetTests.Indexed(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(-0.1, 0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(0.1, 1.0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(double.NaN, 0.1, 0));
        Assert.Throws<ArgumentException>(() => data.Split(0.6, 0.4, 0));
        Assert.Throws<ArgumentException>(() => DatasetTests.IndexedRegression(10).Split(0.1, 0.1, 0, stratify: true));
        var e = Assert.Throws<ArgumentException>(() => DatasetTests.Indexed(1).Split(0.5, 0.4, 0));
        Assert.Contains("no sample of the 1 is left for training", e.Message);
    }
}
