using System;

namespace ModelGen.IO;

/// <summary>The element types (<c>dtype</c> strings) of the safetensors format and their sizes in bytes.</summary>
public static class SafetensorsDType
{
    /// <summary>IEEE 754 binary32, the dtype of <see cref="float"/>.</summary>
    public const string F32 = "F32";
    /// <summary>IEEE 754 binary64, the dtype of <see cref="double"/>.</summary>
    public const string F64 = "F64";
    /// <summary>IEEE 754 binary16, the dtype of <see cref="Half"/>.</summary>
    public const string F16 = "F16";
    /// <summary>bfloat16 (the upper half of a binary32).</summary>
    public const string BF16 = "BF16";
    /// <summary>8-bit float with 4 exponent and 3 mantissa bits.</summary>
    public const string F8E4M3 = "F8_E4M3";
    /// <summary>8-bit float with 5 exponent and 2 mantissa bits.</summary>
    public const string F8E5M2 = "F8_E5M2";
    /// <summary>Signed 8-bit integer.</summary>
    public const string I8 = "I8";
    /// <summary>Signed 16-bit integer.</summary>
    public const string I16 = "I16";
    /// <summary>Signed 32-bit integer.</summary>
    public const string I32 = "I32";
    /// <summary>Signed 64-bit integer.</summary>
    public const string I64 = "I64";
    /// <summary>Unsigned 8-bit integer.</summary>
    public const string U8 = "U8";
    /// <summary>Unsigned 16-bit integer.</summary>
    public const string U16 = "U16";
    /// <summary>Unsigned 32-bit integer.</summary>
    public const string U32 = "U32";
    /// <summary>Unsigned 64-bit integer.</summary>
    public const string U64 = "U64";
    /// <summary>Boolean stored as one byte (0 or 1).</summary>
    public const string Bool = "BOOL";

    /// <summary>Gets the size in bytes of one element of <paramref name="dtype"/>.</summary>
    /// <param name="dtype">A dtype string such as <c>F32</c>.</param>
    /// <param name="size">The element size in bytes, or 0 when the dtype is unknown.</param>
    /// <returns><see langword="true"/> when <paramref name="dtype"/> is a dtype of the format.</returns>
    public static bool TryGetSize(string dtype, out int size)
    {
        size = dtype switch
        {
            Bool or U8 or I8 or F8E4M3 or F8E5M2 => 1,
            U16 or I16 or F16 or BF16 => 2,
            U32 or I32 or F32 => 4,
            U64 or I64 or F64 => 8,
            _ => 0,
        };
        return size != 0;
    }

    /// <summary>The size in bytes of one element of <paramref name="dtype"/>.</summary>
    /// <param name="dtype">A dtype string such as <c>F32</c>.</param>
    /// <returns>The element size in bytes.</returns>
    /// <exception cref="ArgumentException">The dtype is not one of the format.</exception>
    public static int SizeOf(string dtype)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        return TryGetSize(dtype, out int size) ? size : throw new ArgumentException($"Unknown safetensors dtype '{dtype}'.", nameof(dtype));
    }

    /// <summary>The dtype that stores values of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="Half"/>, <see cref="bool"/> or a primitive integer type.</typeparam>
    /// <returns>The dtype string, such as <c>F32</c> for <see cref="float"/>.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no safetensors dtype.</exception>
    public static string Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return F32;
        if (typeof(T) == typeof(double)) return F64;
        if (typeof(T) == typeof(Half)) return F16;
        if (typeof(T) == typeof(sbyte)) return I8;
        if (typeof(T) == typeof(short)) return I16;
        if (typeof(T) == typeof(int)) return I32;
        if (typeof(T) == typeof(long)) return I64;
        if (typeof(T) == typeof(byte)) return U8;
        if (typeof(T) == typeof(ushort)) return U16;
        if (typeof(T) == typeof(uint)) return U32;
        if (typeof(T) == typeof(ulong)) return U64;
        if (typeof(T) == typeof(bool)) return Bool;
        throw new NotSupportedException($"The safetensors format has no dtype for {typeof(T)}.");
    }
}
