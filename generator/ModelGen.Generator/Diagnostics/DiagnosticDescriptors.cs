using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ModelGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic ModelGen reports, in one place. IDs are stable: <c>MG0xxx</c> are errors (the generator emits
/// a throwing stand-in of the model, see StubEmitter), <c>MG1xxx</c> warnings (code is generated, but the declaration is probably a mistake)
/// and suggestions (Info severity: a choice that usually trains worse, but may be deliberate).
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
    public const string BatchNormOfOneSampleId = "MG0019";
    public const string LossSettingNotUsedId = "MG0020";
    public const string SoftmaxBeforeCrossEntropyId = "MG1001";
    public const string SigmoidBeforeBinaryCrossEntropyId = "MG1002";
    public const string SymmetricInitId = "MG1003";
    public const string NoEffectWhenInferenceOnlyId = "MG1004";
    public const string BatchNormBeforeLossId = "MG1005";
    public const string UnreadOutputId = "MG1006";
    // Training pitfalls the lecture notes warn about (Graph/GradientFlowPitfalls, NormalizationPitfalls, OptimizerPitfalls; MG0019 too).
    public const string SaturatingChainId = "MG1007";
    public const string GlorotBeforeReluId = "MG1008";
    public const string HeBeforeSaturatingId = "MG1009";
    public const string CoupledWeightDecayId = "MG1010";
    public const string LearningRateOutOfRangeId = "MG1011";
    public const string BatchNormAfterDropoutId = "MG1012";
    public const string BiasBeforeBatchNormId = "MG1013";
    public const string MomentumAtLeastOneId = "MG1014";
    public const string DropoutBeforeLossId = "MG1015";

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

    public static readonly DiagnosticDescriptor BatchNormOfOneSample = Error(BatchNormOfOneSampleId,
        "Batch norm with a batch of one sample",
        "{0} normalizes each feature over the batch, but [Model] has BatchSize = 1, so every training step sees one sample: its batch variance is 0 and every normalized value is 0, so nothing can be learned, and the generated ComputeGradients refuses such a step (\"A training step of this model needs at least 2 samples\"). Set BatchSize to 2 or more, or use [LayerNorm], which normalizes within each sample.");

    public static readonly DiagnosticDescriptor SaturatingChain = Warning(SaturatingChainId,
        "Gradients vanish through a chain of saturating activations",
        "The gradient that reaches {0} comes back through {1} saturating activations ({2}) with no [BatchNorm], [LayerNorm] or [Add] skip connection between them: the derivative of a sigmoid is at most 1/4 and a tanh's falls towards 0 as it saturates, so the gradient shrinks geometrically on its way back, and this layer and those before it barely learn. Use ReLU-family activations, normalize between them, or add skip connections.");

    public static readonly DiagnosticDescriptor GlorotBeforeRelu = Suggestion(GlorotBeforeReluId,
        "He initialization suits ReLU layers",
        "{0} feeds a {1} and starts its weights with {2}, one of {3} layers feeding ReLU-family activations: Glorot's variance 2/(fan_in + fan_out) keeps the signal's variance for a linear unit, but a ReLU zeroes about half of its inputs, so the variance halves at every such layer. He initialization (variance 2/fan_in) keeps it: use WeightInit = Init.{4}.");

    public static readonly DiagnosticDescriptor HeBeforeSaturating = Suggestion(HeBeforeSaturatingId,
        "Glorot or LeCun initialization suits saturating layers",
        "{0} feeds a {1} but starts its weights with {2}, whose variance 2/fan_in is made for ReLU (which zeroes half of its inputs): before a {1} it doubles the signal's variance at every layer and drives the units into saturation, where their gradient vanishes. Use WeightInit = Init.{3} (Glorot, the default) or Init.{4} (LeCun).");

    public static readonly DiagnosticDescriptor CoupledWeightDecay = Suggestion(CoupledWeightDecayId,
        "Coupled weight decay on an adaptive optimizer",
        "[{0}] applies WeightDecay = {1} as coupled L2 decay: λ·θ joins the gradient before {0} divides it by its running root mean square, so weights with large gradients are barely decayed. Decoupled decay shrinks every weight by the same factor, as intended: use [AdamW(WeightDecay = ...)]{2}.");

    public static readonly DiagnosticDescriptor LearningRateOutOfRange = Warning(LearningRateOutOfRangeId,
        "Learning rate far outside the optimizer's usual range",
        "[{0}] LearningRate = {1} is far {2} the range {0} usually trains with ({3} to {4}): {5}");

    public static readonly DiagnosticDescriptor BatchNormAfterDropout = Warning(BatchNormAfterDropoutId,
        "Batch norm right after dropout",
        "{0} reads {1} directly: in training it collects the statistics of dropped-out values (scaled by 1/(1 - rate), so their variance is larger), but at inference dropout is the identity, so the running variance it normalizes with no longer fits (the variance shift). Put [BatchNorm] before [Dropout], or dropout after the last batch norm.");

    public static readonly DiagnosticDescriptor BiasBeforeBatchNorm = Suggestion(BiasBeforeBatchNormId,
        "Bias followed by batch norm",
        "{0} adds a bias that {1} subtracts again with the batch mean (its own shift β takes the bias's role), so the bias gets no gradient and its {2} parameters are wasted: set UseBias = false.");

    public static readonly DiagnosticDescriptor MomentumAtLeastOne = Warning(MomentumAtLeastOneId,
        "Momentum of 1 or more",
        "[{0}] Momentum = {1} keeps every past gradient forever (the velocity is a sum of gradients weighted by Momentum^k, which grows without bound at 1 or more), so the steps grow and training diverges. Use a momentum below 1, usually 0.9.");

    public static readonly DiagnosticDescriptor DropoutBeforeLoss = Warning(DropoutBeforeLossId,
        "Dropout right before the loss",
        "{0} is the last layer: in training it zeroes predictions at random before the loss compares them with the targets, so the network is penalized for outputs it never made. Put dropout before the last weighted layer.");

    /// <summary>All descriptors, by ID.</summary>
    public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = new[]
    {
        ModelNotPartial, MissingInput, NoLayers, InvalidInputShape, ShapeMismatch, OutOfRange, CrossEntropyClasses,
        LossWithoutOptimizer, OptimizerWithoutLoss, MultipleOptimizers, SeveralDeclarations, DuplicateAttribute,
        UnsupportedType, InputAfterLayers, NotSupportedYet, InvalidLayerName, UnknownLayerReference, MergeShapeMismatch,
        LossSettingNotUsed,
        SoftmaxBeforeCrossEntropy, SigmoidBeforeBinaryCrossEntropy, SymmetricInit, NoEffectWhenInferenceOnly,
        BatchNormBeforeLoss, UnreadOutput,
        BatchNormOfOneSample, SaturatingChain, GlorotBeforeRelu, HeBeforeSaturating, CoupledWeightDecay, LearningRateOutOfRange,
        BatchNormAfterDropout, BiasBeforeBatchNorm, MomentumAtLeastOne, DropoutBeforeLoss,
    }.ToDictionary(d => d.Id);

    /// <summary>True for the IDs that stop generation (MG0xxx).</summary>
    public static bool IsError(string id) => id.StartsWith("MG0", System.StringComparison.Ordinal);

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());

    /// <summary>An MG1xxx suggestion (Info): a choice that usually trains worse, but may be deliberate.</summary>
    private static DiagnosticDescriptor Suggestion(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Info, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());
}
