namespace ModelGen.Evaluation;

/// <summary>Averages of the per-class precision, recall and F1 (macro or weighted).</summary>
/// <param name="Precision">The averaged precision.</param>
/// <param name="Recall">The averaged recall.</param>
/// <param name="F1">The averaged F1 (an average of the per-class F1, not the F1 of the averages, as scikit-learn).</param>
public readonly record struct MetricAverages(double Precision, double Recall, double F1);
