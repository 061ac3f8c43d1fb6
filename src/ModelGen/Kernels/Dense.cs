using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

/// <summary>
/// Fully connected layer kernels. Layouts are PyTorch's: inputs <c>x [n x inputs]</c>, weights <c>w [outputs x inputs]</c>,
/// bias <c>b [outputs]</c>, outputs <c>y [n x outputs]</c>, all row-major. Generated code calls these with
/// compile-time constant sizes. The products are <see cref="Gemm"/>'s register-blocked kernels on the widest vectors
/// the processor has.
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

        // One dot product per output element (rows of x with rows of w, both contiguous), in register tiles of
        // 4 samples by 4 output units; a batch of one takes the same path, so it gets the same bits.
        Gemm.DotRows(ref MemoryMarshal.GetReference(x), inputs, ref MemoryMarshal.GetReference(w), inputs,
            ref MemoryMarshal.GetReference(b), hasBias, ref MemoryMarshal.GetReference(y), outputs,
            n, 0, outputs, inputs, accumulate: false);
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

        // dw[o, k] = Σ_i dy[i, o]·x[i, k]: dyᵀ (read with strides) times x, the samples added in order.
        Gemm.MultiplyAdd(ref MemoryMarshal.GetReference(dy), 1, outputs, ref MemoryMarshal.GetReference(x), inputs,
            ref MemoryMarshal.GetReference(dw), inputs, 0, outputs, n, inputs, accumulate: false);

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
    /// result does not depend on the blocking).
    /// </summary>
    public static void InputGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx, int n, int inputs, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(dy, n * outputs, nameof(dy));
        Check.Length(w, outputs * inputs, nameof(w));
        Check.Length(dx, n * inputs, nameof(dx));
        Gemm.MultiplyAdd(ref MemoryMarshal.GetReference(dy), outputs, 1, ref MemoryMarshal.GetReference(w), inputs,
            ref MemoryMarshal.GetReference(dx), inputs, 0, n, outputs, inputs, accumulate: false);
    }
}
