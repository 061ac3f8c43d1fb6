using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic ModelGen reports, in one place. IDs are stable: <c>MG0xxx</c> are errors (the generator emits
/// a throwing stand-in of the model, see StubEmitter), <c>MG1xxx</c> warnings (code is generated, but the declaration is probably a mistake).
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "ModelGen";
    /// <summary>
    /// The start of every help link: the README's diagnostics table on the project's home page, whose anchors are the
    /// lower-case IDs. Absolute, so the IDE can open it (a relative link resolves against nothing there); the same
    /// address as <c>ModelGenRepositoryUrl</c> in Directory.Build.props (a test checks that the two agree).
    /// </summary>
    internal const string HelpBase = "https://github.com/modelgen-net/modelgen#";

    public const string ModelNotPartialId = "MG0001";
    public const string MissingInputId = "MG0002";
    public const string NoLayersId = "MG0003";
    public const string InvalidInputShapeId = "MG0004";
    public const string ShapeMismatchId = "MG0005";
    public const string OutOfRangeId = "MG0006";
    public const string CrossEntropyClassesId = "MG0007";
    public const string LossWithoutOptimizerId = "MG0008";
    public const string OptimizerWithoutLossId = "MG0009";
    public const string MultipleOptimizersId = "MG0010";
    public const string SeveralDeclarationsId = "MG0011";
    public const string DuplicateAttributeId = "MG0012";
    public const string UnsupportedTypeId = "MG0013";
    public const string InputAfterLayersId = "MG0014";
    public const string NotSupportedYetId = "MG0015";
    public const string InvalidLayerNameId = "MG0016";
    public const string UnknownLayerReferenceId = "MG0017";
    public const string MergeShapeMismatchId = "MG0018";
    public const string LossSettingNotUsedId = "MG0019";
    public const string SoftmaxBeforeCrossEntropyId = "MG1001";
    public const string SigmoidBeforeBinaryCrossEntropyId = "MG1002";
    public const string SymmetricInitId = "MG1003";
    public const string NoEffectWhenInferenceOnlyId = "MG1004";
    public const string BatchNormBeforeLossId = "MG1005";
    public const string UnreadOutputId = "MG1006";

    public static readonly DiagnosticDescriptor ModelNotPartial = Error(ModelNotPartialId,
        "Model class must be partial",
        "The [Model] class '{0}' must be declared partial, so that ModelGen can add its generated members");

    public static readonly DiagnosticDescriptor MissingInput = Error(MissingInputId,
        "Model has no [Input]",
        "Model '{0}' has no [Input] attribute; declare the shape of one sample, for example [Input(784)]");

    public static readonly DiagnosticDescriptor NoLayers = Error(NoLayersId,
        "Model has no layers",
        "Model '{0}' has no layers; add at least one layer attribute such as [Dense(10)] after [Input]");

    public static readonly DiagnosticDescriptor InvalidInputShape = Error(InvalidInputShapeId,
        "Input shape is not supported",
        "[Input] shape {0} is not supported: {1}");

    public static readonly DiagnosticDescriptor ShapeMismatch = Error(ShapeMismatchId,
        "Layer does not fit its input",
        "{0} cannot take its input of shape {1}: {2}");

    public static readonly DiagnosticDescriptor OutOfRange = Error(OutOfRangeId,
        "Hyperparameter out of range",
        "{0} is {1}, but it must be {2}");

    public static readonly DiagnosticDescriptor CrossEntropyClasses = Error(CrossEntropyClassesId,
        "CrossEntropy needs at least two classes",
        "CrossEntropy needs at least 2 outputs (one per class), but the last layer has {0}; for a yes/no target use one output with BinaryCrossEntropy");

    public static readonly DiagnosticDescriptor LossWithoutOptimizer = Error(LossWithoutOptimizerId,
        "Loss without an optimizer",
        "Model '{0}' has a [Loss] but no optimizer; add one such as [Sgd] or [Adam] to make it trainable, or remove the loss for an inference-only model");

    public static readonly DiagnosticDescriptor OptimizerWithoutLoss = Error(OptimizerWithoutLossId,
        "Optimizer without a loss",
        "[{0}] has nothing to minimize; add a [Loss] to model '{1}', or remove the optimizer for an inference-only model");

    public static readonly DiagnosticDescriptor MultipleOptimizers = Error(MultipleOptimizersId,
        "More than one optimizer",
        "Model '{0}' already has the optimizer [{1}]; a model takes exactly one, so remove [{2}] or the other");

    public static readonly DiagnosticDescriptor SeveralDeclarations = Error(SeveralDeclarationsId,
        "Model attributes spread over several declarations",
        "[{0}] is on a different partial declaration of '{1}' than [Model]; put all ModelGen attributes on one declaration, so that the layer order is defined");

    public static readonly DiagnosticDescriptor DuplicateAttribute = Error(DuplicateAttributeId,
        "Attribute given twice",
        "[{0}] is given more than once on model '{1}'; keep one");

    public static readonly DiagnosticDescriptor UnsupportedType = Error(UnsupportedTypeId,
        "Model type cannot be generated",
        "ModelGen cannot generate model '{0}': {1}");

    public static readonly DiagnosticDescriptor InputAfterLayers = Error(InputAfterLayersId,
        "[Input] after a layer",
        "[Input] must be written before the first layer of model '{0}'; layers apply in the order written");

    public static readonly DiagnosticDescriptor NotSupportedYet = Error(NotSupportedYetId,
        "Not supported yet",
        "{0} is not supported by this version of ModelGen yet");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(InvalidLayerNameId,
        "Invalid layer name",
        "Layer name '{0}' {1}");

    public static readonly DiagnosticDescriptor UnknownLayerReference = Error(UnknownLayerReferenceId,
        "Layer reads an unknown or later layer",
        "{0} reads '{1}', {2}; it can read {3}");

    public static readonly DiagnosticDescriptor MergeShapeMismatch = Error(MergeShapeMismatchId,
        "Merge operands do not fit together",
        "{0} cannot merge {1}: {2}");

    public static readonly DiagnosticDescriptor LossSettingNotUsed = Error(LossSettingNotUsedId,
        "Loss setting that the loss does not use",
        "[Loss(LossFunction.{0})] sets {1}, which only LossFunction.{2} uses; remove {1}, or use LossFunction.{2}");

    public static readonly DiagnosticDescriptor SoftmaxBeforeCrossEntropy = Warning(SoftmaxBeforeCrossEntropyId,
        "Softmax feeds CrossEntropy",
        "{0} applies softmax to the logits that CrossEntropy expects; CrossEntropy applies softmax itself, so the model would train on softmax(softmax(z)). Remove the softmax (Predict then returns logits).");

    public static readonly DiagnosticDescriptor SigmoidBeforeBinaryCrossEntropy = Warning(SigmoidBeforeBinaryCrossEntropyId,
        "Sigmoid feeds BinaryCrossEntropy",
        "{0} applies a sigmoid to the logits that BinaryCrossEntropy expects; BinaryCrossEntropy applies the sigmoid itself, so the model would train on sigmoid(sigmoid(z)). Remove the sigmoid (Predict then returns logits).");

    public static readonly DiagnosticDescriptor SymmetricInit = Warning(SymmetricInitId,
        "Constant weights never break symmetry",
        "{0} starts every weight at {1} and {2} follows it: all its units compute the same value and get the same gradient, so they stay identical forever. Use a random initializer such as Init.GlorotUniform.");

    public static readonly DiagnosticDescriptor NoEffectWhenInferenceOnly = Warning(NoEffectWhenInferenceOnlyId,
        "No effect in an inference-only model",
        "{0} only acts during training, and this model has no [Loss] and optimizer, so it has no effect");

    public static readonly DiagnosticDescriptor BatchNormBeforeLoss = Warning(BatchNormBeforeLossId,
        "Batch norm right before the loss",
        "{0} normalizes the network's output right before the loss: the outputs are forced to the batch's mean and spread, which fights the targets. Put a layer after it, or move it before the last dense layer.");

    public static readonly DiagnosticDescriptor UnreadOutput = Warning(UnreadOutputId,
        "Layer output is never read",
        "{0} computes an output that no layer reads and that is not the model's output, so it has no effect on the result (and gets no gradient); read it with From = \"{1}\" or a merge such as [Add(\"{1}\")], or remove it");

    /// <summary>All descriptors, by ID.</summary>
    public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = new[]
    {
        ModelNotPartial, MissingInput, NoLayers, InvalidInputShape, ShapeMismatch, OutOfRange, CrossEntropyClasses,
        LossWithoutOptimizer, OptimizerWithoutLoss, MultipleOptimizers, SeveralDeclarations, DuplicateAttribute,
        UnsupportedType, InputAfterLayers, NotSupportedYet, InvalidLayerName, UnknownLayerReference, MergeShapeMismatch,
        LossSettingNotUsed,
        SoftmaxBeforeCrossEntropy, SigmoidBeforeBinaryCrossEntropy, SymmetricInit, NoEffectWhenInferenceOnly,
        BatchNormBeforeLoss, UnreadOutput,
    }.ToDictionary(d => d.Id);

    /// <summary>True for the IDs that stop generation (MG0xxx).</summary>
    public static bool IsError(string id) => id.StartsWith("MG0", System.StringComparison.Ordinal);

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());
}
