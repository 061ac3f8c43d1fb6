using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

// Softplus, log(1 + e^x), linear above 20, as PyTorch 1.13's Softplus() (beta 1, threshold 20).
public static partial class Activations
{
    /// <summary><c>y = x &gt; 20 ? x : log(1 + e^x)</c>, vectorized (see <see cref="SoftplusKernel"/>).</summary>
    public static void SoftplusForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        MapSmooth<SoftplusKernel, T>(x, y, T.Zero);

    /// <summary><c>dx = x &gt; 20 ? dy : dy·σ(x)</c> from the layer's input (with <paramref name="accumulate"/>: <c>dx +=</c>).</summary>
    public static void SoftplusBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MapSmoothBackward<SoftplusDerivative, T>(x, dy, dx, T.Zero, accumulate);

    /// <summary><c>v = softplus(v)</c> in place.</summary>
    public static void SoftplusForward<T>(Span<T> v) where T : unmanaged, IFloatingPointIeee754<T> => SoftplusForward<T>(v, v);

    /// <summary><c>dy = dy·softplus'(x)</c> in place.</summary>
    public static void SoftplusBackward<T>(ReadOnlySpan<T> x, Span<T> dy) where T : unmanaged, IFloatingPointIeee754<T> => SoftplusBackward<T>(x, dy, dy);

    /// <summary>
    /// Softplus in double precision: <c>max(x, 0) + log(1 + e^−|x|)</c>. With <c>e = e^−|x|</c> (a high and a low
    /// part), <c>1 + e = u + c</c> exactly; <c>log(u + c) = k·ln 2 + log1p(f) + c/u</c>, <c>u = 2^k·(1 + f)</c> with
    /// <c>1 + f ∈ [0.71, 1.42]</c>; <c>log1p(f) = f − s·(f − R)</c>, <c>s = f/(2 + f)</c>, <c>R = 2s²/3 + 2s⁴/5 + …</c>
    /// (the series of 2·atanh s, eleven terms, <c>s² ≤ 0.03</c>). Very negative x give <c>e^x</c> through the subnormals.
    /// </summary>
    private readonly struct SoftplusKernel : ISmoothKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x, TV parameter) where TL : ILanes<TV, double> where TV : struct
        {
            TV zero = TL.Splat(0.0), one = TL.Splat(1.0);
            TV e = ExpNonPositiveDouble<TL, TV>(TL.Neg(TL.Abs(x)), out TV eLow);
            TV u = TL.Add(one, e);
            TV c = TL.Add(TL.Add(TL.Sub(one, u), e), eLow);
            TV big = TL.Less(TL.Splat(1.4142135623730951), u);
            TV m = TL.Select(big, TL.Mul(u, TL.Splat(0.5)), u);
            TV f = TL.Sub(m, one);
            TV s = TL.Div(f, TL.Add(TL.Splat(2.0), f));
            TV s2 = TL.Mul(s, s);
            TV r = TL.Splat(2.0 / 23);
            for (int k = 21; k >= 3; k -= 2) r = TL.Fma(r, s2, TL.Splat(2.0 / k));
            r = TL.Mul(r, s2);
            TV log1p = TL.Fma(TL.Neg(s), TL.Sub(f, r), f);
            TV ln2 = TL.Select(big, TL.Splat(0.6931471805599453), zero), ln2Low = TL.Select(big, TL.Splat(2.3190468138462996e-17), zero);
            TV logU = TL.Add(ln2, TL.Add(log1p, TL.Add(TL.Div(c, u), ln2Low)));
            TV y = TL.Add(TL.Select(TL.Less(zero, x), x, zero), logU);
            return TL.NaNFrom(x, TL.Select(TL.Less(TL.Splat(20.0), x), x, y));
        }
    }

    /// <summary>x &gt; 20 ? dy : σ(x)·dy (PyTorch: <c>z/(z + 1)</c>, <c>z = e^x</c>).</summary>
    private readonly struct SoftplusDerivative : ISmoothDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x, TV dy, TV parameter) where TL : ILanes<TV, double> where TV : struct =>
            TL.Mul(TL.Select(TL.Less(TL.Splat(20.0), x), TL.Splat(1.0), SigmoidDouble.Apply<TL, TV>(x)), dy);
    }
}
