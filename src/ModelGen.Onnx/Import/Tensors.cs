using System;
using System.Buffers.Binary;
using System.Linq;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Import;

/// <summary>A constant tensor's values (as doubles: floats, doubles and integers all fit exactly enough) and dims.</summary>
internal sealed record ConstantTensor(long[] Dims, double[] Values, bool IsInteger)
{
    public long Count => Values.LongLength;

    public float[] ToSingles() => Values.Select(v => (float)v).ToArray();

    public long[] ToInt64s() => Values.Select(v => (long)v).ToArray();

    public static ConstantTensor Scalar(double value, bool integer) => new(Array.Empty<long>(), new[] { value }, integer);
}

/// <summary>Decodes <see cref="TensorProto"/> data, checking that it matches its dims.</summary>
internal static class Tensors
{
    /// <summary>No weight tensor of a model ModelGen can hold has more elements (its buffers are .NET arrays).</summary>
    private const long MaxElements = 1L << 30;

    public static ConstantTensor Decode(TensorProto tensor, string what)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
            throw new OnnxFormatException($"{what}: the tensor's data is stored outside the file (external data), which import does not read; save the model with its weights inside.");
        long count = 1;
        foreach (long d in tensor.Dims)
        {
            if (d < 0) throw new OnnxFormatException($"{what}: a negative dimension ({d}).");
            count = d == 0 ? 0 : count > MaxElements / d ? MaxElements + 1 : count * d;
            if (count > MaxElements) throw new OnnxFormatException($"{what}: more than {MaxElements} elements ({Dims(tensor)}).");
        }
        long[] dims = tensor.Dims.ToArray();
        var type = (TensorProto.Types.DataType)tensor.DataType;
        int width = type switch
        {
            TensorProto.Types.DataType.Float => 4,
            TensorProto.Types.DataType.Double => 8,
            TensorProto.Types.DataType.Int64 => 8,
            TensorProto.Types.DataType.Int32 => 4,
            TensorProto.Types.DataType.Bool or TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Int8 => 1,
            _ => throw new OnnxFormatException($"{what}: data type {type} ({tensor.DataType}) is not one import reads (float, double, int64, int32, bool, uint8, int8)."),
        };
        bool integer = type is not (TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double);
        var values = new double[count];
        if (!tensor.RawData.IsEmpty)
        {
            ReadOnlySpan<byte> raw = tensor.RawData.Span;
            if (raw.Length != count * width)
                throw new OnnxFormatException($"{what}: {raw.Length} bytes of data for {count} {type} values of shape {Dims(tensor)} ({count * width} bytes expected).");
            for (long i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> v = raw.Slice((int)(i * width), width);
                values[i] = type switch
                {
                    TensorProto.Types.DataType.Float => BinaryPrimitives.ReadSingleLittleEndian(v),
                    TensorProto.Types.DataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(v),
                    TensorProto.Types.DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(v),
                    TensorProto.Types.DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(v),
                    TensorProto.Types.DataType.Int8 => (sbyte)v[0],
                    _ => v[0],
                };
            }
            return new ConstantTensor(dims, values, integer);
        }
        int stored = type switch
        {
            TensorProto.Types.DataType.Float => tensor.FloatData.Count,
            TensorProto.Types.DataType.Double => tensor.DoubleData.Count,
            TensorProto.Types.DataType.Int64 => tensor.Int64Data.Count,
            _ => tensor.Int32Data.Count,
        };
        if (stored != count)
            throw new OnnxFormatException($"{what}: {stored} stored values for shape {Dims(tensor)} ({count} expected).");
        for (int i = 0; i < count; i++)
        {
            values[i] = type switch
            {
                TensorProto.Types.DataType.Float => tensor.FloatData[i],
                TensorProto.Types.DataType.Double => tensor.DoubleData[i],
                TensorProto.Types.DataType.Int64 => tensor.Int64Data[i],
                _ => tensor.Int32Data[i],
            };
        }
        return new ConstantTensor(dims, values, integer);
    }

    public static string Dims(TensorProto tensor) => "[" + string.Join(", ", tensor.Dims) + "]";
}
