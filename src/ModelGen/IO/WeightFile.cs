using System;
using System.Collections.Generic;
using System.IO;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace ModelGen.IO;

/// <summary>
/// Saves and loads a model's tensors as safetensors files (dtype <c>F32</c> for <see cref="float"/>, <c>F64</c> for
/// <see cref="double"/>, <c>F16</c> for <see cref="Half"/>), readable by the Python <c>safetensors</c> package and PyTorch.
/// </summary>
public static class WeightFile
{
    /// <summary>
    /// Writes every tensor of <paramref name="tensors"/>, in that order, as a safetensors file. The header is padded with
    /// spaces so the data starts 8-byte aligned. The write is atomic: the file is written under a temporary name in the
    /// same folder and renamed over <paramref name="path"/>, so a crash or an exception (for example from
    /// <paramref name="accessor"/>) never destroys the previous file. The folder is created if needed. A write that was
    /// killed leaves its temporary file (<c>.name.&lt;32 hex digits&gt;.tmp</c> beside the target); the next write of the
    /// same target removes those last written over a minute ago that no writer holds open, and nothing else.
    /// </summary>
    /// <typeparam name="T">The element type: <see cref="float"/>, <see cref="double"/> or <see cref="Half"/>.</typeparam>
    /// <param name="path">The file to write.</param>
    /// <param name="tensors">The names and shapes of the tensors, in file order; names must be unique.</param>
    /// <param name="accessor">Returns the values of each tensor; their count must be the product of its shape.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> string pairs (written in ordinal key order).</param>
    /// <exception cref="ArgumentException">Duplicate or reserved names, negative dimensions, or an accessor returning the wrong number of values.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no safetensors dtype.</exception>
    public static void Save<T>(string path, IReadOnlyList<TensorSpec> tensors, TensorAccessor<T> accessor,
        IReadOnlyDictionary<string, string>? metadata = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(accessor);
        string dtype = SafetensorsDType.Of<T>();
        CheckSpecs(tensors);
        foreach (TensorSpec spec in tensors)
        {
            long count = ElementCount(spec.Shape);
            int length = accessor(spec.Name).Length;
            if (length != count)
                throw new ArgumentException($"The accessor returned {length} values for tensor '{spec.Name}' of shape " +
                    $"{FormatShape(spec.Shape)}, which has {count}.", nameof(accessor));
        }

        AtomicFile.Write(path, stream =>
        {
            var writer = new SafetensorsWriter(stream);
            if (metadata is not null)
            {
                foreach (KeyValuePair<string, string> pair in metadata) writer.AddMetadata(pair.Key, pair.Value);
            }
            foreach (TensorSpec spec in tensors) writer.AddTensor(spec.Name, dtype, ToLongs(spec.Shape));
            writer.WriteHeader();
            foreach (TensorSpec spec in tensors) writer.WriteTensor<T>(accessor(spec.Name));
            writer.Complete();
        });
    }

    /// <summary>
    /// Reads a safetensors file and checks everything before touching the model: the file's structure (see
    /// <see cref="SafetensorsReader"/>), that its tensor names are exactly those of <paramref name="tensors"/> (a missing
    /// or an extra tensor is an error), and each tensor's dtype and shape. Only then copies every tensor into
    /// <paramref name="accessor"/>(name). The header is read and compared with <paramref name="tensors"/> before any
    /// tensor data is read, so a large file that does not match is refused after reading its header alone. The values
    /// are copied as they are (NaN and ±∞ included). Metadata is ignored (see <see cref="ReadMetadata"/>).
    /// </summary>
    /// <typeparam name="T">The element type: <see cref="float"/> (file dtype F32), <see cref="double"/> (F64) or <see cref="Half"/> (F16).</typeparam>
    /// <param name="path">The file to read.</param>
    /// <param name="tensors">The names and shapes the model expects.</param>
    /// <param name="accessor">Returns the live values of each tensor, which receive the file's values.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid safetensors file or does not match <paramref name="tensors"/>; the message names the file
    /// and every difference (which tensor, expected against found). The model is left unchanged.
    /// </exception>
    /// <exception cref="ArgumentException">Invalid <paramref name="tensors"/>, or an accessor span whose length is not the tensor's size (model unchanged).</exception>
    public static void Load<T>(string path, IReadOnlyList<TensorSpec> tensors, TensorAccessor<T> accessor)
        where T : unmanaged, IFloatingPointIeee754<T> => LoadChecked(path, tensors, accessor, checkHeader: null, requireFinite: false);

    /// <summary>
    /// <see cref="Load{T}(string, IReadOnlyList{TensorSpec}, TensorAccessor{T})"/> with an extra check of the validated
    /// header (a checkpoint's metadata), run before anything else about the tensors, and, with
    /// <paramref name="requireFinite"/>, a check that every value is finite: whatever they throw is thrown and the model
    /// is left unchanged.
    /// </summary>
    internal static void LoadChecked<T>(string path, IReadOnlyList<TensorSpec> tensors, TensorAccessor<T> accessor,
        Action<SafetensorsHeader>? checkHeader, bool requireFinite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(accessor);
        string dtype = SafetensorsDType.Of<T>();
        CheckSpecs(tensors);
        foreach (TensorSpec spec in tensors)
        {
            long count = ElementCount(spec.Shape);
            int length = accessor(spec.Name).Length;
            if (length != count)
                throw new ArgumentException($"The accessor returned {length} values for tensor '{spec.Name}' of shape " +
                    $"{FormatShape(spec.Shape)}, which has {count}; nothing was loaded.", nameof(accessor));
        }
        SafetensorsFile file = SafetensorsReader.Read(path, header =>
        {
            checkHeader?.Invoke(header);
            CheckMatches(header, Path.GetFullPath(path), tensors, dtype);
        });
        if (requireFinite)
        {
            foreach (TensorSpec spec in tensors) CheckFinite<T>(file, spec.Name);
        }
        foreach (TensorSpec spec in tensors) file.CopyTo(spec.Name, accessor(spec.Name));
    }

    /// <summary>The <c>__metadata__</c> string pairs of a safetensors file, after validating its structure like <see cref="Load{T}"/>.</summary>
    /// <param name="path">The file to read (only its header is read).</param>
    /// <returns>The metadata; empty when the file has none.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file; the message says why.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => SafetensorsReader.ReadHeader(path).Metadata;

    private static void CheckMatches(SafetensorsHeader header, string source, IReadOnlyList<TensorSpec> tensors, string dtype)
    {
        var problems = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorSpec spec in tensors)
        {
            expected.Add(spec.Name);
            if (!header.TryGetTensor(spec.Name, out SafetensorsTensorInfo? found))
            {
                problems.Add($"missing tensor '{spec.Name}' (expected {dtype} {FormatShape(spec.Shape)})");
                continue;
            }
            if (found.DType != dtype)
                problems.Add($"tensor '{spec.Name}' has dtype {found.DType}, expected {dtype}");
            if (!SameShape(spec.Shape, found.Shape))
                problems.Add($"tensor '{spec.Name}' has shape {SafetensorsTensorInfo.FormatShape(found.Shape)}, expected {FormatShape(spec.Shape)}");
        }
        foreach (SafetensorsTensorInfo found in header.Tensors)
        {
            if (!expected.Contains(found.Name))
                problems.Add($"unexpected tensor '{found.Name}' ({found.DType} {SafetensorsTensorInfo.FormatShape(found.Shape)}) that the model does not have");
        }
        if (problems.Count > 0)
        {
            var message = new StringBuilder();
            message.Append("Weight file '").Append(source).Append("' does not match the model (nothing was loaded): ");
            message.Append(string.Join("; ", problems)).Append('.');
            throw new InvalidDataException(message.ToString());
        }
    }

    /// <summary>Throws when a value of tensor <paramref name="name"/> of <paramref name="file"/> is NaN or ±∞.</summary>
    private static void CheckFinite<T>(SafetensorsFile file, string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        file.Header.TryGetTensor(name, out SafetensorsTensorInfo? tensor);
        ReadOnlySpan<byte> bytes = file.GetBytes(tensor!);
        int index;
        T value = default;
        if (BitConverter.IsLittleEndian)
        {
            // The data need not be aligned: unaligned loads are allowed, and this only reads.
            ReadOnlySpan<T> values = MemoryMarshal.Cast<byte, T>(bytes);
            index = Kernels.NonFinite.IndexOf(values);
            if (index >= 0) value = values[index];
        }
        else
        {
            Span<T> one = stackalloc T[1];
            int size = Unsafe.SizeOf<T>();
            index = -1;
            for (int k = 0; k < bytes.Length / size && index < 0; k++)
            {
                SafetensorsFile.CopyLittleEndian(bytes.Slice(k * size, size), one);
                if (!T.IsFinite(one[0])) (index, value) = (k, one[0]);
            }
        }
        if (index >= 0)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"'{file.Source}': value {index} of tensor '{name}' is {value}, not a finite number (nothing was loaded)."));
    }

    private static void CheckSpecs(IReadOnlyList<TensorSpec> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorSpec spec in tensors)
        {
            if (spec.Name is null) throw new ArgumentException("A tensor has no name.", nameof(tensors));
            if (spec.Shape is null) throw new ArgumentException($"Tensor '{spec.Name}' has no shape.", nameof(tensors));
            if (spec.Name == SafetensorsReader.MetadataKey)
                throw new ArgumentException($"'{SafetensorsReader.MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
            if (!names.Add(spec.Name)) throw new ArgumentException($"Tensor '{spec.Name}' is listed twice.", nameof(tensors));
            foreach (int dim in spec.Shape)
            {
                if (dim < 0) throw new ArgumentException($"Tensor '{spec.Name}' has a negative dimension: {FormatShape(spec.Shape)}.", nameof(tensors));
            }
        }
    }

    private static bool SameShape(int[] expected, IReadOnlyList<long> found)
    {
        if (expected.Length != found.Count) return false;
        for (int k = 0; k < expected.Length; k++)
        {
            if (expected[k] != found[k]) return false;
        }
        return true;
    }

    private static long ElementCount(int[] shape)
    {
        long count = 1;
        foreach (int dim in shape) count = checked(count * dim);
        return count;
    }

    private static long[] ToLongs(int[] shape) => Array.ConvertAll(shape, static dim => (long)dim);

    private static string FormatShape(int[] shape) => SafetensorsTensorInfo.FormatShape(ToLongs(shape));
}
