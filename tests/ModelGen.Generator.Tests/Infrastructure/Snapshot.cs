using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit.Sdk;

namespace ModelGen.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot files in Verify's naming: <c>Snapshots/&lt;TestClass&gt;.&lt;TestMethod&gt;.verified.cs</c> beside the test's
/// source file (found through [CallerFilePath]). A mismatch (or a missing verified file) writes
/// <c>*.received.cs</c> and fails with a line diff; <c>tests/accept-snapshots.sh</c> turns received files into verified
/// ones. Accepting is never automatic.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string actual, [CallerFilePath] string testFile = "", [CallerMemberName] string testName = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(testFile) ?? "", "Snapshots");
        if (!Directory.Exists(directory))
            throw new XunitException($"The snapshot folder '{directory}' does not exist. Snapshots are found next to the test's source file through [CallerFilePath], so the tests must run from the source tree they were built from (no PathMap).");

        string stem = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(testFile)}.{testName}");
        string verifiedPath = stem + ".verified.cs", receivedPath = stem + ".received.cs";
        string received = Normalize(actual);

        if (!File.Exists(verifiedPath))
        {
            File.WriteAllText(receivedPath, received, new UTF8Encoding(false));
            throw new XunitException($"No verified snapshot {verifiedPath}. Wrote {receivedPath}; read it, and if it is right, run tests/accept-snapshots.sh.");
        }

        string verified = Normalize(File.ReadAllText(verifiedPath));
        if (verified == received)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received, new UTF8Encoding(false));
        throw new XunitException(
            $"The generated code differs from {Path.GetFileName(verifiedPath)} (- verified, + received). " +
            $"Wrote {receivedPath}; if the change is intended, run tests/accept-snapshots.sh.{Environment.NewLine}" +
            LineDiff.Format(verified, received));
    }

    /// <summary>LF line endings whatever the checkout did; no BOM.</summary>
    public static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
}

/// <summary>A unified line diff (longest common subsequence), with a few lines of context around each change.</summary>
internal static class LineDiff
{
    private const int Context = 3;
    private const int MaxOutputLines = 200;

    public static string Format(string expected, string actual)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        List<(char Kind, int A, int B, string Line)> edits = Edits(a, b);

        var output = new StringBuilder();
        int written = 0, i = 0;
        while (i < edits.Count)
        {
            if (edits[i].Kind == ' ') { i++; continue; }
            int start = Math.Max(0, i - Context), end = i;
            // Extend the hunk while the next change is within 2·Context unchanged lines.
            while (true)
            {
                while (end < edits.Count && edits[end].Kind != ' ') end++;
                int next = end;
                while (next < edits.Count && edits[next].Kind == ' ') next++;
                if (next < edits.Count && next - end <= 2 * Context) { end = next; continue; }
                end = Math.Min(edits.Count, end + Context);
                break;
            }
            output.Append("@@ verified line ").Append(edits[start].A + 1).Append(", received line ").Append(edits[start].B + 1).Append(" @@\n");
            for (int k = start; k < end; k++)
            {
                if (written++ >= MaxOutputLines) return output.Append("... (diff cut)\n").ToString();
                output.Append(edits[k].Kind).Append(' ').Append(edits[k].Line).Append('\n');
            }
            i = end;
        }
        return output.ToString();
    }

    /// <summary>The edit script: ' ' keeps a line, '-' removes one of <paramref name="a"/>, '+' adds one of <paramref name="b"/>.</summary>
    private static List<(char Kind, int A, int B, string Line)> Edits(string[] a, string[] b)
    {
        // lcs[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
            for (int j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var edits = new List<(char, int, int, string)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { edits.Add((' ', x, y, a[x])); x++; y++; }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1])) { edits.Add(('-', x, y, a[x])); x++; }
            else { edits.Add(('+', x, y, b[y])); y++; }
        }
        return edits;
    }
}
