using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Layers;

/// <summary>The table of layer kinds: adding a kind means adding its module here (and its attribute and kernel).</summary>
internal static class LayerModules
{
    public static readonly IReadOnlyList<LayerModule> All = new LayerModule[]
    {
        new Dense(),
        new ActivationLayer(LayerKind.ReLU, ActivationKind.ReLU),
        new ActivationLayer(LayerKind.Tanh, ActivationKind.Tanh),
        new ActivationLayer(LayerKind.Sigmoid, ActivationKind.Sigmoid),
        new ActivationLayer(LayerKind.Softmax, ActivationKind.Softmax),
        new ActivationLayer(LayerKind.LeakyReLU, ActivationKind.LeakyReLU),
        new Dropout(),
        new BatchNorm(),
        new LayerNorm(),
        new Conv2D(),
        new Pooling(LayerKind.MaxPool2D),
        new Pooling(LayerKind.AvgPool2D),
        new Flatten(),
        new Add(),
        new Concat(),
        new GlobalAvgPool2D(),
        new ActivationLayer(LayerKind.Gelu, ActivationKind.Gelu),
        new ActivationLayer(LayerKind.Silu, ActivationKind.Silu),
        new ActivationLayer(LayerKind.Elu, ActivationKind.Elu),
        new ActivationLayer(LayerKind.Softplus, ActivationKind.Softplus),
    };

    private static readonly Dictionary<LayerKind, LayerModule> ByKind = All.ToDictionary(m => m.Kind);

    private static readonly Dictionary<string, LayerModule> ByAttribute = All.ToDictionary(m => m.AttributeName);

    public static LayerModule Of(LayerKind kind) => ByKind[kind];

    /// <summary>The module of an attribute class name (<c>DenseAttribute</c>), if it is a layer attribute.</summary>
    public static bool TryGetByAttribute(string attributeName, out LayerModule module) => ByAttribute.TryGetValue(attributeName, out module!);
}
