using System;

namespace ModelGen.Kernels;

/// <summary>
/// A managed array pinned for its lifetime (on the pinned object heap, so it never moves) whose values start at a
/// 64-byte boundary: a cache line, and a whole 512-bit vector. A managed array's values start only 8 or 16 bytes from
/// one, so every second 256-bit load and three in four 512-bit loads straddle two lines. Kernels that stream packed weights
/// read them as whole vectors: a batch-1 product of 784 × 128 packed weights took 5.5–5.8 µs on one core from such an
/// array and 3.2–3.5 µs from an aligned one (Intel Xeon with AVX-512, the same kernel and data).
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
    public AlignedArray(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int extra = (Alignment + sizeof(T) - 1) / sizeof(T);
        _array = GC.AllocateUninitializedArray<T>(checked(length + extra), pinned: true);
        fixed (T* start = _array)
        {
            nint skip = (Alignment - (nint)start % Alignment) % Alignment;
            Pointer = (T*)((byte*)start + skip); // a whole number of values: sizeof(T) divides the array's own alignment
        }
        Length = length;
    }

    /// <summary>The <see cref="Length"/> values.</summary>
    public Span<T> Span => new(Pointer, Length);
}
