using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGen.IO;

namespace ModelGen.Onnx.Import;

/// <summary>A layer of the imported declaration.</summary>
/// <param name="Name">Its ModelGen name (<c>dense0</c>), the prefix of its weights' names.</param>
/// <param name="Declaration">The attribute as written (<c>[Dense(8, Activation.ReLU)]</c>).</param>
/// <param name="Nodes">The ONNX nodes it came from.</param>
/// <param name="Line">The 1-based line of the attribute in <see cref="ImportResult.Source"/>.</param>
/// <param name="Output">Its output shape per sample.</param>
public sealed record ImportedLayer(string Name, string Declaration, IReadOnlyList<string> Nodes, int Line, IReadOnlyList<int> Output);

/// <summary>A weight tensor under its ModelGen name (<c>conv2d0.weight</c>, <c>batchnorm0.running_var</c>).</summary>
public sealed record ImportedTensor(string Name, IReadOnlyList<int> Shape, float[] Values);

/// <summary>An imported model: the C# declaration and its weights, ready to be written.</summary>
public sealed class ImportResult
{
    internal ImportResult(string className, string? ns, string source, IReadOnlyList<ImportedLayer> layers,
        IReadOnlyList<ImportedTensor> weights, IReadOnlyList<int> input, long opset)
    {
        ClassName = className;
        Namespace = ns;
        Source = source;
        Layers = layers;
        Weights = weights;
        InputShape = input;
        Opset = opset;
    }

    /// <summary>The model class's name.</summary>
    public string ClassName { get; }

    /// <summary>Its namespace (null: the global namespace).</summary>
    public string? Namespace { get; }

    /// <summary>The content of <c>&lt;ClassName&gt;.cs</c>: the attributed partial class.</summary>
    public string Source { get; }

    /// <summary>The layers, in declaration order.</summary>
    public IReadOnlyList<ImportedLayer> Layers { get; }

    /// <summary>Every parameter and buffer, in declaration order: the content of <c>&lt;ClassName&gt;.safetensors</c>.</summary>
    public IReadOnlyList<ImportedTensor> Weights { get; }

    /// <summary>The input shape of one sample.</summary>
    public IReadOnlyList<int> InputShape { get; }

    /// <summary>The ONNX operator set of the file.</summary>
    public long Opset { get; }

    /// <summary>The file names <see cref="WriteTo"/> writes.</summary>
    public string SourceFileName => ClassName + ".cs";

    /// <inheritdoc cref="SourceFileName"/>
    public string WeightsFileName => ClassName + ".safetensors";

    /// <summary>The weights as a safetensors file (F32, ModelGen's names), as <see cref="WriteTo"/> writes them.</summary>
    public void WriteWeights(Stream destination)
    {
        var writer = new SafetensorsWriter(destination);
        foreach (ImportedTensor t in Weights) writer.AddTensor(t.Name, SafetensorsDType.F32, t.Shape.Select(d => (long)d).ToArray());
        writer.WriteHeader();
        foreach (ImportedTensor t in Weights) writer.WriteTensor<float>(t.Values);
        writer.Complete();
    }

    /// <summary>
    /// Writes <c>&lt;ClassName&gt;.cs</c> and <c>&lt;ClassName&gt;.safetensors</c> into <paramref name="directory"/> (created
    /// if missing). Each file is written beside its destination under a temporary name and then moved into place.
    /// </summary>
    /// <returns>The two paths written.</returns>
    public (string Source, string Weights) WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        string source = Path.Combine(directory, SourceFileName), weights = Path.Combine(directory, WeightsFileName);
        string sourceTemp = source + ".tmp", weightsTemp = weights + ".tmp";
        try
        {
            File.WriteAllText(sourceTemp, Source, new System.Text.UTF8Encoding(false));
            using (var stream = new FileStream(weightsTemp, FileMode.Create, FileAccess.Write, FileShare.None))
                WriteWeights(stream);
            File.Move(weightsTemp, weights, overwrite: true);
            File.Move(sourceTemp, source, overwrite: true);
        }
        finally
        {
            if (File.Exists(sourceTemp)) File.Delete(sourceTemp);
            if (File.Exists(weightsTemp)) File.Delete(weightsTemp);
        }
        return (source, weights);
    }
}
