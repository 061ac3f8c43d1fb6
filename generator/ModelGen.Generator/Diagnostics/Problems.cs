using ModelGen.Generator.Model;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Diagnostics;

/// <summary>The problems most checks report, worded one way everywhere.</summary>
internal static class Problems
{
    public static Problem OutOfRange(int ordinal, string what, double value, string expected) =>
        Problem.Create(D.OutOfRangeId, ordinal, what, Format(value), expected);

    public static Problem OutOfRange(int ordinal, string what, int value, string expected) =>
        Problem.Create(D.OutOfRangeId, ordinal, what, Format(value), expected);

    /// <summary>The layer cannot take an input of <paramref name="input"/>'s shape, because <paramref name="reason"/>.</summary>
    public static Problem ShapeMismatch(LayerSpec layer, string label, object input, string reason) =>
        Problem.Create(D.ShapeMismatchId, layer.Ordinal, label, input.ToString()!, reason);

    public static string Format(double value) => NumberText.Of(value);

    public static string Format(int value) => NumberText.Of(value);
}
