using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

// SiLU (swish), x·σ(x), as PyTorch 1.13's SiLU().
public static partial class Activations
{
    /// <summary><c>y = x·σ(x)</c>, vectorized (see <see cref="SiluKernel"/>).</summary>
    public static void SiluForward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        MapSmooth<SiluKernel, T>(x, y, T.Zero);

    /// <summary><c>dx = dy·σ(x)·(1 + x·(1 − σ(x)))</c> from the layer's input (with <paramref name="accumulate"/>: <c>dx +=</c>).</summary>
    public static void SiluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        MapSmoothBackward<SiluDerivative, T>(x, dy, dx, T.Zero, accumulate);

    /// <summary><c>v = v·σ(v)</c> in place.</summary>
    public static void SiluForward<T>(Span<T> v) where T : unmanaged, IFloatingPointIeee754<T> => SiluForward<T>(v, v);

    /// <summary><c>dy = dy·SiLU'(x)</c> in place.</summary>
    public static void SiluBackward<T>(ReadOnlySpan<T> x, Span<T> dy) where T : unmanaged, IFloatingPointIeee754<T> => SiluBackward<T>(x, dy, dy);

    /// <summary>SiLU in double precision: the logistic function of <see cref="SigmoidDouble"/> (0.6 ulp) times x, rounded once more.</summary>
    private readonly struct SiluKernel : ISmoothKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x, TV parameter) where TL : ILanes<TV, double> where TV : struct =>
            TL.Mul(x, SigmoidDouble.Apply<TL, TV>(x));
    }

    /// <summary>σ(x)·(1 + x·σ(−x))·dy, with 1 − σ(x) taken as σ(−x) (no cancellation).</summary>
    private readonly struct SiluDerivative : ISmoothDerivative
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TL, TV>(TV x, TV dy, TV parameter) where TL : ILanes<TV, double> where TV : struct
        {
            TV s = SigmoidDouble.Apply<TL, TV>(x);
            TV complement = SigmoidDouble.Apply<TL, TV>(TL.Neg(x));
            return TL.Mul(TL.Mul(s, TL.Fma(x, complement, TL.Splat(1.0))), dy);
        }
    }
}
