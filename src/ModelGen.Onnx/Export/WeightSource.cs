using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;

namespace ModelGen.Onnx.Export;

/// <summary>The model's parameters and buffers, read by name and written into the graph as initializers.</summary>
internal interface IWeightSource
{
    /// <summary>Whether the model has a parameter (trainable tensor) of this name.</summary>
    bool HasParameter(string name);

    /// <summary>The parameter or buffer <paramref name="name"/> as an initializer of shape <paramref name="dims"/>; its name in the graph.</summary>
    string Add(GraphBuilder graph, string name, bool buffer, IReadOnlyList<long> dims);
}

/// <summary>The weights of a live model: <see cref="IModel{T}.Parameter"/> and <see cref="IModel{T}.Buffer"/>.</summary>
internal sealed class ModelWeights<T> : IWeightSource where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IModel<T> _model;
    private readonly HashSet<string> _parameters, _buffers;

    public ModelWeights(IModel<T> model)
    {
        _model = model;
        _parameters = new HashSet<string>(model.ParameterNames, StringComparer.Ordinal);
        _buffers = new HashSet<string>(model.BufferNames, StringComparer.Ordinal);
    }

    public bool HasParameter(string name) => _parameters.Contains(name);

    public string Add(GraphBuilder graph, string name, bool buffer, IReadOnlyList<long> dims)
    {
        if (!(buffer ? _buffers : _parameters).Contains(name))
            throw new OnnxExportException($"ONNX export: the model has no {(buffer ? "buffer" : "parameter")} '{name}' (its {(buffer ? "BufferNames" : "ParameterNames")}: {string.Join(", ", buffer ? _model.BufferNames : _model.ParameterNames)}).");
        ReadOnlySpan<T> values = buffer ? _model.Buffer(name) : _model.Parameter(name);
        long expected = dims.Aggregate(1L, (a, d) => a * d);
        if (values.Length != expected)
            throw new OnnxExportException($"ONNX export: '{name}' holds {values.Length} values, but its layer's description makes it [{string.Join(", ", dims)}] ({expected} values).");
        // The file's element type may differ from the model's (OnnxExportOptions.Precision): convert each value.
        if (graph.ElementType == Protocol.TensorProto.Types.DataType.Float)
        {
            if (typeof(T) == typeof(float)) return graph.Initializer(name, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values), dims);
            float[] single = new float[values.Length];
            for (int i = 0; i < single.Length; i++) single[i] = float.CreateTruncating(values[i]);
            return graph.Initializer<float>(name, single, dims);
        }
        if (typeof(T) == typeof(double)) return graph.Initializer(name, System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(values), dims);
        double[] wide = new double[values.Length];
        for (int i = 0; i < wide.Length; i++) wide[i] = double.CreateTruncating(values[i]);
        return graph.Initializer<double>(name, wide, dims);
    }
}
