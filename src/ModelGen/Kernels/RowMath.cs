using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

/// <summary>Vectorized reductions and row updates shared by the kernels.</summary>
internal static class RowMath
{
    /// <summary><c>Σ x</c>.</summary>
    public static T Sum<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        T sum = T.Zero;
        ref T r = ref MemoryMarshal.GetReference(x);
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            Vector<T> acc = Vector<T>.Zero;
            for (; k + Vector<T>.Count <= x.Length; k += Vector<T>.Count) acc += Vector.LoadUnsafe(ref r, (nuint)k);
            sum = Vector.Sum(acc);
        }
        for (; k < x.Length; k++) sum += x[k];
        return sum;
    }

    /// <summary><c>Σ (x − mean)²</c>.</summary>
    public static T SquaredDeviations<T>(ReadOnlySpan<T> x, T mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        T sum = T.Zero;
        ref T r = ref MemoryMarshal.GetReference(x);
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            Vector<T> acc = Vector<T>.Zero, m = new(mean);
            for (; k + Vector<T>.Count <= x.Length; k += Vector<T>.Count)
            {
                Vector<T> d = Vector.LoadUnsafe(ref r, (nuint)k) - m;
                acc += d * d;
            }
            sum = Vector.Sum(acc);
        }
        for (; k < x.Length; k++) { T d = x[k] - mean; sum += d * d; }
        return sum;
    }

    /// <summary><c>Σ a</c> and <c>Σ a·b</c> in one pass.</summary>
    public static (T Sum, T Dot) SumAndDot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        if (b.Length < a.Length) throw new ArgumentException($"Expected at least {a.Length} values.", nameof(b));
        T sum = T.Zero, dot = T.Zero;
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<T>.Count)
        {
            Vector<T> s = Vector<T>.Zero, d = Vector<T>.Zero;
            for (; k + Vector<T>.Count <= a.Length; k += Vector<T>.Count)
            {
                Vector<T> av = Vector.LoadUnsafe(ref ar, (nuint)k);
                s += av;
                d += av * Vector.LoadUnsafe(ref br, (nuint)k);
            }
            sum = Vector.Sum(s);
            dot = Vector.Sum(d);
        }
        for (; k < a.Length; k++) { sum += a[k]; dot += a[k] * b[k]; }
        return (sum, dot);
    }

    /// <summary><c>x̂ = (x − mean)·inv</c>, <c>y = scale·x̂ + shift</c> (scale and shift constant over the row).</summary>
    public static void Normalize<T>(ReadOnlySpan<T> x, T mean, T inv, T scale, T shift, Span<T> normalized, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> m = new(mean), i = new(inv), g = new(scale), b = new(shift);
            for (; k + Vector<T>.Count <= x.Length; k += Vector<T>.Count)
            {
                Vector<T> xhat = (new Vector<T>(x.Slice(k)) - m) * i;
                xhat.CopyTo(normalized.Slice(k));
                (g * xhat + b).CopyTo(y.Slice(k));
            }
        }
        for (; k < x.Length; k++)
        {
            T xhat = (x[k] - mean) * inv;
            normalized[k] = xhat;
            y[k] = scale * xhat + shift;
        }
    }

    /// <summary>
    /// <c>dx = a·dy − b − c·x̂</c> (the common form of the normalization backward passes); with
    /// <paramref name="accumulate"/>, <c>dx += a·dy − b − c·x̂</c>, the gradient added last.
    /// </summary>
    public static void CombineGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> normalized, T a, T b, T c, Span<T> dx, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        if (accumulate)
        {
            if (Vector.IsHardwareAccelerated)
            {
                Vector<T> va = new(a), vb = new(b), vc = new(c);
                for (; k + Vector<T>.Count <= dy.Length; k += Vector<T>.Count)
                    (new Vector<T>(dx.Slice(k)) + (va * new Vector<T>(dy.Slice(k)) - vb - vc * new Vector<T>(normalized.Slice(k)))).CopyTo(dx.Slice(k));
            }
            for (; k < dy.Length; k++) dx[k] += a * dy[k] - b - c * normalized[k];
            return;
        }
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> va = new(a), vb = new(b), vc = new(c);
            for (; k + Vector<T>.Count <= dy.Length; k += Vector<T>.Count)
                (va * new Vector<T>(dy.Slice(k)) - vb - vc * new Vector<T>(normalized.Slice(k))).CopyTo(dx.Slice(k));
        }
        for (; k < dy.Length; k++) dx[k] = a * dy[k] - b - c * normalized[k];
    }

    /// <summary><c>y += a</c> for every element of <paramref name="y"/>.</summary>
    internal static void AddScalar<T>(T a, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = y.Length, k = 0;
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> av = new(a);
            for (; k + Vector<T>.Count <= length; k += Vector<T>.Count)
                (Vector.LoadUnsafe(ref yr, (nuint)k) + av).StoreUnsafe(ref yr, (nuint)k);
        }
        for (; k < length; k++)
            Unsafe.Add(ref yr, k) += a;
    }

    /// <summary><c>y += x</c>.</summary>
    internal static void Add<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = y.Length, k = 0;
        if (x.Length < length) throw new ArgumentException($"Expected at least {length} values.", nameof(x));
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (Vector.IsHardwareAccelerated)
        {
            for (; k + Vector<T>.Count <= length; k += Vector<T>.Count)
                (Vector.LoadUnsafe(ref yr, (nuint)k) + Vector.LoadUnsafe(ref xr, (nuint)k)).StoreUnsafe(ref yr, (nuint)k);
        }
        for (; k < length; k++)
            Unsafe.Add(ref yr, k) += Unsafe.Add(ref xr, k);
    }
}
