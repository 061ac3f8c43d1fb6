using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// A model written by hand: any <see cref="ModelDescription"/> (layer kinds the generator does not have, settings it
/// would refuse), named parameters, and a Predict given as a function of one sample. It lets the tests export what a
/// generated model cannot be (the error cases) and check mappings against formulas.
/// </summary>
internal sealed class StandInModel<T> : IModel<T> where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
{
    private readonly Dictionary<string, T[]> _parameters;
    private readonly Func<double[], double[]> _sample;

    public StandInModel(ModelDescription description, Dictionary<string, T[]> parameters, Func<double[], double[]>? sample = null)
    {
        Description = description;
        _parameters = parameters;
        _sample = sample ?? (_ => throw new NotSupportedException("this stand-in does not predict"));
        InputSize = description.InputShape.Aggregate(1, (a, d) => a * d);
        OutputSize = description.OutputShape.Aggregate(1, (a, d) => a * d);
    }

    public int InputSize { get; }
    public int OutputSize { get; }
    public int BatchSize => 8;
    public int ParameterCount => _parameters.Values.Sum(p => p.Length);
    public IReadOnlyList<string> ParameterNames => _parameters.Keys.ToList();
    public IReadOnlyList<string> BufferNames => Array.Empty<string>();
    public ModelDescription Description { get; }

    public void Predict(ReadOnlySpan<T> inputs, Span<T> outputs)
    {
        int n = inputs.Length / InputSize;
        for (int i = 0; i < n; i++)
        {
            double[] x = inputs.Slice(i * InputSize, InputSize).ToArray().Select(v => double.CreateTruncating(v)).ToArray();
            double[] y = _sample(x);
            for (int j = 0; j < OutputSize; j++) outputs[i * OutputSize + j] = T.CreateTruncating(y[j]);
        }
    }

    public Span<T> Parameter(string name) =>
        _parameters.TryGetValue(name, out T[]? values) ? values : throw new ArgumentException($"no parameter {name}", nameof(name));

    public Span<T> Buffer(string name) => throw new ArgumentException($"no buffer {name}", nameof(name));
    public void SaveWeights(string path) => throw new NotSupportedException();
    public void LoadWeights(string path) => throw new NotSupportedException();
    public string Summary() => Description.FormatSummary();
}

/// <summary>Descriptions for stand-in models.</summary>
internal static class StandInModel
{
    /// <summary>A model of the given input shape and layers (inference only).</summary>
    public static ModelDescription Describe(int[] inputShape, params LayerDescription[] layers) => Describe(Precision.Single, inputShape, layers);

    /// <summary>A model of the given precision, input shape and layers (inference only).</summary>
    public static ModelDescription Describe(Precision precision, int[] inputShape, params LayerDescription[] layers) =>
        new("StandIn", precision, inputShape, batchSize: 8, seed: 0, loss: null, optimizer: null, optimizerSettings: null, layers);
}
