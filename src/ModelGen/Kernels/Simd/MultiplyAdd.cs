using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels;

/// <summary>
/// The one place that decides how the kernels compute <c>a·b + c</c> (<see cref="ILanes{TV, T}.Fma"/> at every width).
/// </summary>
/// <remarks>
/// <para>
/// Where the processor fuses a multiply and an add in one instruction (x64 with FMA3, the x86-64-v3 level of AVX2
/// processors; every Arm64), the kernels use it: one rounding, and the bits every fixture and bit-identity test pins.
/// </para>
/// <para>
/// Without it (x64 processors before AVX2, or a Native AOT build for the default x86-64-v2 instruction set, where
/// <see cref="Fma.IsSupported"/> is compiled as false), <c>Vector128.FusedMultiplyAdd</c> and
/// <c>float.FusedMultiplyAdd</c> would be emulated in software, one lane at a time: correct, and far slower (a Native
/// AOT build of the Fashion-MNIST sample trained 60 times slower than the JIT). The kernels then multiply and add
/// separately instead (two roundings): as fast as the processor allows, with results that differ from those of an FMA
/// processor in the last bits (the rounded product adds up to half an ulp of the product to each multiply-add). Every
/// width and the scalar tail make the same choice, so on one processor a value still does not depend on its position
/// in a span.
/// </para>
/// <para>
/// The property is a constant to the JIT and to the Native AOT compiler (both fold <c>IsSupported</c>), so the test in
/// every <c>Fma</c> costs nothing. The vector widths' <c>Fma</c> (<see cref="Lanes512{T}"/> and the others) write the
/// same test out instead of reading this property, so that the JIT sees it as a constant while it imports them (see
/// there). The separate path is tested by a test project that runs with <c>DOTNET_EnableAVX2=0</c> (which also turns
/// FMA off): tests/ModelGen.NoFma.Tests.
/// </para>
/// </remarks>
internal static class MultiplyAdd
{
    /// <summary>Whether <c>a·b + c</c> is one fused instruction, rounded once; otherwise a multiply, then an add.</summary>
    /// <remarks>
    /// Aggressively inlined: the Native AOT compiler for x86-64-v2 otherwise keeps this getter a call (it returns a
    /// constant false, but the call in every multiply-add of a microkernel spilled all its vector registers).
    /// </remarks>
    public static bool Fused
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Fma.IsSupported || AdvSimd.Arm64.IsSupported;
    }
}
