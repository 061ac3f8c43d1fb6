using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels;

// The smooth activations (GELU, its tanh form, SiLU, ELU, softplus) are each written once, in double precision,
// generic over ILanes<TV, double>. Double spans run them directly; float spans are widened to double lanes, mapped,
// and narrowed back (one correctly rounded conversion), so a float result is the double result rounded once: within
// an ulp of the exact value. As for tanh and the logistic function, every vector width and the scalar tail compute
// the same operations, so a value gets the same bits wherever it sits in a span. Other element types go one value at
// a time through the same double kernel.
public static partial class Activations
{
    /// <summary>A smooth activation <c>f(x; p)</c> in double lanes (<c>p</c>: ELU's alpha, unused by the others).</summary>
    private interface ISmoothKernel
    {
        static abstract TV Apply<TL, TV>(TV x, TV parameter) where TL : ILanes<TV, double> where TV : struct;
    }

    /// <summary>The chain rule of a smooth activation: <c>f'(x; p)·dy</c>, from the activation's input <c>x</c>.</summary>
    private interface ISmoothDerivative
    {
        static abstract TV Apply<TL, TV>(TV x, TV dy, TV parameter) where TL : ILanes<TV, double> where TV : struct;
    }

    /// <summary><c>y[k] = K(x[k]; p)</c> for any element type.</summary>
    private static void MapSmooth<TK, T>(ReadOnlySpan<T> x, Span<T> y, T parameter)
        where TK : ISmoothKernel where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y, x.Length, nameof(y));
        double p = double.CreateTruncating(parameter);
        if (typeof(T) == typeof(double))
            MapSmoothDouble<TK>(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y), p);
        else if (typeof(T) == typeof(float))
            MapSmoothSingle<TK>(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), p);
        else
            for (int k = 0; k < x.Length; k++)
                y[k] = T.CreateTruncating(TK.Apply<Lane<double>, double>(double.CreateTruncating(x[k]), p));
    }

    private static void MapSmoothDouble<TK>(ReadOnlySpan<double> x, Span<double> y, double p) where TK : ISmoothKernel
    {
        int n = x.Length, k = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
            for (; k + Vector512<double>.Count <= n; k += Vector512<double>.Count)
                TK.Apply<Lanes512<double>, Vector512<double>>(Vector512.LoadUnsafe(ref xr, (nuint)k), Vector512.Create(p)).StoreUnsafe(ref yr, (nuint)k);
        if (Vector256.IsHardwareAccelerated)
            for (; k + Vector256<double>.Count <= n; k += Vector256<double>.Count)
                TK.Apply<Lanes256<double>, Vector256<double>>(Vector256.LoadUnsafe(ref xr, (nuint)k), Vector256.Create(p)).StoreUnsafe(ref yr, (nuint)k);
        if (Vector128.IsHardwareAccelerated)
            for (; k + Vector128<double>.Count <= n; k += Vector128<double>.Count)
                TK.Apply<Lanes128<double>, Vector128<double>>(Vector128.LoadUnsafe(ref xr, (nuint)k), Vector128.Create(p)).StoreUnsafe(ref yr, (nuint)k);
        for (; k < n; k++)
            Unsafe.Add(ref yr, k) = TK.Apply<Lane<double>, double>(Unsafe.Add(ref xr, k), p);
    }

    private static void MapSmoothSingle<TK>(ReadOnlySpan<float> x, Span<float> y, double p) where TK : ISmoothKernel
    {
        int n = x.Length, k = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
            for (; k + Vector512<float>.Count <= n; k += Vector512<float>.Count)
            {
                (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(Vector512.LoadUnsafe(ref xr, (nuint)k));
                Vector512<double> pv = Vector512.Create(p);
                Vector512.Narrow(TK.Apply<Lanes512<double>, Vector512<double>>(lo, pv), TK.Apply<Lanes512<double>, Vector512<double>>(hi, pv)).StoreUnsafe(ref yr, (nuint)k);
            }
        if (Vector256.IsHardwareAccelerated)
            for (; k + Vector256<float>.Count <= n; k += Vector256<float>.Count)
            {
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)k));
                Vector256<double> pv = Vector256.Create(p);
                Vector256.Narrow(TK.Apply<Lanes256<double>, Vector256<double>>(lo, pv), TK.Apply<Lanes256<double>, Vector256<double>>(hi, pv)).StoreUnsafe(ref yr, (nuint)k);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; k + Vector128<float>.Count <= n; k += Vector128<float>.Count)
            {
                (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)k));
                Vector128<double> pv = Vector128.Create(p);
                Vector128.Narrow(TK.Apply<Lanes128<double>, Vector128<double>>(lo, pv), TK.Apply<Lanes128<double>, Vector128<double>>(hi, pv)).StoreUnsafe(ref yr, (nuint)k);
            }
        for (; k < n; k++)
            Unsafe.Add(ref yr, k) = (float)TK.Apply<Lane<double>, double>(Unsafe.Add(ref xr, k), p);
    }

    /// <summary>
    /// <c>dx[k] = f'(x[k])·dy[k]</c> (with <paramref name="accumulate"/>: <c>dx[k] += </c> that product, rounded to
    /// <typeparamref name="T"/> first, then one addition) for any element type; <paramref name="dx"/> may be <paramref name="dy"/>.
    /// </summary>
    private static void MapSmoothBackward<TD, T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, T parameter, bool accumulate)
        where TD : ISmoothDerivative where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length;
        Check.Length(dy, n, nameof(dy));
        Check.Length(dx, n, nameof(dx));
        double p = double.CreateTruncating(parameter);
        if (typeof(T) == typeof(double))
            BackwardDouble<TD>(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(dy), MemoryMarshal.Cast<T, double>(dx), p, accumulate);
        else if (typeof(T) == typeof(float))
            BackwardSingle<TD>(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(dy), MemoryMarshal.Cast<T, float>(dx), p, accumulate);
        else
            for (int k = 0; k < n; k++)
            {
                T g = T.CreateTruncating(TD.Apply<Lane<double>, double>(double.CreateTruncating(x[k]), double.CreateTruncating(dy[k]), p));
                dx[k] = accumulate ? dx[k] + g : g;
            }
    }

    private static void BackwardDouble<TD>(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dx, double p, bool accumulate)
        where TD : ISmoothDerivative
    {
        int n = x.Length, k = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double dyr = ref MemoryMarshal.GetReference(dy);
        ref double dxr = ref MemoryMarshal.GetReference(dx);
        if (Vector256.IsHardwareAccelerated)
            for (; k + Vector256<double>.Count <= n; k += Vector256<double>.Count)
            {
                Vector256<double> g = TD.Apply<Lanes256<double>, Vector256<double>>(Vector256.LoadUnsafe(ref xr, (nuint)k), Vector256.LoadUnsafe(ref dyr, (nuint)k), Vector256.Create(p));
                if (accumulate) g += Vector256.LoadUnsafe(ref dxr, (nuint)k);
                g.StoreUnsafe(ref dxr, (nuint)k);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; k + Vector128<double>.Count <= n; k += Vector128<double>.Count)
            {
                Vector128<double> g = TD.Apply<Lanes128<double>, Vector128<double>>(Vector128.LoadUnsafe(ref xr, (nuint)k), Vector128.LoadUnsafe(ref dyr, (nuint)k), Vector128.Create(p));
                if (accumulate) g += Vector128.LoadUnsafe(ref dxr, (nuint)k);
                g.StoreUnsafe(ref dxr, (nuint)k);
            }
        for (; k < n; k++)
        {
            double g = TD.Apply<Lane<double>, double>(Unsafe.Add(ref xr, k), Unsafe.Add(ref dyr, k), p);
            Unsafe.Add(ref dxr, k) = accumulate ? Unsafe.Add(ref dxr, k) + g : g;
        }
    }

    private static void BackwardSingle<TD>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, double p, bool accumulate)
        where TD : ISmoothDerivative
    {
        int n = x.Length, k = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        if (Vector256.IsHardwareAccelerated)
            for (; k + Vector256<float>.Count <= n; k += Vector256<float>.Count)
            {
                (Vector256<double> xLo, Vector256<double> xHi) = Vector256.Widen(Vector256.LoadUnsafe(ref xr, (nuint)k));
                (Vector256<double> dyLo, Vector256<double> dyHi) = Vector256.Widen(Vector256.LoadUnsafe(ref dyr, (nuint)k));
                Vector256<double> pv = Vector256.Create(p);
                Vector256<float> g = Vector256.Narrow(TD.Apply<Lanes256<double>, Vector256<double>>(xLo, dyLo, pv), TD.Apply<Lanes256<double>, Vector256<double>>(xHi, dyHi, pv));
                if (accumulate) g += Vector256.LoadUnsafe(ref dxr, (nuint)k);
                g.StoreUnsafe(ref dxr, (nuint)k);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; k + Vector128<float>.Count <= n; k += Vector128<float>.Count)
            {
                (Vector128<double> xLo, Vector128<double> xHi) = Vector128.Widen(Vector128.LoadUnsafe(ref xr, (nuint)k));
                (Vector128<double> dyLo, Vector128<double> dyHi) = Vector128.Widen(Vector128.LoadUnsafe(ref dyr, (nuint)k));
                Vector128<double> pv = Vector128.Create(p);
                Vector128<float> g = Vector128.Narrow(TD.Apply<Lanes128<double>, Vector128<double>>(xLo, dyLo, pv), TD.Apply<Lanes128<double>, Vector128<double>>(xHi, dyHi, pv));
                if (accumulate) g += Vector128.LoadUnsafe(ref dxr, (nuint)k);
                g.StoreUnsafe(ref dxr, (nuint)k);
            }
        for (; k < n; k++)
        {
            float g = (float)TD.Apply<Lane<double>, double>(Unsafe.Add(ref xr, k), Unsafe.Add(ref dyr, k), p);
            Unsafe.Add(ref dxr, k) = accumulate ? Unsafe.Add(ref dxr, k) + g : g;
        }
    }

    /// <summary><c>a + b = sum + error</c> exactly (Knuth's two-sum, any order of magnitudes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TwoSum<TL, TV>(TV a, TV b, out TV error) where TL : ILanes<TV, double> where TV : struct
    {
        TV sum = TL.Add(a, b);
        TV bb = TL.Sub(sum, a);
        error = TL.Add(TL.Sub(a, TL.Sub(sum, bb)), TL.Sub(b, bb));
        return sum;
    }

    /// <summary>
    /// <c>2^64·σ(v + vLow)</c> (<c>|vLow|</c> a fraction of an ulp of <c>v</c>), as <see cref="SigmoidDouble"/>, with the
    /// low part carried into <c>e^−|v|</c> (for large <c>|v|</c> the error of an argument rounded to double would
    /// otherwise become many ulp of the result), and scaled by 2^64 so that a tail value, subnormal as a double, keeps
    /// its precision until the caller rounds it once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV SigmoidOfPairScaled<TL, TV>(TV v, TV vLow) where TL : ILanes<TV, double> where TV : struct
    {
        TV one = TL.Splat(1.0), zero = TL.Splat(0.0), down = TL.Splat(1.0 / 18446744073709551616.0);
        TV negative = TL.Less(v, zero);
        // e^(−|v| − sign(v)·vLow) ≈ e^−|v|·(1 − sign(v)·vLow), scaled by 2^64: the square of e^(−|v|/2)·2^32 (and its
        // low part), which stays exact where e^−|v| itself would be clamped (|v| > 746) or subnormal.
        TV halfPower = ExpNonPositiveDouble<TL, TV>(TL.Mul(TL.Abs(v), TL.Splat(-0.5)), out TV halfPowerLow, TL.Splat(1.0 / 4294967296.0));
        TV eScaled = TL.Mul(halfPower, halfPower);
        TV eScaledLow = TL.Fma(TL.Add(halfPower, halfPower), halfPowerLow, TL.Fma(halfPower, halfPower, TL.Neg(eScaled)));
        TV wLow = TL.Select(negative, vLow, TL.Neg(vLow));
        eScaledLow = TL.Fma(eScaled, wLow, eScaledLow);
        TV e = TL.Mul(eScaled, down), eLow = TL.Mul(eScaledLow, down);
        TV den = TL.Add(one, e), denError = TL.Add(TL.Sub(e, TL.Sub(den, one)), eLow);
        TV num = TL.Select(negative, eScaled, TL.Splat(18446744073709551616.0)), numError = TL.Select(negative, eScaledLow, zero);
        return CorrectedQuotient<TL, TV, double>(num, numError, den, denError, one);
    }
}
