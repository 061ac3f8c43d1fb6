using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Graph;

/// <summary>Warnings: declarations that compile and run but train badly.</summary>
internal static class Pitfalls
{
    public static void Check(ModelSpec spec, List<LayerPlan> layers, List<Problem> problems)
    {
        LayerPlan last = layers[layers.Count - 1];
        string lastLabel = last.Label;
        if (spec.Loss?.Kind == LossKind.CrossEntropy && last.Activation == ActivationKind.Softmax)
            problems.Add(Problem.Create(D.SoftmaxBeforeCrossEntropyId, last.Spec.Ordinal, lastLabel));
        if (spec.Loss?.Kind == LossKind.BinaryCrossEntropy && last.Activation == ActivationKind.Sigmoid)
            problems.Add(Problem.Create(D.SigmoidBeforeBinaryCrossEntropyId, last.Spec.Ordinal, lastLabel));

        if (spec.Loss is not null && last.Spec.Kind == LayerKind.BatchNorm)
            problems.Add(Problem.Create(D.BatchNormBeforeLossId, last.Spec.Ordinal, lastLabel));
        if (spec.Loss is null || spec.Optimizer is null)
            // Batch norm is not among them: in inference it applies its running statistics, which loaded weights (an
            // imported or a trained model's) make a real layer.
            foreach (LayerPlan layer in layers.Where(l => l.DependsOnMode && l.Spec.Kind != LayerKind.BatchNorm))
                problems.Add(Problem.Create(D.NoEffectWhenInferenceOnlyId, layer.Spec.Ordinal, $"[{layer.Spec.Kind}]"));

        for (int i = 0; i < layers.Count; i++)
        {
            TensorPlan? weight = layers[i].Weight;
            if (!layers[i].HasUnitWeights || weight is null || (weight.Init != InitKind.Zeros && weight.Init != InitKind.Ones)) continue;
            LayerPlan? next = Downstream(layers, i).FirstOrDefault(l => l.HasUnitWeights);
            if (next is not null)
                problems.Add(Problem.Create(D.SymmetricInitId, layers[i].Spec.Ordinal,
                    layers[i].Label, weight.Init == InitKind.Zeros ? "0" : "1",
                    next.Label));
        }

        // The lecture notes' training pitfalls (MG0019, MG1007-MG1009, MG1012, MG1013, MG1015), in files of their own.
        bool[] live = ShapeInference.Liveness(layers);
        GradientFlowPitfalls.Check(layers, live, problems);
        NormalizationPitfalls.Check(spec, layers, live, problems);
    }

    /// <summary>The layers that depend on layer <paramref name="i"/>'s output, in declaration order.</summary>
    private static IEnumerable<LayerPlan> Downstream(List<LayerPlan> layers, int i)
    {
        var reached = new HashSet<int> { i };
        for (int j = i + 1; j < layers.Count; j++)
            if (layers[j].Sources.Any(reached.Contains))
            {
                reached.Add(j);
                yield return layers[j];
            }
    }
}
