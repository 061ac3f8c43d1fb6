using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

/// <summary>
/// Argument checks shared by the kernels and the generated models. They allocate only when they throw.
/// </summary>
/// <remarks>
/// <para>The unsafe kernels trust no length they did not check: every size argument is checked for its range
/// (<see cref="ArgumentOutOfRangeException"/> naming it), and every length or size derived from several of them is
/// computed in 64-bit arithmetic with <see cref="Product(long, long)"/> (which saturates instead of wrapping around), so
/// that a product too large for an <see cref="int"/> is rejected (<see cref="ArgumentException"/> saying which size)
/// before any memory is touched, instead of wrapping around to a small number that a short span would pass.</para>
/// <para>Sizes a kernel keeps internally (one sample, a plane, packed weights, scratch) are limited to
/// <see cref="MaxSize"/>, the most values an array can hold; that leaves room to round any of them up to whole register
/// tiles (at most 64 values) in <see cref="int"/> arithmetic without overflowing.</para>
/// </remarks>
public static class Check
{
    /// <summary>
    /// The most values a size the kernels keep or allocate (one sample, a plane, packed weights, scratch) may have:
    /// <see cref="Array.MaxLength"/>.
    /// </summary>
    public static int MaxSize => Array.MaxLength;

    /// <summary>Throws unless <paramref name="span"/> holds at least <paramref name="expected"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length<T>(ReadOnlySpan<T> span, int expected, string name)
    {
        if (span.Length < expected) ThrowTooShort(name, expected, span.Length);
    }

    /// <summary>Throws unless <paramref name="span"/> holds at least <paramref name="expected"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length<T>(Span<T> span, int expected, string name)
    {
        if (span.Length < expected) ThrowTooShort(name, expected, span.Length);
    }

    /// <summary>
    /// Throws unless <paramref name="span"/> holds at least <paramref name="expected"/> values: a length computed in
    /// 64-bit arithmetic (see <see cref="Product(long, long)"/>), which no span holds when it is above
    /// <see cref="int.MaxValue"/> (the message then says the sizes are too large).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length<T>(ReadOnlySpan<T> span, long expected, string name)
    {
        if (span.Length < expected) ThrowTooShort(name, expected, span.Length);
    }

    /// <summary>
    /// Throws unless <paramref name="span"/> holds at least <paramref name="expected"/> values (see
    /// <see cref="Length{T}(ReadOnlySpan{T}, long, string)"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length<T>(Span<T> span, long expected, string name)
    {
        if (span.Length < expected) ThrowTooShort(name, expected, span.Length);
    }

    /// <summary>
    /// <c>a·b</c> for sizes <c>a, b ≥ 0</c>, computed in 64 bits and saturating at <see cref="long.MaxValue"/> instead of
    /// wrapping around, so the product of any number of <see cref="int"/> sizes compares correctly with a limit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Product(long a, long b)
    {
        if (a < 0 || b < 0) ThrowNegativeSize(a < 0 ? a : b);
        if (a == 0 || b == 0) return 0;
        return a > long.MaxValue / b ? long.MaxValue : a * b;
    }

    /// <summary><c>a·b·c</c> for sizes ≥ 0, saturating (see <see cref="Product(long, long)"/>).</summary>
    public static long Product(long a, long b, long c) => Product(Product(a, b), c);

    /// <summary><c>a·b·c·d</c> for sizes ≥ 0, saturating (see <see cref="Product(long, long)"/>).</summary>
    public static long Product(long a, long b, long c, long d) => Product(Product(a, b), Product(c, d));

    /// <summary><c>a + b</c> for sizes ≥ 0, saturating at <see cref="long.MaxValue"/>.</summary>
    public static long Sum(long a, long b)
    {
        if (a < 0 || b < 0) ThrowNegativeSize(a < 0 ? a : b);
        return a > long.MaxValue - b ? long.MaxValue : a + b;
    }

    /// <summary><paramref name="value"/> ≥ 0 rounded up to a multiple of <paramref name="multiple"/> &gt; 0, saturating.</summary>
    public static long RoundUp(long value, int multiple)
    {
        if (value < 0) ThrowNegativeSize(value);
        long blocks = value / multiple + (value % multiple == 0 ? 0 : 1);
        return Product(blocks, multiple);
    }

    /// <summary>
    /// <paramref name="size"/> as an <see cref="int"/>, or an <see cref="ArgumentException"/> for
    /// <paramref name="name"/> saying that <paramref name="what"/> (a description of the size, such as
    /// <c>"channels·height·width (one input sample)"</c>) is too large when it is above <see cref="MaxSize"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Size(long size, string what, string name)
    {
        if ((ulong)size > (ulong)Array.MaxLength) ThrowTooLarge(size, what, name);
        return (int)size;
    }

    /// <summary>
    /// Number of samples in <paramref name="length"/> values of <paramref name="sampleSize"/> each; throws unless the
    /// length is a positive multiple of the sample size (and, when <paramref name="maxSamples"/> is positive, at most that many samples).
    /// </summary>
    public static int Samples(int length, int sampleSize, int maxSamples, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleSize);
        if (length <= 0 || length % sampleSize != 0)
            throw new ArgumentException(
                $"{name} must hold n * {sampleSize} values for some n >= 1 (one sample is {sampleSize} values), but it holds {length}.",
                name);
        int n = length / sampleSize;
        if (maxSamples > 0 && n > maxSamples)
            throw new ArgumentException(
                $"{name} holds {n} samples, but a training step takes at most BatchSize = {maxSamples} ({(long)maxSamples * sampleSize} values); split it into batches.",
                name);
        return n;
    }

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static void ExactLength(int actual, int expected, string name, string what)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} must hold {expected} values ({what}), but it holds {actual}.", name);
    }

    /// <summary>Throws unless every label lies in <c>0..classes-1</c>.</summary>
    public static void Labels(ReadOnlySpan<int> labels, int classes, string name)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException(
                    $"{name}[{i}] is {labels[i]}, but class labels must lie in 0..{classes - 1} (OutputSize = {classes}).", name);
        }
    }

    /// <summary>The exception for a parameter or buffer name the model does not have.</summary>
    public static ArgumentException UnknownName(string? name, string kind, System.Collections.Generic.IReadOnlyList<string> known)
    {
        string list = known.Count == 0 ? $"this model has no {kind}s" : $"known {kind}s: {string.Join(", ", known)}";
        return new ArgumentException($"Unknown {kind} name '{name}'; {list}.", nameof(name));
    }

    private static void ThrowTooShort(string name, long expected, int actual) =>
        throw new ArgumentException(expected <= int.MaxValue
            ? $"{name} must hold at least {expected} values, but it holds {actual}."
            : $"{name} must hold at least {Count(expected)} values, more than any span can hold ({int.MaxValue}): the sizes are too large (it holds {actual}).",
            name);

    private static void ThrowTooLarge(long size, string what, string name) =>
        throw new ArgumentException(
            $"{what} is {Count(size)} values, too large: a kernel's sizes must fit an array (at most {Array.MaxLength} values).", name);

    private static void ThrowNegativeSize(long size) =>
        throw new ArgumentOutOfRangeException(nameof(size), size, "Sizes must not be negative.");

    /// <summary>A size for a message: a product that saturated is "more than" the largest 64-bit number.</summary>
    private static string Count(long size) =>
        size == long.MaxValue ? $"more than {long.MaxValue.ToString(CultureInfo.InvariantCulture)}" : size.ToString(CultureInfo.InvariantCulture);
}
