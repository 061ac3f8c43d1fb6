using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

/// <summary>
/// Fully connected layer kernels. Layouts are PyTorch's: inputs <c>x [n x inputs]</c>, weights <c>w [outputs x inputs]</c>,
/// bias <c>b [outputs]</c>, outputs <c>y [n x outputs]</c>, all row-major. Generated code calls these with
/// compile-time constant sizes; every loop runs along the contiguous <c>inputs</c> axis with <see cref="Vector{T}"/>.
/// </summary>
public static class Dense
{
    /// <summary><c>y[i, o] = b[o] + Σ_k x[i, k]·w[o, k]</c>. An empty <paramref name="b"/> means no bias.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y,
        int n, int inputs, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(x, n * inputs, nameof(x));
        Check.Length(w, outputs * inputs, nameof(w));
        Check.Length(y, n * outputs, nameof(y));
        bool hasBias = !b.IsEmpty;
        if (hasBias) Check.Length(b, outputs, nameof(b));

        ref T wRef = ref MemoryMarshal.GetReference(w);
        for (int i = 0; i < n; i++)
        {
            ref T xRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), i * inputs);
            Span<T> yRow = y.Slice(i * outputs, outputs);
            int o = 0;
            // Four output units at a time share each load of the input row.
            for (; o + 4 <= outputs; o += 4)
            {
                ref T w0 = ref Unsafe.Add(ref wRef, o * inputs);
                Dot4(ref xRow, ref w0, inputs, out T d0, out T d1, out T d2, out T d3);
                yRow[o] = hasBias ? b[o] + d0 : d0;
                yRow[o + 1] = hasBias ? b[o + 1] + d1 : d1;
                yRow[o + 2] = hasBias ? b[o + 2] + d2 : d2;
                yRow[o + 3] = hasBias ? b[o + 3] + d3 : d3;
            }
            for (; o < outputs; o++)
            {
                T d = Dot(ref xRow, ref Unsafe.Add(ref wRef, o * inputs), inputs);
                yRow[o] = hasBias ? b[o] + d : d;
            }
        }
    }

    /// <summary>
    /// Gradients of a dense layer from the gradient of its outputs <paramref name="dy"/> [n x outputs]:
    /// <c>dw = dyᵀ·x</c> [outputs x inputs], <c>db = Σ_i dy[i, :]</c>, <c>dx = dy·w</c> [n x inputs].
    /// All three are overwritten (not accumulated). Empty <paramref name="db"/> or <paramref name="dx"/> skip that part.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> dy,
        Span<T> dw, Span<T> db, Span<T> dx, int n, int inputs, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(x, n * inputs, nameof(x));
        Check.Length(w, outputs * inputs, nameof(w));
        Check.Length(dy, n * outputs, nameof(dy));
        Check.Length(dw, outputs * inputs, nameof(dw));

        // dw[o, :] = Σ_i dy[i, o] · x[i, :]
        for (int o = 0; o < outputs; o++)
        {
            Span<T> dwRow = dw.Slice(o * inputs, inputs);
            dwRow.Clear();
            for (int i = 0; i < n; i++)
                Axpy(dy[i * outputs + o], x.Slice(i * inputs, inputs), dwRow);
        }

        if (!db.IsEmpty)
        {
            Check.Length(db, outputs, nameof(db));
            // db[o] = Σ_i dy[i, o]
            db.Slice(0, outputs).Clear();
            for (int i = 0; i < n; i++)
                Add(dy.Slice(i * outputs, outputs), db.Slice(0, outputs));
        }

        if (!dx.IsEmpty)
        {
            Check.Length(dx, n * inputs, nameof(dx));
            // dx[i, :] = Σ_o dy[i, o] · w[o, :]
            for (int i = 0; i < n; i++)
            {
                Span<T> dxRow = dx.Slice(i * inputs, inputs);
                dxRow.Clear();
                for (int o = 0; o < outputs; o++)
                    Axpy(dy[i * outputs + o], w.Slice(o * inputs, inputs), dxRow);
            }
        }
    }

    /// <summary><c>Σ_k a[k]·b[k]</c> over <paramref name="length"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Dot<T>(ref T a, ref T b, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && length >= Vector<T>.Count)
        {
            Vector<T> acc0 = Vector<T>.Zero, acc1 = Vector<T>.Zero;
            int width = Vector<T>.Count;
            for (; k + 2 * width <= length; k += 2 * width)
            {
                acc0 += Vector.LoadUnsafe(ref a, (nuint)k) * Vector.LoadUnsafe(ref b, (nuint)k);
                acc1 += Vector.LoadUnsafe(ref a, (nuint)(k + width)) * Vector.LoadUnsafe(ref b, (nuint)(k + width));
            }
            for (; k + width <= length; k += width)
                acc0 += Vector.LoadUnsafe(ref a, (nuint)k) * Vector.LoadUnsafe(ref b, (nuint)k);
            sum = Vector.Sum(acc0 + acc1);
        }
        for (; k < length; k++)
            sum += Unsafe.Add(ref a, k) * Unsafe.Add(ref b, k);
        return sum;
    }

    /// <summary>Four dot products of one row <paramref name="x"/> with four consecutive rows starting at <paramref name="w"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4<T>(ref T x, ref T w, int length, out T d0, out T d1, out T d2, out T d3)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T w1 = ref Unsafe.Add(ref w, length);
        ref T w2 = ref Unsafe.Add(ref w, 2 * length);
        ref T w3 = ref Unsafe.Add(ref w, 3 * length);
        int k = 0;
        d0 = d1 = d2 = d3 = T.Zero;
        if (Vector.IsHardwareAccelerated && length >= Vector<T>.Count)
        {
            Vector<T> a0 = Vector<T>.Zero, a1 = Vector<T>.Zero, a2 = Vector<T>.Zero, a3 = Vector<T>.Zero;
            int width = Vector<T>.Count;
            for (; k + width <= length; k += width)
            {
                Vector<T> xv = Vector.LoadUnsafe(ref x, (nuint)k);
                a0 += xv * Vector.LoadUnsafe(ref w, (nuint)k);
                a1 += xv * Vector.LoadUnsafe(ref w1, (nuint)k);
                a2 += xv * Vector.LoadUnsafe(ref w2, (nuint)k);
                a3 += xv * Vector.LoadUnsafe(ref w3, (nuint)k);
            }
            d0 = Vector.Sum(a0); d1 = Vector.Sum(a1); d2 = Vector.Sum(a2); d3 = Vector.Sum(a3);
        }
        for (; k < length; k++)
        {
            T xk = Unsafe.Add(ref x, k);
            d0 += xk * Unsafe.Add(ref w, k);
            d1 += xk * Unsafe.Add(ref w1, k);
            d2 += xk * Unsafe.Add(ref w2, k);
            d3 += xk * Unsafe.Add(ref w3, k);
        }
    }

    /// <summary><c>y += a·x</c>.</summary>
    internal static void Axpy<T>(T a, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = y.Length, k = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (x.Length < length) throw new ArgumentException($"Expected at least {length} values.", nameof(x));
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> av = new(a);
            for (; k + Vector<T>.Count <= length; k += Vector<T>.Count)
                (Vector.LoadUnsafe(ref yr, (nuint)k) + av * Vector.LoadUnsafe(ref xr, (nuint)k)).StoreUnsafe(ref yr, (nuint)k);
        }
        for (; k < length; k++)
            Unsafe.Add(ref yr, k) += a * Unsafe.Add(ref xr, k);
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
