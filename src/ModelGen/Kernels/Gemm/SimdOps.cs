using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels;

/// <summary>
/// The handful of vector operations the matrix kernels need, over one hardware vector type. The kernels are generic over
/// an implementing struct, so the JIT compiles one specialized copy per vector width, with every call inlined; the width
/// is chosen once per process (<see cref="Gemm"/>), so a value is computed the same way in every call.
/// </summary>
internal interface ISimdOps<T, TVector> where T : unmanaged, IFloatingPointIeee754<T> where TVector : struct
{
    /// <summary>Elements per vector.</summary>
    static abstract int Width { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Load(ref T source, nuint offset);

    static abstract void Store(TVector value, ref T destination, nuint offset);

    static abstract TVector Broadcast(T value);

    /// <summary><c>acc + a·b</c>, fused (one rounding) where the processor has FMA.</summary>
    static abstract TVector MulAdd(TVector a, TVector b, TVector acc);

    /// <summary>Sum of the lanes, in a fixed order.</summary>
    static abstract T Sum(TVector value);
}

/// <summary>512-bit vectors (AVX-512).</summary>
internal readonly struct Simd512<T> : ISimdOps<T, Vector512<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Width => Vector512<T>.Count;
    public static Vector512<T> Zero => Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MulAdd(Vector512<T> a, Vector512<T> b, Vector512<T> acc)
    {
        // AVX-512F includes FMA, so this type is only used where the fused form is a single instruction.
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), acc.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), acc.AsDouble()).As<double, T>();
        return acc + a * b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Vector512.Sum(value);
}

/// <summary>256-bit vectors (AVX2).</summary>
internal readonly struct Simd256<T> : ISimdOps<T, Vector256<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Width => Vector256<T>.Count;
    public static Vector256<T> Zero => Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MulAdd(Vector256<T> a, Vector256<T> b, Vector256<T> acc)
    {
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            if (typeof(T) == typeof(float))
                return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), acc.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double))
                return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), acc.AsDouble()).As<double, T>();
        }
        return acc + a * b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);
}

/// <summary>128-bit vectors (SSE, Arm AdvSimd), and the portable fallback.</summary>
internal readonly struct Simd128<T> : ISimdOps<T, Vector128<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Width => Vector128<T>.Count;
    public static Vector128<T> Zero => Vector128<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MulAdd(Vector128<T> a, Vector128<T> b, Vector128<T> acc)
    {
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)
        {
            if (typeof(T) == typeof(float))
                return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), acc.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double))
                return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), acc.AsDouble()).As<double, T>();
        }
        return acc + a * b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);
}
