using System;
using System.IO;

namespace ModelGen.IO;

/// <summary>
/// Replaces a file atomically: the content goes to a temporary file in the same folder, which is flushed to disk and then
/// renamed over the target. A crash or an exception at any point leaves either the old file or the new one, never a
/// partial file, and the temporary file is removed when writing fails.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The suffix of temporary files (for tests and clean-up tools).</summary>
    internal const string TemporarySuffix = ".tmp";

    /// <summary>Writes the file at <paramref name="path"/> with <paramref name="write"/>, creating its folder if needed.</summary>
    internal static void Write(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' is not a file path.", nameof(path));
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0) throw new ArgumentException($"'{path}' names a folder, not a file.", nameof(path));
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, "." + fileName + "." + Guid.NewGuid().ToString("N") + TemporarySuffix);
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
}
