using System.Collections.Generic;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Diagnostics.Problems;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Graph;

/// <summary>
/// Optimizer settings that are in range (MG0006 checks that) but train badly: MG1010 (coupled weight decay on an
/// adaptive optimizer), MG1011 (a learning rate far outside the usual range), MG1014 (momentum of 1 or more).
/// </summary>
internal static class OptimizerPitfalls
{
    /// <summary>
    /// Per optimizer, the learning rates outside which MG1011 warns: far beyond what it is tuned with (PyTorch's
    /// defaults are 1e-3 for Adam and AdamW, 2e-3 for Adamax and NAdam, 1e-2 for RMSProp and AdaGrad, 1 for AdaDelta,
    /// whose rate scales an already unit-consistent step). The floor is below the smallest rates used in practice
    /// (fine-tuning large models goes down to about 5e-7).
    /// </summary>
    public static (double Low, double High) UsualRange(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => (1e-7, 1.0),
        OptimizerKind.AdaGrad => (1e-7, 1.0),
        OptimizerKind.AdaDelta => (1e-7, 10.0),
        _ => (1e-7, 0.1), // Adam, AdamW, Adamax, NAdam, RmsProp: steps of about LearningRate per weight
    };

    public static void Check(OptimizerSpec o, List<Problem> problems)
    {
        string kind = o.Kind.ToString();
        bool adaptive = o.Kind is OptimizerKind.Adam or OptimizerKind.Adamax or OptimizerKind.NAdam or OptimizerKind.RmsProp;
        if (adaptive && o.WeightDecay > 0 && !double.IsInfinity(o.WeightDecay))
            problems.Add(Problem.Create(D.CoupledWeightDecayId, o.Ordinal, kind, Format(o.WeightDecay),
                o.Kind == OptimizerKind.Adam ? ", which takes the same arguments" : ""));

        (double low, double high) = UsualRange(o.Kind);
        if (o.LearningRate > 0 && !double.IsInfinity(o.LearningRate) && (o.LearningRate < low || o.LearningRate > high))
        {
            bool above = o.LearningRate > high;
            problems.Add(Problem.Create(D.LearningRateOutOfRangeId, o.Ordinal, kind, Format(o.LearningRate), above ? "above" : "below",
                Format(low), Format(high),
                above ? "every step overshoots, so the loss oscillates or diverges to infinity or NaN. Lower it (a schedule with warm-up can still start small and grow)."
                      : "the weights barely move, so training makes no visible progress. Raise it, or check its exponent."));
        }

        if ((o.Kind is OptimizerKind.Sgd or OptimizerKind.RmsProp) && o.Momentum >= 1 && !double.IsInfinity(o.Momentum))
            problems.Add(Problem.Create(D.MomentumAtLeastOneId, o.Ordinal, kind, Format(o.Momentum)));
    }
}
