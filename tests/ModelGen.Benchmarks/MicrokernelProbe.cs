using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The register kernels' own ceiling: <c>--microkernel</c> runs each one over operands that stay in the L1 cache
/// (one packed panel of B, one panel of A, packed or read in place through a row stride) and prints GFLOP/s and the
/// share of the measured one-core peak. The distance between these figures and <c>--products</c> is what blocking,
/// packing and memory cost; the distance between these and 100% is the kernel's own.
/// </summary>
public static unsafe class MicrokernelProbe
{
    public static int Run(string[] args)
    {
        double seconds = double.Parse(Compare.Option(args, "--seconds") ?? "0.3", CultureInfo.InvariantCulture);
        var peak = PeakProbe.Measure();
        Console.WriteLine(Compare.MachineLine());
        Console.WriteLine($"Peak float32 measured: {peak.OneCore:0} GFLOP/s on one core. Kernels at the width the products use ({peak.Vector}) on " +
                          $"L1-resident operands, one thread, median of 5 runs of {seconds} s.");
        Console.WriteLine();
        Console.WriteLine("| kernel | kc | A | GFLOP/s | % of one-core peak |");
        Console.WriteLine("|---|--:|---|--:|--:|");
        int nr = PackedGemm.Blocking<float>().Columns;
        const int aStride = 784;
        float* a = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(6 * aStride + 6 * 512) * sizeof(float), 64);
        float* b = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(4 * 512 * nr) * sizeof(float), 64);
        float* c = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(6 * 4 * nr) * sizeof(float), 64);
        for (int i = 0; i < 6 * aStride + 6 * 512; i++) a[i] = 1e-3f * (i % 97);
        for (int i = 0; i < 4 * 512 * nr; i++) b[i] = 1e-3f * (i % 89);
        foreach (int kc in new[] { 64, 128, 256, 512 })
        {
            double tileFlops = 2.0 * 6 * nr * kc;
            Report("Tile6", kc, "packed", tileFlops, seconds, peak.OneCore, () => Kernel(a, 1, 6, b, kc, c, nr));
            if (kc <= aStride)
                Report("Tile6", kc, $"rows {aStride} apart", tileFlops, seconds, peak.OneCore, () => Kernel(a, aStride, 1, b, kc, c, nr));
            Report("Row4", kc, "one row", 2.0 * 4 * nr * kc, seconds, peak.OneCore, () => Row4(a, b, kc, c, nr));
            Report("Row1", kc, "one row", 2.0 * nr * kc, seconds, peak.OneCore, () => Row1(a, b, kc, c));
        }
        System.Runtime.InteropServices.NativeMemory.AlignedFree(a);
        System.Runtime.InteropServices.NativeMemory.AlignedFree(b);
        System.Runtime.InteropServices.NativeMemory.AlignedFree(c);
        return 0;
    }

    // Each kernel at the processor's widest accelerated width, as PackedGemm picks it (nr above is that width's).
    private static void Kernel(float* a, nint aRow, nint aCol, float* b, int kc, float* c, int nr)
    {
        if (Vector512.IsHardwareAccelerated) Tile<Vector512<float>, Lanes512<float>>(a, aRow, aCol, b, kc, c, nr);
        else if (Vector256.IsHardwareAccelerated) Tile<Vector256<float>, Lanes256<float>>(a, aRow, aCol, b, kc, c, nr);
        else Tile<Vector128<float>, Lanes128<float>>(a, aRow, aCol, b, kc, c, nr);
    }

    private static void Tile<TV, S>(float* a, nint aRow, nint aCol, float* b, int kc, float* c, int nr)
        where TV : struct where S : struct, ILanes<TV, float>
    {
        float bias = 0;
        if (aCol == 1)
            Microkernels.Tile6<float, TV, S, RowsInPlace>(ref *a, aRow, ref *b, kc, ref *c, nr, false, Microkernels.Epilogue.None, ref bias);
        else
            Microkernels.Tile6<float, TV, S, PackedPanel>(ref *a, 0, ref *b, kc, ref *c, nr, false, Microkernels.Epilogue.None, ref bias);
    }

    private static void Row4(float* a, float* b, int kc, float* c, int nr)
    {
        if (Vector512.IsHardwareAccelerated) Row4<Vector512<float>, Lanes512<float>>(a, b, kc, c, nr);
        else if (Vector256.IsHardwareAccelerated) Row4<Vector256<float>, Lanes256<float>>(a, b, kc, c, nr);
        else Row4<Vector128<float>, Lanes128<float>>(a, b, kc, c, nr);
    }

    private static void Row4<TV, S>(float* a, float* b, int kc, float* c, int nr) where TV : struct where S : struct, ILanes<TV, float>
    {
        float bias = 0;
        Microkernels.Row4<float, TV, S>(ref *a, 1, ref *b, (nint)kc * nr, kc, ref *c, false, Microkernels.Epilogue.None, ref bias);
    }

    private static void Row1(float* a, float* b, int kc, float* c)
    {
        if (Vector512.IsHardwareAccelerated) Row1<Vector512<float>, Lanes512<float>>(a, b, kc, c);
        else if (Vector256.IsHardwareAccelerated) Row1<Vector256<float>, Lanes256<float>>(a, b, kc, c);
        else Row1<Vector128<float>, Lanes128<float>>(a, b, kc, c);
    }

    private static void Row1<TV, S>(float* a, float* b, int kc, float* c) where TV : struct where S : struct, ILanes<TV, float>
    {
        float bias = 0;
        Microkernels.Row1<float, TV, S>(ref *a, 1, ref *b, kc, ref *c, false, Microkernels.Epilogue.None, ref bias);
    }

    private static void Report(string kernel, int kc, string aLayout, double flops, double seconds, double peak, Action run)
    {
        for (int i = 0; i < 1000; i++) run();
        var runs = new double[5];
        for (int r = 0; r < runs.Length; r++)
        {
            long n = 0, start = Stopwatch.GetTimestamp(), limit = (long)(seconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() - start < limit) { for (int i = 0; i < 100; i++) run(); n += 100; }
            runs[r] = flops * n / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
        }
        Array.Sort(runs);
        Console.WriteLine($"| {kernel} | {kc} | {aLayout} | {runs[2]:0.0} | {100 * runs[2] / peak:0}% |");
    }
}
