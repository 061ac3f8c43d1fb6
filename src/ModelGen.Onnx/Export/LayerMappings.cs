using System;
using System.Collections.Generic;
using ModelGen.Onnx.Export.Layers;

namespace ModelGen.Onnx.Export;

/// <summary>
/// Each layer kind ModelGen's description names (<see cref="LayerDescription.Kind"/>) and the function that writes its
/// ONNX nodes. A function returns the graph value that holds the layer's result: the context's output, or (for a
/// layer that is the identity at inference) the value it reads.
/// </summary>
internal static class LayerMappings
{
    private static readonly Dictionary<string, Func<LayerContext, string>> ByKind = new(StringComparer.Ordinal)
    {
        ["Dense"] = DenseMapping.Emit,
        ["Conv2D"] = Conv2DMapping.Emit,
        ["BatchNorm"] = NormalizationMappings.BatchNorm,
        ["LayerNorm"] = NormalizationMappings.LayerNorm,
        ["MaxPool2D"] = PoolingMappings.MaxPool,
        ["AvgPool2D"] = PoolingMappings.AvgPool,
        ["GlobalAvgPool2D"] = PoolingMappings.GlobalAvgPool,
        ["Flatten"] = StructureMappings.Flatten,
        ["Dropout"] = StructureMappings.Dropout,
        ["Add"] = StructureMappings.Add,
        ["Concat"] = StructureMappings.Concat,
        ["ReLU"] = ActivationLayerMapping.Emit,
        ["Tanh"] = ActivationLayerMapping.Emit,
        ["Sigmoid"] = ActivationLayerMapping.Emit,
        ["Softmax"] = ActivationLayerMapping.Emit,
        ["LeakyReLU"] = ActivationLayerMapping.Emit,
        // The activation layers of contract 0.2 (their kinds as the description names them).
        ["Gelu"] = ActivationLayerMapping.Emit,
        ["Silu"] = ActivationLayerMapping.Emit,
        ["Elu"] = ActivationLayerMapping.Emit,
        ["Softplus"] = ActivationLayerMapping.Emit,
    };

    /// <summary>The kinds export maps (for messages).</summary>
    public static IEnumerable<string> Kinds => ByKind.Keys;

    public static Func<LayerContext, string>? Find(string kind) => ByKind.TryGetValue(kind, out var emit) ? emit : null;
}
