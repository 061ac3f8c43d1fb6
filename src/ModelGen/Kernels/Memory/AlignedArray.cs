using System;

namespace ModelGen.Kernels;

/// <summary>
/// A managed array pinned for its lifetime (on the pinned object heap, so it never moves) whose values start at a
/// 64-byte boundary: a cache line, and a whole 512-bit vector. A managed array's values start at any multiple of 8
/// bytes from one (48 on the machine measured), so most 512-bit loads of contiguous vectors straddle two lines, and
/// many 256-bit ones. Kernels that stream packed weights read them as whole vectors: the batch-1 kernel over 784 × 128
/// packed weights took 5.5–5.8 µs on one core 16 bytes off a cache line and 3.2–3.5 µs aligned (Intel Xeon with
/// AVX-512, the same kernel and data).
/// </summary>
internal sealed unsafe class AlignedArray<T> where T : unmanaged
{
    /// <summary>The alignment of <see cref="Pointer"/>, in bytes.</summary>
    public const int Alignment = 64;

    // Kept so that the pinned array lives as long as this does; read through Pointer.
    private readonly T[] _array;

    /// <summary>The first of <see cref="Length"/> values, at a multiple of <see cref="Alignment"/> bytes.</summary>
    public readonly T* Pointer;

    /// <summary>Values from <see cref="Pointer"/> on.</summary>
    public int Length { get; }

    /// <summary>Allocates <paramref name="length"/> values, not initialized, and enough more to start them at a 64-byte boundary.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative, or too large for an array with the padding.</exception>
    public AlignedArray(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int extra = (Alignment + sizeof(T) - 1) / sizeof(T);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength - extra);
        _array = GC.AllocateUninitializedArray<T>(length + extra, pinned: true);
        fixed (T* start = _array)
        {
            nint skip = (nint)((Alignment - (nuint)start % Alignment) % Alignment);
            Pointer = (T*)((byte*)start + skip); // a whole number of values: sizeof(T) divides the array's own alignment
        }
        Length = length;
    }

    /// <summary>The <see cref="Length"/> values.</summary>
    public Span<T> Span => new(Pointer, Length);
}
