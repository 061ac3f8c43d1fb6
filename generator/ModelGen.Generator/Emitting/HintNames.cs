using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ModelGen.Generator.Emitting;

/// <summary>
/// The generated files' names. Roslyn compares hint names without regard to case (and allows only some characters), so
/// two models whose full names differ only in case (<c>Net</c> and <c>NET</c>, namespaces <c>A</c> and <c>a</c>) would
/// collide, and a collision fails the whole generator run. A name is the model's full name (<c>Demo.Outer.Xor</c>) with
/// any character but letters, digits, '.' and '_' as '_'; names that would still collide get a hash of the exact
/// metadata name (<c>Demo.Outer+Xor</c>) appended, distinct for namespace A.B's class M and class A's nested B's M.
/// </summary>
internal static class HintNames
{
    /// <summary>The readable part: <c>Demo.Outer.Xor</c>, characters other than letters, digits, '.' and '_' replaced.</summary>
    public static string Readable(string fullName)
    {
        var text = new StringBuilder(fullName.Length);
        foreach (char c in fullName)
            text.Append(c < 128 && (char.IsLetterOrDigit(c) || c is '.' or '_') ? c : '_');
        return text.ToString();
    }

    /// <summary>
    /// A hint name for every model of the compilation, unique whatever the case, in the order given: the readable full
    /// name, and where two would collide, a hash of the metadata name (unique in a compilation) after it.
    /// </summary>
    public static IReadOnlyList<string> Assign(IReadOnlyList<(string FullName, string MetadataName)> models)
    {
        string[] readable = models.Select(m => Readable(m.FullName)).ToArray();
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in readable) counts[name] = counts.TryGetValue(name, out int n) ? n + 1 : 1;
        return models.Select((m, i) => counts[readable[i]] == 1
            ? readable[i] + ".g.cs"
            : readable[i] + "." + Hash(m.MetadataName).ToString("x8", CultureInfo.InvariantCulture) + ".g.cs").ToArray();
    }

    /// <summary>FNV-1a of the exact name's UTF-16 code units: stable across runs and machines.</summary>
    private static uint Hash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ (byte)c) * 16777619;
            hash = (hash ^ (byte)(c >> 8)) * 16777619;
        }
        return hash;
    }
}
