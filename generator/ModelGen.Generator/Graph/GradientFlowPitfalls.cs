using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Graph;

/// <summary>
/// Declarations whose gradients vanish or whose signal shrinks or grows from layer to layer (the lecture notes'
/// vanishing gradients and variance-preserving initialization): MG1007, MG1008, MG1009.
/// </summary>
internal static class GradientFlowPitfalls
{
    /// <summary>Saturating activations in a row that MG1007 reports: the gradient is then scaled by at most (1/4)^4 ≈ 0.004 through sigmoids.</summary>
    public const int SaturatingChainLength = 4;

    /// <summary>
    /// A stack is "deep" for MG1008 from this many weighted layers that feed ReLU-family activations: with Glorot
    /// initialization the signal's variance then shrinks about 2^3 = 8-fold from the first to the last.
    /// </summary>
    public const int DeepReluStack = 3;

    public static void Check(List<LayerPlan> layers, bool[] live, List<Problem> problems)
    {
        CheckSaturatingChains(layers, live, problems);
        CheckInitializers(layers, live, problems);
    }

    /// <summary>
    /// MG1007. Walking back from the output, per live layer: the saturating activations the gradient crosses on its way
    /// from the loss to that layer's output, on the path that crosses fewest (a merge's skip connection is such a
    /// path). A normalization layer starts the count again (its backward pass rescales the gradient). A saturating
    /// layer whose own activation makes it four or more is reported where its chain starts: on the first layer of it.
    /// </summary>
    private static void CheckSaturatingChains(List<LayerPlan> layers, bool[] live, List<Problem> problems)
    {
        List<int>[] readers = LayerGraph.ReadersOf(layers);
        var after = new List<string>?[layers.Count]; // null for layers the output does not depend on
        var reached = new List<(LayerPlan Layer, List<string> Chain)>();
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            if (!live[i]) continue;
            after[i] = readers[i].Where(r => after[r] is not null).Select(r => Crossed(layers[r], after[r]!))
                .OrderBy(c => c.Count).FirstOrDefault() ?? new List<string>(); // the last layer: nothing after it
            if (IsSaturating(layers[i]))
            {
                var chain = new List<string> { layers[i].Name };
                chain.AddRange(after[i]!);
                if (chain.Count >= SaturatingChainLength) reached.Add((layers[i], chain));
            }
        }
        // Report each chain once, where it starts: not on a layer that an earlier reported chain already holds.
        foreach ((LayerPlan layer, List<string> chain) in reached)
            if (!reached.Any(other => other.Layer != layer && other.Chain.Contains(layer.Name)))
                problems.Add(Problem.Create(D.SaturatingChainId, layer.Spec.Ordinal, layer.Label, Format(chain.Count), LayerGraph.List(chain)));
    }

    /// <summary>The saturating activations the gradient crosses from the output back to <paramref name="reader"/>'s input.</summary>
    private static List<string> Crossed(LayerPlan reader, List<string> afterReader)
    {
        if (LayerGraph.IsNormalization(reader)) return new List<string>();
        if (!IsSaturating(reader)) return afterReader;
        var crossed = new List<string> { reader.Name };
        crossed.AddRange(afterReader);
        return crossed;
    }

    private static bool IsSaturating(LayerPlan layer) => ActivationFamilies.Of(layer.Activation) == ActivationFamily.Saturating;

    /// <summary>MG1008 (Glorot before ReLU in a deep stack) and MG1009 (He before a saturating activation), on the weighted layer.</summary>
    private static void CheckInitializers(List<LayerPlan> layers, bool[] live, List<Problem> problems)
    {
        var fed = new List<(LayerPlan Layer, ActivationKind Activation)>();
        for (int i = 0; i < layers.Count; i++)
            if (live[i] && layers[i].HasUnitWeights && layers[i].Weight is not null && Feeds(layers, i) is { } activation)
                fed.Add((layers[i], activation));

        List<(LayerPlan Layer, ActivationKind Activation)> relu = fed.Where(f => ActivationFamilies.Of(f.Activation) == ActivationFamily.ReluFamily).ToList();
        if (relu.Count >= DeepReluStack)
            foreach ((LayerPlan layer, ActivationKind activation) in relu)
            {
                InitKind init = layer.Weight!.Init;
                if (init is InitKind.GlorotUniform or InitKind.GlorotNormal)
                    problems.Add(Problem.Create(D.GlorotBeforeReluId, layer.Spec.Ordinal, layer.Label, Name(activation),
                        Described(init), Format(relu.Count), (init == InitKind.GlorotUniform ? InitKind.HeUniform : InitKind.HeNormal).ToString()));
            }

        foreach ((LayerPlan layer, ActivationKind activation) in fed.Where(f => ActivationFamilies.Of(f.Activation) == ActivationFamily.Saturating))
        {
            InitKind init = layer.Weight!.Init;
            if (init is not (InitKind.HeUniform or InitKind.HeNormal)) continue;
            bool uniform = init == InitKind.HeUniform;
            problems.Add(Problem.Create(D.HeBeforeSaturatingId, layer.Spec.Ordinal, layer.Label, Name(activation), Described(init),
                (uniform ? InitKind.GlorotUniform : InitKind.GlorotNormal).ToString(), (uniform ? InitKind.LeCunUniform : InitKind.LeCunNormal).ToString()));
        }
    }

    /// <summary>
    /// The activation weighted layer <paramref name="i"/>'s output goes through: its fused activation, or else the
    /// activation layers that read it (all of one family; the first's kind), or null when anything else reads it (a
    /// batch norm in between makes the initializer's scale matter little) or nothing does (the output layer).
    /// </summary>
    private static ActivationKind? Feeds(List<LayerPlan> layers, int i)
    {
        if (layers[i].Activation != ActivationKind.Linear) return layers[i].Activation;
        List<LayerPlan> readers = LayerGraph.Readers(layers, i);
        if (readers.Count == 0 || !readers.All(LayerGraph.IsActivationLayer)) return null;
        ActivationFamily family = ActivationFamilies.Of(readers[0].Activation);
        return readers.All(r => ActivationFamilies.Of(r.Activation) == family) ? readers[0].Activation : null;
    }

    /// <summary>How messages call an activation: "ReLU", "leaky ReLU", "tanh", "sigmoid".</summary>
    private static string Name(ActivationKind kind) => kind switch
    {
        ActivationKind.LeakyReLU => "leaky ReLU",
        ActivationKind.Tanh => "tanh",
        ActivationKind.Sigmoid => "sigmoid",
        _ => kind.ToString(),
    };

    /// <summary>"Glorot uniform (Init.GlorotUniform, the default)".</summary>
    private static string Described(InitKind init) =>
        $"{Weighted.InitName(init)} (Init.{init}{(init == InitKind.GlorotUniform ? ", the default" : "")})";

    private static string Format(int value) => Diagnostics.Problems.Format(value);
}
