using System.Collections.Generic;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Diagnostics.Problems;

namespace ModelGen.Generator.Graph;

/// <summary>
/// A single-precision model computes with every hyperparameter as a float: a value that is finite as a double but
/// overflows a float (1e39), or that is not 0 but underflows to 0 (1e-50), would silently become ∞ or 0. Each is a
/// range error on its attribute (the other range checks have already judged the double value).
/// </summary>
internal static class SinglePrecisionChecks
{
    public static void Check(ModelSpec spec, List<Problem> problems)
    {
        if (spec.Precision != PrecisionKind.Single) return;
        foreach (LayerSpec layer in spec.Layers)
        {
            string kind = layer.Kind.ToString();
            Value(problems, layer.Ordinal, $"{kind}.alpha", layer.Alpha);
            Value(problems, layer.Ordinal, $"{kind}.rate", layer.Rate);
            Value(problems, layer.Ordinal, $"{kind}.Momentum", layer.Momentum);
            Value(problems, layer.Ordinal, $"{kind}.Epsilon", layer.Epsilon);
            Value(problems, layer.Ordinal, $"{kind}.L1", layer.L1);
            Value(problems, layer.Ordinal, $"{kind}.L2", layer.L2);
        }
        if (spec.Optimizer is { } o)
        {
            string kind = o.Kind.ToString();
            Value(problems, o.Ordinal, $"{kind}.LearningRate", o.LearningRate);
            Value(problems, o.Ordinal, $"{kind}.WeightDecay", o.WeightDecay);
            Value(problems, o.Ordinal, $"{kind}.Momentum", o.Momentum);
            Value(problems, o.Ordinal, $"{kind}.Dampening", o.Dampening);
            Value(problems, o.Ordinal, $"{kind}.Beta1", o.Beta1);
            Value(problems, o.Ordinal, $"{kind}.Beta2", o.Beta2);
            Value(problems, o.Ordinal, $"{kind}.Epsilon", o.Epsilon);
            Value(problems, o.Ordinal, $"{kind}.Alpha", o.Alpha);
            Value(problems, o.Ordinal, $"{kind}.Rho", o.Rho);
            Value(problems, o.Ordinal, $"{kind}.InitialAccumulator", o.InitialAccumulator);
            Value(problems, o.Ordinal, $"{kind}.MomentumDecay", o.MomentumDecay);
        }
        if (spec.Loss is { } loss && loss.Kind == LossKind.Huber && loss.Delta is double delta)
            Value(problems, loss.Ordinal, "Loss.Delta", delta);
        if (spec.Clipping is { } c)
        {
            Value(problems, c.Ordinal, "GradientClipping.MaxNorm", c.MaxNorm);
            Value(problems, c.Ordinal, "GradientClipping.MaxValue", c.MaxValue);
        }
    }

    private static void Value(List<Problem> problems, int ordinal, string what, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value == 0) return; // judged by the range checks
        float single = (float)value;
        if (float.IsInfinity(single))
            problems.Add(OutOfRange(ordinal, what, value, "finite in single precision (at most 3.4028235e38 in magnitude); use Precision.Double for such values"));
        else if (single == 0)
            problems.Add(OutOfRange(ordinal, what, value, "0 or at least 1.4e-45 in magnitude in single precision, where it would round to 0; use Precision.Double for such values"));
    }
}
