using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Graph;

/// <summary>
/// Batch norm and dropout where they cannot do their job, and outputs the loss cannot train well: MG0019, MG1012,
/// MG1013, MG1015.
/// </summary>
internal static class NormalizationPitfalls
{
    public static void Check(ModelSpec spec, List<LayerPlan> layers, bool[] live, List<Problem> problems)
    {
        bool trainable = spec.Loss is not null && spec.Optimizer is not null;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerPlan layer = layers[i];
            if (!live[i]) continue;

            // MG0019: the generated ComputeGradients refuses fewer than 2 samples for such a layer (ModelEmitter.Training).
            if (trainable && spec.BatchSize == 1 && layer.Module.NeedsTwoSamples(layer) is not null)
                problems.Add(Problem.Create(D.BatchNormOfOneSampleId, layer.Spec.Ordinal, layer.Label));

            // MG1012: batch norm that reads a dropout that drops something.
            if (trainable && layer.Spec.Kind == LayerKind.BatchNorm && LayerGraph.FirstSource(layers, layer) is { Spec: { Kind: LayerKind.Dropout, Rate: > 0 } } dropout)
                problems.Add(Problem.Create(D.BatchNormAfterDropoutId, layer.Spec.Ordinal, layer.Label, dropout.Label));

            // MG1013: a weighted layer's bias with nothing between it and the batch norms that read it.
            if (layer.HasUnitWeights && layer.Bias is not null && layer.Activation == ActivationKind.Linear
                && LayerGraph.Readers(layers, i) is { Count: > 0 } readers && readers.All(r => r.Spec.Kind == LayerKind.BatchNorm))
                problems.Add(Problem.Create(D.BiasBeforeBatchNormId, layer.Spec.Ordinal, layer.Label, readers[0].Label,
                    Diagnostics.Problems.Format(layer.Bias.Length)));
        }

        LayerPlan last = layers[layers.Count - 1];
        // MG1015: dropout as the output (MG1005 is its batch-norm twin).
        if (trainable && last.Spec.Kind == LayerKind.Dropout && last.Spec.Rate > 0)
            problems.Add(Problem.Create(D.DropoutBeforeLossId, last.Spec.Ordinal, last.Label));
    }
}
