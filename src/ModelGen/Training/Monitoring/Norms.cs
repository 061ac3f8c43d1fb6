using System;
using System.Numerics;

namespace ModelGen.Training;

/// <summary>Sums of squares for the monitor: vectorized in T over chunks, the chunks added in double. Allocate nothing.</summary>
internal static class Norms
{
    /// <summary>Elements summed in T before the partial sum joins the double total (bounds the rounding of float sums).</summary>
    private const int Chunk = 1024;

    /// <summary>Σ x².</summary>
    public static double SumOfSquares<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double total = 0;
        int width = Vector<T>.Count;
        for (int start = 0; start < x.Length; start += Chunk)
        {
            ReadOnlySpan<T> chunk = x.Slice(start, Math.Min(Chunk, x.Length - start));
            var sum = Vector<T>.Zero;
            int i = 0;
            for (; i <= chunk.Length - width; i += width)
            {
                var v = new Vector<T>(chunk.Slice(i));
                sum += v * v;
            }
            T tail = T.Zero;
            for (; i < chunk.Length; i++) tail += chunk[i] * chunk[i];
            total += double.CreateTruncating(Vector.Sum(sum)) + double.CreateTruncating(tail);
        }
        return total;
    }

    /// <summary>Σ (a − b)².</summary>
    public static double SquaredDistance<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double total = 0;
        int width = Vector<T>.Count;
        for (int start = 0; start < a.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, a.Length - start);
            ReadOnlySpan<T> x = a.Slice(start, length), y = b.Slice(start, length);
            var sum = Vector<T>.Zero;
            int i = 0;
            for (; i <= length - width; i += width)
            {
                var d = new Vector<T>(x.Slice(i)) - new Vector<T>(y.Slice(i));
                sum += d * d;
            }
            T tail = T.Zero;
            for (; i < length; i++)
            {
                T d = x[i] - y[i];
                tail += d * d;
            }
            total += double.CreateTruncating(Vector.Sum(sum)) + double.CreateTruncating(tail);
        }
        return total;
    }
}
