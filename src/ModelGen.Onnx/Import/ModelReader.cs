using System;
using System.IO;
using System.Linq;
using Google.Protobuf;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Import;

/// <summary>Reads an ONNX file into its protobuf messages and checks what the importer relies on.</summary>
internal static class ModelReader
{
    /// <summary>Files beyond 2 GiB keep their weights outside the protobuf (external data), which import does not read.</summary>
    private const long MaxLength = int.MaxValue;

    public static ModelProto Read(Stream stream, string source)
    {
        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            if (buffer.Length > MaxLength) throw new OnnxFormatException($"{source}: larger than 2 GiB, which an ONNX protobuf cannot be.");
            bytes = buffer.ToArray();
        }
        catch (IOException e)
        {
            throw new OnnxFormatException($"{source}: could not be read: {e.Message}", e);
        }
        return Parse(bytes, source);
    }

    public static ModelProto Parse(byte[] bytes, string source)
    {
        if (bytes.Length == 0) throw new OnnxFormatException($"{source}: the file is empty.");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"{source}: not a valid ONNX file (the protobuf is truncated or corrupt: {e.Message}).", e);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new OnnxFormatException($"{source}: not a valid ONNX file ({e.Message}).", e);
        }
        if (model.IrVersion <= 0)
            throw new OnnxFormatException($"{source}: not an ONNX model (no IR version: the file is truncated, or not ONNX).");
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new OnnxFormatException($"{source}: the ONNX model has no graph (or a graph without nodes): the file is truncated or not a model.");
        OperatorSetIdProto? opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (opset is null)
            throw new OnnxFormatException($"{source}: the model imports no default-domain operator set (opset_import is missing or truncated).");
        return model;
    }

    /// <summary>The default-domain operator set version.</summary>
    public static long Opset(ModelProto model) => model.OpsetImport.First(o => o.Domain is "" or "ai.onnx").Version;
}
