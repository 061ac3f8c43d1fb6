using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Arm = System.Runtime.Intrinsics.Arm;
using X86 = System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels;

// The kernels' one abstraction over vector widths. A kernel written once, generic over an ILanes implementation, is
// compiled by the JIT into one specialized copy per width, every call inlined: Lanes512 (AVX-512), Lanes256 (AVX2),
// Lanes128 (SSE, Arm AdvSimd) and Lane (one value, for the tail of a span). The multiply-add is fused (exact, one
// rounding) at every width where the processor has FMA, and a separate multiply and add at every width where it has
// not (MultiplyAdd.Fused decides, once for all), so the same operations give the same bits in a vector lane and in
// the tail.

/// <summary>
/// The operations the kernels use, on each lane of <typeparamref name="TV"/> (a vector of <typeparamref name="T"/>,
/// or <typeparamref name="T"/> itself). A mask is whatever <see cref="Less"/> returns, to be given to <see cref="Select"/>.
/// </summary>
internal interface ILanes<TV, T> where TV : struct where T : unmanaged
{
    /// <summary>Values per <typeparamref name="TV"/>.</summary>
    static abstract int Width { get; }
    static abstract TV Zero { get; }
    static abstract TV Load(ref T source, nuint offset);
    static abstract void Store(TV value, ref T destination, nuint offset);
    /// <summary>Sum of the lanes, in a fixed order.</summary>
    static abstract T Sum(TV value);
    static abstract TV Splat(T value);
    static abstract TV Add(TV a, TV b);
    static abstract TV Sub(TV a, TV b);
    static abstract TV Mul(TV a, TV b);
    static abstract TV Div(TV a, TV b);
    /// <summary>The correctly rounded square root of each lane.</summary>
    static abstract TV Sqrt(TV a);
    /// <summary>The larger of each pair of lanes, as the width's <c>Max</c> (<see cref="Vector512.Max{T}"/>, <c>T.Max</c>) decides it.</summary>
    static abstract TV Max(TV a, TV b);
    static abstract TV Neg(TV a);
    /// <summary><c>a·b + c</c>: rounded once where the processor fuses it, else twice (see <see cref="MultiplyAdd"/>).</summary>
    static abstract TV Fma(TV a, TV b, TV c);
    /// <summary><c>a</c> with its sign bit cleared.</summary>
    static abstract TV Abs(TV a);
    /// <summary><paramref name="magnitude"/> (sign bit clear) with the sign bit of <paramref name="sign"/>.</summary>
    static abstract TV WithSignOf(TV magnitude, TV sign);
    static abstract TV Less(TV a, TV b);
    static abstract TV Select(TV mask, TV whenTrue, TV whenFalse);
    /// <summary>
    /// <c>a &lt; 0 ? 0 : a</c> per lane, NaN and −0 kept (the ReLU): one instruction on x86, whose max returns its second
    /// operand unless the first is greater, so <c>max(0, a)</c> is exactly that; a compare and a select elsewhere.
    /// </summary>
    static abstract TV Relu(TV a);
    /// <summary><paramref name="x"/> where it is NaN, <paramref name="value"/> elsewhere.</summary>
    static abstract TV NaNFrom(TV x, TV value);
    /// <summary>The bits of <paramref name="t"/>, as an integer, shifted left by the width of the mantissa.</summary>
    static abstract TV ShiftIntoExponent(TV t);
}

internal readonly struct Lanes512<T> : ILanes<Vector512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Width => Vector512<T>.Count;
    public static Vector512<T> Zero => Vector512<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector512<T> value) => Vector512.Sum(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Splat(T value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Sub(Vector512<T> a, Vector512<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Mul(Vector512<T> a, Vector512<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Div(Vector512<T> a, Vector512<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Sqrt(Vector512<T> a) => Vector512.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Max(Vector512<T> a, Vector512<T> b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Neg(Vector512<T> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Abs(Vector512<T> a) => Vector512.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> WithSignOf(Vector512<T> magnitude, Vector512<T> sign) => magnitude | (sign & Vector512.Create(T.NegativeZero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Less(Vector512<T> a, Vector512<T> b) => Vector512.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Select(Vector512<T> mask, Vector512<T> whenTrue, Vector512<T> whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Relu(Vector512<T> a) =>
        System.Runtime.Intrinsics.X86.Sse.IsSupported ? Vector512.MaxNative(Vector512<T>.Zero, a) : Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512<T>.Zero), Vector512<T>.Zero, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> NaNFrom(Vector512<T> x, Vector512<T> value) => Vector512.ConditionalSelect(Vector512.IsNaN(x), x, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        // MultiplyAdd.Fused written out: a property's value becomes a constant only once it is inlined, after the JIT
        // has imported this method with both returns, and the temporary that joins them kept it from folding a
        // broadcast operand into the multiply-add (vbroadcastss, vfmadd213ps, vmovaps instead of one vfmadd231ps).
        if (!(X86.Fma.IsSupported || Arm.AdvSimd.Arm64.IsSupported))
            return a * b + c;
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ShiftIntoExponent(Vector512<T> t)
    {
        if (typeof(T) == typeof(float))
            return Vector512.ShiftLeft(t.AsInt32(), 23).As<int, T>();
        return Vector512.ShiftLeft(t.AsInt64(), 52).As<long, T>();
    }
}

internal readonly struct Lanes256<T> : ILanes<Vector256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Width => Vector256<T>.Count;
    public static Vector256<T> Zero => Vector256<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector256<T> value) => Vector256.Sum(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Splat(T value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Sub(Vector256<T> a, Vector256<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Mul(Vector256<T> a, Vector256<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Div(Vector256<T> a, Vector256<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Sqrt(Vector256<T> a) => Vector256.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Max(Vector256<T> a, Vector256<T> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Neg(Vector256<T> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Abs(Vector256<T> a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> WithSignOf(Vector256<T> magnitude, Vector256<T> sign) => magnitude | (sign & Vector256.Create(T.NegativeZero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Less(Vector256<T> a, Vector256<T> b) => Vector256.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Select(Vector256<T> mask, Vector256<T> whenTrue, Vector256<T> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Relu(Vector256<T> a) =>
        System.Runtime.Intrinsics.X86.Sse.IsSupported ? Vector256.MaxNative(Vector256<T>.Zero, a) : Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256<T>.Zero), Vector256<T>.Zero, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> NaNFrom(Vector256<T> x, Vector256<T> value) => Vector256.ConditionalSelect(Vector256.IsNaN(x), x, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        // MultiplyAdd.Fused written out: a property's value becomes a constant only once it is inlined, after the JIT
        // has imported this method with both returns, and the temporary that joins them kept it from folding a
        // broadcast operand into the multiply-add (vbroadcastss, vfmadd213ps, vmovaps instead of one vfmadd231ps).
        if (!(X86.Fma.IsSupported || Arm.AdvSimd.Arm64.IsSupported))
            return a * b + c;
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ShiftIntoExponent(Vector256<T> t)
    {
        if (typeof(T) == typeof(float))
            return Vector256.ShiftLeft(t.AsInt32(), 23).As<int, T>();
        return Vector256.ShiftLeft(t.AsInt64(), 52).As<long, T>();
    }
}

internal readonly struct Lanes128<T> : ILanes<Vector128<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Width => Vector128<T>.Count;
    public static Vector128<T> Zero => Vector128<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Load(ref T source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector128<T> value) => Vector128.Sum(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Splat(T value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Sub(Vector128<T> a, Vector128<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Mul(Vector128<T> a, Vector128<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Div(Vector128<T> a, Vector128<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Sqrt(Vector128<T> a) => Vector128.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Max(Vector128<T> a, Vector128<T> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Neg(Vector128<T> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Abs(Vector128<T> a) => Vector128.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> WithSignOf(Vector128<T> magnitude, Vector128<T> sign) => magnitude | (sign & Vector128.Create(T.NegativeZero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Less(Vector128<T> a, Vector128<T> b) => Vector128.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Select(Vector128<T> mask, Vector128<T> whenTrue, Vector128<T> whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Relu(Vector128<T> a) =>
        System.Runtime.Intrinsics.X86.Sse.IsSupported ? Vector128.MaxNative(Vector128<T>.Zero, a) : Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128<T>.Zero), Vector128<T>.Zero, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> NaNFrom(Vector128<T> x, Vector128<T> value) => Vector128.ConditionalSelect(Vector128.IsNaN(x), x, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Fma(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        // MultiplyAdd.Fused written out: a property's value becomes a constant only once it is inlined, after the JIT
        // has imported this method with both returns, and the temporary that joins them kept it from folding a
        // broadcast operand into the multiply-add (vbroadcastss, vfmadd213ps, vmovaps instead of one vfmadd231ps).
        if (!(X86.Fma.IsSupported || Arm.AdvSimd.Arm64.IsSupported))
            return a * b + c;
        if (typeof(T) == typeof(float))
            return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ShiftIntoExponent(Vector128<T> t)
    {
        if (typeof(T) == typeof(float))
            return Vector128.ShiftLeft(t.AsInt32(), 23).As<int, T>();
        return Vector128.ShiftLeft(t.AsInt64(), 52).As<long, T>();
    }
}

/// <summary>One value: the same operations as the vector lanes, for the tail of a span. A mask is 1 or 0.</summary>
internal readonly struct Lane<T> : ILanes<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Width => 1;
    public static T Zero => T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Load(ref T source, nuint offset) => Unsafe.Add(ref source, offset);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T value, ref T destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Splat(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Add(T a, T b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sub(T a, T b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Mul(T a, T b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Div(T a, T b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sqrt(T a) => T.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Max(T a, T b) => T.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Neg(T a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Fma(T a, T b, T c) => MultiplyAdd.Fused ? T.FusedMultiplyAdd(a, b, c) : a * b + c;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Abs(T a) => T.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T WithSignOf(T magnitude, T sign) => T.CopySign(magnitude, sign);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Less(T a, T b) => a < b ? T.One : T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Select(T mask, T whenTrue, T whenFalse) => mask != T.Zero ? whenTrue : whenFalse;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Relu(T a) => a < T.Zero ? T.Zero : a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T NaNFrom(T x, T value) => T.IsNaN(x) ? x : value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ShiftIntoExponent(T t)
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<int, T>(Unsafe.BitCast<T, int>(t) << 23);
        return Unsafe.BitCast<long, T>(Unsafe.BitCast<T, long>(t) << 52);
    }
}
