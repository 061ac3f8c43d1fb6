using System.Runtime.InteropServices;

namespace ModelGen.Kernels;

/// <summary>
/// Each thread's native scratch buffers, one per <see cref="Slot"/>: aligned to 64 bytes, grown when a larger one is
/// needed and freed when the thread ends (their holder is finalized). Kernels get their packing buffers here, so they
/// allocate nothing managed after a thread's first call, and buffers of different slots never overlap: a kernel can
/// hold one slot's buffer while calling a kernel that uses another.
/// </summary>
internal sealed unsafe class ThreadScratch
{
    /// <summary>Who owns a buffer. A kernel uses only its own slot, and never across a call that uses the same slot.</summary>
    public enum Slot
    {
        /// <summary>The packed GEMM's per-call blocks of A and B.</summary>
        Gemm,
        /// <summary>All of a product's A packed once by the calling thread's product for the parts that split its columns.</summary>
        GemmA,
        /// <summary>A convolution's weights packed for one call, on the calling thread.</summary>
        ConvolutionWeights,
        /// <summary>A convolution's per-call tables (per-filter factors, tap offsets), on the calling thread.</summary>
        ConvolutionCall,
        /// <summary>A convolution's per-sample copies (padded input, transposed output gradient), on each thread that runs a part.</summary>
        ConvolutionPart,
        /// <summary>A convolution's output of one sample before it is pooled (on each thread that runs a part, or the caller's for a single sample).</summary>
        ConvolutionOutput,
        /// <summary>A dense layer's weights repacked from its forward panels for a deferred input gradient, on the calling thread.</summary>
        InputGradientWeights,
        /// <summary>The second block's per-call tables of a pair of convolutions on a single sample, on the calling thread.</summary>
        PairCall,
        /// <summary>The first block's output of a pair of convolutions, the rows a part reads, on each thread that runs a part.</summary>
        PairBetween,
        /// <summary>The first block's convolution output of a pair before it is pooled, on each thread that runs a part.</summary>
        PairOutput,
    }

    private const int Slots = (int)Slot.PairOutput + 1; // the last slot's number + 1

    [System.ThreadStatic] private static ThreadScratch? t_current;
    private readonly void*[] _pointers = new void*[Slots];
    private readonly nuint[] _bytes = new nuint[Slots];

    /// <summary>At least <paramref name="count"/> values of this thread's buffer for <paramref name="slot"/>; its contents are unspecified.</summary>
    public static T* For<T>(Slot slot, nint count) where T : unmanaged
    {
        nuint bytes = (nuint)count * (nuint)sizeof(T);
        ThreadScratch s = t_current ??= new ThreadScratch();
        int i = (int)slot;
        if (s._bytes[i] < bytes)
        {
            NativeMemory.AlignedFree(s._pointers[i]);
            s._pointers[i] = null;
            s._bytes[i] = 0;
            s._pointers[i] = NativeMemory.AlignedAlloc(bytes, 64);
            s._bytes[i] = bytes;
        }
        return (T*)s._pointers[i];
    }

    ~ThreadScratch()
    {
        for (int i = 0; i < Slots; i++) NativeMemory.AlignedFree(_pointers[i]);
    }
}
