using System;
using System.Runtime.Intrinsics;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// The packed product computes every element as one chain of fused multiply-adds in depth order, so on every vector
/// width (AVX-512, AVX2, 128-bit: the wider ones emulated where the processor lacks them), for every blocking, tail and
/// operand layout, it must give exactly the bits of a plain scalar loop.
/// </summary>
public unsafe class PackedGemmTests
{
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 1, 1, 1 }, { 1, 300, 70 }, { 3, 17, 33 }, { 4, 8, 16 }, { 5, 9, 31 }, { 6, 16, 32 }, { 7, 259, 48 },
        { 13, 64, 100 }, { 12, 520, 17 }, { 25, 5, 129 }, { 170, 40, 20 },
        { 9, 784, 20 }, // three passes at KC = 256 (256-bit vectors, L2 under 1 MiB), the last one longer (256 + 256 + 272); two at KC = 512 (128-bit)
        { 7, 2500, 33 }, // three passes at KC = 1024 (512-bit vectors): 1024 + 1024 + 452
    };

    [Theory]
    [InlineData(64, 4, 512 * 1024, 1024)] // 512-bit: a 128 KiB micro-panel of B, from L2
    [InlineData(64, 8, 2048 * 1024, 1024)]
    [InlineData(32, 4, 512 * 1024, 256)] // 256-bit, Zen 2 and Zen 3's L2: 16 KiB, in L1
    [InlineData(32, 4, 1024 * 1024, 1024)] // 256-bit, 1 MiB of L2 or more: 64 KiB, from L2
    [InlineData(32, 8, 1280 * 1024, 1024)]
    [InlineData(16, 4, 2048 * 1024, 512)] // 128-bit: 16 KiB
    public void The_blocking_sizes_its_blocks_to_the_caches(int vectorBytes, int elementBytes, int l2Bytes, int depth)
    {
        GemmBlocking g = GemmBlocking.For(vectorBytes, elementBytes, l2Bytes);
        Assert.Equal(2 * vectorBytes / elementBytes, g.Columns);
        Assert.Equal(depth, g.Depth);
        // A's block about 160 KiB in whole tiles of six rows; B's block at most 4 MiB in whole panels.
        Assert.Equal(0, g.Height % GemmBlocking.TileRows);
        Assert.InRange((long)g.Height * g.Depth * elementBytes, 160 * 1024 - GemmBlocking.TileRows * g.Depth * elementBytes, 160 * 1024);
        Assert.Equal(0, g.Width % g.Columns);
        Assert.InRange((long)g.Width * g.Depth * elementBytes, 4 * 1024 * 1024 - g.Columns * g.Depth * elementBytes, 4 * 1024 * 1024);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_width_and_layout_gives_the_bits_of_a_scalar_fma_loop(int m, int k, int n)
    {
        float[] a = TestData.Floats(m * k, seed: m + 1), b = TestData.Floats(k * n, seed: k + 2), bias = TestData.Floats(n, seed: 3);
        float[] c0 = TestData.Floats(m * n, seed: 4);
        foreach (bool transposedA in new[] { false, true })
        foreach (bool transposedB in new[] { false, true })
        foreach (bool accumulate in new[] { false, true })
        foreach (bool relu in new[] { false, true })
        {
            // A(i, p) and B(p, j) in either layout; the same values.
            float A(int i, int p) => a[i * k + p];
            float B(int p, int j) => b[p * n + j];
            float[] aStore = new float[m * k], bStore = new float[k * n];
            for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) aStore[transposedA ? p * m + i : i * k + p] = A(i, p);
            for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) bStore[transposedB ? j * k + p : p * n + j] = B(p, j);

            float[] expected = new float[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float sum = accumulate ? c0[i * n + j] : 0f;
                    for (int p = 0; p < k; p++) sum = MathF.FusedMultiplyAdd(A(i, p), B(p, j), sum);
                    sum += bias[j];
                    expected[i * n + j] = relu && sum < 0 ? 0 : sum;
                }

            fixed (float* pa = aStore, pb = bStore, pbias = bias)
            {
                for (int width = 0; width < 3; width++)
                {
                    float[] c = (float[])c0.Clone();
                    fixed (float* pc = c)
                    {
                        var product = new PackedGemm.Product<float>
                        {
                            A = pa, ARow = transposedA ? 1 : k, ACol = transposedA ? m : 1,
                            B = pb, BRow = transposedB ? 1 : n, BCol = transposedB ? k : 1,
                            C = pc, CRow = n, Bias = pbias, M = m, N = n, K = k, Accumulate = accumulate, Relu = relu,
                        };
                        if (width == 0) PackedGemm.RunAtWidth<float, Vector512<float>, Lanes512<float>>(product);
                        else if (width == 1) PackedGemm.RunAtWidth<float, Vector256<float>, Lanes256<float>>(product);
                        else PackedGemm.RunAtWidth<float, Vector128<float>, Lanes128<float>>(product);
                    }
                    Assert.True(expected.AsSpan().SequenceEqual(c),
                        $"width {512 >> width} bits, A {(transposedA ? "transposed" : "row-major")}, B {(transposedB ? "transposed" : "row-major")}, accumulate {accumulate}, relu {relu}");
                }
            }
        }
    }

    /// <summary>
    /// B packed once (weights): rows split or not, A packed per block or read in place (fewer than 96 rows), every row
    /// count around the tiles of six, partial panels, on one thread and on all.
    /// </summary>
    [Theory]
    [InlineData(1, 40, 50)]
    [InlineData(5, 300, 33)]
    [InlineData(6, 16, 32)]
    [InlineData(7, 259, 48)]
    [InlineData(13, 64, 100)]
    [InlineData(64, 300, 70)]
    [InlineData(95, 33, 17)]
    [InlineData(96, 70, 40)]
    [InlineData(130, 20, 35)]
    [InlineData(64, 784, 40)] // A in place over three passes, the last one longer
    [InlineData(100, 800, 24)] // A packed, three passes, the last one longer
    [InlineData(64, 2100, 40)] // A in place over two passes at KC = 1024 (512-bit), the last one longer
    [InlineData(130, 2100, 24)] // A packed, two passes at KC = 1024
    [InlineData(30, 100, 64)] // A in place: two 12-row tiles (512-bit) and a 6-row one, whole panels
    [InlineData(64, 1024, 64)] // rows 4 KiB apart, so A packed: per block on one thread, once for all threads on more; 12-row tiles
    [InlineData(100, 1024, 70)] // A packed per block (36, 36, 28 rows at KC = 1024): 12-row tiles, a 4-row tail, a partial panel
    [InlineData(10, 300, 64)] // A in place: a 6-row tile and a 4-row one, whole panels
    [InlineData(9, 300, 40)] // A in place: the last 3 rows as the end of a 4-row tile, a partial panel
    [InlineData(11, 70, 48)] // A in place: the last 5 rows as the end of a 6-row tile
    [InlineData(63, 1024, 40)] // A packed: 5 × 12 rows, then 3 in a 4-row tile
    [InlineData(64, 4096, 40)] // A packed, over passes of depth 1024: 4-row tiles that load and store C
    public void Products_with_b_packed_once_give_the_bits_of_a_scalar_fma_loop(int m, int k, int n)
    {
        float[] a = TestData.Floats(m * k, seed: m + 11), b = TestData.Floats(k * n, seed: k + 12), bias = TestData.Floats(n, seed: 13);
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++) sum = MathF.FusedMultiplyAdd(a[i * k + p], b[p * n + j], sum);
                sum += bias[j];
                expected[i * n + j] = sum < 0 ? 0 : sum;
            }
        float[] packed = new float[PackedGemm.PackedLength<float>(k, n)];
        foreach (int threads in new[] { 1, 0 })
        {
            float[] c = new float[m * n];
            fixed (float* pa = a, pb = b, pbias = bias, pp = packed, pc = c)
            {
                PackedGemm.PackB(pb, n, 1, k, n, pp);
                var product = new PackedGemm.Product<float>
                {
                    A = pa, ARow = k, ACol = 1, PackedB = pp, C = pc, CRow = n, Bias = pbias, M = m, N = n, K = k, Relu = true,
                };
                PackedGemm.Run(ref product, threads);
            }
            Assert.True(expected.AsSpan().SequenceEqual(c), $"threads {threads}");
        }
    }

    [Theory]
    [InlineData(false, 500)] // rows of B contiguous
    [InlineData(true, 497)] // B transposed (weights read as Wᵀ), a partial last panel
    public void Packing_b_on_all_threads_writes_what_one_thread_writes(bool transposed, int cols)
    {
        const int depth = 300;
        float[] b = TestData.Floats(depth * cols, seed: 21);
        (nint bRow, nint bCol) = transposed ? (1, depth) : (cols, 1);
        int length = PackedGemm.PackedLength<float>(depth, cols);
        float[] one = new float[length], all = new float[length];
        all.AsSpan().Fill(float.NaN);
        fixed (float* pb = b, p1 = one, pAll = all)
        {
            PackedGemm.PackB(pb, bRow, bCol, depth, cols, p1, threads: 1);
            PackedGemm.PackB(pb, bRow, bCol, depth, cols, pAll, threads: 0);
        }
        Assert.True(one.AsSpan().SequenceEqual(all));
        Assert.Contains(one, v => v != 0); // the values, not only the padding
    }

    [Theory]
    [InlineData(false, 301, 37)] // rows of B contiguous; a partial last panel
    [InlineData(false, 64, 1024)] // rows 4 KiB apart, whole panels
    [InlineData(true, 301, 37)] // B transposed
    public void Packed_b_holds_each_value_at_its_place_and_zeros_past_the_last_column(bool transposed, int depth, int cols)
    {
        float[] b = TestData.Floats(depth * cols, seed: 22);
        (nint bRow, nint bCol) = transposed ? (1, depth) : (cols, 1);
        int nr = PackedGemm.Blocking<float>().Columns, length = PackedGemm.PackedLength<float>(depth, cols);
        float[] packed = new float[length];
        packed.AsSpan().Fill(float.NaN);
        fixed (float* pb = b, pp = packed) PackedGemm.PackB(pb, bRow, bCol, depth, cols, pp, threads: 1);
        for (int g = 0; g * nr < cols; g++)
            for (int p = 0; p < depth; p++)
                for (int j = 0; j < nr; j++)
                {
                    int col = g * nr + j;
                    float expected = col < cols ? b[p * bRow + col * bCol] : 0f;
                    float actual = packed[((nint)g * depth + p) * nr + j];
                    if (!expected.Equals(actual))
                        Assert.Fail($"panel {g}, depth {p}, lane {j}: {actual}, expected {expected}");
                }
    }

    [Fact]
    public void Double_products_give_the_bits_of_a_scalar_fma_loop()
    {
        const int m = 26, k = 300, n = 21; // 512-bit: two 12-row tiles and a 2-row tail, a whole panel of 16 and a partial one
        double[] a = new double[m * k], b = new double[k * n], c = new double[m * n];
        var rng = new Random(5);
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() - 0.5;
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        fixed (double* pa = a, pb = b, pc = c)
        {
            var product = new PackedGemm.Product<double> { A = pa, ARow = k, ACol = 1, B = pb, BRow = n, BCol = 1, C = pc, CRow = n, M = m, N = n, K = k };
            PackedGemm.Run(ref product, threads: 0);
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++) sum = Math.FusedMultiplyAdd(a[i * k + p], b[p * n + j], sum);
                Assert.Equal(sum, c[i * n + j]);
            }
    }
}
