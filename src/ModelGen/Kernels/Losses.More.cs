using System;
using System.Numerics;

namespace ModelGen.Kernels;

// Cross-entropy with label smoothing, the multi-class hinge loss, Huber and mean absolute error (PyTorch 1.13's
// CrossEntropyLoss(label_smoothing), MultiMarginLoss(), HuberLoss(delta) and L1Loss(), mean reduction).
public static partial class Losses
{
    /// <summary>
    /// Softmax cross-entropy with label smoothing ε on <paramref name="logits"/> [n x classes], averaged over the rows:
    /// <c>(1−ε)·(−log p_y) + ε·mean_j(−log p_j)</c> = <c>lse(z) − (1−ε)·z_y − ε·mean_j z_j</c> (PyTorch's
    /// <c>label_smoothing</c>). Gradient <c>(softmax(z) − (1−ε)·onehot − ε/classes)/n</c>. ε = 0 is
    /// <see cref="CrossEntropy{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, Span{T}, int)"/>.
    /// </summary>
    public static T CrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, Span<T> gradient, int classes, T labelSmoothing)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(labelSmoothing >= T.Zero && labelSmoothing < T.One))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must be in [0, 1).");
        if (labelSmoothing == T.Zero) return CrossEntropy(logits, labels, gradient, classes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        int n = labels.Length;
        Check.Length(logits, Check.Product(n, classes), nameof(logits));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient) Check.Length(gradient, Check.Product(n, classes), nameof(gradient));
        Check.Labels(labels, classes, nameof(labels));
        T invN = T.One / T.CreateTruncating(n);
        T keep = T.One - labelSmoothing, spread = labelSmoothing / T.CreateTruncating(classes);
        T sum = T.Zero;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> z = logits.Slice(i * classes, classes);
            T max = z[0];
            for (int j = 1; j < classes; j++) max = T.Max(max, z[j]);
            T sumExp = T.Zero, sumZ = T.Zero;
            for (int j = 0; j < classes; j++)
            {
                sumExp += T.Exp(z[j] - max);
                sumZ += z[j];
            }
            T logSumExp = max + T.Log(sumExp);
            // (1−ε)·(lse − z_y) + ε·(lse − mean z): each part a sum of non-negative terms.
            sum += keep * (logSumExp - z[labels[i]]) + labelSmoothing * (logSumExp - sumZ / T.CreateTruncating(classes));
            if (withGradient)
            {
                Span<T> g = gradient.Slice(i * classes, classes);
                for (int j = 0; j < classes; j++) g[j] = (T.Exp(z[j] - logSumExp) - spread) * invN;
                g[labels[i]] -= keep * invN;
            }
        }
        return sum * invN;
    }

    /// <summary>
    /// Multi-class hinge (SVM) loss on scores <paramref name="scores"/> [n x classes] with integer labels, PyTorch's
    /// <c>MultiMarginLoss()</c> (p = 1, margin 1): mean over the rows of <c>Σ_{j≠y} max(0, 1 − z_y + z_j) / classes</c>.
    /// Gradient: <c>1/(classes·n)</c> for each j ≠ y whose margin term is positive, minus their count times that for y.
    /// </summary>
    public static T Hinge<T>(ReadOnlySpan<T> scores, ReadOnlySpan<int> labels, Span<T> gradient, int classes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        int n = labels.Length;
        Check.Length(scores, Check.Product(n, classes), nameof(scores));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient) Check.Length(gradient, Check.Product(n, classes), nameof(gradient));
        Check.Labels(labels, classes, nameof(labels));
        T invC = T.One / T.CreateTruncating(classes);
        T step = invC / T.CreateTruncating(n);
        T sum = T.Zero;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> z = scores.Slice(i * classes, classes);
            int y = labels[i];
            T row = T.Zero, active = T.Zero;
            Span<T> g = withGradient ? gradient.Slice(i * classes, classes) : default;
            for (int j = 0; j < classes; j++)
            {
                T margin = T.One - z[y] + z[j];
                bool positive = j != y && margin > T.Zero;
                if (positive)
                {
                    row += margin;
                    active += T.One;
                }
                if (withGradient) g[j] = positive ? step : T.Zero;
            }
            if (withGradient) g[y] = -active * step;
            sum += row * invC;
        }
        return sum / T.CreateTruncating(n);
    }

    /// <summary>
    /// Huber loss, mean over all values, with d = p − t: <c>0.5·d²</c> where <c>|d| &lt; delta</c>, else
    /// <c>delta·(|d| − 0.5·delta)</c> (PyTorch's <c>HuberLoss(delta)</c>). Gradient <c>clamp(d, −delta, delta)/count</c>.
    /// </summary>
    public static T Huber<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, T delta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(delta > T.Zero) || !T.IsFinite(delta))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Huber's delta must be finite and above 0.");
        int count = predictions.Length;
        Check.Length(targets, count, nameof(targets));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient) Check.Length(gradient, count, nameof(gradient));
        T invCount = T.One / T.CreateTruncating(count);
        T half = T.CreateTruncating(0.5);
        T sum = T.Zero;
        for (int k = 0; k < count; k++)
        {
            T d = predictions[k] - targets[k], a = T.Abs(d);
            sum += a < delta ? half * d * d : delta * (a - half * delta);
            if (withGradient) gradient[k] = T.Clamp(d, -delta, delta) * invCount;
        }
        return sum * invCount;
    }

    /// <summary>
    /// Mean over all values of <c>|p − t|</c> (PyTorch's <c>L1Loss</c>). Gradient <c>sign(p − t)/count</c>, 0 where
    /// <c>p = t</c> like PyTorch's sign.
    /// </summary>
    public static T MeanAbsoluteError<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = predictions.Length;
        Check.Length(targets, count, nameof(targets));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient) Check.Length(gradient, count, nameof(gradient));
        T invCount = T.One / T.CreateTruncating(count);
        T sum = T.Zero;
        for (int k = 0; k < count; k++)
        {
            T d = predictions[k] - targets[k];
            sum += T.Abs(d);
            if (withGradient) gradient[k] = (d > T.Zero ? invCount : d < T.Zero ? -invCount : T.Zero);
        }
        return sum * invCount;
    }
}
