using System;
using System.Collections.Generic;
using System.Numerics;

namespace ModelGen.Data;

/// <summary>
/// An in-memory data set: <see cref="Count"/> samples of <see cref="FeatureCount"/> features each, stored row-major in
/// one array (the layout the generated models take), with either an integer class label per sample
/// (<see cref="Labels"/>, for classification) or <see cref="TargetCount"/> real targets per sample
/// (<see cref="Targets"/>, for regression). Like PyTorch's <c>TensorDataset</c>: it holds the data, and
/// <see cref="BatchLoader{T}"/> serves it in batches.
/// </summary>
/// <remarks>
/// The constructors keep the arrays they are given (no copy); <see cref="FeatureData"/> is writable so that a scaler can
/// transform it in place. <see cref="Subset"/> and <see cref="Split"/> copy.
/// </remarks>
/// <typeparam name="T">The floating-point type of features and targets.</typeparam>
public sealed class Dataset<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IReadOnlyList<string>? _classNames;

    /// <summary>A classification data set.</summary>
    /// <param name="features">Row-major features: <c>labels.Length × featureCount</c> values.</param>
    /// <param name="featureCount">The number of features of one sample (at least 1).</param>
    /// <param name="labels">One class label per sample, each in <c>0..ClassCount−1</c>.</param>
    /// <param name="classCount">
    /// The number of classes; 0 (the default) takes the largest label plus one. Give it when some classes may be absent
    /// from this data (it should match the model's OutputSize).
    /// </param>
    /// <param name="classNames">
    /// Optional names of the classes (index = label), e.g. the texts of a CSV label column; when given, it sets the
    /// class count and <paramref name="classCount"/> must be 0 or equal to its length.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The lengths disagree, or a label is out of range, or (class count inferred) a label is <see cref="int.MaxValue"/>, whose
    /// count would not fit an <see cref="int"/>.
    /// </exception>
    public Dataset(T[] features, int featureCount, int[] labels, int classCount = 0, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        Count = CheckFeatures(features, featureCount, labels.Length, "labels");
        if (classCount < 0)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "The class count must not be negative.");
        if (classNames is not null)
        {
            if (classCount != 0 && classCount != classNames.Count)
                throw new ArgumentException(
                    $"classCount is {classCount}, but {classNames.Count} class names were given.", nameof(classCount));
            classCount = classNames.Count;
            _classNames = classNames;
        }
        if (classCount == 0)
        {
            int max = -1;
            foreach (int label in labels) max = Math.Max(max, label);
            // max + 1 must fit an int: a label of int.MaxValue would make the count wrap to int.MinValue.
            if (max == int.MaxValue)
                throw new ArgumentException(
                    $"labels[{Array.IndexOf(labels, max)}] is {max}: the class count (the largest label + 1) would not fit an int. " +
                    "Class labels must lie in 0..ClassCount−1; map large codes to 0..k−1 first.",
                    nameof(labels));
            classCount = max + 1;
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException(
                    $"labels[{i}] is {labels[i]}, but class labels must lie in 0..{classCount - 1} (ClassCount = {classCount}).",
                    nameof(labels));
        }
        FeatureData = features;
        FeatureCount = featureCount;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>A regression data set.</summary>
    /// <param name="features">Row-major features: <c>n × featureCount</c> values.</param>
    /// <param name="featureCount">The number of features of one sample (at least 1).</param>
    /// <param name="targets">Row-major targets: <c>n × targetCount</c> values.</param>
    /// <param name="targetCount">The number of targets of one sample (at least 1; the model's OutputSize).</param>
    /// <exception cref="ArgumentException">The lengths disagree.</exception>
    public Dataset(T[] features, int featureCount, T[] targets, int targetCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (targetCount < 1)
            throw new ArgumentOutOfRangeException(nameof(targetCount), targetCount, "A sample must have at least one target.");
        if (targets.Length % targetCount != 0)
            throw new ArgumentException(
                $"targets must hold n × {targetCount} values (targetCount = {targetCount}), but it holds {targets.Length}.",
                nameof(targets));
        Count = CheckFeatures(features, featureCount, targets.Length / targetCount, "targets");
        FeatureData = features;
        FeatureCount = featureCount;
        Targets = targets;
        TargetCount = targetCount;
    }

    /// <summary>The number of samples.</summary>
    public int Count { get; }

    /// <summary>The number of features of one sample (the model's InputSize).</summary>
    public int FeatureCount { get; }

    /// <summary>All features, row-major: sample <c>i</c> is <c>FeatureData[i·FeatureCount .. (i+1)·FeatureCount)</c>.</summary>
    public T[] FeatureData { get; }

    /// <summary>The class label of every sample, or <see langword="null"/> for a regression set.</summary>
    public int[]? Labels { get; }

    /// <summary>The number of classes of a classification set; 0 for a regression set.</summary>
    public int ClassCount { get; }

    /// <summary>
    /// The names of the classes (index = label) when they are known, e.g. the texts of a CSV label column mapped to
    /// 0..k−1 in order of first appearance; otherwise <see langword="null"/>.
    /// </summary>
    public IReadOnlyList<string>? ClassNames => _classNames;

    /// <summary>The targets of every sample, row-major, or <see langword="null"/> for a classification set.</summary>
    public T[]? Targets { get; }

    /// <summary>The number of targets of one sample of a regression set; 0 for a classification set.</summary>
    public int TargetCount { get; }

    /// <summary>Whether the samples carry class labels (<see cref="Labels"/>) rather than <see cref="Targets"/>.</summary>
    public bool HasLabels => Labels is not null;

    /// <summary>The features of sample <paramref name="index"/> (<see cref="FeatureCount"/> values).</summary>
    public ReadOnlySpan<T> Features(int index)
    {
        CheckIndex(index);
        return new ReadOnlySpan<T>(FeatureData, index * FeatureCount, FeatureCount);
    }

    /// <summary>The targets of sample <paramref name="index"/> (<see cref="TargetCount"/> values) of a regression set.</summary>
    /// <exception cref="InvalidOperationException">The set has labels, not targets.</exception>
    public ReadOnlySpan<T> Target(int index)
    {
        CheckIndex(index);
        if (Targets is null) throw new InvalidOperationException("This data set has class labels, not targets; use Labels.");
        return new ReadOnlySpan<T>(Targets, index * TargetCount, TargetCount);
    }

    /// <summary>
    /// A new data set holding copies of the samples <paramref name="rows"/>, in that order (a row may repeat). It keeps
    /// <see cref="ClassCount"/> and <see cref="ClassNames"/>, even if some classes are absent from the subset.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A row is not in <c>0..Count−1</c>.</exception>
    public Dataset<T> Subset(ReadOnlySpan<int> rows)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            if ((uint)rows[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(rows),
                    $"rows[{i}] is {rows[i]}, but the data set has {Count} samples (rows 0..{Count - 1}).");
        }
        var features = new T[rows.Length * FeatureCount];
        for (int i = 0; i < rows.Length; i++)
            FeatureData.AsSpan(rows[i] * FeatureCount, FeatureCount).CopyTo(features.AsSpan(i * FeatureCount));
        if (Labels is not null)
        {
            var labels = new int[rows.Length];
            for (int i = 0; i < rows.Length; i++) labels[i] = Labels[rows[i]];
            return new Dataset<T>(features, FeatureCount, labels, _classNames is null ? ClassCount : 0, _classNames);
        }
        var targets = new T[rows.Length * TargetCount];
        for (int i = 0; i < rows.Length; i++)
            Targets!.AsSpan(rows[i] * TargetCount, TargetCount).CopyTo(targets.AsSpan(i * TargetCount));
        return new Dataset<T>(features, FeatureCount, targets, TargetCount);
    }

    /// <summary>
    /// Splits the samples at random into training, validation and test sets, deterministically for
    /// <paramref name="seed"/> (the same seed gives the same split on every platform).
    /// </summary>
    /// <remarks>
    /// The validation set receives <c>round(validationFraction·Count)</c> samples and the test set
    /// <c>round(testFraction·Count)</c> (midpoints rounded away from zero), the training set the rest. The samples are
    /// assigned by a Fisher–Yates permutation drawn from <see cref="Initialization.SplitMix64.ForStream"/>(seed, −1)
    /// (a stream no <see cref="BatchLoader{T}"/> epoch uses); each part keeps the original order of its samples. With
    /// <paramref name="stratify"/> (classification only) every class is split on its own with those fractions, so the
    /// class proportions are kept; the totals may then differ from the unstratified ones by rounding.
    /// </remarks>
    /// <param name="validationFraction">The fraction for validation, in [0, 1).</param>
    /// <param name="testFraction">The fraction for testing, in [0, 1); the two fractions must sum to less than 1.</param>
    /// <param name="seed">The seed of the split.</param>
    /// <param name="stratify">Split each class separately (requires labels).</param>
    /// <exception cref="ArgumentException">A fraction is out of range, or the training set would be empty.</exception>
    public DatasetSplit<T> Split(double validationFraction, double testFraction, int seed, bool stratify = false)
    {
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must lie in [0, 1).");
        if (!(testFraction >= 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must lie in [0, 1).");
        if (validationFraction + testFraction >= 1)
            throw new ArgumentException(
                $"validationFraction + testFraction is {validationFraction + testFraction}; it must be below 1 to leave samples for training.",
                nameof(testFraction));
        if (stratify && Labels is null)
            throw new ArgumentException("Stratified splitting needs class labels; this is a regression set.", nameof(stratify));

        // part[i]: 0 = train, 1 = validation, 2 = test.
        var part = new byte[Count];
        var random = Initialization.SplitMix64.ForStream(seed, -1);
        if (stratify)
        {
            // The rows of each class in order, the classes in increasing order; a class absent from the data would
            // draw nothing, so only the classes present are visited (memory in Count, not in ClassCount, which a
            // single large label can make huge).
            var rows = new int[Count];
            for (int i = 0; i < Count; i++) rows[i] = i;
            int[] labels = Labels!;
            Array.Sort(rows, (a, b) => labels[a] != labels[b] ? labels[a].CompareTo(labels[b]) : a.CompareTo(b));
            for (int start = 0, end; start < rows.Length; start = end)
            {
                for (end = start + 1; end < rows.Length && labels[rows[end]] == labels[rows[start]]; end++) { }
                Assign(rows.AsSpan(start, end - start), part, validationFraction, testFraction, ref random);
            }
        }
        else
        {
            var rows = new int[Count];
            for (int i = 0; i < Count; i++) rows[i] = i;
            Assign(rows, part, validationFraction, testFraction, ref random);
        }

        int trainCount = 0, validationCount = 0;
        foreach (byte p in part)
        {
            if (p == 0) trainCount++;
            else if (p == 1) validationCount++;
        }
        if (trainCount == 0)
            throw new ArgumentException(
                $"With validationFraction = {validationFraction} and testFraction = {testFraction}, no sample of the {Count} is left for training.",
                nameof(validationFraction));
        var train = new int[trainCount];
        var validation = new int[validationCount];
        var test = new int[Count - trainCount - validationCount];
        int t = 0, v = 0, s = 0;
        for (int i = 0; i < Count; i++)
        {
            switch (part[i])
            {
                case 0: train[t++] = i; break;
                case 1: validation[v++] = i; break;
                default: test[s++] = i; break;
            }
        }
        return new DatasetSplit<T>(Subset(train), Subset(validation), Subset(test));
    }

    private static void Assign(Span<int> rows, byte[] part, double validationFraction, double testFraction,
                               ref Initialization.SplitMix64 random)
    {
        Permutation.Shuffle(rows, ref random);
        int validation = (int)Math.Round(validationFraction * rows.Length, MidpointRounding.AwayFromZero);
        int test = (int)Math.Round(testFraction * rows.Length, MidpointRounding.AwayFromZero);
        test = Math.Min(test, rows.Length - validation);
        for (int i = 0; i < rows.Length; i++)
            part[rows[i]] = i < validation ? (byte)1 : i < validation + test ? (byte)2 : (byte)0;
    }

    /// <summary>A one-line description: sample count, feature count, and classes or targets.</summary>
    public override string ToString() =>
        $"Dataset<{typeof(T).Name}>: {Count} samples × {FeatureCount} features, " +
        (Labels is not null ? $"{ClassCount} classes" : $"{TargetCount} target(s)");

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The data set has {Count} samples (indices 0..{Count - 1}).");
    }

    private static int CheckFeatures(T[] features, int featureCount, int samples, string other)
    {
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "A sample must have at least one feature.");
        if ((long)samples * featureCount != features.Length)
            throw new ArgumentException(
                $"features must hold {samples} samples × {featureCount} features = {(long)samples * featureCount} values " +
                $"({samples} from the length of {other}), but it holds {features.Length}.",
                nameof(features));
        return samples;
    }
}

/// <summary>The result of <see cref="Dataset{T}.Split"/>: three disjoint data sets that together hold every sample once.</summary>
/// <param name="Train">The training set.</param>
/// <param name="Validation">The validation set (empty when its fraction is 0).</param>
/// <param name="Test">The test set (empty when its fraction is 0).</param>
public sealed record DatasetSplit<T>(Dataset<T> Train, Dataset<T> Validation, Dataset<T> Test)
    where T : unmanaged, IFloatingPointIeee754<T>;
