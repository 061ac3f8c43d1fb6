using System;

namespace ModelGen.CodeFixes.Declarations;

/// <summary>Levenshtein distance (insertions, deletions and substitutions of one character each cost 1).</summary>
internal static class EditDistance
{
    /// <summary>The distance between <paramref name="a"/> and <paramref name="b"/>, ignoring case.</summary>
    public static int IgnoringCase(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        // One row of the dynamic-programming table at a time: previous[j] is the distance between a[..i-1] and b[..j].
        int[] previous = new int[b.Length + 1], current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
