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
    /// <summary>
    /// <c>y[i, o] = b[o] + Σ_k x[i, k]·w[o, k]</c>. An empty <paramref name="b"/> means no bias. A large product is split
    /// over up to <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows), by
    /// output units; the result is the same on any number of threads. With <paramref name="relu"/> the layer's ReLU is
    /// applied as each value is stored (<c>y &lt; 0 ? 0 : y</c>, the same values as a separate
    /// <see cref="Activations.ReluForward{T}(Span{T})"/> pass, without the second pass over y).
    /// </summary>
    public static unsafe void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y,
        int n, int inputs, int outputs, int threads = 1, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(x, n * inputs, nameof(x));
        Check.Length(w, outputs * inputs, nameof(w));
        Check.Length(y, n * outputs, nameof(y));
        bool hasBias = !b.IsEmpty;
        if (hasBias) Check.Length(b, outputs, nameof(b));

        // One dot product per output element (rows of x with rows of w, both contiguous), in register tiles of
        // 4 samples by 4 output units; a batch of one takes the same path, so it gets the same bits.
        int parts = Parallelism.Parts(threads, (long)n * inputs * outputs, (outputs + 3) / 4);
        if (parts == 1)
        {
            Gemm.DotRows(ref MemoryMarshal.GetReference(x), inputs, ref MemoryMarshal.GetReference(w), inputs,
                ref MemoryMarshal.GetReference(b), hasBias, ref MemoryMarshal.GetReference(y), outputs,
                n, 0, outputs, inputs, accumulate: false, relu);
            return;
        }
        fixed (T* px = x, pw = w, pb = b, py = y)
        {
            var job = new Job<T>(px, pw, pb, py, n, inputs, outputs, relu);
            WorkerPool.Shared.Run(&ForwardPart<T>, &job, parts);
        }
    }

    /// <summary>The pinned operands of a split product, on the caller's stack while the parts run.</summary>
    private readonly unsafe struct Job<T>(T* a, T* b, T* c, T* d, int n, int inputs, int outputs, bool relu = false) where T : unmanaged
    {
        public readonly T* A = a, B = b, C = c, D = d;
        public readonly int N = n, Inputs = inputs, Outputs = outputs;
        public readonly bool Relu = relu;
    }

    /// <summary>Forward, output units of one part: A = x, B = w, C = bias (null: none), D = y.</summary>
    private static unsafe void ForwardPart<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly Job<T> job = ref *(Job<T>*)arguments;
        (int start, int end) = Parallelism.Range(job.Outputs, part, parts, 4);
        Gemm.DotRows(ref *job.A, job.Inputs, ref *job.B, job.Inputs, ref *job.C, job.C != null, ref *job.D, job.Outputs,
            job.N, start, end, job.Inputs, accumulate: false, job.Relu);
    }

    /// <summary>Weight gradient, output units (rows of dw) of one part: A = dy, B = x, D = dw.</summary>
    private static unsafe void WeightGradientPart<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly Job<T> job = ref *(Job<T>*)arguments;
        (int start, int end) = Parallelism.Range(job.Outputs, part, parts, 4);
        Gemm.MultiplyAdd(ref *job.A, 1, job.Outputs, ref *job.B, job.Inputs, ref *job.D, job.Inputs, start, end, job.N, job.Inputs, accumulate: false);
    }

    /// <summary>Input gradient, samples (rows of dx) of one part: A = dy, B = w, D = dx.</summary>
    private static unsafe void InputGradientPart<T>(void* arguments, int part, int parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref readonly Job<T> job = ref *(Job<T>*)arguments;
        (int start, int end) = Parallelism.Range(job.N, part, parts, 4);
        Gemm.MultiplyAdd(ref *job.A, job.Outputs, 1, ref *job.B, job.Inputs, ref *job.D, job.Inputs, start, end, job.Outputs, job.Inputs, accumulate: false);
    }

    /// <summary>
    /// Gradients of a dense layer from the gradient of its outputs <paramref name="dy"/> [n x outputs]:
    /// <c>dw = dyᵀ·x</c> [outputs x inputs], <c>db = Σ_i dy[i, :]</c>, <c>dx = dy·w</c> [n x inputs].
    /// All three are overwritten (not accumulated). Empty <paramref name="db"/> or <paramref name="dx"/> skip that part.
    /// The products are split over up to <paramref name="threads"/> threads as in <see cref="Forward{T}"/>.
    /// </summary>
    public static unsafe void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> dy,
        Span<T> dw, Span<T> db, Span<T> dx, int n, int inputs, int outputs, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(x, n * inputs, nameof(x));
        Check.Length(w, outputs * inputs, nameof(w));
        Check.Length(dy, n * outputs, nameof(dy));
        Check.Length(dw, outputs * inputs, nameof(dw));

        // dw[o, k] = Σ_i dy[i, o]·x[i, k]: dyᵀ (read with strides) times x, the samples added in order.
        int parts = Parallelism.Parts(threads, (long)n * inputs * outputs, (outputs + 3) / 4);
        if (parts == 1)
        {
            Gemm.MultiplyAdd(ref MemoryMarshal.GetReference(dy), 1, outputs, ref MemoryMarshal.GetReference(x), inputs,
                ref MemoryMarshal.GetReference(dw), inputs, 0, outputs, n, inputs, accumulate: false);
        }
        else
        {
            fixed (T* px = x, pdy = dy, pdw = dw)
            {
                var job = new Job<T>(pdy, px, null, pdw, n, inputs, outputs);
                WorkerPool.Shared.Run(&WeightGradientPart<T>, &job, parts);
            }
        }

        if (!db.IsEmpty)
        {
            Check.Length(db, outputs, nameof(db));
            // db[o] = Σ_i dy[i, o]
            db.Slice(0, outputs).Clear();
            for (int i = 0; i < n; i++)
                RowMath.Add(dy.Slice(i * outputs, outputs), db.Slice(0, outputs));
        }

        if (!dx.IsEmpty) InputGradient(dy, w, dx, n, inputs, outputs, threads);
    }

    /// <summary>
    /// <c>dx = dy·w</c> [n x inputs], overwritten: the part of <see cref="Backward{T}"/> that a model may defer until
    /// someone reads its input gradient. The terms are added in order of the output unit, as in a plain loop (so the
    /// result does not depend on the blocking).
    /// </summary>
    public static unsafe void InputGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx, int n, int inputs, int outputs,
        int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(dy, n * outputs, nameof(dy));
        Check.Length(w, outputs * inputs, nameof(w));
        Check.Length(dx, n * inputs, nameof(dx));
        int parts = Parallelism.Parts(threads, (long)n * inputs * outputs, (n + 3) / 4);
        if (parts == 1)
        {
            Gemm.MultiplyAdd(ref MemoryMarshal.GetReference(dy), outputs, 1, ref MemoryMarshal.GetReference(w), inputs,
                ref MemoryMarshal.GetReference(dx), inputs, 0, n, outputs, inputs, accumulate: false);
            return;
        }
        fixed (T* pdy = dy, pw = w, pdx = dx)
        {
            var job = new Job<T>(pdy, pw, null, pdx, n, inputs, outputs);
            WorkerPool.Shared.Run(&InputGradientPart<T>, &job, parts);
        }
    }
}
