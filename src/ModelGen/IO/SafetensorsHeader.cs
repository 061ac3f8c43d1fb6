using System;
using System.Collections.Generic;

namespace ModelGen.IO;

/// <summary>The validated header of a safetensors file: its tensors in header order and its metadata.</summary>
public sealed class SafetensorsHeader
{
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;

    internal SafetensorsHeader(IReadOnlyList<SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata,
        long headerLength, long dataLength)
    {
        Tensors = tensors;
        Metadata = metadata;
        HeaderLength = headerLength;
        DataLength = dataLength;
        _byName = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        foreach (SafetensorsTensorInfo tensor in tensors) _byName.Add(tensor.Name, tensor);
    }

    /// <summary>The tensors in the order the header lists them.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> string pairs; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The length in bytes of the JSON header (including its padding), as stored in the first 8 bytes.</summary>
    public long HeaderLength { get; }

    /// <summary>The file offset of the data section: 8 + <see cref="HeaderLength"/>.</summary>
    public long DataStart => 8 + HeaderLength;

    /// <summary>The length in bytes of the data section; the tensors' byte ranges tile it exactly.</summary>
    public long DataLength { get; }

    /// <summary>Finds a tensor by name.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="tensor">The entry, or <see langword="null"/> when the file has no such tensor.</param>
    /// <returns><see langword="true"/> when the file has the tensor.</returns>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafetensorsTensorInfo? tensor) =>
        _byName.TryGetValue(name, out tensor);
}
