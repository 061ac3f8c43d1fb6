using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Reflection;
using Google.Protobuf;
using ModelGen.Onnx.Export;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx;

/// <summary>
/// Writes the inference graph of a ModelGen model as an ONNX file (opset 17, IR version 8) that ONNX Runtime and other
/// ONNX tools load: the architecture from the model's generated <c>Description</c>, the weights and batch-norm running
/// statistics from the model itself, dropout removed, one input <c>input</c> of shape [batch, ...InputShape] and one
/// output <c>output</c> of shape [batch, ...OutputShape], where <c>batch</c> is a dynamic axis.
/// </summary>
/// <remarks>
/// A <c>Precision.Single</c> model is written with FLOAT tensors, a <c>Precision.Double</c> one with DOUBLE tensors
/// (its weights are not rounded), unless <see cref="OnnxExportOptions.Precision"/> says otherwise. Parameters keep ModelGen's names (<c>dense0.weight</c>, <c>batchnorm0.running_var</c>)
/// as initializer names, and nodes are named after their layer. A model export cannot express throws an
/// <see cref="OnnxExportException"/> naming the layer, before anything is written.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The name of the graph's input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph's output.</summary>
    public const string OutputName = "output";

    /// <summary>The name (<c>dim_param</c>) of the dynamic first axis of the input and the output.</summary>
    public const string BatchAxis = "batch";

    /// <summary>The default-domain operator set the file imports.</summary>
    public const long OperatorSet = OnnxVersions.ExportOpset;

    /// <summary>The ONNX IR version of the file.</summary>
    public const long IrVersion = OnnxVersions.IrVersion;

    /// <summary>Writes the model's inference graph to the file at <paramref name="path"/>, replacing it atomically.</summary>
    /// <remarks>The file is written to a temporary file in the same folder, then moved over <paramref name="path"/>: an
    /// error at any point leaves the old file (or none), never a partial one.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="OnnxExportException">The model has a layer or setting ONNX export cannot express.</exception>
    public static void Export<T>(IModel<T> model, string path, OnnxExportOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Export(model, options);
        ModelGen.IO.AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes the model's inference graph to <paramref name="stream"/> (at its position; the stream stays open).</summary>
    /// <remarks>The whole file is built in memory first: an <see cref="OnnxExportException"/> leaves the stream untouched.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="OnnxExportException">The model has a layer or setting ONNX export cannot express.</exception>
    public static void Export<T>(IModel<T> model, Stream stream, OnnxExportOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        byte[] bytes = Export(model, options);
        stream.Write(bytes);
        stream.Flush();
    }

    /// <summary>The model's inference graph as the bytes of an ONNX file.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="OnnxExportException">The model has a layer or setting ONNX export cannot express.</exception>
    public static byte[] Export<T>(IModel<T> model, OnnxExportOptions? options = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        return Build(model, options ?? OnnxExportOptions.Default).ToByteArray();
    }

    /// <summary>The ONNX model of <paramref name="model"/>'s inference graph.</summary>
    internal static ModelProto Build<T>(IModel<T> model, OnnxExportOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ModelDescription description = model.Description
            ?? throw new OnnxExportException("ONNX export: the model has no description.");
        CheckPrecision<T>(description);
        TensorProto.Types.DataType elementType = (options.Precision ?? description.Precision) switch
        {
            Precision.Single => TensorProto.Types.DataType.Float,
            Precision.Double => TensorProto.Types.DataType.Double,
            Precision other => throw new OnnxExportException($"ONNX export: OnnxExportOptions.Precision {other} is not Single or Double."),
        };

        var graph = new GraphBuilder(description.Name, elementType);
        graph.Reserve(InputName);
        graph.Reserve(OutputName);
        var weights = new ModelWeights<T>(model);

        // Every value a layer may read: the input and each layer's result, with its per-sample shape.
        var values = new Dictionary<string, (string Value, IReadOnlyList<int> Shape)>(StringComparer.Ordinal)
        {
            [InputName] = (InputName, description.InputShape),
        };
        string last = InputName;
        for (int i = 0; i < description.Layers.Count; i++)
        {
            LayerDescription layer = description.Layers[i];
            Func<LayerContext, string> emit = LayerMappings.Find(layer.Kind)
                ?? throw new OnnxExportException(layer.Name, layer.Kind,
                    $"has no ONNX mapping (export maps {string.Join(", ", LayerMappings.Kinds)}).");
            if (layer.Sources.Count == 0) throw new OnnxExportException(layer.Name, layer.Kind, "reads nothing.");
            var inputs = new List<string>();
            var shapes = new List<IReadOnlyList<int>>();
            foreach (string source in layer.Sources)
            {
                if (!values.TryGetValue(source, out var value))
                    throw new OnnxExportException(layer.Name, layer.Kind, $"reads '{source}', which is neither the input nor an earlier layer.");
                inputs.Add(value.Value);
                shapes.Add(value.Shape);
            }
            bool isLast = i == description.Layers.Count - 1;
            string output = isLast ? OutputName : graph.NewValue(layer.Name);
            last = emit(new LayerContext(graph, weights, layer, inputs, shapes, output));
            if (!values.TryAdd(layer.Name, (last, layer.OutputShape)))
                throw new OnnxExportException(layer.Name, layer.Kind, "has the name of an earlier layer (or of the input).");
        }
        if (last != OutputName)
        {
            // The last layer is the identity at inference (dropout): the output is a copy of the value it reads.
            LayerDescription final = description.Layers[description.Layers.Count - 1];
            graph.Node("Identity", final.Name, new[] { last }, OutputName, $"ModelGen layer {final.Name} ({final.Kind}), the identity at inference");
        }

        graph.Graph.Input.Add(graph.BatchedValue(InputName, description.InputShape));
        graph.Graph.Output.Add(graph.BatchedValue(OutputName, description.OutputShape));
        graph.Graph.DocString = $"{description}: the inference graph (dropout removed, batch norm with its running statistics).";

        ModelProto file = OnnxVersions.NewModel();
        file.ProducerVersion = ProducerVersion;
        file.DocString = $"Exported by ModelGen from the generated model {description.Name}.";
        file.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxVersions.ExportOpset });
        file.MetadataProps.Add(new StringStringEntryProto { Key = "modelgen.model", Value = description.Name });
        file.MetadataProps.Add(new StringStringEntryProto { Key = "modelgen.precision", Value = description.Precision.ToString() });
        file.Graph = graph.Graph;
        return file;
    }

    /// <summary>The model computes in float or double, and its description says the same.</summary>
    private static void CheckPrecision<T>(ModelDescription description)
    {
        Precision precision = typeof(T) == typeof(float) ? Precision.Single
            : typeof(T) == typeof(double) ? Precision.Double
            : throw new OnnxExportException($"ONNX export: models of {typeof(T).Name} are not supported (float and double are).");
        if (description.Precision != precision)
            throw new OnnxExportException($"ONNX export: the model computes in {typeof(T).Name}, but its description says Precision.{description.Precision}.");
    }

    /// <summary>The version of the ModelGen runtime (the file's producer_version).</summary>
    private static string ProducerVersion =>
        typeof(IModel<>).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(IModel<>).Assembly.GetName().Version?.ToString() ?? "";
}
