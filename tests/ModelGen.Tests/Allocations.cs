using System;

namespace ModelGen.Tests;

/// <summary>How tests measure that code allocates nothing once warm.</summary>
internal static class Allocations
{
    /// <summary>
    /// Bytes allocated on this thread by 10 calls of <paramref name="action"/> after 40 warm-up calls (the JIT, static
    /// initializers and the tiered JIT's promotion of hot methods past its 30-call threshold may allocate once); the
    /// least of three such rounds, since an allocation of the code under test repeats in every round while a one-off
    /// allocation of the runtime does not.
    /// </summary>
    public static long Steady(Action action)
    {
        for (int i = 0; i < 40; i++) action();
        long least = long.MaxValue;
        for (int round = 0; round < 3 && least > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
