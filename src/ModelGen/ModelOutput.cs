namespace ModelGen;

/// <summary>
/// What a classifier's <see cref="IModel{T}.Predict"/> outputs hold, for
/// <see cref="Predictions.PredictProbabilities{T}(IModel{T}, System.ReadOnlySpan{T}, System.Span{T}, ModelOutput)"/> and
/// <see cref="Predictions.PredictClasses{T}(IModel{T}, System.ReadOnlySpan{T}, System.Span{int}, ModelOutput)"/>.
/// </summary>
/// <remarks>
/// The runtime interfaces do not say which activation the last layer applies, so the caller says it; the default,
/// <see cref="Logits"/>, is right for every model trained with <c>CrossEntropy</c> or <c>BinaryCrossEntropy</c>, since
/// those losses apply the softmax or sigmoid themselves and the generator warns about a softmax or sigmoid before them.
/// </remarks>
public enum ModelOutput
{
    /// <summary>
    /// Raw scores (the default): with two or more outputs, the logits of mutually exclusive classes (probabilities are
    /// their softmax); with one output, the logit of class 1 of a binary problem (its probability is the sigmoid).
    /// </summary>
    Logits,

    /// <summary>
    /// Probabilities already: the last layer applies a softmax (two or more outputs) or a sigmoid (one output, the
    /// probability of class 1), as in an inference-only model declared with <c>Activation.Softmax</c>. They are copied
    /// unchanged; applying a softmax to them again would flatten them towards the uniform distribution.
    /// </summary>
    Probabilities,
}
