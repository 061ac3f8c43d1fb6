using System;
using System.Runtime.InteropServices;

namespace ModelGen.IO;

/// <summary>A whole safetensors file in memory, validated: its header and the bytes of its tensors.</summary>
public sealed class SafetensorsFile
{
    private readonly byte[] _content;
    private readonly long _dataStart;

    /// <summary>A validated file whose data section starts at <paramref name="dataStart"/> in <paramref name="content"/>.</summary>
    internal SafetensorsFile(string source, SafetensorsHeader header, byte[] content, long dataStart)
    {
        Source = source;
        Header = header;
        _content = content;
        _dataStart = dataStart;
    }

    /// <summary>The file name (or other description of the source) that messages name.</summary>
    public string Source { get; }

    /// <summary>The validated header.</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>The raw little-endian bytes of one tensor.</summary>
    /// <param name="tensor">An entry of <see cref="Header"/>.</param>
    /// <returns>The tensor's <see cref="SafetensorsTensorInfo.ByteLength"/> bytes.</returns>
    public ReadOnlySpan<byte> GetBytes(SafetensorsTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!Header.TryGetTensor(tensor.Name, out SafetensorsTensorInfo? own) || !ReferenceEquals(own, tensor))
            throw new ArgumentException($"Tensor '{tensor.Name}' is not an entry of '{Source}'.", nameof(tensor));
        return _content.AsSpan(checked((int)(_dataStart + tensor.Begin)), checked((int)tensor.ByteLength));
    }

    /// <summary>Copies the values of the tensor <paramref name="name"/> into <paramref name="destination"/>.</summary>
    /// <typeparam name="T">The element type; its dtype (see <see cref="SafetensorsDType.Of{T}"/>) must be the tensor's.</typeparam>
    /// <param name="name">The tensor's name.</param>
    /// <param name="destination">Receives the values in row-major order; its length must be the tensor's element count.</param>
    /// <exception cref="ArgumentException">No such tensor, another dtype, or a destination of the wrong length.</exception>
    public void CopyTo<T>(string name, Span<T> destination) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Header.TryGetTensor(name, out SafetensorsTensorInfo? tensor))
            throw new ArgumentException($"'{Source}' has no tensor '{name}'.", nameof(name));
        string dtype = SafetensorsDType.Of<T>();
        if (tensor.DType != dtype)
            throw new ArgumentException($"Tensor '{name}' of '{Source}' has dtype {tensor.DType}, not {dtype} ({typeof(T).Name}).", nameof(name));
        if (destination.Length != tensor.ElementCount)
            throw new ArgumentException(
                $"Tensor '{name}' of '{Source}' has {tensor.ElementCount} values; the destination has {destination.Length}.", nameof(destination));
        CopyLittleEndian(GetBytes(tensor), destination);
    }

    /// <summary>The values of the tensor <paramref name="name"/> as a new array.</summary>
    /// <typeparam name="T">The element type; its dtype must be the tensor's.</typeparam>
    /// <param name="name">The tensor's name.</param>
    /// <returns>The values in row-major order.</returns>
    /// <exception cref="ArgumentException">No such tensor, or another dtype.</exception>
    public T[] ToArray<T>(string name) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Header.TryGetTensor(name, out SafetensorsTensorInfo? tensor))
            throw new ArgumentException($"'{Source}' has no tensor '{name}'.", nameof(name));
        var values = new T[checked((int)tensor.ElementCount)];
        CopyTo<T>(name, values);
        return values;
    }

    /// <summary>Copies little-endian element bytes into typed values (byte-swapping on big-endian machines).</summary>
    internal static void CopyLittleEndian<T>(ReadOnlySpan<byte> source, Span<T> destination) where T : unmanaged
    {
        Span<byte> target = MemoryMarshal.AsBytes(destination);
        source.CopyTo(target);
        if (!BitConverter.IsLittleEndian) SwapElements(target, source.Length / Math.Max(1, destination.Length));
    }

    /// <summary>Reverses the bytes of every <paramref name="size"/>-byte element in place.</summary>
    internal static void SwapElements(Span<byte> bytes, int size)
    {
        if (size <= 1) return;
        for (int k = 0; k + size <= bytes.Length; k += size) bytes.Slice(k, size).Reverse();
    }
}
