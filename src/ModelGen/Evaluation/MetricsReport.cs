using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ModelGen.Evaluation;

// The text forms of the metrics: the classification report and the confusion matrix table.
public sealed partial class Metrics
{
    /// <summary>
    /// The classification report, laid out as scikit-learn's <c>classification_report</c>: a row per class (its name, or
    /// its index) with precision, recall, F1 and support, then accuracy, the macro and the weighted average, and a note
    /// naming the classes whose precision or recall was 0/0 (reported as 0). Numbers use the invariant culture; lines
    /// end with <c>\n</c>.
    /// </summary>
    /// <param name="digits">Decimals of the ratios, 1..10 (2 as scikit-learn's default).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="digits"/> is outside 1..10.</exception>
    public string Report(int digits = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 10);
        const string Weighted = "weighted avg";
        int width = Math.Max(Weighted.Length, digits);
        for (int c = 0; c < ClassCount; c++) width = Math.Max(width, Name(c).Length);

        var text = new StringBuilder();
        text.Append(' ', width).Append(' ');
        foreach (string header in (ReadOnlySpan<string>)["precision", "recall", "f1-score", "support"])
            text.Append(' ').Append(header.PadLeft(9));
        text.Append("\n\n");
        for (int c = 0; c < ClassCount; c++)
            Row(text, Name(c), width, digits, _precision[c], _recall[c], _f1[c], _support[c]);
        text.Append('\n');
        text.Append("accuracy".PadLeft(width)).Append(' ')
            .Append(' ', 20).Append(' ').Append(Number(Accuracy, digits).PadLeft(9))
            .Append(' ').Append(Integer(SampleCount).PadLeft(9)).Append('\n');
        Row(text, "macro avg", width, digits, MacroAverage.Precision, MacroAverage.Recall, MacroAverage.F1, SampleCount);
        Row(text, Weighted, width, digits, WeightedAverage.Precision, WeightedAverage.Recall, WeightedAverage.F1, SampleCount);

        var neverPredicted = new List<string>();
        var absent = new List<string>();
        for (int c = 0; c < ClassCount; c++)
        {
            if (_predicted[c] == 0) neverPredicted.Add(Name(c));
            if (_support[c] == 0) absent.Add(Name(c));
        }
        if (neverPredicted.Count > 0)
            text.Append("\nNote: precision is 0/0 for the classes never predicted (").AppendJoin(", ", neverPredicted)
                .Append("), reported as 0 (scikit-learn's default).\n");
        if (absent.Count > 0)
            text.Append(neverPredicted.Count > 0 ? "" : "\n")
                .Append("Note: recall is 0/0 for the classes absent from the true labels (").AppendJoin(", ", absent)
                .Append("), reported as 0 (scikit-learn's default).\n");
        return text.ToString();
    }

    /// <summary>
    /// The confusion matrix as a table: a row per true class (its index and name), a column per predicted class (its
    /// index), each cell the number of such samples. Lines end with <c>\n</c>.
    /// </summary>
    public string ConfusionMatrixTable()
    {
        int indexWidth = Integer(ClassCount - 1).Length;
        int labelWidth = 0;
        for (int c = 0; c < ClassCount; c++) labelWidth = Math.Max(labelWidth, RowLabel(c, indexWidth).Length);
        int cellWidth = indexWidth;
        foreach (int count in _confusion) cellWidth = Math.Max(cellWidth, Integer(count).Length);

        var text = new StringBuilder("Confusion matrix (rows: true class, columns: predicted class)\n");
        text.Append(' ', labelWidth);
        for (int p = 0; p < ClassCount; p++) text.Append("  ").Append(Integer(p).PadLeft(cellWidth));
        text.Append('\n');
        for (int t = 0; t < ClassCount; t++)
        {
            text.Append(RowLabel(t, indexWidth).PadRight(labelWidth));
            for (int p = 0; p < ClassCount; p++) text.Append("  ").Append(Integer(_confusion[t, p]).PadLeft(cellWidth));
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The classification report followed by the confusion matrix table.</summary>
    public override string ToString() => Report() + "\n" + ConfusionMatrixTable();

    private string Name(int c) => ClassNames is { } names ? names[c] : Integer(c);

    private string RowLabel(int c, int indexWidth) =>
        ClassNames is { } names ? Integer(c).PadLeft(indexWidth) + " " + names[c] : Integer(c).PadLeft(indexWidth);

    private static void Row(StringBuilder text, string name, int width, int digits, double precision, double recall, double f1, int support) =>
        text.Append(name.PadLeft(width)).Append(' ')
            .Append(' ').Append(Number(precision, digits).PadLeft(9))
            .Append(' ').Append(Number(recall, digits).PadLeft(9))
            .Append(' ').Append(Number(f1, digits).PadLeft(9))
            .Append(' ').Append(Integer(support).PadLeft(9)).Append('\n');

    private static string Number(double value, int digits) => value.ToString("F" + Integer(digits), CultureInfo.InvariantCulture);

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);
}
