namespace ModelGen.Tool;

/// <summary>The exit codes of <c>modelgen</c>.</summary>
public static class ExitCodes
{
    /// <summary>The files were written.</summary>
    public const int Success = 0;

    /// <summary>The model cannot be imported: unsupported operators or layouts, or generator errors (nothing written).</summary>
    public const int ImportErrors = 1;

    /// <summary>The command line is wrong (unknown command or option, missing file argument, bad class name).</summary>
    public const int Usage = 2;

    /// <summary>A file could not be read or written, or the ONNX file is corrupt or truncated (nothing written).</summary>
    public const int FileError = 3;
}
