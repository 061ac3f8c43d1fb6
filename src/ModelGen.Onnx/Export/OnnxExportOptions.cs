namespace ModelGen.Onnx;

/// <summary>Settings of <see cref="OnnxExporter"/>; the defaults suit most uses.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>The options <see cref="OnnxExporter"/> uses when it is given none.</summary>
    public static OnnxExportOptions Default { get; } = new();

    /// <summary>
    /// The element type of the file's tensors (input, output, weights and constants): null, the default, writes the
    /// model's own (FLOAT for <c>Precision.Single</c>, DOUBLE for <c>Precision.Double</c>). <c>Precision.Single</c>
    /// writes a double model's weights rounded to float, for runtimes without double kernels (ONNX Runtime's CPU
    /// provider has none for Conv, AveragePool and GlobalAveragePool); its input and output are then FLOAT too.
    /// </summary>
    public Precision? Precision { get; init; }
}
