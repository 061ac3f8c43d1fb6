using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Model;

namespace ModelGen.Generator.Graph;

/// <summary>
/// A model with its graph resolved and every shape inferred: what the planner and the emitter work from. Plain,
/// value-equatable data (the incremental pipeline caches it). <see cref="IsValid"/> is false when any error was
/// found, and then the model is not emitted (only a stand-in whose members throw).
/// </summary>
internal sealed record ModelPlan(ModelSpec Spec, Shape? Input, EquatableArray<LayerPlan> Layers, EquatableArray<Problem> Problems)
{
    public bool IsValid => !Spec.HasCompilerErrors && Problems.All(p => !Diagnostics.DiagnosticDescriptors.IsError(p.Id));

    public bool IsTrainable => Spec.Loss is not null && Spec.Optimizer is not null;

    /// <summary>The model's output: the last layer's.</summary>
    public Shape Output => Layers.Count > 0 ? Layers[Layers.Count - 1].Output : Input!;

    public IEnumerable<TensorPlan> Parameters =>
        Layers.SelectMany(l => new[] { l.Weight, l.Bias }).Where(t => t is not null).Select(t => t!);

    public int ParameterCount => Parameters.Sum(t => t.Length);

    /// <summary>Non-trainable state tensors (batch norm's running statistics), in their own flat array.</summary>
    public IEnumerable<TensorPlan> Buffers =>
        Layers.SelectMany(l => new[] { l.RunningMean, l.RunningVar }).Where(t => t is not null).Select(t => t!);

    public int BufferCount => Buffers.Sum(t => t.Length);

    /// <summary>"float" or "double".</summary>
    public string ScalarType => Spec.Precision == PrecisionKind.Double ? "double" : "float";

    /// <summary>The layers that read value <paramref name="source"/> (-1: the model input), in declaration order.</summary>
    public IEnumerable<LayerPlan> Readers(int source) => Layers.Where(l => l.Sources.Contains(source));
}
