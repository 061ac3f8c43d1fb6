using System;

namespace ModelGen.Onnx;

/// <summary>
/// A model that ONNX export cannot express: the message names the layer (when one is at fault) and says why. Nothing
/// is written when export throws it.
/// </summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>An export error about the model as a whole.</summary>
    public OnnxExportException(string message) : base(message) { }

    /// <summary>An export error about the model as a whole, caused by <paramref name="inner"/>.</summary>
    public OnnxExportException(string message, Exception inner) : base(message, inner) { }

    /// <summary>An export error about one layer: the message starts with the layer's name and kind.</summary>
    public OnnxExportException(string layerName, string layerKind, string reason)
        : base($"ONNX export: layer '{layerName}' ({layerKind}) {reason}")
    {
        LayerName = layerName;
        LayerKind = layerKind;
    }

    /// <summary>The name of the layer at fault (<c>dense0</c>), or null when the error concerns the whole model.</summary>
    public string? LayerName { get; }

    /// <summary>The kind of the layer at fault (<c>Dense</c>), or null when the error concerns the whole model.</summary>
    public string? LayerKind { get; }
}
