using System;
using System.Numerics;

namespace ModelGen.Kernels;

/// <summary>
/// Losses with mean reduction, as PyTorch computes them. Each returns the mean loss over its batch and, when
/// <c>gradient</c> is not empty, writes the gradient of that mean with respect to the predictions or logits.
/// </summary>
public static partial class Losses
{
    /// <summary>Mean over all values of <c>(p − t)²</c>; gradient <c>2(p − t)/count</c>.</summary>
    public static T MeanSquaredError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = predictions.Length;
        Check.Length(targets, count, nameof(targets));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient) Check.Length(gradient, count, nameof(gradient));
        T scale = T.CreateTruncating(2.0) / T.CreateTruncating(count);
        T sum = T.Zero;
        for (int k = 0; k < count; k++)
        {
            T diff = predictions[k] - targets[k];
            sum += diff * diff;
            if (withGradient) gradient[k] = diff * scale;
        }
        return sum / T.CreateTruncating(count);
    }

    /// <summary>
    /// Softmax cross-entropy on <paramref name="logits"/> [n x classes] with integer labels, averaged over the n rows:
    /// <c>log Σ_j e^{z_j} − z_label</c> computed with the log-sum-exp shift. Gradient <c>(softmax(z) − onehot)/n</c>.
    /// </summary>
    public static T CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, Span<T> gradient, int classes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        int n = labels.Length;
        Check.Length(logits, Check.Product(n, classes), nameof(logits));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient) Check.Length(gradient, Check.Product(n, classes), nameof(gradient));
        Check.Labels(labels, classes, nameof(labels)); // before the first gradient is written
        T invN = T.One / T.CreateTruncating(n);
        T sum = T.Zero;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> z = logits.Slice(i * classes, classes);
            T max = z[0];
            for (int j = 1; j < classes; j++) max = T.Max(max, z[j]);
            T sumExp = T.Zero;
            for (int j = 0; j < classes; j++) sumExp += T.Exp(z[j] - max);
            T logSumExp = max + T.Log(sumExp);
            sum += logSumExp - z[labels[i]];
            if (withGradient)
            {
                Span<T> g = gradient.Slice(i * classes, classes);
                for (int j = 0; j < classes; j++) g[j] = T.Exp(z[j] - logSumExp) * invN;
                g[labels[i]] -= invN;
            }
        }
        return sum * invN;
    }

    /// <summary>
    /// Binary cross-entropy on logits, averaged over all values: <c>max(z, 0) − z·y + log(1 + e^−|z|)</c>
    /// (PyTorch's <c>BCEWithLogitsLoss</c>). Gradient <c>(σ(z) − y)/count</c>.
    /// </summary>
    public static T BinaryCrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = logits.Length;
        Check.Length(targets, count, nameof(targets));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient) Check.Length(gradient, count, nameof(gradient));
        T invCount = T.One / T.CreateTruncating(count);
        T sum = T.Zero;
        for (int k = 0; k < count; k++)
        {
            T z = logits[k], y = targets[k];
            sum += T.Max(z, T.Zero) - z * y + T.LogP1(T.Exp(-T.Abs(z)));
            if (withGradient) gradient[k] = (Activations.Sigmoid(z) - y) * invCount;
        }
        return sum * invCount;
    }
}
