using System;
using System.Globalization;
using System.Numerics;
using ModelGen.Kernels;

namespace ModelGen;

/// <summary>
/// Class labels and probabilities from any model's <see cref="IModel{T}.Predict"/>: <c>model.PredictClasses(x)</c>,
/// <c>model.PredictProbabilities(x)</c>, and span overloads that allocate nothing.
/// </summary>
/// <remarks>
/// <para>
/// <b>Outputs.</b> By default (<see cref="ModelOutput.Logits"/>) a model with two or more outputs gives the logits of
/// mutually exclusive classes (a <c>CrossEntropy</c> model): the probabilities are their softmax, computed per sample by
/// the kernel of the <c>[Softmax]</c> layer (shifted by the row maximum), and the class is the arg-max. A model with one
/// output is binary (a <c>BinaryCrossEntropy</c> model): its output is the logit of class 1, the probability is its
/// sigmoid (one value per sample, P(class 1)), and the class is 1 when the logit is above 0. When the last layer already
/// applies the softmax or sigmoid, pass <see cref="ModelOutput.Probabilities"/>: the outputs are then copied unchanged
/// and a single output is compared with 0.5. A multi-label model (<c>BinaryCrossEntropy</c> with several outputs) has no
/// single class per sample; apply a sigmoid to <see cref="IModel{T}.Predict"/>'s outputs instead.
/// </para>
/// <para>
/// <b>Ties and NaN.</b> Equal largest scores give the lowest class index (a single output exactly at the threshold gives
/// class 0). NaN ranks above every number, as in NumPy's and PyTorch's <c>argmax</c>, so that a broken model never
/// looks confident in a valid class: a row holding NaN predicts the class of its first NaN (a single NaN output, class
/// 1), and its softmax is NaN throughout (as is the softmax of a row holding +∞).
/// </para>
/// <para>
/// <b>Memory.</b> <c>PredictProbabilities</c> runs the model straight into the caller's span. <c>PredictClasses</c> runs
/// it on <see cref="IModel{T}.BatchSize"/> samples at a time into a scratch array kept per thread (grown when a model
/// needs more), so after a thread's first call for a model of that size it allocates nothing on the managed heap.
/// </para>
/// </remarks>
public static class Predictions
{
    /// <summary>Writes the predicted class of each sample of <paramref name="inputs"/> into <paramref name="classes"/>.</summary>
    /// <param name="model">The model; its <see cref="IModel{T}.Predict"/> runs in inference mode.</param>
    /// <param name="inputs">n samples of <see cref="IModel{T}.InputSize"/> values each, row-major (n may be 0).</param>
    /// <param name="classes">n values: the arg-max class of each sample (0 or 1 for a model with one output).</param>
    /// <param name="output">What the model's outputs hold; see <see cref="ModelOutput"/>.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="inputs"/> is not a whole number of samples, or <paramref name="classes"/> does not hold one value
    /// per sample; the message names the expected length.
    /// </exception>
    public static void PredictClasses<T>(this IModel<T> model, ReadOnlySpan<T> inputs, Span<int> classes,
        ModelOutput output = ModelOutput.Logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int samples = SampleCount(model, inputs, output);
        if (classes.Length != samples)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"classes must hold one value per sample: {samples} (inputs holds {inputs.Length} values = {samples} samples of {model.InputSize}), but it holds {classes.Length}."),
                nameof(classes));
        if (samples == 0) return;

        int inputSize = model.InputSize, outputSize = model.OutputSize;
        int chunk = Math.Min(Math.Max(1, model.BatchSize), samples);
        Span<T> scores = Scratch<T>.Get(chunk * outputSize);
        // The threshold of a single output: 0 for a logit, 0.5 for a probability.
        T threshold = output == ModelOutput.Logits ? T.Zero : T.One / (T.One + T.One);
        for (int start = 0; start < samples; start += chunk)
        {
            int count = Math.Min(chunk, samples - start);
            Span<T> rows = scores[..(count * outputSize)];
            model.Predict(inputs.Slice(start * inputSize, count * inputSize), rows);
            for (int i = 0; i < count; i++)
                classes[start + i] = outputSize == 1
                    ? (T.IsNaN(rows[i]) || rows[i] > threshold ? 1 : 0)
                    : ArgMax<T>(rows.Slice(i * outputSize, outputSize));
        }
    }

    /// <summary>The predicted class of each sample of <paramref name="inputs"/>, as a new array.</summary>
    /// <inheritdoc cref="PredictClasses{T}(IModel{T}, ReadOnlySpan{T}, Span{int}, ModelOutput)"/>
    public static int[] PredictClasses<T>(this IModel<T> model, ReadOnlySpan<T> inputs, ModelOutput output = ModelOutput.Logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] classes = new int[SampleCount(model, inputs, output)];
        model.PredictClasses(inputs, classes, output);
        return classes;
    }

    /// <summary>
    /// Writes the class probabilities of each sample of <paramref name="inputs"/> into <paramref name="probabilities"/>:
    /// <see cref="IModel{T}.OutputSize"/> values per sample (the softmax of the logits), or one (P(class 1), the sigmoid of
    /// the logit) for a model with one output.
    /// </summary>
    /// <param name="model">The model; its <see cref="IModel{T}.Predict"/> runs in inference mode.</param>
    /// <param name="inputs">n samples of <see cref="IModel{T}.InputSize"/> values each, row-major (n may be 0).</param>
    /// <param name="probabilities">n × <see cref="IModel{T}.OutputSize"/> values, row-major.</param>
    /// <param name="output">What the model's outputs hold; see <see cref="ModelOutput"/>.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="inputs"/> is not a whole number of samples, or <paramref name="probabilities"/> does not hold
    /// n × OutputSize values; the message names the expected length.
    /// </exception>
    public static void PredictProbabilities<T>(this IModel<T> model, ReadOnlySpan<T> inputs, Span<T> probabilities,
        ModelOutput output = ModelOutput.Logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int samples = SampleCount(model, inputs, output);
        int outputSize = model.OutputSize;
        long expected = (long)samples * outputSize;
        if (probabilities.Length != expected)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"probabilities must hold {expected} values ({samples} samples × OutputSize {outputSize}), but it holds {probabilities.Length}."),
                nameof(probabilities));
        if (samples == 0) return;

        model.Predict(inputs, probabilities);
        if (output == ModelOutput.Probabilities) return;
        if (outputSize == 1)
            Activations.SigmoidForward(probabilities);
        else
            Activations.SoftmaxForward(probabilities, outputSize);
    }

    /// <summary>The class probabilities of each sample of <paramref name="inputs"/>, as a new array.</summary>
    /// <inheritdoc cref="PredictProbabilities{T}(IModel{T}, ReadOnlySpan{T}, Span{T}, ModelOutput)"/>
    public static T[] PredictProbabilities<T>(this IModel<T> model, ReadOnlySpan<T> inputs, ModelOutput output = ModelOutput.Logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] probabilities = new T[checked(SampleCount(model, inputs, output) * model.OutputSize)];
        model.PredictProbabilities(inputs, probabilities, output);
        return probabilities;
    }

    /// <summary>
    /// The index of the largest value of <paramref name="scores"/>: the lowest among equal ones; NaN ranks above every
    /// number, so the first NaN wins.
    /// </summary>
    internal static int ArgMax<T>(ReadOnlySpan<T> scores) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        if (T.IsNaN(scores[0])) return 0;
        for (int c = 1; c < scores.Length; c++)
        {
            if (T.IsNaN(scores[c])) return c;
            if (scores[c] > scores[best]) best = c;
        }
        return best;
    }

    /// <summary>Checks the arguments every helper takes; returns the number of samples in <paramref name="inputs"/>.</summary>
    private static int SampleCount<T>(IModel<T> model, ReadOnlySpan<T> inputs, ModelOutput output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        if (output is not (ModelOutput.Logits or ModelOutput.Probabilities))
            throw new ArgumentOutOfRangeException(nameof(output), output, "Expected ModelOutput.Logits or ModelOutput.Probabilities.");
        int inputSize = model.InputSize;
        if (inputs.Length % inputSize != 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"inputs must hold a whole number of samples of InputSize {inputSize} values (n × {inputSize}), but it holds {inputs.Length}."),
                nameof(inputs));
        return inputs.Length / inputSize;
    }

    /// <summary>A scratch array per thread and element type, grown to the largest length asked of it.</summary>
    private static class Scratch<T>
    {
        [ThreadStatic] private static T[]? t_values;

        public static Span<T> Get(int length)
        {
            T[]? values = t_values;
            if (values is null || values.Length < length)
                t_values = values = new T[length];
            return values.AsSpan(0, length);
        }
    }
}
