using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>Questions about the planned graph that the pitfall checks share.</summary>
internal static class LayerGraph
{
    /// <summary>The layers that read layer <paramref name="i"/>'s output directly, in declaration order.</summary>
    public static List<LayerPlan> Readers(IReadOnlyList<LayerPlan> layers, int i) =>
        layers.Skip(i + 1).Where(l => l.Sources.Contains(i)).ToList();

    /// <summary>Per layer, the indices of the layers that read its output directly, in declaration order.</summary>
    public static List<int>[] ReadersOf(IReadOnlyList<LayerPlan> layers)
    {
        var readers = new List<int>[layers.Count];
        for (int i = 0; i < layers.Count; i++) readers[i] = new List<int>();
        for (int j = 0; j < layers.Count; j++)
            foreach (int s in layers[j].Sources.Distinct())
                if (s >= 0) readers[s].Add(j);
        return readers;
    }

    /// <summary>The layer a layer reads first (its only operand unless it is a merge), or null for the model's input.</summary>
    public static LayerPlan? FirstSource(IReadOnlyList<LayerPlan> layers, LayerPlan layer) =>
        layer.Sources[0] >= 0 ? layers[layer.Sources[0]] : null;

    /// <summary>True for the layers that only apply an activation ([ReLU], [Tanh], ...).</summary>
    public static bool IsActivationLayer(LayerPlan layer) =>
        !layer.HasUnitWeights && layer.Activation != ActivationKind.Linear;

    /// <summary>True for the layers that renormalize the signal ([BatchNorm], [LayerNorm]).</summary>
    public static bool IsNormalization(LayerPlan layer) =>
        layer.Spec.Kind is LayerKind.BatchNorm or LayerKind.LayerNorm;

    /// <summary>"a, b, c and d".</summary>
    public static string List(IReadOnlyList<string> names) =>
        names.Count <= 1 ? string.Concat(names) : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[names.Count - 1];
}
