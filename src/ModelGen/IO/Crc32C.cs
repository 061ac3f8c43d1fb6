using System;

namespace ModelGen.IO;

/// <summary>
/// CRC-32C (Castagnoli): reflected polynomial <c>0x82F63B78</c>, initial value and final XOR <c>0xFFFFFFFF</c>;
/// <c>Compute("123456789") = 0xE3069283</c>. Used by TFRecord framing, with <see cref="Mask"/>.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;
    private const uint MaskDelta = 0xA282EAD8u;
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Extends the checksum <paramref name="crc"/> of earlier bytes with <paramref name="data"/>.</summary>
    /// <param name="crc">The CRC-32C of the bytes before (0 for none).</param>
    /// <param name="data">The next bytes.</param>
    /// <returns>The CRC-32C of the concatenation.</returns>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        foreach (byte b in data) state = Table[(byte)(state ^ b)] ^ (state >> 8);
        return ~state;
    }

    /// <summary>The masked form TFRecord stores: <c>((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xA282EAD8</c>.</summary>
    /// <param name="crc">A CRC-32C.</param>
    /// <returns>The masked checksum.</returns>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    /// <summary>Inverts <see cref="Mask"/>.</summary>
    /// <param name="masked">A masked checksum.</param>
    /// <returns>The CRC-32C.</returns>
    public static uint Unmask(uint masked)
    {
        uint rotated = unchecked(masked - MaskDelta);
        return (rotated >> 17) | (rotated << 15);
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int bit = 0; bit < 8; bit++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
