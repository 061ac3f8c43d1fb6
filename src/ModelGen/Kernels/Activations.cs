using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels;

/// <summary>
/// Activations. Forward passes map <c>x</c> to <c>y</c> (which may be the same memory: in place); backward passes
/// compute the gradient of the input from the activation's output <c>y</c> and the gradient of the output <c>dy</c>,
/// into <c>dx</c> or, in the two-argument form, over <c>dy</c> itself. With <c>accumulate</c> the three-argument
/// backward passes add their gradient to what <c>dx</c> holds (<c>dx += g</c>, one addition per value after <c>g</c> is
/// computed, so the result is exactly <c>dx + g</c> rounded once) instead of overwriting it: a value read by several
/// layers gets the sum of their gradients.
/// </summary>
public static partial class Activations
{
    /// <summary><c>y = max(x, 0)</c>.</summary>
    /// <remarks>Long inputs are split over up to <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows).</remarks>
    public static unsafe void ReluForward<T>(ReadOnlySpan<T> x, Span<T> y, int threads = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y, x.Length, nameof(y));
        if (threads == 1)
        {
            ReluForwardRun(x, y);
            return;
        }
        fixed (T* px = x, py = y)
        {
            var job = new ReluJob<T> { Source = px, Output = py, Count = x.Length };
            Parallelism.Elementwise(ref job, threads, ReluCost);
        }
    }

    /// <summary>
    /// Multiply-add equivalents per value of a ReLU pass, for splitting it over the threads: memory-bound, ~0.25 ns per
    /// value once its arrays outgrow L2 (batch-256 784-1024-1024-10's 262,144 hidden values backward: ~65 µs on one
    /// core; ~25 units of <see cref="Parallelism"/>'s threshold at ~0.01 ns each), a few times less while they are in
    /// L2. 8 splits the passes from 131,072 values (512 KiB, half a Zen 5's L2), where the arrays start to leave L2;
    /// smaller ones (784-512-512-10's 65,536 values at batch 128) stay on the calling thread.
    /// </summary>
    private const int ReluCost = 8;

    /// <summary>A ReLU pass (forward, or backward when <see cref="Gradient"/> is set) over values <c>[start, end)</c>.</summary>
    private unsafe struct ReluJob<T> : IElementwiseJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>x forward; y backward.</summary>
        public T* Source;
        /// <summary>dy backward, or null forward.</summary>
        public T* Gradient;
        /// <summary>y forward; dx backward.</summary>
        public T* Output;
        public bool Accumulate;
        public int Count { get; set; }

        public readonly void Run(int start, int end)
        {
            var source = new ReadOnlySpan<T>(Source + start, end - start);
            var output = new Span<T>(Output + start, end - start);
            if (Gradient == null) ReluForwardRun(source, output);
            else ReluBackwardRun(source, new ReadOnlySpan<T>(Gradient + start, end - start), output, Accumulate);
        }
    }

    private static void ReluForwardRun<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, k = 0;
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

    /// <summary><c>dx = y &gt; 0 ? dy : 0</c> (with <paramref name="accumulate"/>: <c>dx += y &gt; 0 ? dy : 0</c>).</summary>
    /// <remarks>Long inputs are split over up to <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows).</remarks>
    public static unsafe void ReluBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = false, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(dy, y.Length, nameof(dy));
        Check.Length(dx, y.Length, nameof(dx));
        if (threads == 1)
        {
            ReluBackwardRun(y, dy, dx, accumulate);
            return;
        }
        fixed (T* py = y, pdy = dy, pdx = dx)
        {
            var job = new ReluJob<T> { Source = py, Gradient = pdy, Output = pdx, Accumulate = accumulate, Count = y.Length };
            Parallelism.Elementwise(ref job, threads, ReluCost);
        }
    }

    private static void ReluBackwardRun<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length, k = 0;
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dyr = ref MemoryMarshal.GetReference(dy);
        ref T dxr = ref MemoryMarshal.GetReference(dx);
        if (accumulate)
        {
            if (Vector.IsHardwareAccelerated)
            {
                for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
                {
                    Vector<T> positive = Vector.GreaterThan(Vector.LoadUnsafe(ref yr, (nuint)k), Vector<T>.Zero);
                    Vector<T> g = Vector.ConditionalSelect(positive, Vector.LoadUnsafe(ref dyr, (nuint)k), Vector<T>.Zero);
                    (Vector.LoadUnsafe(ref dxr, (nuint)k) + g).StoreUnsafe(ref dxr, (nuint)k);
                }
            }
            for (; k < n; k++)
                dx[k] += y[k] > T.Zero ? dy[k] : T.Zero;
            return;
        }
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

    /// <summary>
    /// <c>dx = y &gt; 0 ? dy : alpha·dy</c> (for <c>alpha ≥ 0</c> the sign of <c>y</c> is the sign of the input; with
    /// <paramref name="accumulate"/>: <c>dx +=</c>).
    /// </summary>
    public static void LeakyReluBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, T alpha, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length;
        Check.Length(dy, n, nameof(dy));
        Check.Length(dx, n, nameof(dx));
        if (accumulate)
        {
            for (int k = 0; k < n; k++)
                dx[k] += y[k] > T.Zero ? dy[k] : alpha * dy[k];
            return;
        }
        for (int k = 0; k < n; k++)
            dx[k] = y[k] > T.Zero ? dy[k] : alpha * dy[k];
    }

    /// <summary><c>y = tanh(x)</c>.</summary>
    /// <remarks>
    /// For <see cref="float"/> and <see cref="double"/> this is a vectorized polynomial evaluation (within 2 ulp of the
    /// exact result; see <see cref="TanhSingle"/> and <see cref="TanhDouble"/>), which gives a value the same bits
    /// whatever its position in the span, the width of the vectors or the machine. Other types use <c>T.Tanh</c>.
    /// </remarks>
    public static void TanhForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y, x.Length, nameof(y));
        if (typeof(T) == typeof(float))
            Map<TanhSingle, float>(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else if (typeof(T) == typeof(double))
            Map<TanhDouble, double>(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
        else
            for (int k = 0; k < x.Length; k++)
                y[k] = T.Tanh(x[k]);
    }

    /// <summary><c>dx = dy·(1 − y²)</c> (with <paramref name="accumulate"/>: <c>dx +=</c>).</summary>
    public static void TanhBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length, k = 0;
        Check.Length(dy, n, nameof(dy));
        Check.Length(dx, n, nameof(dx));
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dyr = ref MemoryMarshal.GetReference(dy);
        ref T dxr = ref MemoryMarshal.GetReference(dx);
        if (accumulate)
        {
            if (Vector.IsHardwareAccelerated)
            {
                for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
                {
                    Vector<T> yv = Vector.LoadUnsafe(ref yr, (nuint)k);
                    Vector<T> g = Vector.LoadUnsafe(ref dyr, (nuint)k) * (Vector<T>.One - yv * yv);
                    (Vector.LoadUnsafe(ref dxr, (nuint)k) + g).StoreUnsafe(ref dxr, (nuint)k);
                }
            }
            for (; k < n; k++)
                dx[k] += dy[k] * (T.One - y[k] * y[k]);
            return;
        }
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
    /// <remarks>
    /// For <see cref="float"/> and <see cref="double"/> this is a vectorized polynomial evaluation (within 2 ulp of the
    /// exact result, underflowing gradually for very negative <c>x</c>; see <see cref="SigmoidSingle"/> and
    /// <see cref="SigmoidDouble"/>), which gives a value the same bits whatever its position in the span, the width of
    /// the vectors or the machine. Other types use <see cref="Sigmoid{T}"/>.
    /// </remarks>
    public static void SigmoidForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y, x.Length, nameof(y));
        if (typeof(T) == typeof(float))
            Map<SigmoidSingle, float>(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else if (typeof(T) == typeof(double))
            Map<SigmoidDouble, double>(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
        else
            for (int k = 0; k < x.Length; k++)
                y[k] = Sigmoid(x[k]);
    }

    /// <summary><c>dx = dy·(1 − y)·y</c> (with <paramref name="accumulate"/>: <c>dx +=</c>).</summary>
    public static void SigmoidBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length, k = 0;
        Check.Length(dy, n, nameof(dy));
        Check.Length(dx, n, nameof(dx));
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dyr = ref MemoryMarshal.GetReference(dy);
        ref T dxr = ref MemoryMarshal.GetReference(dx);
        if (accumulate)
        {
            if (Vector.IsHardwareAccelerated)
            {
                for (; k + Vector<T>.Count <= n; k += Vector<T>.Count)
                {
                    Vector<T> yv = Vector.LoadUnsafe(ref yr, (nuint)k);
                    Vector<T> g = Vector.LoadUnsafe(ref dyr, (nuint)k) * (Vector<T>.One - yv) * yv;
                    (Vector.LoadUnsafe(ref dxr, (nuint)k) + g).StoreUnsafe(ref dxr, (nuint)k);
                }
            }
            for (; k < n; k++)
                dx[k] += dy[k] * (T.One - y[k]) * y[k];
            return;
        }
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
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        Check.Length(y, x.Length, nameof(y));
        // start ≤ length − features, not start + features ≤ length: no overflow near int.MaxValue.
        for (int start = 0; start <= x.Length - features; start += features)
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

    /// <summary>Per row: <c>dx = y ⊙ (dy − Σ_j dy_j·y_j)</c> (with <paramref name="accumulate"/>: <c>dx +=</c>).</summary>
    public static void SoftmaxBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int features, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        Check.Length(dy, y.Length, nameof(dy));
        Check.Length(dx, y.Length, nameof(dx));
        for (int start = 0; start <= y.Length - features; start += features)
        {
            T dot = T.Zero;
            for (int j = 0; j < features; j++) dot += dy[start + j] * y[start + j];
            if (accumulate)
                for (int j = 0; j < features; j++) dx[start + j] += y[start + j] * (dy[start + j] - dot);
            else
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

    // ---------------------------------------------------------------------------------------------------------------
    // tanh and the logistic function for float and double, vectorized.
    //
    // Each function is written once, generic over ILanes: a Vector512, Vector256 or Vector128, or one scalar for the
    // tail of a span. It is built only of operations that IEEE 754 rounds exactly (+, −, ×, ÷, fused multiply-add),
    // comparisons and bit moves, so every vector width and the scalar form give the same bits for a given input: a
    // value does not depend on its position in a span, on the batch it is in, or on the machine. The one exception is
    // a processor without FMA (see MultiplyAdd): there every width multiplies and adds separately, still the same
    // bits at every width and in the tail, within a few ulp of the FMA processors' results (tests/ModelGen.NoFma.Tests).
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary><c>y[k] = K(x[k])</c>: the widest vectors first, then narrower ones, then one value at a time.</summary>
    private static void Map<TKernel, T>(ReadOnlySpan<T> x, Span<T> y)
        where TKernel : IUnaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, k = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
            for (; k + Vector512<T>.Count <= n; k += Vector512<T>.Count)
                TKernel.Apply<Lanes512<T>, Vector512<T>>(Vector512.LoadUnsafe(ref xr, (nuint)k)).StoreUnsafe(ref yr, (nuint)k);
        if (Vector256.IsHardwareAccelerated)
            for (; k + Vector256<T>.Count <= n; k += Vector256<T>.Count)
                TKernel.Apply<Lanes256<T>, Vector256<T>>(Vector256.LoadUnsafe(ref xr, (nuint)k)).StoreUnsafe(ref yr, (nuint)k);
        if (Vector128.IsHardwareAccelerated)
            for (; k + Vector128<T>.Count <= n; k += Vector128<T>.Count)
                TKernel.Apply<Lanes128<T>, Vector128<T>>(Vector128.LoadUnsafe(ref xr, (nuint)k)).StoreUnsafe(ref yr, (nuint)k);
        for (; k < n; k++)
            Unsafe.Add(ref yr, k) = TKernel.Apply<Lane<T>, T>(Unsafe.Add(ref xr, k));
    }

    /// <summary>An elementwise function, over any <see cref="ILanes{TV, T}"/>.</summary>
    private interface IUnaryKernel<T> where T : unmanaged
    {
        static abstract TV Apply<TL, TV>(TV x) where TL : ILanes<TV, T> where TV : struct;
    }

    /// <summary>
    /// <c>(num + numError)/(den + denError)</c>, to within little more than the final rounding: the first quotient's
    /// residual <c>num − q·den</c> (exact, from a fused multiply-add) and the low parts correct it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV CorrectedQuotient<TL, TV, T>(TV num, TV numError, TV den, TV denError, TV one)
        where TL : ILanes<TV, T> where TV : struct where T : unmanaged
    {
        TV inverse = TL.Div(one, den);
        TV q = TL.Mul(num, inverse);
        TV minusQ = TL.Neg(q);
        TV residual = TL.Add(TL.Fma(minusQ, den, num), numError);
        residual = TL.Fma(minusQ, denError, residual);
        return TL.Fma(residual, inverse, q);
    }

    /// <summary>
    /// <c>e^z</c> for <c>z ≤ 0</c> (or NaN) in single precision, as <c>high + low</c> (<c>|low|</c> at most half an ulp
    /// of <c>high</c>), the pair within a fraction of an ulp of <c>high</c>. <c>z = n·ln 2 + r</c> with <c>|r| ≤ ln 2 / 2</c>
    /// (Cody–Waite: the first part of ln 2 has 16 bits, so <c>z − n·ln 2_hi</c> is exact, and the rounding error of
    /// subtracting the second part is kept); <c>e^r = 1 + r + r²·Q(r)</c>, <c>Q</c> a degree-4 minimax fit of
    /// <c>(e^r − 1 − r)/r²</c> (error below 7e-8, so below 1e-8 in <c>e^r</c>), summed as a pair; then <c>2^n</c> from
    /// the exponent bits. Results in the subnormal range are rounded once (and <c>low</c> is then 0); below
    /// <c>z ≈ −103.97</c> both parts are 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpNonPositiveSingle<TL, TV>(TV z, out TV low) where TL : ILanes<TV, float> where TV : struct
    {
        // Below −110, e^z < 2^−150 rounds to 0 all the same; the clamp keeps 2^n within range (and keeps NaN).
        TV floor = TL.Splat(-110f);
        z = TL.Select(TL.Less(z, floor), floor, z);
        // t = 1.5·2^23 + 191 + n, n = round(z·log2 e): an integer whose last mantissa bits hold n + 191 > 0.
        const float shifter = 12582912f + 191f;
        TV t = TL.Fma(z, TL.Splat(1.44269502f), TL.Splat(shifter));
        TV n = TL.Sub(t, TL.Splat(shifter));
        // r + rLow = z − n·ln 2, ln 2 = 0.693145751953125 + 1.42860677e-6 (+ 5.5e-14).
        TV r1 = TL.Fma(n, TL.Splat(-0.693145751953125f), z);
        TV minusLn2Low = TL.Splat(-1.42860677e-6f);
        TV r = TL.Fma(n, minusLn2Low, r1);
        TV rLow = TL.Fma(n, minusLn2Low, TL.Sub(r1, r));
        TV q = TL.Fma(TL.Fma(TL.Fma(TL.Fma(TL.Splat(0.00139270432f), r, TL.Splat(0.00836386718f)), r,
            TL.Splat(0.0416665487f)), r, TL.Splat(0.166665733f)), r, TL.Splat(0.5f));
        return ScaleExp<TL, TV, float>(t, r, rLow, TL.Mul(TL.Mul(r, r), q), TL.Splat(1f),
            TL.Splat((float)(1.0 / 18446744073709551616.0)), out low);
    }

    /// <summary>
    /// <c>e^z</c> for <c>z ≤ 0</c> (or NaN) in double precision, as <see cref="ExpNonPositiveSingle"/>: 40 bits in the
    /// first part of ln 2, a degree-10 minimax <c>Q</c> (error below 2e-18), <c>z</c> clamped at −746 (below which
    /// <c>e^z</c> rounds to 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpNonPositiveDouble<TL, TV>(TV z, out TV low) where TL : ILanes<TV, double> where TV : struct =>
        ExpNonPositiveDouble<TL, TV>(z, out low, TL.Splat(1.0 / 18446744073709551616.0));

    /// <summary>
    /// <see cref="ExpNonPositiveDouble{TL, TV}(TV, out TV)"/> times <c>2^64·finalScale</c>: with <paramref name="finalScale"/>
    /// = 1, <c>e^z·2^64</c>, a normal number down to <c>z ≈ −745</c>, so that a caller can finish its computation before
    /// it rounds the result into the subnormal range once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpNonPositiveDouble<TL, TV>(TV z, out TV low, TV finalScale) where TL : ILanes<TV, double> where TV : struct
    {
        TV floor = TL.Splat(-746.0);
        z = TL.Select(TL.Less(z, floor), floor, z);
        // t = 1.5·2^52 + 1087 + n: its last mantissa bits hold n + 1087 > 0 (n ≥ −1077).
        const double shifter = 6755399441055744.0 + 1087.0;
        TV t = TL.Fma(z, TL.Splat(1.4426950408889634), TL.Splat(shifter));
        TV n = TL.Sub(t, TL.Splat(shifter));
        // ln 2 = 0.6931471805601177 − 1.7239444525614835e-13 (+ 2e-31).
        TV r1 = TL.Fma(n, TL.Splat(-0.6931471805601177), z);
        TV minusLn2Low = TL.Splat(1.7239444525614835e-13);
        TV r = TL.Fma(n, minusLn2Low, r1);
        TV rLow = TL.Fma(n, minusLn2Low, TL.Sub(r1, r));
TV q = ExpRemainderDouble<TL, TV>(r);
        return ScaleExp<TL, TV, double>(t, r, rLow, TL.Mul(TL.Mul(r, r), q), TL.Splat(1.0), finalScale, out low);
    }

    /// <summary>
    /// <c>Q(r) ≈ (e^r − 1 − r)/r²</c> for <c>|r| ≤ ln 2 / 2</c> in double precision: a degree-10 minimax fit (error below
    /// 2e-18), shared by <see cref="ExpNonPositiveDouble{TL, TV}(TV, out TV)"/> and the expm1 of the ELU.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpRemainderDouble<TL, TV>(TV r) where TL : ILanes<TV, double> where TV : struct
    {
        TV q = TL.Splat(2.091556058440851e-09);
        q = TL.Fma(q, r, TL.Splat(2.510644037718694e-08));
        q = TL.Fma(q, r, TL.Splat(2.755727151991431e-07));
        q = TL.Fma(q, r, TL.Splat(2.755725242698625e-06));
        q = TL.Fma(q, r, TL.Splat(2.480158732724097e-05));
        q = TL.Fma(q, r, TL.Splat(0.00019841269877191733));
        q = TL.Fma(q, r, TL.Splat(0.0013888888888883258));
        q = TL.Fma(q, r, TL.Splat(0.008333333333325449));
        q = TL.Fma(q, r, TL.Splat(0.04166666666666667));
        q = TL.Fma(q, r, TL.Splat(0.1666666666666667));
        q = TL.Fma(q, r, TL.Splat(0.5));
        return q;
    }

    /// <summary>
    /// <c>(1 + r + rLow + r2q)·2^n</c> as <c>high + low</c>, where <paramref name="t"/>'s last mantissa bits hold
    /// <c>n + 64</c> plus the exponent bias: <c>1 + r</c> and its rounding error (exact, as <c>|r| &lt; 1</c>) plus the
    /// small terms, renormalized; each part scaled by <c>2^(n+64)</c> (exact) and by <paramref name="twoToMinus64"/>,
    /// which rounds once where the result is subnormal.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ScaleExp<TL, TV, T>(TV t, TV r, TV rLow, TV r2q, TV one, TV twoToMinus64, out TV low)
        where TL : ILanes<TV, T> where TV : struct where T : unmanaged
    {
        TV head = TL.Add(one, r);
        TV tail = TL.Add(TL.Add(TL.Sub(one, head), r), TL.Add(r2q, rLow));
        TV p = TL.Add(head, tail);
        TV pLow = TL.Add(TL.Sub(head, p), tail);
        TV scale = TL.ShiftIntoExponent(t);
        low = TL.Mul(TL.Mul(pLow, scale), twoToMinus64);
        return TL.Mul(TL.Mul(p, scale), twoToMinus64);
    }

    /// <summary>
    /// tanh in single precision, within 2 ulp (0.78 ulp of the exact value at worst, measured over every float). For <c>a = |x| &lt; 0.5625</c>:
    /// <c>a + a³·P(a²)</c>, <c>P</c> a degree-4 minimax fit of <c>(tanh a − a)/a³</c> (no cancellation; tiny
    /// <c>a</c> give <c>a</c>). Above: <c>(1 − E)/(1 + E)</c> with <c>E = e^−2a ≤ 0.33</c>, the rounding errors of
    /// <c>1 ∓ E</c> and of the division corrected; <c>E</c> underflows for large <c>a</c>, giving exactly 1. The sign
    /// of <c>x</c> is put back last (so −0 stays −0); NaN is returned as it came.
    /// </summary>
    private readonly struct TanhSingle : IUnaryKernel<float>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x) where TL : ILanes<TV, float> where TV : struct
        {
            TV one = TL.Splat(1f);
            TV a = TL.Abs(x);
            TV u = TL.Mul(a, a);
            TV p = TL.Fma(TL.Fma(TL.Fma(TL.Fma(TL.Splat(-0.00652557239f), u, TL.Splat(0.0212633535f)), u,
                TL.Splat(-0.0539017543f)), u, TL.Splat(0.133330733f)), u, TL.Splat(-0.333333313f));
            TV small = TL.Fma(TL.Mul(a, u), p, a);

            TV e = ExpNonPositiveSingle<TL, TV>(TL.Mul(a, TL.Splat(-2f)), out TV eLow);
            TV num = TL.Sub(one, e), den = TL.Add(one, e);
            // What the two sums lost (exact, as e ≤ 1), plus the low part of E.
            TV numError = TL.Sub(TL.Sub(TL.Sub(one, num), e), eLow), denError = TL.Add(TL.Sub(e, TL.Sub(den, one)), eLow);
            TV large = CorrectedQuotient<TL, TV, float>(num, numError, den, denError, one);

            TV y = TL.Select(TL.Less(a, TL.Splat(0.5625f)), small, large);
            return TL.NaNFrom(x, TL.WithSignOf(y, x));
        }
    }

    /// <summary>
    /// tanh in double precision, as <see cref="TanhSingle"/> with a degree-11 <c>P</c> (error below 4e-19): within
    /// 2 ulp (0.70 ulp at worst over 200 000 samples against 130-bit arithmetic).
    /// </summary>
    private readonly struct TanhDouble : IUnaryKernel<double>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x) where TL : ILanes<TV, double> where TV : struct
        {
            TV one = TL.Splat(1.0);
            TV a = TL.Abs(x);
            TV u = TL.Mul(a, a);
            TV p = TL.Splat(7.634414185118713e-06);
            p = TL.Fma(p, u, TL.Splat(-3.333062013997152e-05));
            p = TL.Fma(p, u, TL.Splat(9.427778828319503e-05));
            p = TL.Fma(p, u, TL.Splat(-0.00023836459039376214));
            p = TL.Fma(p, u, TL.Splat(0.0005898788187502341));
            p = TL.Fma(p, u, TL.Splat(-0.0014558149436249654));
            p = TL.Fma(p, u, TL.Splat(0.003592126352822234));
            p = TL.Fma(p, u, TL.Splat(-0.008863235437120377));
            p = TL.Fma(p, u, TL.Splat(0.02186948853313033));
            p = TL.Fma(p, u, TL.Splat(-0.05396825396820291));
            p = TL.Fma(p, u, TL.Splat(0.133333333333333));
            p = TL.Fma(p, u, TL.Splat(-0.3333333333333333));
            TV small = TL.Fma(TL.Mul(a, u), p, a);

            TV e = ExpNonPositiveDouble<TL, TV>(TL.Mul(a, TL.Splat(-2.0)), out TV eLow);
            TV num = TL.Sub(one, e), den = TL.Add(one, e);
            TV numError = TL.Sub(TL.Sub(TL.Sub(one, num), e), eLow), denError = TL.Add(TL.Sub(e, TL.Sub(den, one)), eLow);
            TV large = CorrectedQuotient<TL, TV, double>(num, numError, den, denError, one);

            TV y = TL.Select(TL.Less(a, TL.Splat(0.5625)), small, large);
            return TL.NaNFrom(x, TL.WithSignOf(y, x));
        }
    }

    /// <summary>
    /// The logistic function in single precision, within 2 ulp (0.87 ulp of the exact value at worst, measured over
    /// every float): with <c>E = e^−|x| ≤ 1</c>,
    /// <c>1/(1 + E)</c> for <c>x ≥ 0</c> and <c>E/(1 + E)</c> for <c>x &lt; 0</c> (so very negative <c>x</c> give
    /// <c>e^x</c>, down through the subnormals, and no overflow), the rounding of <c>1 + E</c> and of the division
    /// corrected. NaN is returned as it came.
    /// </summary>
    private readonly struct SigmoidSingle : IUnaryKernel<float>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x) where TL : ILanes<TV, float> where TV : struct
        {
            TV one = TL.Splat(1f);
            TV e = ExpNonPositiveSingle<TL, TV>(TL.Neg(TL.Abs(x)), out TV eLow);
            TV den = TL.Add(one, e), denError = TL.Add(TL.Sub(e, TL.Sub(den, one)), eLow);
            TV negative = TL.Less(x, TL.Splat(0f));
            TV num = TL.Select(negative, e, one), numError = TL.Select(negative, eLow, TL.Splat(0f));
            return TL.NaNFrom(x, CorrectedQuotient<TL, TV, float>(num, numError, den, denError, one));
        }
    }

    /// <summary>
    /// The logistic function in double precision, as <see cref="SigmoidSingle"/>: within 2 ulp (0.60 ulp at worst over
    /// 200 000 samples against 130-bit arithmetic).
    /// </summary>
    private readonly struct SigmoidDouble : IUnaryKernel<double>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x) where TL : ILanes<TV, double> where TV : struct
        {
            TV one = TL.Splat(1.0);
            TV e = ExpNonPositiveDouble<TL, TV>(TL.Neg(TL.Abs(x)), out TV eLow);
            TV den = TL.Add(one, e), denError = TL.Add(TL.Sub(e, TL.Sub(den, one)), eLow);
            TV negative = TL.Less(x, TL.Splat(0.0));
            TV num = TL.Select(negative, e, one), numError = TL.Select(negative, eLow, TL.Splat(0.0));
            return TL.NaNFrom(x, CorrectedQuotient<TL, TV, double>(num, numError, den, denError, one));
        }
    }
}
