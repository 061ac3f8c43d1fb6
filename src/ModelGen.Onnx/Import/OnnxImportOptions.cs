namespace ModelGen.Onnx.Import;

/// <summary>What to call the imported model, and how to declare it.</summary>
public sealed class OnnxImportOptions
{
    /// <summary>The model class's name (a C# identifier); the files are <c>&lt;ClassName&gt;.cs</c> and <c>.safetensors</c>.</summary>
    public string ClassName { get; set; } = "ImportedModel";

    /// <summary>The namespace of the class; null or empty: the global namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary><c>[Model(BatchSize)]</c>: the largest training batch, and <c>Predict</c>'s chunk size.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>The file name the generated comments name as the source (by default the file's name, or "model.onnx").</summary>
    public string? SourceName { get; set; }
}
