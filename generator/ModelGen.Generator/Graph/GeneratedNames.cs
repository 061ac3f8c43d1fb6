using System.Collections.Generic;
using System.Linq;

namespace ModelGen.Generator.Graph;

/// <summary>
/// The names of the members the emitter writes into a model class. Shape inference checks the class's own name
/// against them (a member cannot share its class's name), so that a collision is a diagnostic, not broken code.
/// </summary>
internal static class GeneratedNames
{
    /// <summary>Members every model may get, public and private.</summary>
    public static readonly IReadOnlyList<string> Fixed = new[]
    {
        "InputSize", "OutputSize", "BatchSize", "ParameterCount", "Description", "Summary", "Predict", "ComputeGradients", "ApplyGradients",
        "TrainStep", "Evaluate", "LearningRate", "Step", "Parameter", "Gradient", "InputGradient", "ParameterNames",
        "Buffer", "BufferNames", "OptimizerStateNames", "OptimizerState", "RestoreStep", "Forward", "Backward",
        "InitializeParameters", "InvalidDeclaration", "LayerOutput", "ApplyRegularization", "RegularizationPenalty", "Rows", "RandomState",
        "_buffers", "_columns", "_exclusiveUse", "_weightVersion", "_dropoutRandom", "SaveWeights", "LoadWeights", "WeightTensors", "WeightTensor", "_inputGradientVersion", "_forwardVersion", "_inputGradientPending", "ComputeDeferredInputGradient",
        "_parameters", "_parameterLayout", "_gradients", "_inputGradient", "_inputGradientSamples", "_learningRate", "_step", "_muProduct",
        "Parameters", "Gradients", "GradientObserver", "_gradientObserver",
        "_momentumBuffer", "_expAvg", "_expAvgSq", "_maxExpAvgSq", "_squareAvg", "_gradAvg", "_sum", "_accDelta", "_expInf",
    };

    private static string Pascal(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);

    /// <summary>The private property over a tensor's slice: "dense0.weight" → Dense0Weight, "batchnorm0.running_var" → Batchnorm0RunningVar.</summary>
    public static string TensorProperty(TensorPlan tensor) =>
        Pascal(tensor.Name.Replace(".weight", "Weight").Replace(".bias", "Bias")
            .Replace(".running_mean", "RunningMean").Replace(".running_var", "RunningVar"));

    /// <summary>A layer's own scratch field: dropout0 + "Mask" → _dropout0Mask.</summary>
    public static string ScratchField(string layer, string what) => $"_{Camel(layer)}{what}";

    /// <summary>The scratch arrays a layer keeps between its forward and backward pass.</summary>
    public static readonly IReadOnlyList<string> ScratchKinds = new[] { "Mask", "Argmax", "Normalized", "InvStd", "PackedWeight", "PreActivation" };

    /// <summary>The field holding a layer's outputs: dense0 → _dense0Output.</summary>
    public static string OutputField(string layer) => $"_{Camel(layer)}Output";

    /// <summary>The field holding the loss gradient of a layer's outputs.</summary>
    public static string OutputGradientField(string layer) => $"_{Camel(layer)}OutputGradient";

    /// <summary>Every name the emitter may write into the class of <paramref name="plan"/>.</summary>
    public static IEnumerable<string> All(IReadOnlyList<LayerPlan> layers) =>
        Fixed
            .Concat(layers.SelectMany(l => new[] { l.Weight, l.Bias }).Where(t => t is not null)
                .SelectMany(t => new[] { TensorProperty(t!), TensorProperty(t!) + "Gradient" }))
            .Concat(layers.SelectMany(l => new[] { l.RunningMean, l.RunningVar }).Where(t => t is not null).Select(t => TensorProperty(t!)))
            .Concat(layers.SelectMany(l => new[] { OutputField(l.Name), OutputGradientField(l.Name) }))
            .Concat(layers.SelectMany(l => ScratchKinds.Select(k => ScratchField(l.Name, k))));
}
