using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

// ELU, x for x > 0 and alpha·(e^x − 1) otherwise, as PyTorch 1.13's ELU(alpha).
public static partial class Activations
{
    /// <summary><c>y = x &gt; 0 ? x : alpha·(e^x − 1)</c>, vectorized (see <see cref="EluKernel"/>).</summary>
    public static void EluForward<T>(ReadOnlySpan<T> x, Span<T> y, T alpha) where T : unmanaged, IFloatingPointIeee754<T> =>
        MapSmooth<EluKernel, T>(x, y, alpha);

    /// <summary>
    /// <c>dx = x &gt; 0 ? dy : dy·alpha·e^x</c> from the layer's input (PyTorch's <c>elu_backward</c> on the input; with
    /// <paramref name="accumulate"/>: <c>dx +=</c>).
    /// </summary>
    public static void EluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, T alpha, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MapSmoothBackward<EluDerivative, T>(x, dy, dx, alpha, accumulate);

    /// <summary><c>v = ELU(v)</c> in place.</summary>
    public static void EluForward<T>(Span<T> v, T alpha) where T : unmanaged, IFloatingPointIeee754<T> => EluForward<T>(v, v, alpha);

    /// <summary><c>dy = dy·ELU'(x)</c> in place.</summary>
    public static void EluBackward<T>(ReadOnlySpan<T> x, Span<T> dy, T alpha) where T : unmanaged, IFloatingPointIeee754<T> => EluBackward<T>(x, dy, dy, alpha);

    /// <summary>
    /// ELU in double precision. <c>e^x − 1</c> for <c>x ≤ 0</c>: <c>x + x²·Q(x)</c> where <c>|x| ≤ ln 2 / 2</c> (the
    /// remainder polynomial of the exponential: no cancellation for small x), else <c>(e − 1) + eLow</c> from
    /// <see cref="ExpNonPositiveDouble{TL, TV}(TV, out TV)"/> (<c>e − 1</c> is exact for <c>e ≥ 0.5</c>). Then times alpha; −0 stays −0.
    /// </summary>
    private readonly struct EluKernel : ISmoothKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x, TV alpha) where TL : ILanes<TV, double> where TV : struct
        {
            TV zero = TL.Splat(0.0), one = TL.Splat(1.0);
            TV negative = TL.Less(x, zero);
            TV xn = TL.Select(negative, x, zero);
            TV small = TL.Fma(TL.Mul(xn, xn), ExpRemainderDouble<TL, TV>(xn), xn);
            TV e = ExpNonPositiveDouble<TL, TV>(xn, out TV eLow);
            TV large = TL.Add(TL.Sub(e, one), eLow);
            TV expm1 = TL.Select(TL.Less(xn, TL.Splat(-0.34657359027997264)), large, small);
            return TL.NaNFrom(x, TL.Select(negative, TL.Mul(alpha, expm1), x));
        }
    }

    /// <summary>x &gt; 0 ? dy : alpha·e^x·dy.</summary>
    private readonly struct EluDerivative : ISmoothDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x, TV dy, TV alpha) where TL : ILanes<TV, double> where TV : struct
        {
            TV zero = TL.Splat(0.0);
            TV e = ExpNonPositiveDouble<TL, TV>(TL.Select(TL.Less(zero, x), zero, x), out TV eLow);
            TV slope = TL.Select(TL.Less(zero, x), TL.Splat(1.0), TL.Mul(alpha, TL.Add(e, eLow)));
            return TL.NaNFrom(x, TL.Mul(slope, dy));
        }
    }
}
