using System;
using System.Runtime.CompilerServices;

namespace ModelGen.Kernels;

/// <summary>Argument checks shared by the kernels and the generated models. They allocate only when they throw.</summary>
public static class Check
{
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
    /// Number of samples in <paramref name="length"/> values of <paramref name="sampleSize"/> each; throws unless the
    /// length is a positive multiple of the sample size (and, when <paramref name="maxSamples"/> is positive, at most that many samples).
    /// </summary>
    public static int Samples(int length, int sampleSize, int maxSamples, string name)
    {
        if (length <= 0 || length % sampleSize != 0)
            throw new ArgumentException(
                $"{name} must hold n * {sampleSize} values for some n >= 1 (one sample is {sampleSize} values), but it holds {length}.",
                name);
        int n = length / sampleSize;
        if (maxSamples > 0 && n > maxSamples)
            throw new ArgumentException(
                $"{name} holds {n} samples, but a training step takes at most BatchSize = {maxSamples} ({maxSamples * sampleSize} values); split it into batches.",
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

    private static void ThrowTooShort(string name, int expected, int actual) =>
        throw new ArgumentException($"{name} must hold at least {expected} values, but it holds {actual}.", name);
}
