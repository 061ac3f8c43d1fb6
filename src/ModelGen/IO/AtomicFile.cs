using System;
using System.IO;

namespace ModelGen.IO;

/// <summary>
/// Replaces a file atomically: the content goes to a temporary file in the same folder, which is flushed to disk and then
/// renamed over the target. A crash or an exception at any point leaves either the old file or the new one, never a
/// partial file, and the temporary file is removed when writing fails.
/// </summary>
/// <remarks>
/// The temporary file of target <c>name</c> is <c>.name.&lt;32 lowercase hex digits&gt;.tmp</c> in the target's folder.
/// A write that is killed (kill -9, power loss) cannot remove it, so every write first removes the stale temporary files
/// of its own target: files named exactly by that pattern for the same target name, last written more than
/// <see cref="StaleAfter"/> ago and not open in a writer (a writer holds its temporary file open exclusively until it
/// is complete). Other files, including the temporary files of other targets, are never touched; a temporary file
/// that cannot be removed is left as it is.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>The suffix of temporary files (for tests and clean-up tools).</summary>
    internal const string TemporarySuffix = ".tmp";

    /// <summary>How long ago a temporary file must have been written for a later write of its target to remove it.</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    /// <summary>Hex digits of the unique part of a temporary file's name (a GUID in format "N").</summary>
    private const int UniqueLength = 32;

    /// <summary>Writes the file at <paramref name="path"/> with <paramref name="write"/>, creating its folder if needed.</summary>
    internal static void Write(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' is not a file path.", nameof(path));
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0) throw new ArgumentException($"'{path}' names a folder, not a file.", nameof(path));
        Directory.CreateDirectory(directory);
        RemoveStaleTemporaries(directory, fileName);
        string temporary = Path.Combine(directory, TemporaryPrefix(fileName) + Guid.NewGuid().ToString("N") + TemporarySuffix);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // The original exception matters more than a leftover temporary file.
            }
            catch (UnauthorizedAccessException)
            {
            }
            throw;
        }
    }

    private static string TemporaryPrefix(string fileName) => "." + fileName + ".";

    /// <summary>Whether <paramref name="name"/> is exactly the name of a temporary file of target <paramref name="fileName"/>.</summary>
    internal static bool IsTemporaryOf(string name, string fileName)
    {
        string prefix = TemporaryPrefix(fileName);
        if (name.Length != prefix.Length + UniqueLength + TemporarySuffix.Length
            || !name.StartsWith(prefix, StringComparison.Ordinal)
            || !name.EndsWith(TemporarySuffix, StringComparison.Ordinal))
            return false;
        foreach (char c in name.AsSpan(prefix.Length, UniqueLength))
        {
            if (!char.IsAsciiHexDigitLower(c)) return false;
        }
        return true;
    }

    /// <summary>Removes the stale temporary files of target <paramref name="fileName"/> (best effort: never throws).</summary>
    private static void RemoveStaleTemporaries(string directory, string fileName)
    {
        var options = new EnumerationOptions
        {
            AttributesToSkip = 0, // the names start with '.': hidden files on Unix
            IgnoreInaccessible = true,
            MatchType = MatchType.Simple,
            RecurseSubdirectories = false,
        };
        try
        {
            foreach (string candidate in Directory.EnumerateFiles(directory, TemporaryPrefix(fileName) + "*" + TemporarySuffix, options))
            {
                if (!IsTemporaryOf(Path.GetFileName(candidate), fileName)) continue;
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(candidate) < StaleAfter) continue;
                try
                {
                    // An exclusive open fails while a writer still has the file open; DeleteOnClose removes it once ours closes.
                    using var stale = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
