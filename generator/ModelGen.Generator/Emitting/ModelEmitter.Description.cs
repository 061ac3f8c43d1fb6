using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Emitting;

// The run-time description of the architecture (Description), its table (Summary) and ToString.
internal sealed partial class ModelEmitter
{
    private void EmitDescription()
    {
        _w.Line("/// <summary>The architecture as the generator planned it: shapes, parameter counts and settings of every layer.</summary>");
        _w.Line("public static global::ModelGen.ModelDescription Description { get; } = new global::ModelGen.ModelDescription(");
        _w.Indent();
        foreach (string line in DescriptionArguments(Spec, _plan.Input!, _layers)) _w.Line(line);
        _w.Outdent();
        _w.Line();
        _w.Line("/// <summary>The layers as a table (name, kind, output shape, parameter count), the totals, the loss and the optimizer, like Keras's <c>model.summary()</c>.</summary>");
        _w.Line("public string Summary() => Description.FormatSummary();");
        _w.Line();
        if (CanOverrideToString(Spec))
        {
            _w.Line("/// <summary>The class name, precision, input and output shapes and parameter count, on one line.</summary>");
            _w.Line("public override string ToString() => Description.ToString();");
            _w.Line();
        }
    }

    /// <summary>
    /// False when the class (or a base class other than object) declares ToString itself: the user's wins, and an
    /// override here would collide with it.
    /// </summary>
    internal static bool CanOverrideToString(ModelSpec spec) =>
        !spec.Type.Members.Contains("ToString") && !spec.Type.InheritedMembers.Contains("ToString");

    /// <summary>The constructor arguments of the model's <c>ModelDescription</c>, one line each, the last closing the call.</summary>
    private static IEnumerable<string> DescriptionArguments(ModelSpec spec, Shape input, IReadOnlyList<LayerPlan> layers)
    {
        string precision = spec.Precision == PrecisionKind.Double ? "Double" : "Single";
        yield return $"{String(spec.Type.Name)}, global::ModelGen.Precision.{precision}, inputShape: new int[] {{ {string.Join(", ", input.Dims.Select(Int))} }},";
        yield return $"batchSize: {Int(spec.BatchSize)}, seed: {Int(spec.Seed)},";
        bool trainable = spec.Loss is not null && spec.Optimizer is not null;
        yield return trainable
            ? $"loss: global::ModelGen.LossFunction.{spec.Loss!.Kind}, optimizer: {String(spec.Optimizer!.Kind.ToString())}, optimizerSettings: {String(OptimizerSettings(spec.Optimizer!))},"
            : "loss: null, optimizer: null, optimizerSettings: null, // inference only";
        yield return "layers: new global::ModelGen.LayerDescription[]";
        yield return "{";
        foreach (LayerPlan layer in layers)
        {
            int parameters = (layer.Weight?.Length ?? 0) + (layer.Bias?.Length ?? 0);
            int buffers = (layer.RunningMean?.Length ?? 0) + (layer.RunningVar?.Length ?? 0);
            string settings = string.Join(", ", layer.Module.Hyperparameters(layer.Spec).Select(h => $"({String(h.Name)}, {String(h.Value)})"));
            string head = $"    new({String(layer.Name)}, {String(layer.Spec.Kind.ToString())}, new string[] {{ {string.Join(", ", layer.SourceNames.Select(String))} }}, "
                + $"new int[] {{ {string.Join(", ", layer.Output.Dims.Select(Int))} }}, parameterCount: {Int(parameters)}, bufferCount: {Int(buffers)}";
            if (settings.Length == 0)
            {
                yield return head + "),";
            }
            else
            {
                yield return head + ",";
                yield return $"        {settings}),";
            }
        }
        string? lossSettings = trainable ? LossSettings.Describe(spec.Loss!) : null;
        yield return lossSettings is null ? "});" : $"}}) {{ LossSettings = {String(lossSettings)} }};";
    }
}
