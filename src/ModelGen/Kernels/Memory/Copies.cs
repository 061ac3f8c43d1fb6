using System;

namespace ModelGen.Kernels;

/// <summary>Copies of large arrays that the generated models make on every step, split over threads when they are large.</summary>
public static class Copies
{
    /// <summary>
    /// Multiply-add equivalents of copying one value (bound by memory, not arithmetic): 784 × 1024 weights, copied at
    /// every training step of a model whose input gradient is deferred, take 100–300 µs on one core; 16 splits copies
    /// from about 65,000 values (784 × 128 weights included, see <see cref="PackedGemm"/>'s packing cost).
    /// </summary>
    private const int CostPerValue = 16;

    /// <summary>
    /// <c>destination[i] = source[i]</c> for every element of <paramref name="source"/>, over up to
    /// <paramref name="threads"/> threads (0: <see cref="Parallelism.MaxThreads"/>) when it is large enough to pay.
    /// The spans must not overlap.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not as long as <paramref name="source"/>.</exception>
    public static unsafe void Copy<T>(ReadOnlySpan<T> source, Span<T> destination, int threads = 1) where T : unmanaged
    {
        Check.Length(destination, source.Length, nameof(destination));
        fixed (T* s = source, d = destination)
        {
            var job = new CopyJob<T> { Source = s, Destination = d, Count = source.Length };
            Parallelism.Elementwise(ref job, threads, CostPerValue);
        }
    }

    private unsafe struct CopyJob<T> : IElementwiseJob where T : unmanaged
    {
        public T* Source, Destination;
        public int Count { get; init; }

        public readonly void Run(int start, int end) =>
            new ReadOnlySpan<T>(Source + start, end - start).CopyTo(new Span<T>(Destination + start, end - start));
    }
}
