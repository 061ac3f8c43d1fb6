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

        if (n == 1)
        {
            ForwardOneSample(x, w, b, y, inputs, outputs);
            return;
        }

        // Output units in blocks of four: a block's weight rows (4 · inputs values) stay in L1 while every sample of
        // the batch passes through them, so the weights are read from memory once per call, not once per sample.
        ref T wRef = ref MemoryMarshal.GetReference(w);
        ref T xRef = ref MemoryMarshal.GetReference(x);
        int o = 0;
        for (; o + 4 <= outputs; o += 4)
        {
            ref T w0 = ref Unsafe.Add(ref wRef, o * inputs);
            T b0 = hasBias ? b[o] : T.Zero, b1 = hasBias ? b[o + 1] : T.Zero, b2 = hasBias ? b[o + 2] : T.Zero, b3 = hasBias ? b[o + 3] : T.Zero;
            int i = 0;
            for (; i + 2 <= n; i += 2)
            {
                // Two samples at a time: y rows i and i + 1, columns o..o+3, written directly, then the bias added.
                Span<T> first = y.Slice(i * outputs + o, 4), second = y.Slice((i + 1) * outputs + o, 4);
                Dot4x2(ref Unsafe.Add(ref xRef, i * inputs), ref Unsafe.Add(ref xRef, (i + 1) * inputs), ref w0, inputs, first, second);
                if (hasBias)
                {
                    first[0] = b0 + first[0]; first[1] = b1 + first[1]; first[2] = b2 + first[2]; first[3] = b3 + first[3];
                    second[0] = b0 + second[0]; second[1] = b1 + second[1]; second[2] = b2 + second[2]; second[3] = b3 + second[3];
                }
            }
            for (; i < n; i++)
            {
                Dot4(ref Unsafe.Add(ref xRef, i * inputs), ref w0, inputs, out T d0, out T d1, out T d2, out T d3);
                int row = i * outputs + o;
                y[row] = hasBias ? b0 + d0 : d0;
                y[row + 1] = hasBias ? b1 + d1 : d1;
                y[row + 2] = hasBias ? b2 + d2 : d2;
                y[row + 3] = hasBias ? b3 + d3 : d3;
            }
        }
        for (; o < outputs; o++)
        {
            ref T wo = ref Unsafe.Add(ref wRef, o * inputs);
            for (int i = 0; i < n; i++)
            {
                T d = Dot(ref Unsafe.Add(ref xRef, i * inputs), ref wo, inputs);
                y[i * outputs + o] = hasBias ? b[o] + d : d;
            }
        }
    }

    /// <summary>One sample (batch-1 inference): four output units per pass over the input row, in a method of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ForwardOneSample<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, int inputs, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool hasBias = !b.IsEmpty;
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T wRef = ref MemoryMarshal.GetReference(w);
        int o = 0;
        for (; o + 4 <= outputs; o += 4)
        {
            Dot4(ref xRef, ref Unsafe.Add(ref wRef, o * inputs), inputs, out T d0, out T d1, out T d2, out T d3);
            y[o] = hasBias ? b[o] + d0 : d0;
            y[o + 1] = hasBias ? b[o + 1] + d1 : d1;
            y[o + 2] = hasBias ? b[o + 2] + d2 : d2;
            y[o + 3] = hasBias ? b[o + 3] + d3 : d3;
        }
        for (; o < outputs; o++)
        {
            T d = Dot(ref xRef, ref Unsafe.Add(ref wRef, o * inputs), inputs);
            y[o] = hasBias ? b[o] + d : d;
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

        // dw[o, :] = Σ_i dy[i, o] · x[i, :], the samples added in order, four rows of x per pass over dw's row.
        for (int o = 0; o < outputs; o++)
        {
            Span<T> dwRow = dw.Slice(o * inputs, inputs);
            dwRow.Clear();
            int i = 0;
            for (; i + 4 <= n; i += 4)
                Axpy4(dy[i * outputs + o], dy[(i + 1) * outputs + o], dy[(i + 2) * outputs + o], dy[(i + 3) * outputs + o],
                    x.Slice(i * inputs, 4 * inputs), inputs, dwRow);
            for (; i < n; i++)
                RowMath.Axpy(dy[i * outputs + o], x.Slice(i * inputs, inputs), dwRow);
        }

        if (!db.IsEmpty)
        {
            Check.Length(db, outputs, nameof(db));
            // db[o] = Σ_i dy[i, o]
            db.Slice(0, outputs).Clear();
            for (int i = 0; i < n; i++)
                RowMath.Add(dy.Slice(i * outputs, outputs), db.Slice(0, outputs));
        }

        if (!dx.IsEmpty) InputGradient(dy, w, dx, n, inputs, outputs);
    }

    /// <summary>
    /// <c>dx = dy·w</c> [n x inputs], overwritten: the part of <see cref="Backward{T}"/> that a model may defer until
    /// someone reads its input gradient. The terms are added in order of the output unit, as in a plain loop (so the
    /// result does not depend on the blocking), with weight rows in blocks of four that stay in L1 across the batch.
    /// </summary>
    public static void InputGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx, int n, int inputs, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(dy, n * outputs, nameof(dy));
        Check.Length(w, outputs * inputs, nameof(w));
        Check.Length(dx, n * inputs, nameof(dx));
        dx.Slice(0, n * inputs).Clear();
        int o = 0;
        for (; o + 4 <= outputs; o += 4)
        {
            ReadOnlySpan<T> block = w.Slice(o * inputs, 4 * inputs);
            for (int i = 0; i < n; i++)
            {
                int row = i * outputs + o;
                Axpy4(dy[row], dy[row + 1], dy[row + 2], dy[row + 3], block, inputs, dx.Slice(i * inputs, inputs));
            }
        }
        for (; o < outputs; o++)
            for (int i = 0; i < n; i++)
                RowMath.Axpy(dy[i * outputs + o], w.Slice(o * inputs, inputs), dx.Slice(i * inputs, inputs));
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
                acc0 = RowMath.MulAdd(Vector.LoadUnsafe(ref a, (nuint)k), Vector.LoadUnsafe(ref b, (nuint)k), acc0);
                acc1 = RowMath.MulAdd(Vector.LoadUnsafe(ref a, (nuint)(k + width)), Vector.LoadUnsafe(ref b, (nuint)(k + width)), acc1);
            }
            for (; k + width <= length; k += width)
                acc0 = RowMath.MulAdd(Vector.LoadUnsafe(ref a, (nuint)k), Vector.LoadUnsafe(ref b, (nuint)k), acc0);
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
                // The same operations in the same order as Dot4x2, so a sample gives the same bits alone or in a batch.
                Vector<T> xv = Vector.LoadUnsafe(ref x, (nuint)k);
                a0 = RowMath.MulAdd(xv, Vector.LoadUnsafe(ref w, (nuint)k), a0);
                a1 = RowMath.MulAdd(xv, Vector.LoadUnsafe(ref w1, (nuint)k), a1);
                a2 = RowMath.MulAdd(xv, Vector.LoadUnsafe(ref w2, (nuint)k), a2);
                a3 = RowMath.MulAdd(xv, Vector.LoadUnsafe(ref w3, (nuint)k), a3);
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

    /// <summary>
    /// Eight dot products: two input rows (<paramref name="x0"/>, <paramref name="x1"/>) with four consecutive weight
    /// rows from <paramref name="w"/>: eight independent accumulators keep the FMA units busy, and each loaded weight
    /// vector serves two samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // kept out of Forward, whose one-sample path it would otherwise slow down
    private static void Dot4x2<T>(ref T x0, ref T x1, ref T w, int length, Span<T> first, Span<T> second)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T w1 = ref Unsafe.Add(ref w, length);
        ref T w2 = ref Unsafe.Add(ref w, 2 * length);
        ref T w3 = ref Unsafe.Add(ref w, 3 * length);
        int k = 0;
        T p0 = T.Zero, p1 = T.Zero, p2 = T.Zero, p3 = T.Zero, q0 = T.Zero, q1 = T.Zero, q2 = T.Zero, q3 = T.Zero;
        if (Vector.IsHardwareAccelerated && length >= Vector<T>.Count)
        {
            Vector<T> a0 = Vector<T>.Zero, a1 = Vector<T>.Zero, a2 = Vector<T>.Zero, a3 = Vector<T>.Zero;
            Vector<T> b0 = Vector<T>.Zero, b1 = Vector<T>.Zero, b2 = Vector<T>.Zero, b3 = Vector<T>.Zero;
            for (; k + Vector<T>.Count <= length; k += Vector<T>.Count)
            {
                nuint i = (nuint)k;
                Vector<T> u = Vector.LoadUnsafe(ref x0, i), v = Vector.LoadUnsafe(ref x1, i);
                Vector<T> r = Vector.LoadUnsafe(ref w, i);
                a0 = RowMath.MulAdd(u, r, a0); b0 = RowMath.MulAdd(v, r, b0);
                r = Vector.LoadUnsafe(ref w1, i);
                a1 = RowMath.MulAdd(u, r, a1); b1 = RowMath.MulAdd(v, r, b1);
                r = Vector.LoadUnsafe(ref w2, i);
                a2 = RowMath.MulAdd(u, r, a2); b2 = RowMath.MulAdd(v, r, b2);
                r = Vector.LoadUnsafe(ref w3, i);
                a3 = RowMath.MulAdd(u, r, a3); b3 = RowMath.MulAdd(v, r, b3);
            }
            p0 = Vector.Sum(a0); p1 = Vector.Sum(a1); p2 = Vector.Sum(a2); p3 = Vector.Sum(a3);
            q0 = Vector.Sum(b0); q1 = Vector.Sum(b1); q2 = Vector.Sum(b2); q3 = Vector.Sum(b3);
        }
        for (; k < length; k++)
        {
            T u = Unsafe.Add(ref x0, k), v = Unsafe.Add(ref x1, k);
            T r0 = Unsafe.Add(ref w, k), r1 = Unsafe.Add(ref w1, k), r2 = Unsafe.Add(ref w2, k), r3 = Unsafe.Add(ref w3, k);
            p0 += u * r0; p1 += u * r1; p2 += u * r2; p3 += u * r3;
            q0 += v * r0; q1 += v * r1; q2 += v * r2; q3 += v * r3;
        }
        first[0] = p0; first[1] = p1; first[2] = p2; first[3] = p3;
        second[0] = q0; second[1] = q1; second[2] = q2; second[3] = q3;
    }


    /// <summary>
    /// <c>y += a0·r0 + a1·r1 + a2·r2 + a3·r3</c> for four consecutive rows r of <paramref name="rows"/>, each term added
    /// to y in turn (the same rounding as four <see cref="RowMath.Axpy{T}"/> calls, with one load and store of y instead of four).
    /// </summary>
    internal static void Axpy4<T>(T a0, T a1, T a2, T a3, ReadOnlySpan<T> rows, int length, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows.Length < 4 * length || y.Length < length) throw new ArgumentException($"Expected four rows of {length} values.", nameof(rows));
        ref T r0 = ref MemoryMarshal.GetReference(rows);
        ref T r1 = ref Unsafe.Add(ref r0, length);
        ref T r2 = ref Unsafe.Add(ref r0, 2 * length);
        ref T r3 = ref Unsafe.Add(ref r0, 3 * length);
        ref T yr = ref MemoryMarshal.GetReference(y);
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> v0 = new(a0), v1 = new(a1), v2 = new(a2), v3 = new(a3);
            for (; k + Vector<T>.Count <= length; k += Vector<T>.Count)
            {
                nuint i = (nuint)k;
                Vector<T> acc = RowMath.MulAdd(v0, Vector.LoadUnsafe(ref r0, i), Vector.LoadUnsafe(ref yr, i));
                acc = RowMath.MulAdd(v1, Vector.LoadUnsafe(ref r1, i), acc);
                acc = RowMath.MulAdd(v2, Vector.LoadUnsafe(ref r2, i), acc);
                acc = RowMath.MulAdd(v3, Vector.LoadUnsafe(ref r3, i), acc);
                acc.StoreUnsafe(ref yr, i);
            }
        }
        for (; k < length; k++)
        {
            T acc = Unsafe.Add(ref yr, k) + a0 * Unsafe.Add(ref r0, k);
            acc += a1 * Unsafe.Add(ref r1, k);
            acc += a2 * Unsafe.Add(ref r2, k);
            acc += a3 * Unsafe.Add(ref r3, k);
            Unsafe.Add(ref yr, k) = acc;
        }
    }

}
