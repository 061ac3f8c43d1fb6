using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace ModelGen.Benchmarks;

/// <summary>
/// The machine's float32 peak as this runtime can reach it: twelve independent chains of fused multiply-adds on the
/// widest accelerated vectors (no loads, no stores), on one thread, then on one thread per processor at once.
/// The table's "% of peak" divides by the all-processor figure.
/// </summary>
public static class PeakProbe
{
    private const long Iterations = 20_000_000;

    /// <summary>GFLOP/s on one core and on all of them (best of three runs each).</summary>
    public static (double OneCore, double AllCores, string Vector) Measure()
    {
        string vector = Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256";
        double flopsPerCall = Iterations * 12.0 * 2 * (Vector512.IsHardwareAccelerated ? 16 : 8);
        double one = 0, all = 0;
        for (int round = 0; round < 3; round++)
        {
            long start = Stopwatch.GetTimestamp();
            Chains();
            one = Math.Max(one, flopsPerCall / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);

            int processors = Environment.ProcessorCount;
            var threads = new Thread[processors];
            using var go = new ManualResetEventSlim();
            for (int t = 0; t < processors; t++) { threads[t] = new Thread(() => { go.Wait(); Chains(); }); threads[t].Start(); }
            start = Stopwatch.GetTimestamp();
            go.Set();
            foreach (var thread in threads) thread.Join();
            all = Math.Max(all, processors * flopsPerCall / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }
        return (one, all, vector);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Chains()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> m = Vector512.Create(0.9999f), c = Vector512.Create(1e-4f);
            Vector512<float> a0 = Vector512<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
            for (long i = 0; i < Iterations; i++)
            {
                a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c); a2 = Vector512.FusedMultiplyAdd(a2, m, c);
                a3 = Vector512.FusedMultiplyAdd(a3, m, c); a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
                a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c); a8 = Vector512.FusedMultiplyAdd(a8, m, c);
                a9 = Vector512.FusedMultiplyAdd(a9, m, c); a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
            }
            return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
        }
        else
        {
            Vector256<float> m = Vector256.Create(0.9999f), c = Vector256.Create(1e-4f);
            Vector256<float> a0 = Vector256<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
            for (long i = 0; i < Iterations; i++)
            {
                a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c); a2 = Vector256.FusedMultiplyAdd(a2, m, c);
                a3 = Vector256.FusedMultiplyAdd(a3, m, c); a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
                a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c); a8 = Vector256.FusedMultiplyAdd(a8, m, c);
                a9 = Vector256.FusedMultiplyAdd(a9, m, c); a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
            }
            return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
        }
    }
}
