using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

/// <summary>
/// Activations. Forward passes map <c>x</c> to <c>y</c> (which may be the same memory: in place); backward passes
/// compute the gradient of the input from the activation's output <c>y</c> and the gradient of the output <c>dy</c>,
/// into <c>dx</c> or, in the two-argument form, over <c>dy</c> itself.
/// </summary>
public static class Activations
{
    /// <summary><c>y = max(x, 0)</c>.</summary>
    public static void ReluForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, k = 0;
        Check.Length(y, n, nameof(y));
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (Vector.IsHardwareAccelerated)
        {
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                Vector<T> v = Vector.LoadUnsafe(ref xr, (nuint)k);
                // Keeps NaN (a NaN compares false, so it is selected from x), like PyTorch's relu.
                Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), Vector<T>.Zero, v).StoreUnsafe(ref yr, (nuint)k);
            }
        }
        for (; k < n; k++)
            y[k] = x[k] < T.Zero ? T.Zero : x[k];
    }

    /// <summary><c>dx = y &gt; 0 ? dy : 0</c>.</summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length, k = 0;
        Check.Length(dy, n, nameof(dy));
        Check.Length(dx, n, nameof(dx));
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dyr = ref MemoryMarshal.GetReference(dy);
        ref T dxr = ref MemoryMarshal.GetReference(dx);
        if (Vector.IsHardwareAccelerated)
        {
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                Vector<T> positive = Vector.GreaterThan(Vector.LoadUnsafe(ref yr, (nuint)k), Vector<T>.Zero);
                Vector.ConditionalSelect(positive, Vector.LoadUnsafe(ref dyr, (nuint)k), Vector<T>.Zero).StoreUnsafe(ref dxr, (nuint)k);
            }
        }
        for (; k < n; k++)
            dx[k] = y[k] > T.Zero ? dy[k] : T.Zero;
    }

    /// <summary><c>y = x &gt; 0 ? x : alpha·x</c>.</summary>
    public static void LeakyReluForward<T>(ReadOnlySpan<T> x, Span<T> y, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y, x.Length, nameof(y));
        for (int k = 0; k < x.Length; k++)
            y[k] = x[k] > T.Zero ? x[k] : alpha * x[k];
    }

    /// <summary><c>dx = y &gt; 0 ? dy : alpha·dy</c> (for <c>alpha ≥ 0</c> the sign of <c>y</c> is the sign of the input).</summary>
    public static void LeakyReluBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length;
        Check.Length(dy, n, nameof(dy));
        Check.Length(dx, n, nameof(dx));
        for (int k = 0; k < n; k++)
            dx[k] = y[k] > T.Zero ? dy[k] : alpha * dy[k];
    }

    /// <summary><c>y = tanh(x)</c>.</summary>
    public static void TanhForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y, x.Length, nameof(y));
        for (int k = 0; k < x.Length; k++)
            y[k] = T.Tanh(x[k]);
    }

    /// <summary><c>dx = dy·(1 − y²)</c>.</summary>
    public static void TanhBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length, k = 0;
        Check.Length(dy, n, nameof(dy));
        Check.Length(dx, n, nameof(dx));
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dyr = ref MemoryMarshal.GetReference(dy);
        ref T dxr = ref MemoryMarshal.GetReference(dx);
        if (Vector.IsHardwareAccelerated)
        {
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                Vector<T> yv = Vector.LoadUnsafe(ref yr, (nuint)k);
                (Vector.LoadUnsafe(ref dyr, (nuint)k) * (Vector<T>.One - yv * yv)).StoreUnsafe(ref dxr, (nuint)k);
            }
        }
        for (; k < n; k++)
            dx[k] = dy[k] * (T.One - y[k] * y[k]);
    }

    /// <summary><c>y = 1 / (1 + e^−x)</c>.</summary>
    public static void SigmoidForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y, x.Length, nameof(y));
        for (int k = 0; k < x.Length; k++)
            y[k] = Sigmoid(x[k]);
    }

    /// <summary><c>dx = dy·(1 − y)·y</c>.</summary>
    public static void SigmoidBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length, k = 0;
        Check.Length(dy, n, nameof(dy));
        Check.Length(dx, n, nameof(dx));
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dyr = ref MemoryMarshal.GetReference(dy);
        ref T dxr = ref MemoryMarshal.GetReference(dx);
        if (Vector.IsHardwareAccelerated)
        {
            for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
            {
                Vector<T> yv = Vector.LoadUnsafe(ref yr, (nuint)k);
                (Vector.LoadUnsafe(ref dyr, (nuint)k) * (Vector<T>.One - yv) * yv).StoreUnsafe(ref dxr, (nuint)k);
            }
        }
        for (; k < n; k++)
            dx[k] = dy[k] * (T.One - y[k]) * y[k];
    }

    /// <summary>Softmax of each row of <paramref name="x"/> [rows x features] into <paramref name="y"/>, shifted by the row maximum.</summary>
    public static void SoftmaxForward<T>(ReadOnlySpan<T> x, Span<T> y, int features) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y, x.Length, nameof(y));
        for (int start = 0; start + features <= x.Length; start += features)
        {
            ReadOnlySpan<T> inRow = x.Slice(start, features);
            Span<T> row = y.Slice(start, features);
            T max = inRow[0];
            for (int j = 1; j < features; j++) max = T.Max(max, inRow[j]);
            T sum = T.Zero;
            for (int j = 0; j < features; j++)
            {
                row[j] = T.Exp(inRow[j] - max);
                sum += row[j];
            }
            for (int j = 0; j < features; j++) row[j] /= sum;
        }
    }

    /// <summary>Per row: <c>dx = y ⊙ (dy − Σ_j dy_j·y_j)</c>.</summary>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int features) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(dy, y.Length, nameof(dy));
        Check.Length(dx, y.Length, nameof(dx));
        for (int start = 0; start + features <= y.Length; start += features)
        {
            T dot = T.Zero;
            for (int j = 0; j < features; j++) dot += dy[start + j] * y[start + j];
            for (int j = 0; j < features; j++) dx[start + j] = y[start + j] * (dy[start + j] - dot);
        }
    }

    // In-place forms, for activations fused into the layer before them: the forward pass overwrites the
    // pre-activations, the backward pass overwrites the output gradient.

    /// <summary><c>v = max(v, 0)</c>.</summary>
    public static void ReluForward<T>(Span<T> v) where T : unmanaged, IFloatingPointIeee754<T> => ReluForward<T>(v, v);
    /// <summary><c>v = v &gt; 0 ? v : alpha·v</c>.</summary>
    public static void LeakyReluForward<T>(Span<T> v, T alpha) where T : unmanaged, IFloatingPointIeee754<T> => LeakyReluForward<T>(v, v, alpha);
    /// <summary><c>v = tanh(v)</c>.</summary>
    public static void TanhForward<T>(Span<T> v) where T : unmanaged, IFloatingPointIeee754<T> => TanhForward<T>(v, v);
    /// <summary><c>v = σ(v)</c>.</summary>
    public static void SigmoidForward<T>(Span<T> v) where T : unmanaged, IFloatingPointIeee754<T> => SigmoidForward<T>(v, v);
    /// <summary>Row-wise softmax in place.</summary>
    public static void SoftmaxForward<T>(Span<T> v, int features) where T : unmanaged, IFloatingPointIeee754<T> => SoftmaxForward<T>(v, v, features);
    /// <summary><c>dy = y &gt; 0 ? dy : 0</c>.</summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> y, Span<T> dy) where T : unmanaged, IFloatingPointIeee754<T> => ReluBackward<T>(y, dy, dy);
    /// <summary><c>dy = y &gt; 0 ? dy : alpha·dy</c>.</summary>
    public static void LeakyReluBackward<T>(ReadOnlySpan<T> y, Span<T> dy, T alpha) where T : unmanaged, IFloatingPointIeee754<T> => LeakyReluBackward<T>(y, dy, dy, alpha);
    /// <summary><c>dy = dy·(1 − y²)</c>.</summary>
    public static void TanhBackward<T>(ReadOnlySpan<T> y, Span<T> dy) where T : unmanaged, IFloatingPointIeee754<T> => TanhBackward<T>(y, dy, dy);
    /// <summary><c>dy = dy·(1 − y)·y</c>.</summary>
    public static void SigmoidBackward<T>(ReadOnlySpan<T> y, Span<T> dy) where T : unmanaged, IFloatingPointIeee754<T> => SigmoidBackward<T>(y, dy, dy);
    /// <summary>Row-wise softmax backward in place.</summary>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> y, Span<T> dy, int features) where T : unmanaged, IFloatingPointIeee754<T> => SoftmaxBackward<T>(y, dy, dy, features);

    /// <summary>The logistic function, <c>1 / (1 + e^−x)</c>.</summary>
    public static T Sigmoid<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
}
