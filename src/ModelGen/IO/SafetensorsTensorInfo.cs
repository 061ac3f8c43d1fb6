using System;
using System.Collections.Generic;
using System.Globalization;

namespace ModelGen.IO;

/// <summary>One entry of a safetensors header: a tensor's name, dtype, shape and the byte range of its data.</summary>
public sealed class SafetensorsTensorInfo
{
    /// <summary>Creates an entry.</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="dtype">The tensor's dtype, such as <c>F32</c>.</param>
    /// <param name="shape">The tensor's dimensions, outermost first.</param>
    /// <param name="begin">Offset of the first byte of the tensor's data, counted from the start of the data section.</param>
    /// <param name="end">Offset just past the tensor's last byte.</param>
    public SafetensorsTensorInfo(string name, string dtype, IReadOnlyList<long> shape, long begin, long end)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dtype);
        ArgumentNullException.ThrowIfNull(shape);
        Name = name;
        DType = dtype;
        Shape = shape;
        Begin = begin;
        End = end;
    }

    /// <summary>The tensor's name.</summary>
    public string Name { get; }

    /// <summary>The tensor's dtype, such as <c>F32</c>.</summary>
    public string DType { get; }

    /// <summary>The tensor's dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Offset of the tensor's first byte in the data section (<c>data_offsets[0]</c>).</summary>
    public long Begin { get; }

    /// <summary>Offset just past the tensor's last byte in the data section (<c>data_offsets[1]</c>).</summary>
    public long End { get; }

    /// <summary>The number of data bytes, <c>End − Begin</c>.</summary>
    public long ByteLength => End - Begin;

    /// <summary>The number of elements, the product of the shape (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long dim in Shape) count = checked(count * dim);
            return count;
        }
    }

    /// <summary>Formats a shape as <c>[2, 3]</c> for messages.</summary>
    /// <param name="shape">The dimensions.</param>
    /// <returns>The bracketed, comma-separated dimensions.</returns>
    public static string FormatShape(IEnumerable<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var parts = new List<string>();
        foreach (long dim in shape) parts.Add(dim.ToString(CultureInfo.InvariantCulture));
        return "[" + string.Join(", ", parts) + "]";
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {DType} {FormatShape(Shape)} bytes [{Begin.ToString(CultureInfo.InvariantCulture)}, {End.ToString(CultureInfo.InvariantCulture)})";
}
