using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelGen.Fuzz.Tests.Infrastructure;

/// <summary>
/// Delta debugging over lines: removes chunks of lines, then single lines, while the failure still reproduces, within
/// a budget of reruns. Line-based because every fuzzer writes one attribute, member or record per line.
/// </summary>
internal static class Minimizer
{
    public static string Lines(string text, Func<string, bool> stillFails, int budget)
    {
        List<string> lines = text.Split('\n').ToList();
        int runs = 0;
        bool Try(List<string> candidate)
        {
            if (runs >= budget) return false;
            runs++;
            return stillFails(string.Join("\n", candidate));
        }

        int chunk = Math.Max(1, lines.Count / 2);
        while (chunk >= 1 && runs < budget)
        {
            bool removed = false;
            for (int start = 0; start < lines.Count && runs < budget;)
            {
                int length = Math.Min(chunk, lines.Count - start);
                var candidate = new List<string>(lines);
                candidate.RemoveRange(start, length);
                if (candidate.Count > 0 && Try(candidate))
                {
                    lines = candidate;
                    removed = true;
                }
                else
                {
                    start += length;
                }
            }
            if (!removed) chunk /= 2;
        }
        return string.Join("\n", lines.Where((l, i) => l.Length > 0 || (i > 0 && lines[i - 1].Length > 0)));
    }
}
