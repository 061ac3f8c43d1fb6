using System;
using ModelGen.Data;
using ModelGen.Evaluation;
using Xunit;

namespace ModelGen.Training.Tests;

/// <summary>Metrics against values computed by hand, its text forms, its edge cases, and a classifier run through it.</summary>
public class MetricsTests
{
    // scikit-learn's classification_report example: true [0, 1, 2, 2, 2], predicted [0, 0, 2, 2, 1].
    // Class 0: TP 1, FP 1, FN 0 → P 1/2, R 1, F1 2/3. Class 1: TP 0, FP 1, FN 1 → 0, 0, 0.
    // Class 2: TP 2, FP 0, FN 1 → P 1, R 2/3, F1 4/5. Accuracy 3/5.
    private static readonly int[] Truth = [0, 1, 2, 2, 2];
    private static readonly int[] Predicted = [0, 0, 2, 2, 1];
    private static readonly string[] Names = ["class 0", "class 1", "class 2"];

    [Fact]
    public void SparseLabels_BeyondMaxClasses_AreRefusedWithAClearError()
    {
        // Labels 0 and 100,000 would imply a 100,001² confusion matrix: refused before anything that size is allocated.
        var e = Assert.Throws<ArgumentException>(() => new Metrics([0, 100_000], [0, 0]));
        Assert.Contains("100001 classes", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Metrics([0], [0], classCount: Metrics.MaxClasses + 1));
    }

    [Fact]
    public void Per_class_figures_and_averages_match_the_hand_computed_values()
    {
        var metrics = new Metrics(Truth, Predicted);
        Assert.Equal(3, metrics.ClassCount);
        Assert.Equal(5, metrics.SampleCount);
        Assert.Equal(3, metrics.Correct);
        Assert.Equal(0.6, metrics.Accuracy, 1e-15);
        Assert.Equal(new[] { 0.5, 0, 1 }, metrics.Precision);
        AssertClose(new[] { 1, 0, 2 / 3.0 }, metrics.Recall);
        AssertClose(new[] { 2 / 3.0, 0, 0.8 }, metrics.F1);
        Assert.Equal(new[] { 1, 1, 3 }, metrics.Support);
        Assert.Equal(new[] { 2, 1, 2 }, metrics.PredictedCounts);
        Assert.Equal(0.5, metrics.MacroAverage.Precision, 1e-15);
        Assert.Equal((1 + 2 / 3.0) / 3, metrics.MacroAverage.Recall, 1e-15);
        Assert.Equal((2 / 3.0 + 0.8) / 3, metrics.MacroAverage.F1, 1e-15);
        Assert.Equal((0.5 + 3) / 5, metrics.WeightedAverage.Precision, 1e-15);
        Assert.Equal(0.6, metrics.WeightedAverage.Recall, 1e-15);
        Assert.Equal((2 / 3.0 + 3 * 0.8) / 5, metrics.WeightedAverage.F1, 1e-15);
        Assert.Equal(new[,] { { 1, 0, 0 }, { 1, 0, 0 }, { 0, 1, 2 } }, metrics.ConfusionMatrix());
        Assert.Equal(2, metrics.Confusion(2, 2));
        Assert.Equal(1, metrics.Confusion(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.Confusion(3, 0));
    }

    [Fact]
    public void The_report_is_laid_out_as_scikit_learns_classification_report()
    {
        string report = new Metrics(Truth, Predicted, classNames: Names).Report();
        Assert.Equal(
            "              precision    recall  f1-score   support\n" +
            "\n" +
            "     class 0       0.50      1.00      0.67         1\n" +
            "     class 1       0.00      0.00      0.00         1\n" +
            "     class 2       1.00      0.67      0.80         3\n" +
            "\n" +
            "    accuracy                           0.60         5\n" +
            "   macro avg       0.50      0.56      0.49         5\n" +
            "weighted avg       0.70      0.60      0.61         5\n",
            report);
        Assert.Contains("     class 2      1.000     0.667     0.800         3\n", new Metrics(Truth, Predicted, classNames: Names).Report(digits: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Metrics(Truth, Predicted).Report(digits: 0));
    }

    [Fact]
    public void The_confusion_matrix_table_has_true_classes_as_rows_and_predicted_classes_as_columns()
    {
        Assert.Equal(
            "Confusion matrix (rows: true class, columns: predicted class)\n" +
            "           0  1  2\n" +
            "0 class 0  1  0  0\n" +
            "1 class 1  1  0  0\n" +
            "2 class 2  0  1  2\n",
            new Metrics(Truth, Predicted, classNames: Names).ConfusionMatrixTable());
        // Without names: indices only; a wide count widens every column; 11 classes widen the index.
        int[] truth = new int[120], predicted = new int[120];
        truth[119] = predicted[119] = 10;
        string table = new Metrics(truth, predicted).ConfusionMatrixTable();
        string[] lines = table.Split('\n');
        Assert.Equal("      0    1    2    3    4    5    6    7    8    9   10", lines[1]);
        Assert.Equal(" 0  119    0    0    0    0    0    0    0    0    0    0", lines[2]);
        Assert.Equal("10    0    0    0    0    0    0    0    0    0    0    1", lines[12]);
    }

    [Fact]
    public void A_class_never_predicted_and_a_class_absent_from_the_truth_count_as_zero_with_a_note()
    {
        // Class 0: TP 1, FP 2, FN 1 → P 1/3, R 1/2, F1 2/5. Class 1: never predicted (P 0/0), FN 2 → 0, 0, 0.
        // Class 2: absent from the truth (R 0/0), FP 1 → 0, 0, 0. Class 3: in neither → 0, 0, 0, support 0.
        var metrics = new Metrics([0, 0, 1, 1], [0, 2, 0, 0], classCount: 4);
        AssertClose(new[] { 1 / 3.0, 0, 0, 0 }, metrics.Precision);
        AssertClose(new[] { 0.5, 0, 0, 0 }, metrics.Recall);
        AssertClose(new[] { 0.4, 0, 0, 0 }, metrics.F1);
        Assert.Equal(new[] { 2, 2, 0, 0 }, metrics.Support);
        Assert.Equal(0.25, metrics.Accuracy);
        Assert.Equal(1 / 12.0, metrics.MacroAverage.Precision, 1e-15);
        Assert.Equal(0.125, metrics.MacroAverage.Recall, 1e-15);
        Assert.Equal(0.1, metrics.MacroAverage.F1, 1e-15);
        Assert.Equal(1 / 6.0, metrics.WeightedAverage.Precision, 1e-15);
        Assert.Equal(0.25, metrics.WeightedAverage.Recall, 1e-15);
        Assert.Equal(0.2, metrics.WeightedAverage.F1, 1e-15);
        string report = metrics.Report();
        Assert.Contains("Note: precision is 0/0 for the classes never predicted (1, 3), reported as 0", report);
        Assert.Contains("Note: recall is 0/0 for the classes absent from the true labels (2, 3), reported as 0", report);
        Assert.DoesNotContain("Note", new Metrics(Truth, [0, 1, 2, 2, 2]).Report());
    }

    [Fact]
    public void Bad_labels_and_lengths_are_refused_with_the_sample_named()
    {
        var lengths = Assert.Throws<ArgumentException>(() => new Metrics([0, 1, 2], [0, 1]));
        Assert.Equal("predictedLabels", lengths.ParamName);
        Assert.Contains("3", lengths.Message);
        Assert.Contains("2", lengths.Message);
        Assert.Throws<ArgumentException>(() => new Metrics([], []));

        var high = Assert.Throws<ArgumentException>(() => new Metrics([0, 1, 2], [0, 3, 1], classCount: 3));
        Assert.Equal("predictedLabels", high.ParamName);
        Assert.Contains("predictedLabels[1] is 3", high.Message);
        Assert.Contains("0..2", high.Message);
        var negative = Assert.Throws<ArgumentException>(() => new Metrics([0, -1], [0, 0]));
        Assert.Contains("trueLabels[1] is -1", negative.Message);
        var withNames = Assert.Throws<ArgumentException>(() => new Metrics([0, 1, 3], [0, 1, 1], classNames: Names));
        Assert.Contains("trueLabels[2] is 3", withNames.Message);
        var nameCount = Assert.Throws<ArgumentException>(() => new Metrics([0, 1], [0, 1], classCount: 2, classNames: Names));
        Assert.Contains("3 class names", nameCount.Message);
        Assert.Throws<ArgumentException>(() => new Metrics([int.MaxValue], [0]));
        // The class count is inferred from both spans: a class only predicted is still a class.
        Assert.Equal(5, new Metrics([0, 1], [4, 1]).ClassCount);
    }

    [Fact]
    public void A_classifier_run_over_a_dataset_agrees_with_PredictClasses_and_Trainer_Accuracy()
    {
        Dataset<float> data = TestData.Blobs<float>(90, seed: 3);
        var model = new PlainClassifier();
        var trainer = new Trainer<float>(model) { Epochs = 2, Seed = 1 };
        trainer.Fit(data);

        Metrics metrics = Metrics.Evaluate(model, data);
        int[] predicted = model.PredictClasses<float>(data.FeatureData);
        Assert.Equal(3, metrics.ClassCount);
        Assert.Equal(trainer.Accuracy(data), metrics.Accuracy);
        Assert.Equal(90, metrics.SampleCount);
        for (int t = 0; t < 3; t++)
            for (int p = 0; p < 3; p++)
            {
                int expected = 0;
                for (int i = 0; i < data.Count; i++) if (data.Labels![i] == t && predicted[i] == p) expected++;
                Assert.Equal(expected, metrics.Confusion(t, p));
            }
        Assert.Equal(metrics.Accuracy, Metrics.Evaluate(model, data.FeatureData, data.Labels!).Accuracy);

        var named = new Dataset<float>(data.FeatureData, data.FeatureCount, data.Labels!, classNames: ["a", "b", "c"]);
        Assert.Equal(["a", "b", "c"], Metrics.Evaluate(model, named).ClassNames!);
        Assert.Contains("           a ", Metrics.Evaluate(model, named).Report());
    }

    [Fact]
    public void Evaluate_refuses_data_the_model_cannot_classify()
    {
        var model = new PlainClassifier();
        var narrow = new Dataset<float>(new float[10], 5, [0, 1]);
        Assert.Contains("InputSize 6", Assert.Throws<ArgumentException>(() => Metrics.Evaluate(model, narrow)).Message);
        var regression = TestData.Regression<float>(4, seed: 1);
        Assert.Contains("no labels", Assert.Throws<ArgumentException>(() => Metrics.Evaluate(model, regression)).Message);
        var manyClasses = new Dataset<float>(new float[12], 6, [0, 4]);
        Assert.Contains("5 classes", Assert.Throws<ArgumentException>(() => Metrics.Evaluate(model, manyClasses)).Message);
        var outOfRange = Assert.Throws<ArgumentException>(() => Metrics.Evaluate(model, new float[12], [0, 3]));
        Assert.Contains("trueLabels[1] is 3", outOfRange.Message);

        // 4 samples of 3 features hold as many values as 2 samples of the model's 6: refused, not misread.
        var halfWidth = new Dataset<float>(new float[12], 3, [0, 1, 2, 0]);
        Assert.Contains("InputSize 6", Assert.Throws<ArgumentException>(() => Metrics.Evaluate(model, halfWidth)).Message);
        Assert.Contains("6 features", Assert.Throws<ArgumentException>(() => new Trainer<float>(model).Accuracy(halfWidth)).Message);
    }

    private static void AssertClose(double[] expected, System.Collections.Generic.IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-15);
    }
}
