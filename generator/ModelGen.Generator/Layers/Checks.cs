using System;
using System.Collections.Generic;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Diagnostics.Problems;

namespace ModelGen.Generator.Layers;

/// <summary>Range checks that several layer kinds share.</summary>
internal static class Checks
{
    public static void Activation(LayerSpec layer, string kind, List<Problem> problems)
    {
        if (!Enum.IsDefined(typeof(ActivationKind), layer.Activation))
            problems.Add(OutOfRange(layer.Ordinal, $"{kind}.activation", (int)layer.Activation, "a member of Activation"));
    }

    public static void Init(LayerSpec layer, string what, InitKind init, List<Problem> problems)
    {
        if (!Enum.IsDefined(typeof(InitKind), init))
            problems.Add(OutOfRange(layer.Ordinal, what, (int)init, "a member of Init"));
    }

    /// <summary>L1 and L2 finite and at least 0.</summary>
    public static void Penalties(LayerSpec layer, string kind, List<Problem> problems)
    {
        if (!(layer.L1 >= 0) || double.IsInfinity(layer.L1))
            problems.Add(OutOfRange(layer.Ordinal, $"{kind}.L1", layer.L1, "finite and at least 0"));
        if (!(layer.L2 >= 0) || double.IsInfinity(layer.L2))
            problems.Add(OutOfRange(layer.Ordinal, $"{kind}.L2", layer.L2, "finite and at least 0"));
    }

    public static void Epsilon(LayerSpec layer, string kind, List<Problem> problems)
    {
        if (!(layer.Epsilon > 0) || double.IsInfinity(layer.Epsilon))
            problems.Add(OutOfRange(layer.Ordinal, $"{kind}.Epsilon", layer.Epsilon, "finite and greater than 0"));
    }

    /// <summary>True for an image input; otherwise reports that <paramref name="what"/> needs one.</summary>
    public static bool NeedsImage(LayerSpec layer, Graph.Shape input, string label, string what, List<Problem> problems)
    {
        if (input.Rank == 3) return true;
        problems.Add(ShapeMismatch(layer, label, input, $"{what} needs a [channels x height x width] tensor, but gets a vector"));
        return false;
    }
}
