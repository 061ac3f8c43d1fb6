using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

/// <summary>
/// The block sizes of the packed product (<see cref="PackedGemm"/>) for one vector width and element size, as data
/// (BLIS keeps them per architecture in <c>bli_cntx_init_*.c</c>; these start from its Haswell/Zen and Skylake-X
/// figures and are sized for this product's own loop order):
/// <list type="bullet">
/// <item><see cref="Rows"/> (BLIS's MR): rows of <c>C</c> in one register tile and in one panel of packed <c>A</c>: 6
/// (with 512-bit vectors, pairs of these tiles run as one of 12 rows, <see cref="Microkernels.Tile12{T, TV, S, TA}"/>).</item>
/// <item><see cref="Columns"/> (NR): columns of <c>C</c> in one register tile, two vectors; the width of a packed panel of <c>B</c>.</item>
/// <item><see cref="Height"/> (MC): rows of <c>A</c> packed at a time; an <c>MC × KC</c> block of packed <c>A</c> stays
/// in L2 while the panels of <c>B</c> pass over it.</item>
/// <item><see cref="Depth"/> (KC): products one pass of the microkernel adds; a <c>KC × NR</c> micro-panel of packed
/// <c>B</c> stays in L1 (in L2 for 512-bit vectors, and for 256-bit ones where each core has 1 MiB of L2 or more, see
/// <see cref="For(int, int, int)"/>) while every row of <c>A</c> passes
/// over it. The last pass may take up to a quarter more instead
/// of leaving a short one (<see cref="DepthAt"/>).</item>
/// <item><see cref="Width"/> (NC): columns of <c>B</c> packed at a time; a <c>KC × NC</c> block of packed <c>B</c>
/// stays in L2/L3 while the rows of <c>A</c> stream through.</item>
/// </list>
/// </summary>
internal readonly record struct GemmBlocking(int Rows, int Columns, int Height, int Depth, int Width)
{
    /// <summary>The microkernel's rows (MR) for every width: 6 rows × 2 vectors = 12 accumulators, which fit AVX2's 16 registers with the two <c>B</c> vectors and one broadcast value.</summary>
    public const int TileRows = 6;

    /// <summary>The blocking for vectors of <paramref name="vectorBytes"/> bytes holding elements of <paramref name="elementBytes"/> bytes, on this processor (<see cref="CoreCache.L2Bytes"/>).</summary>
    public static GemmBlocking For(int vectorBytes, int elementBytes) => For(vectorBytes, elementBytes, CoreCache.L2Bytes);

    /// <summary>The blocking for vectors of <paramref name="vectorBytes"/> bytes holding elements of <paramref name="elementBytes"/> bytes, on cores with <paramref name="l2Bytes"/> of L2 cache each.</summary>
    internal static GemmBlocking For(int vectorBytes, int elementBytes, int l2Bytes)
    {
        int nr = 2 * vectorBytes / elementBytes;
        // KC: the micro-panel KC·NR·size is 16 KiB and stays in L1 for 128-bit vectors, and for 256-bit ones on cores
        // with less than 1 MiB of L2 (Zen 2 and Zen 3: measured there). For 512-bit ones it is 128 KiB (KC = 1024
        // floats), read from L2: one pass over the depth of every product of the benchmark MLPs instead of three or four,
        // so each tile of C is loaded and stored once. On a Zen 5 (48 KiB L1, 1 MiB L2) that made batch-64
        // 784-1024-1024-10 1.20× faster (1.195 and 1/0.820, bench/ab.sh both ways), 784-512-512-10 1.10× and 1.16×,
        // 784-128-10 1.09× and 1.22×, the 784-1024-1024-10 step 1.04× and 1.03×, and LeNet and the 784-512-512-10 step no
        // different; 32 KiB (the L1 share this had before) and 48 KiB were no better, 16 KiB worse. For 256-bit vectors on
        // cores with 1 MiB of L2 or more it is 64 KiB (KC = 1024 floats), also from L2: on the Zen 5's AVX2 path
        // (in-process A/Bs both ways round, 2026-12-02) batch-64 784-1024-1024-10 1.041 and 1/0.966, 784-512-512-10 1.030
        // and 1/0.972, 784-128-10 1.065 and 1/0.917, the 784-1024-1024-10 step 1.008 and 1/0.971, the 784-128-10 and
        // 784-512-512-10 steps 1–3% faster, LeNet within 2% (slower by ~1%).
        // NC: a KC × NC block of B of at most 4 MiB.
        int panelBytes = vectorBytes == 64 ? 128 * 1024 : vectorBytes == 32 && l2Bytes >= 1024 * 1024 ? 64 * 1024 : 16 * 1024;
        int kc = panelBytes / (nr * elementBytes);
        kc = System.Math.Max(kc, 64);
        int nc = (4 * 1024 * 1024 / (kc * elementBytes)) / nr * nr;
        // MC: a packed MC × KC block of A of about 160 KiB, in whole tiles.
        int mc = System.Math.Max(TileRows, 160 * 1024 / (kc * elementBytes) / TileRows * TileRows);
        return new GemmBlocking(TileRows, nr, mc, kc, nc);
    }

    /// <summary>
    /// The depth of the pass that starts at <paramref name="pc"/> of <paramref name="depth"/>: <paramref name="kc"/>, or
    /// all that is left when that is at most a quarter more (784 = 256 + 256 + 272, not 256 + 256 + 256 + 16: a short
    /// last pass costs every register tile a load and a store of its part of <c>C</c> and the tile's start and end for a
    /// few multiply-adds). Every output stays one chain of fused multiply-adds in the same order, so the blocking does
    /// not change a bit.
    /// </summary>
    public static int DepthAt(int pc, int depth, int kc)
    {
        int rest = depth - pc;
        return rest <= LongestDepth(kc) ? rest : kc;
    }

    /// <summary>The deepest pass <see cref="DepthAt"/> gives for a blocking of depth <paramref name="kc"/>.</summary>
    public static int LongestDepth(int kc) => kc + kc / 4;

    /// <summary>The blocking of the vector type <typeparamref name="TV"/> of <typeparamref name="T"/>.</summary>
    public static GemmBlocking For<T, TV>() where T : unmanaged where TV : struct =>
        For(Unsafe.SizeOf<TV>(), Unsafe.SizeOf<T>());
}
