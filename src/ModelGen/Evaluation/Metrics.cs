using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using ModelGen.Data;

namespace ModelGen.Evaluation;

/// <summary>
/// Classification metrics of predicted against true labels: accuracy, the confusion matrix, and per-class precision,
/// recall, F1 and support with their macro and weighted averages, as scikit-learn's <c>classification_report</c> and
/// <c>confusion_matrix</c> compute them; <see cref="Report"/> and <see cref="ConfusionMatrixTable"/> print them.
/// </summary>
/// <remarks>
/// <para>
/// Classes are <c>0..ClassCount−1</c>, every one of them a row of the report and of the confusion matrix (rows: true
/// class, columns: predicted class), whether or not it occurs, as scikit-learn with <c>labels=range(ClassCount)</c>.
/// Per class <c>c</c>: precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2·TP / (2·TP + FP + FN) (their harmonic
/// mean), support = the number of true samples of <c>c</c>. The macro average is the plain mean over all classes; the
/// weighted average weights each class by its support.
/// </para>
/// <para>
/// <b>Zero division.</b> A ratio whose denominator is 0 (precision of a class never predicted, recall of a class absent
/// from the truth, F1 of a class in neither) is 0, as scikit-learn's default (<c>zero_division="warn"</c>, which also
/// warns); <see cref="Report"/> adds a note naming those classes. A class in neither the truth nor the predictions
/// therefore lowers the macro average; it has no weight in the weighted one.
/// </para>
/// </remarks>
public sealed partial class Metrics
{
    /// <summary>The most classes a <see cref="Metrics"/> takes: its confusion matrix holds classes² counts (400 MB at this size).</summary>
    public const int MaxClasses = 10_000;

    private readonly int[,] _confusion;
    private readonly double[] _precision, _recall, _f1;
    private readonly int[] _support, _predicted;

    /// <summary>Computes the metrics of <paramref name="predictedLabels"/> against <paramref name="trueLabels"/>.</summary>
    /// <param name="trueLabels">The true class of each sample (at least one sample).</param>
    /// <param name="predictedLabels">The predicted class of each sample, as many as <paramref name="trueLabels"/>.</param>
    /// <param name="classCount">
    /// The number of classes; 0 (the default) takes the length of <paramref name="classNames"/>, or else the largest label
    /// of either span plus one. Give it when a class may occur in neither.
    /// </param>
    /// <param name="classNames">Optional names of the classes (index = label), printed by the report.</param>
    /// <exception cref="ArgumentException">
    /// The spans are empty or of different lengths, a label lies outside <c>0..ClassCount−1</c> (the message names the
    /// span and the sample), or the class names do not match the class count.
    /// </exception>
    public Metrics(ReadOnlySpan<int> trueLabels, ReadOnlySpan<int> predictedLabels, int classCount = 0,
        IReadOnlyList<string>? classNames = null)
    {
        if (trueLabels.Length != predictedLabels.Length)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"predictedLabels must hold one label per sample of trueLabels: {trueLabels.Length}, but it holds {predictedLabels.Length}."),
                nameof(predictedLabels));
        if (trueLabels.Length == 0)
            throw new ArgumentException("At least one sample is needed: accuracy and recall over no samples are undefined.", nameof(trueLabels));
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        if (classNames is not null)
        {
            if (classCount != 0 && classCount != classNames.Count)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"classCount is {classCount}, but {classNames.Count} class names were given."), nameof(classNames));
            classCount = classNames.Count;
        }
        if (classCount == 0)
            classCount = Math.Max(MaxLabel(trueLabels, nameof(trueLabels)), MaxLabel(predictedLabels, nameof(predictedLabels))) + 1;
        if (classCount > MaxClasses)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{classCount} classes (the largest label plus one, unless classCount says otherwise) is more than the {MaxClasses} a confusion matrix is kept for here; relabel the classes 0..k-1."),
                nameof(classCount));
        CheckRange(trueLabels, classCount, nameof(trueLabels));
        CheckRange(predictedLabels, classCount, nameof(predictedLabels));

        ClassCount = classCount;
        ClassNames = classNames;
        SampleCount = trueLabels.Length;
        _confusion = new int[classCount, classCount];
        for (int i = 0; i < trueLabels.Length; i++) _confusion[trueLabels[i], predictedLabels[i]]++;

        _support = new int[classCount];
        _predicted = new int[classCount];
        _precision = new double[classCount];
        _recall = new double[classCount];
        _f1 = new double[classCount];
        int correct = 0;
        for (int t = 0; t < classCount; t++)
        {
            for (int p = 0; p < classCount; p++)
            {
                _support[t] += _confusion[t, p];
                _predicted[p] += _confusion[t, p];
            }
            correct += _confusion[t, t];
        }
        Correct = correct;
        double macroP = 0, macroR = 0, macroF = 0, weightedP = 0, weightedR = 0, weightedF = 0;
        for (int c = 0; c < classCount; c++)
        {
            int tp = _confusion[c, c], fp = _predicted[c] - tp, fn = _support[c] - tp;
            _precision[c] = Ratio(tp, tp + fp);
            _recall[c] = Ratio(tp, tp + fn);
            _f1[c] = Ratio(2.0 * tp, 2.0 * tp + fp + fn);
            macroP += _precision[c];
            macroR += _recall[c];
            macroF += _f1[c];
            weightedP += _support[c] * _precision[c];
            weightedR += _support[c] * _recall[c];
            weightedF += _support[c] * _f1[c];
        }
        MacroAverage = new MetricAverages(macroP / classCount, macroR / classCount, macroF / classCount);
        WeightedAverage = new MetricAverages(weightedP / SampleCount, weightedR / SampleCount, weightedF / SampleCount);
    }

    /// <summary>
    /// Runs <paramref name="model"/> on the features of <paramref name="data"/> (<see cref="Predictions.PredictClasses{T}(IModel{T}, ReadOnlySpan{T}, ModelOutput)"/>)
    /// and computes the metrics against its labels, with its class names when it has them.
    /// </summary>
    /// <param name="model">A classifier: its class count is its OutputSize, or 2 for one output (binary).</param>
    /// <param name="data">A labelled data set whose FeatureCount is the model's InputSize.</param>
    /// <param name="output">What the model's outputs hold; see <see cref="ModelOutput"/>.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="data"/> has no labels, features of another width, more classes than the model predicts, or is empty.
    /// </exception>
    public static Metrics Evaluate<T>(IModel<T> model, Dataset<T> data, ModelOutput output = ModelOutput.Logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null)
            throw new ArgumentException("The data set has no labels (it is a regression set): metrics need class labels.", nameof(data));
        if (data.FeatureCount != model.InputSize)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The data set has {data.FeatureCount} features per sample, but the model takes InputSize {model.InputSize}."), nameof(data));
        int classes = ClassCountOf(model);
        if (data.ClassCount > classes)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The data set has {data.ClassCount} classes, but the model predicts {classes} (OutputSize {model.OutputSize})."), nameof(data));
        IReadOnlyList<string>? names = data.ClassNames is { } given && given.Count == classes ? given : null;
        return new Metrics(data.Labels, model.PredictClasses<T>(data.FeatureData, output), classes, names);
    }

    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="inputs"/> and computes the metrics against
    /// <paramref name="labels"/>; the class count is the model's OutputSize, or 2 for one output (binary).
    /// </summary>
    /// <param name="model">The classifier.</param>
    /// <param name="inputs">n samples of InputSize values, row-major.</param>
    /// <param name="labels">The n true labels.</param>
    /// <param name="classNames">Optional names of the classes, as many as the model has.</param>
    /// <param name="output">What the model's outputs hold; see <see cref="ModelOutput"/>.</param>
    /// <exception cref="ArgumentException">The lengths disagree, or a label is out of range.</exception>
    public static Metrics Evaluate<T>(IModel<T> model, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels,
        IReadOnlyList<string>? classNames = null, ModelOutput output = ModelOutput.Logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Metrics(labels, model.PredictClasses(inputs, output), ClassCountOf(model), classNames);
    }

    /// <summary>The number of classes, <c>0..ClassCount−1</c>.</summary>
    public int ClassCount { get; }

    /// <summary>The class names given (index = label), or <see langword="null"/>: the report then prints the indices.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The number of samples.</summary>
    public int SampleCount { get; }

    /// <summary>The number of samples whose predicted label is the true one.</summary>
    public int Correct { get; }

    /// <summary>The fraction of samples predicted correctly, <see cref="Correct"/> / <see cref="SampleCount"/>.</summary>
    public double Accuracy => (double)Correct / SampleCount;

    /// <summary>Per class: TP / (TP + FP), 0 for a class never predicted.</summary>
    public IReadOnlyList<double> Precision => _precision;

    /// <summary>Per class: TP / (TP + FN), 0 for a class absent from the truth.</summary>
    public IReadOnlyList<double> Recall => _recall;

    /// <summary>Per class: 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall; 0 when both are.</summary>
    public IReadOnlyList<double> F1 => _f1;

    /// <summary>Per class: the number of samples whose true label it is.</summary>
    public IReadOnlyList<int> Support => _support;

    /// <summary>Per class: the number of samples predicted as it.</summary>
    public IReadOnlyList<int> PredictedCounts => _predicted;

    /// <summary>The unweighted mean of the per-class precision, recall and F1 over all classes.</summary>
    public MetricAverages MacroAverage { get; }

    /// <summary>The mean of the per-class precision, recall and F1 weighted by each class's support.</summary>
    public MetricAverages WeightedAverage { get; }

    /// <summary>The number of samples of true class <paramref name="trueClass"/> predicted as <paramref name="predictedClass"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside <c>0..ClassCount−1</c>.</exception>
    public int Confusion(int trueClass, int predictedClass)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trueClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(trueClass, ClassCount);
        ArgumentOutOfRangeException.ThrowIfNegative(predictedClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predictedClass, ClassCount);
        return _confusion[trueClass, predictedClass];
    }

    /// <summary>A copy of the confusion matrix: <c>[true class, predicted class]</c>, as scikit-learn's <c>confusion_matrix</c>.</summary>
    public int[,] ConfusionMatrix() => (int[,])_confusion.Clone();

    /// <summary>The class count of a model's predictions: OutputSize, or 2 for a binary model with one output.</summary>
    private static int ClassCountOf<T>(IModel<T> model) where T : unmanaged, IFloatingPointIeee754<T> =>
        model.OutputSize == 1 ? 2 : model.OutputSize;

    private static double Ratio(double numerator, double denominator) => denominator == 0 ? 0 : numerator / denominator;

    private static int MaxLabel(ReadOnlySpan<int> labels, string name)
    {
        int max = -1;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{name}[{i}] is {labels[i]}: class labels must not be negative."), name);
            max = Math.Max(max, labels[i]);
        }
        if (max == int.MaxValue)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} holds {int.MaxValue}: the class count (the largest label + 1) would not fit an int; pass classCount or number the classes 0..k−1."), name);
        return max;
    }

    private static void CheckRange(ReadOnlySpan<int> labels, int classCount, string name)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{name}[{i}] is {labels[i]}, but class labels must lie in 0..{classCount - 1} (ClassCount = {classCount})."), name);
        }
    }
}
