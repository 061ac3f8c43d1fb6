using System;
using System.IO;

namespace ModelGen.Onnx.Export;

/// <summary>
/// Replaces a file atomically (the runtime's IO.AtomicFile does the same for weight files, but is internal to it):
/// the bytes go to a temporary file <c>.name.&lt;guid&gt;.tmp</c> in the target's folder, flushed to disk, then moved
/// over the target. An error leaves the old file (or none) and removes the temporary file.
/// </summary>
internal static class FileReplacement
{
    public static void Write(string path, byte[] bytes)
    {
        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0) throw new ArgumentException($"'{path}' names a folder, not a file.", nameof(path));
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' is not a file path.", nameof(path));
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, "." + fileName + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                stream.Write(bytes);
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
