using System.Collections.Generic;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Diagnostics.Problems;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Graph;

/// <summary>
/// What each loss takes (integer labels or target values) and its settings on [Loss]: Huber's <c>Delta</c> and
/// cross-entropy's <c>LabelSmoothing</c>, their ranges, and how the description shows them.
/// </summary>
internal static class LossSettings
{
    /// <summary>Losses on integer class labels (the model is an IClassifier): CrossEntropy and Hinge.</summary>
    public static bool TakesLabels(LossKind kind) => kind is LossKind.CrossEntropy or LossKind.Hinge;

    /// <summary>Huber's delta: the attribute's, or PyTorch's default 1.</summary>
    public static double DeltaOf(LossSpec loss) => loss.Delta ?? 1.0;

    /// <summary>Cross-entropy's label smoothing: the attribute's, or 0.</summary>
    public static double LabelSmoothingOf(LossSpec loss) => loss.LabelSmoothing ?? 0.0;

    /// <summary>Each setting on the loss that uses it, and in range (reported on the [Loss] attribute).</summary>
    public static void Check(LossSpec loss, List<Problem> problems)
    {
        if (loss.Delta is double delta)
        {
            if (loss.Kind != LossKind.Huber)
                problems.Add(Problem.Create(D.LossSettingNotUsedId, loss.Ordinal, loss.Kind.ToString(), "Delta", "Huber"));
            else if (!(delta > 0) || double.IsInfinity(delta))
                problems.Add(OutOfRange(loss.Ordinal, "Loss.Delta", delta, "finite and greater than 0"));
        }
        if (loss.LabelSmoothing is double smoothing)
        {
            if (loss.Kind != LossKind.CrossEntropy)
                problems.Add(Problem.Create(D.LossSettingNotUsedId, loss.Ordinal, loss.Kind.ToString(), "LabelSmoothing", "CrossEntropy"));
            else if (!(smoothing >= 0 && smoothing < 1))
                problems.Add(OutOfRange(loss.Ordinal, "Loss.LabelSmoothing", smoothing, "at least 0 and less than 1"));
        }
    }

    /// <summary>The loss's settings in PyTorch's terms for the description (<c>delta 1</c>), or null when it has none.</summary>
    public static string? Describe(LossSpec loss) => loss.Kind switch
    {
        LossKind.Huber => "delta " + Format(DeltaOf(loss)),
        LossKind.CrossEntropy when LabelSmoothingOf(loss) > 0 => "label_smoothing " + Format(LabelSmoothingOf(loss)),
        _ => null,
    };
}
