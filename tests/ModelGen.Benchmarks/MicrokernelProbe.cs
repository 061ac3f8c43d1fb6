using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>
/// The register kernels' own ceiling: <c>--microkernel</c> runs each one over operands that stay in the L1 cache
/// (one packed panel of B, one panel of A, packed or read in place through a row stride) and prints GFLOP/s and the
/// share of the measured one-core peak, then the convolution tiles over one sample of LeNet's layers. The distance
/// between these figures and <c>--products</c> (<c>--convolutions</c>) is what blocking, packing and memory cost; the
/// distance between these and 100% is the kernel's own.
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
        float* a = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(12 * aStride + 12 * 512) * sizeof(float), 64);
        float* b = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(4 * 1024 * nr) * sizeof(float), 64);
        float* c = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(12 * 4 * nr) * sizeof(float), 64);
        for (int i = 0; i < 12 * aStride + 12 * 512; i++) a[i] = 1e-3f * (i % 97);
        for (int i = 0; i < 4 * 1024 * nr; i++) b[i] = 1e-3f * (i % 89);
        foreach (int kc in new[] { 64, 128, 256, 512, 1024 })
        {
            double tileFlops = 2.0 * 6 * nr * kc;
            Report("Tile6", kc, "packed", tileFlops, seconds, peak.OneCore, () => Kernel(a, 1, 6, b, kc, c, nr));
            if (kc <= aStride)
                Report("Tile6", kc, $"rows {aStride} apart", tileFlops, seconds, peak.OneCore, () => Kernel(a, aStride, 1, b, kc, c, nr));
            if (Vector512.IsHardwareAccelerated)
            {
                Report("Tile12", kc, "packed", 2 * tileFlops, seconds, peak.OneCore, () => Tile12(a, 0, 6 * kc, b, kc, c, nr));
                if (kc <= aStride)
                    Report("Tile12", kc, $"rows {aStride} apart", 2 * tileFlops, seconds, peak.OneCore, () => Tile12(a, aStride, 6 * aStride, b, kc, c, nr));
            }
            Report("Row4", kc, "one row", 2.0 * 4 * nr * kc, seconds, peak.OneCore, () => Row4(a, b, kc, c, nr));
            Report("Row1", kc, "one row", 2.0 * nr * kc, seconds, peak.OneCore, () => Row1(a, b, kc, c));
        }
        System.Runtime.InteropServices.NativeMemory.AlignedFree(a);
        System.Runtime.InteropServices.NativeMemory.AlignedFree(b);
        System.Runtime.InteropServices.NativeMemory.AlignedFree(c);
        Convolutions(seconds, peak.OneCore);
        return 0;
    }

    /// <summary>
    /// The convolution tiles over one sample of LeNet's layers, again and again (the sample, its weights and the
    /// output in L1 and L2), with batch norm and the ReLU in the epilogue as inference runs them: the position tiles of
    /// the second layer (16×14×14 → 32×10×10, 400 taps); the first layer's (1×28×28 padded to 32×32 → 16×28×28, 25 taps)
    /// in position tiles, which LeNet's first layer takes, stored position-major as the pooled path stores them, and in
    /// row tiles. The arithmetic counted is the tiles' own, padding lanes included.
    /// </summary>
    private static void Convolutions(double seconds, double peak)
    {
        Console.WriteLine();
        Console.WriteLine("| convolution tile | taps | operands | GFLOP/s | % of one-core peak |");
        Console.WriteLine("|---|--:|---|--:|--:|");
        var probe = new ConvolutionProbe(PackedGemm.Blocking<float>().Columns);
        double positions = Measure(probe.PositionFlops, seconds, probe.Positions, 10);
        Console.WriteLine($"| Six (6 positions × NR filters) | 400 | one 16×14×14 sample, 32 filters | {positions:0.0} | {100 * positions / peak:0}% |");
        if (Vector512.IsHardwareAccelerated)
        {
            double twelve = Measure(probe.PositionFlops, seconds, probe.PositionsTwelve, 10);
            Console.WriteLine($"| Twelve (12 positions × NR filters), then one Six | 400 | one 16×14×14 sample, 32 filters | {twelve:0.0} | {100 * twelve / peak:0}% |");
        }
        double first = Measure(probe.FirstLayerFlops, seconds, probe.FirstLayer, 10);
        Console.WriteLine($"| Six (6 positions × NR filters) | 25 | one 1×32×32 sample, 16 filters | {first:0.0} | {100 * first / peak:0}% |");
        double rows = Measure(probe.RowFlops, seconds, probe.Rows, 10);
        Console.WriteLine($"| SixFilters (6 filters × NR positions) | 25 | one 1×32×32 sample, 18 filters | {rows:0.0} | {100 * rows / peak:0}% |");
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

    // The 12-row tile exists for 512-bit vectors only (Microkernels.HasTile12).
    private static void Tile12(float* a, nint aRow, nint aHalf, float* b, int kc, float* c, int nr)
    {
        float bias = 0;
        if (aRow != 0)
            Microkernels.Tile12<float, Vector512<float>, Lanes512<float>, RowsInPlace>(ref *a, aRow, aHalf, ref *b, kc, ref *c, nr, false, Microkernels.Epilogue.None, ref bias);
        else
            Microkernels.Tile12<float, Vector512<float>, Lanes512<float>, PackedPanel>(ref *a, 0, aHalf, ref *b, kc, ref *c, nr, false, Microkernels.Epilogue.None, ref bias);
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
        double gflops = Measure(flops, seconds, run, 100);
        Console.WriteLine($"| {kernel} | {kc} | {aLayout} | {gflops:0.0} | {100 * gflops / peak:0}% |");
    }

    /// <summary>
    /// GFLOP/s of <paramref name="run"/> (<paramref name="flops"/> per call): the median of five runs of
    /// <paramref name="seconds"/>, <paramref name="batch"/> calls between reads of the clock.
    /// </summary>
    private static double Measure(double flops, double seconds, Action run, int batch)
    {
        for (int i = 0; i < 10 * batch; i++) run();
        var runs = new double[5];
        for (int r = 0; r < runs.Length; r++)
        {
            long n = 0, start = Stopwatch.GetTimestamp(), limit = (long)(seconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() - start < limit) { for (int i = 0; i < batch; i++) run(); n += batch; }
            runs[r] = flops * n / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
        }
        Array.Sort(runs);
        return runs[2];
    }

    /// <summary>The operands of <see cref="Convolutions"/> (kept for the process's life: a probe, not a product).</summary>
    private sealed class ConvolutionProbe
    {
        private readonly int _nr;
        private readonly float* _x2, _w2, _x1, _w1, _y1, _tile, _epilogue;
        private readonly int* _taps2, _taps1;
        private readonly nint* _windows;

        public ConvolutionProbe(int nr)
        {
            _nr = nr;
            _x2 = Fill(16 * 14 * 14, 97);
            _w2 = Fill(400 * 32, 89);
            _x1 = Fill(32 * 32 + 4 * nr, 83);
            _w1 = Fill(25 * 32, 79);
            _y1 = Fill(18 * 28 * 28, 3);
            _tile = Fill(12 * nr, 3);
            _epilogue = Fill(5 * 64, 71);
            _taps2 = (int*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(400 * sizeof(int), 64);
            _taps1 = (int*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(25 * sizeof(int), 64);
            _windows = (nint*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(12 * (nuint)sizeof(nint), 64);
            for (int c = 0, k = 0; c < 16; c++)
                for (int i = 0; i < 5; i++)
                    for (int j = 0; j < 5; j++, k++) _taps2[k] = c * 196 + i * 14 + j;
            for (int i = 0, k = 0; i < 5; i++)
                for (int j = 0; j < 5; j++, k++) _taps1[k] = i * 32 + j;
        }

        private static float* Fill(int count, int modulus)
        {
            float* p = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);
            for (int i = 0; i < count; i++) p[i] = 0.5f + 1e-3f * (i % modulus);
            return p;
        }

        /// <summary>Bias, batch norm (positive factors) and ReLU, as a LeNet convolution at inference.</summary>
        private TileEpilogue<float> Epilogue => new()
        {
            HasBias = true, Normalize = true, Relu = true,
            Bias = _epilogue, Mean = _epilogue + 64, InvStd = _epilogue + 128, Gamma = _epilogue + 192, Beta = _epilogue + 256,
        };

        /// <summary>17 tiles of six positions (the last moved back) by 32 filters in panels of NR, 400 taps each.</summary>
        public double PositionFlops => 2.0 * 17 * 6 * 32 * 400;

        /// <summary>28 rows by the steps of NR positions a row of 28 takes, by three groups of six filters, 25 taps each.</summary>
        public double RowFlops => 2.0 * 28 * ((28 + _nr - 1) / _nr * _nr) * 18 * 25;

        public void Positions()
        {
            if (Vector512.IsHardwareAccelerated) Positions<Vector512<float>, Lanes512<float>>();
            else if (Vector256.IsHardwareAccelerated) Positions<Vector256<float>, Lanes256<float>>();
            else Positions<Vector128<float>, Lanes128<float>>();
        }

        private void Positions<TV, S>() where TV : struct where S : struct, ILanes<TV, float>
        {
            TileEpilogue<float> epilogue = Epilogue;
            for (int q = 0; q < 32 / _nr; q++)
                for (int t = 0; t < 17; t++)
                {
                    int p0 = Math.Min(6 * t, 94);
                    for (int i = 0; i < 6; i++) _windows[i] = (p0 + i) / 10 * 14 + (p0 + i) % 10;
                    ConvolutionTile.Six<float, TV, S>(_x2, _taps2, 400, _windows, _w2 + q * 400 * _nr, _tile, _nr, epilogue, q * _nr);
                }
        }

        /// <summary>The same positions with 512-bit vectors as Twelve does them in a layer: eight tiles of twelve, then one of six (moved back).</summary>
        public void PositionsTwelve()
        {
            TileEpilogue<float> epilogue = Epilogue;
            for (int t = 0; t < 8; t++)
            {
                for (int i = 0; i < 12; i++) _windows[i] = (12 * t + i) / 10 * 14 + (12 * t + i) % 10;
                ConvolutionTile.Twelve<float, Vector512<float>, Lanes512<float>>(_x2, _taps2, 400, _windows, _w2, _tile, _nr, epilogue, 0);
            }
            for (int i = 0; i < 6; i++) _windows[i] = (94 + i) / 10 * 14 + (94 + i) % 10;
            ConvolutionTile.Six<float, Vector512<float>, Lanes512<float>>(_x2, _taps2, 400, _windows, _w2, _tile, _nr, epilogue, 0);
        }

        /// <summary>131 tiles of six positions of a 28 × 28 output (the last moved back) by 16 filters in panels of NR (the arithmetic of whole panels), 25 taps each.</summary>
        public double FirstLayerFlops => 2.0 * 131 * 6 * ((16 + _nr - 1) / _nr * _nr) * 25;

        public void FirstLayer()
        {
            if (Vector512.IsHardwareAccelerated) FirstLayer<Vector512<float>, Lanes512<float>>();
            else if (Vector256.IsHardwareAccelerated) FirstLayer<Vector256<float>, Lanes256<float>>();
            else FirstLayer<Vector128<float>, Lanes128<float>>();
        }

        private void FirstLayer<TV, S>() where TV : struct where S : struct, ILanes<TV, float>
        {
            TileEpilogue<float> epilogue = Epilogue;
            for (int q = 0; q < (16 + _nr - 1) / _nr; q++)
                for (int t = 0; t < 131; t++)
                {
                    int p0 = Math.Min(6 * t, 778);
                    for (int i = 0; i < 6; i++) _windows[i] = (p0 + i) / 28 * 32 + (p0 + i) % 28;
                    ConvolutionTile.Six<float, TV, S>(_x1, _taps1, 25, _windows, _w1 + q * 25 * _nr, _y1 + p0 * 16 + q * _nr, 16, epilogue, q * _nr);
                }
        }

        public void Rows()
        {
            if (Vector512.IsHardwareAccelerated) Rows<Vector512<float>, Lanes512<float>>();
            else if (Vector256.IsHardwareAccelerated) Rows<Vector256<float>, Lanes256<float>>();
            else Rows<Vector128<float>, Lanes128<float>>();
        }

        private void Rows<TV, S>() where TV : struct where S : struct, ILanes<TV, float>
        {
            TileEpilogue<float> epilogue = Epilogue;
            for (int oh = 0; oh < 28; oh++)
                for (int step = 0; step < 28; step += _nr)
                {
                    int ow = Math.Max(0, Math.Min(step, 28 - _nr)), count = Math.Min(_nr, 28 - ow);
                    for (int g = 0; g < 3; g++)
                        ConvolutionTile.SixFilters<float, TV, S>(_x1 + oh * 32 + ow, _taps1, 25, _w1 + g * 150, epilogue, 6 * g, 6,
                            _y1 + 6 * g * 784 + oh * 28 + ow, 784, count, _tile);
                }
        }
    }
}
