using System;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels;

/// <summary>
/// The size of one core's level-2 cache, which decides whether a batch-1 product's weights stay near one core between
/// calls or stream from the shared cache (see <see cref="PackedGemm.Run{T}(ref PackedGemm.Product{T}, int)"/>). Read
/// once from the processor (x86 CPUID leaf 8000_0006h, ECX bits 31–16, in KiB, on AMD and Intel alike); 512 KiB where
/// it cannot be read (other processors, Arm included, whose cores may have more), the smallest of the x86 server cores of
/// the last years (Zen 2 and Zen 3). On Intel's hybrid processors and E-core clusters the leaf gives the L2 of the core
/// that first ran this (shared by a cluster of four E-cores), so "one core's" is approximate there.
/// </summary>
internal static class CoreCache
{
    /// <summary>The assumed size where the processor does not say.</summary>
    public const int DefaultL2Bytes = 512 * 1024;

    /// <summary>Bytes of one core's L2 cache.</summary>
    public static readonly int L2Bytes = ReadL2Bytes();

    private static int ReadL2Bytes()
    {
        if (!X86Base.IsSupported) return DefaultL2Bytes;
        (int maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x80000000), 0);
        if ((uint)maxExtended < 0x80000006) return DefaultL2Bytes;
        (_, _, int ecx, _) = X86Base.CpuId(unchecked((int)0x80000006), 0);
        int kib = (int)((uint)ecx >> 16);
        // A hypervisor may report nothing, or nonsense: keep to sizes that cores have had (64 KiB to 64 MiB).
        return kib is >= 64 and <= 64 * 1024 ? kib * 1024 : DefaultL2Bytes;
    }
}
