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

    /// <summary>
    /// <c>sums[r] += Σ x[r·length .. (r + 1)·length)</c> for the <paramref name="rows"/> consecutive rows of
    /// <paramref name="x"/>: each row's sum is <see cref="Sum{T}"/>'s, the same operations in the same order (so the same
    /// bits), with four rows' chains of vector additions interleaved, so that each addition does not wait for the one
    /// before it (a convolution's bias gradient, one row per filter and sample, spent most of its time in that wait).
    /// </summary>
    public static void AddRowSums<T>(ReadOnlySpan<T> x, int rows, int length, Span<T> sums) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length < (long)rows * length) throw new ArgumentException($"{rows} rows of {length} values need {(long)rows * length} values.", nameof(x));
        if (sums.Length < rows) throw new ArgumentException($"{rows} sums are needed.", nameof(sums));
        int r = 0, count = Vector<T>.Count, whole = length - length % count;
        ref T first = ref MemoryMarshal.GetReference(x);
        if (Vector.IsHardwareAccelerated && length >= count)
        {
            for (; r + 4 <= rows; r += 4)
            {
                ref T x0 = ref Unsafe.Add(ref first, (nint)r * length);
                ref T x1 = ref Unsafe.Add(ref x0, length);
                ref T x2 = ref Unsafe.Add(ref x1, length);
                ref T x3 = ref Unsafe.Add(ref x2, length);
                Vector<T> a0 = Vector<T>.Zero, a1 = Vector<T>.Zero, a2 = Vector<T>.Zero, a3 = Vector<T>.Zero;
                for (int k = 0; k < whole; k += count)
                {
                    a0 += Vector.LoadUnsafe(ref x0, (nuint)k);
                    a1 += Vector.LoadUnsafe(ref x1, (nuint)k);
                    a2 += Vector.LoadUnsafe(ref x2, (nuint)k);
                    a3 += Vector.LoadUnsafe(ref x3, (nuint)k);
                }
                sums[r] += Finish(a0, ref x0, whole, length);
                sums[r + 1] += Finish(a1, ref x1, whole, length);
                sums[r + 2] += Finish(a2, ref x2, whole, length);
                sums[r + 3] += Finish(a3, ref x3, whole, length);
            }
        }
        for (; r < rows; r++) sums[r] += Sum(x.Slice(r * length, length));
    }

    /// <summary><see cref="Sum{T}"/>'s last steps: the lanes of <paramref name="acc"/> summed, then the values from <paramref name="whole"/> on added one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Finish<T>(Vector<T> acc, ref T row, int whole, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = Vector.Sum(acc);
        for (int k = whole; k < length; k++) sum += Unsafe.Add(ref row, k);
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
