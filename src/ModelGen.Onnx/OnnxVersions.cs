using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx;

/// <summary>The ONNX versions ModelGen writes and reads.</summary>
internal static class OnnxVersions
{
    /// <summary>IR version 8: the version of ONNX 1.10–1.12, which ONNX Runtime and PyTorch 1.13 read and write.</summary>
    public const long IrVersion = 8;

    /// <summary>The default-domain operator set that export writes.</summary>
    public const long ExportOpset = 17;

    /// <summary>The lowest default-domain operator set import accepts (what torch.onnx.export writes by default: 14).</summary>
    public const long MinimumImportOpset = 13;

    /// <summary>An empty model of the current IR version (a place to start a graph).</summary>
    public static ModelProto NewModel() => new() { IrVersion = IrVersion, ProducerName = "ModelGen" };
}
