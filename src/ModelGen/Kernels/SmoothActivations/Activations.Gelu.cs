using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

// GELU, exact (erf) form and tanh form, as PyTorch 1.13 defines them (GELU() and GELU(approximate='tanh')).
public static partial class Activations
{
    /// <summary><c>y = x·Φ(x) = 0.5·x·(1 + erf(x/√2))</c> (PyTorch's <c>GELU()</c>).</summary>
    /// <remarks>
    /// Vectorized; in double precision within a few ulp of the exact value, in single precision the double result
    /// rounded once (see <see cref="GeluKernel"/>). The same bits for a value wherever it is in a span.
    /// </remarks>
    public static void GeluForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        MapSmooth<GeluKernel, T>(x, y, T.Zero);

    /// <summary>
    /// <c>dx = dy·(Φ(x) + x·φ(x))</c> from the layer's input <paramref name="x"/>, φ the standard normal density
    /// (PyTorch's formula; with <paramref name="accumulate"/>: <c>dx +=</c>).
    /// </summary>
    public static void GeluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MapSmoothBackward<GeluDerivative, T>(x, dy, dx, T.Zero, accumulate);

    /// <summary><c>v = GELU(v)</c> in place.</summary>
    public static void GeluForward<T>(Span<T> v) where T : unmanaged, IFloatingPointIeee754<T> => GeluForward<T>(v, v);

    /// <summary><c>dy = dy·GELU'(x)</c> in place.</summary>
    public static void GeluBackward<T>(ReadOnlySpan<T> x, Span<T> dy) where T : unmanaged, IFloatingPointIeee754<T> => GeluBackward<T>(x, dy, dy);

    /// <summary><c>y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))</c> (PyTorch's <c>GELU(approximate='tanh')</c>).</summary>
    /// <remarks>Vectorized, computed as <c>x·σ(2·√(2/π)·(x + 0.044715·x³))</c> (no cancellation for negative x); see <see cref="GeluTanhKernel"/>.</remarks>
    public static void GeluTanhForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        MapSmooth<GeluTanhKernel, T>(x, y, T.Zero);

    /// <summary>
    /// <c>dx = dy·(0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²))</c>, t the tanh of the forward pass,
    /// from the layer's input <paramref name="x"/> (PyTorch's formula; with <paramref name="accumulate"/>: <c>dx +=</c>).
    /// </summary>
    public static void GeluTanhBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MapSmoothBackward<GeluTanhDerivative, T>(x, dy, dx, T.Zero, accumulate);

    /// <summary><c>v = GELU_tanh(v)</c> in place.</summary>
    public static void GeluTanhForward<T>(Span<T> v) where T : unmanaged, IFloatingPointIeee754<T> => GeluTanhForward<T>(v, v);

    /// <summary><c>dy = dy·GELU_tanh'(x)</c> in place.</summary>
    public static void GeluTanhBackward<T>(ReadOnlySpan<T> x, Span<T> dy) where T : unmanaged, IFloatingPointIeee754<T> => GeluTanhBackward<T>(x, dy, dy);

    /// <summary>
    /// Chebyshev coefficients of <c>F(y) = (1 + 2z)·e^(z²)·erfc(z)</c> on <c>y = (z − 3.75)/(z + 3.75) ∈ [−1, 1)</c>, which
    /// covers every <c>z ≥ 0</c> (the change of variable of Shepherd and Laframboise, 1981). Computed for this code from
    /// the Chebyshev nodes of F at 50 digits (tests/ModelGen.Tests/Kernels/erfc_chebyshev.py); the first omitted term is
    /// below 1e-19, F is about 1.
    /// </summary>
    private static readonly double[] ErfcChebyshev =
    {
        1.1775789345674017, -0.004590054580646478, -0.08424913336651792, 0.05920993999819189,
        -0.026658668435305753, 0.009074997670705265, -0.002413163540417608, 0.0004907758365258086,
        -6.916973302501207e-05, 4.13902798607301e-06, 7.74038306619849e-07, -2.1886401049234397e-07,
        1.076499946567091e-08, 4.521959811218287e-09, -7.754400208831351e-10, -6.318088340886684e-11,
        2.86879501093067e-11, 1.9455868545777347e-13, -9.65469674843344e-13, 3.25254814814874e-14,
        3.3478119482868056e-14, -1.864562880419313e-15, -1.2507950530688648e-15, 7.418235256624044e-17,
        5.068148904796111e-17, -2.2370566594359995e-18, -2.187342944303018e-18, 2.6766327399258762e-20,
    };

    /// <summary>2^−64: results kept scaled by 2^64 stay normal numbers down to the underflow of e^z.</summary>
    private const double TwoToMinus64 = 1.0 / 18446744073709551616.0;

    /// <summary>
    /// <c>erfc(a/√2)·2^64</c> for <c>0 ≤ a ≤ 40</c> (or NaN; scaled so that the far tail, subnormal as a double, keeps
    /// its precision until the caller rounds it once), and <paramref name="gaussian"/> = <c>e^(−a²/2)</c>. With
    /// <c>z = a/√2</c>: <c>erfc z = e^(−z²)·F(y)/(1 + 2z)</c>, F summed by Clenshaw's recurrence. <c>z² = a²/2</c> is
    /// taken exactly (<c>a² = h + l</c> by a fused multiply-add), since <c>e^(−z²)</c> magnifies the error of a rounded
    /// square by <c>z²</c>; the rounding of <c>1 + 2z</c>, of the product and of the quotient are corrected.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ErfcOfScaled<TL, TV>(TV a, out TV gaussian) where TL : ILanes<TV, double> where TV : struct
    {
        TV one = TL.Splat(1.0);
        TV h = TL.Mul(a, a);
        TV l = TL.Fma(a, a, TL.Neg(h));
        TV e = ExpNonPositiveDouble<TL, TV>(TL.Mul(h, TL.Splat(-0.5)), out TV eLow, one); // e^(−h/2)·2^64
        // e^(−(h + l)/2) = (e + eLow)·e^(−l/2) ≈ e + (eLow − e·l/2): |l/2| is below an ulp of a²/2.
        TV eError = TL.Fma(TL.Mul(l, TL.Splat(-0.5)), e, eLow);
        gaussian = TL.Mul(TL.Add(e, eError), TL.Splat(TwoToMinus64));

        TV z = TL.Mul(a, TL.Splat(0.7071067811865476));
        TV k = TL.Splat(3.75);
        TV y = TL.Div(TL.Sub(z, k), TL.Add(z, k));
        TV y2 = TL.Add(y, y);
        double[] c = ErfcChebyshev;
        TV b1 = TL.Splat(c[c.Length - 1]), b2 = TL.Splat(0.0);
        for (int j = c.Length - 2; j >= 1; j--)
        {
            TV b0 = TL.Fma(y2, b1, TL.Sub(TL.Splat(c[j]), b2));
            b2 = b1;
            b1 = b0;
        }
        TV f = TL.Fma(y, b1, TL.Sub(TL.Splat(c[0]), b2));

        TV num = TL.Mul(e, f);
        TV numError = TL.Fma(eError, f, TL.Fma(e, f, TL.Neg(num)));
        TV twoZ = TL.Add(z, z);
        TV den = TwoSum<TL, TV>(one, twoZ, out TV denError);
        return CorrectedQuotient<TL, TV, double>(num, numError, den, denError, one);
    }

    /// <summary>
    /// GELU in double precision: for <c>x ≥ 0</c>, <c>x − (x/2)·erfc(x/√2)</c> (one fused multiply-add); for
    /// <c>x &lt; 0</c>, <c>(x/2)·erfc(|x|/√2)</c>, so the tail keeps its relative accuracy down to the underflow. Beyond
    /// <c>|x| = 40</c>, <c>erfc</c> is 0: <c>x</c> or −0 (NaN for −∞, like PyTorch). The sign is that of <c>x</c>.
    /// </summary>
    private readonly struct GeluKernel : ISmoothKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x, TV parameter) where TL : ILanes<TV, double> where TV : struct
        {
            TV zero = TL.Splat(0.0), limit = TL.Splat(40.0);
            TV a = TL.Abs(x);
            TV big = TL.Less(limit, a);
            TV erfcScaled = ErfcOfScaled<TL, TV>(TL.Select(big, limit, a), out _);
            TV erfc = TL.Mul(erfcScaled, TL.Splat(TwoToMinus64));
            TV half = TL.Mul(x, TL.Splat(0.5));
            TV negative = TL.Less(x, zero);
            // x < 0: (x/2)·erfc scaled by 2^64, rounded into the subnormal range (if at all) once, at the end.
            TV y = TL.Select(negative, TL.Mul(TL.Mul(half, erfcScaled), TL.Splat(TwoToMinus64)), TL.Fma(TL.Neg(half), erfc, x));
            y = TL.Select(big, TL.Select(negative, TL.Mul(x, zero), x), TL.WithSignOf(TL.Abs(y), x));
            return TL.NaNFrom(x, y);
        }
    }

    /// <summary>GELU'(x)·dy = (Φ(x) + x·φ(x))·dy, Φ from erfc as in <see cref="GeluKernel"/>.</summary>
    private readonly struct GeluDerivative : ISmoothDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x, TV dy, TV parameter) where TL : ILanes<TV, double> where TV : struct
        {
            TV zero = TL.Splat(0.0), limit = TL.Splat(40.0), half = TL.Splat(0.5);
            TV a = TL.Abs(x);
            TV erfc = ErfcOfScaled<TL, TV>(TL.Select(TL.Less(limit, a), limit, a), out TV gaussian);
            TV halfErfc = TL.Mul(erfc, TL.Splat(0.5 * TwoToMinus64));
            TV cdf = TL.Select(TL.Less(x, zero), halfErfc, TL.Sub(TL.Splat(1.0), halfErfc));
            TV pdf = TL.Mul(gaussian, TL.Splat(0.3989422804014327)); // 1/√(2π)
            return TL.Mul(TL.Fma(x, pdf, cdf), dy);
        }
    }

    /// <summary>
    /// GELU's tanh form in double precision: <c>x·σ(v)</c>, <c>v = 2·√(2/π)·(x + 0.044715·x³)</c>, since
    /// <c>1 + tanh(v/2) = 2σ(v)</c>. <c>v</c> is carried as a double-double (the constants too): the logistic function of
    /// <c>v</c> near −745 magnifies the rounding of <c>v</c> hundreds of times. Beyond <c>|x| = 30</c> the result is
    /// <c>x</c> or −0 (NaN for −∞, like PyTorch).
    /// </summary>
    private readonly struct GeluTanhKernel : ISmoothKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x, TV parameter) where TL : ILanes<TV, double> where TV : struct
        {
            TV zero = TL.Splat(0.0), limit = TL.Splat(30.0);
            TV big = TL.Less(limit, TL.Abs(x));
            TV xc = TL.Select(big, zero, x);
            // c1 = 2√(2/π), c2 = c1·0.044715, each as hi + lo.
            TV c1 = TL.Splat(1.5957691216057308), c1Low = TL.Splat(-9.96930880911092e-17);
            TV c2 = TL.Splat(0.07135481627260025), c2Low = TL.Splat(-6.175149918155315e-19);
            TV h = TL.Mul(xc, xc);
            TV l = TL.Fma(xc, xc, TL.Neg(h));
            // inner = c1 + c2·x² as s + sLow.
            TV p = TL.Mul(c2, h);
            TV pLow = TL.Add(TL.Fma(c2, h, TL.Neg(p)), TL.Fma(c2, l, TL.Mul(c2Low, h)));
            TV s = TwoSum<TL, TV>(c1, p, out TV sLow);
            sLow = TL.Add(TL.Add(sLow, pLow), c1Low);
            // v = x·inner as v + vLow.
            TV v = TL.Mul(xc, s);
            TV vLow = TL.Fma(xc, sLow, TL.Fma(xc, s, TL.Neg(v)));
            TV y = TL.Mul(TL.Mul(xc, SigmoidOfPairScaled<TL, TV>(v, vLow)), TL.Splat(TwoToMinus64));
            y = TL.Select(big, TL.Select(TL.Less(x, zero), TL.Mul(x, zero), x), y);
            return TL.NaNFrom(x, y);
        }
    }

    /// <summary>
    /// PyTorch's derivative of the tanh form, with <c>1 + t = 2σ(v)</c> and <c>1 − t² = 4σ(v)σ(−v)</c>:
    /// <c>σ(v) + 2x·σ(v)·σ(−v)·√(2/π)·(1 + 3·0.044715·x²)</c>.
    /// </summary>
    private readonly struct GeluTanhDerivative : ISmoothDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x, TV dy, TV parameter) where TL : ILanes<TV, double> where TV : struct
        {
            TV x2 = TL.Mul(x, x);
            TV v = TL.Mul(TL.Mul(x, TL.Splat(1.5957691216057308)), TL.Fma(TL.Splat(0.044715), x2, TL.Splat(1.0)));
            TV s = SigmoidDouble.Apply<TL, TV>(v), sNeg = SigmoidDouble.Apply<TL, TV>(TL.Neg(v));
            TV slope = TL.Mul(TL.Splat(2 * 0.7978845608028654), TL.Fma(TL.Splat(3 * 0.044715), x2, TL.Splat(1.0)));
            TV d = TL.Fma(TL.Mul(TL.Mul(x, s), sNeg), slope, s);
            return TL.Mul(d, dy);
        }
    }
}
