using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

/// <summary>
/// Elementwise activations. Forward passes work in place on the pre-activations; backward passes compute the gradient
/// of the input from the activation's output <c>y</c> and the gradient of the output <c>dy</c>, and may write it over
/// <c>dy</c> itself (<c>dx</c> and <c>dy</c> may be the same memory).
/// </summary>
public static class Activations
{
    /// <summary><c>v = max(v, 0)</c>.</summary>
    public static void ReluForward<T>(Span<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        ref T r = ref MemoryMarshal.GetReference(v);
        if (Vector.IsHardwareAccelerated)
        {
            for (; k + Vector<T>.Count <= v.Length; k += Vector<T>.Count)
            {
                Vector<T> x = Vector.LoadUnsafe(ref r, (nuint)k);
                // Keeps NaN (a NaN compares false, so it is selected from x), like PyTorch's relu.
                Vector.ConditionalSelect(Vector.LessThan(x, Vector<T>.Zero), Vector<T>.Zero, x).StoreUnsafe(ref r, (nuint)k);
            }
        }
        for (; k < v.Length; k++)
            if (v[k] < T.Zero) v[k] = T.Zero;
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

    /// <summary><c>v = v &gt; 0 ? v : alpha·v</c>.</summary>
    public static void LeakyReluForward<T>(Span<T> v, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < v.Length; k++)
            if (!(v[k] > T.Zero)) v[k] = alpha * v[k];
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

    /// <summary><c>v = tanh(v)</c>.</summary>
    public static void TanhForward<T>(Span<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < v.Length; k++)
            v[k] = T.Tanh(v[k]);
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

    /// <summary><c>v = 1 / (1 + e^−v)</c>.</summary>
    public static void SigmoidForward<T>(Span<T> v) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < v.Length; k++)
            v[k] = Sigmoid(v[k]);
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

    /// <summary>Softmax of each row of <paramref name="v"/> [rows x features], in place, shifted by the row maximum.</summary>
    public static void SoftmaxForward<T>(Span<T> v, int features) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int start = 0; start + features <= v.Length; start += features)
        {
            Span<T> row = v.Slice(start, features);
            T max = row[0];
            for (int j = 1; j < features; j++) max = T.Max(max, row[j]);
            T sum = T.Zero;
            for (int j = 0; j < features; j++)
            {
                row[j] = T.Exp(row[j] - max);
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

    /// <summary>The logistic function, <c>1 / (1 + e^−x)</c>.</summary>
    public static T Sigmoid<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
}
