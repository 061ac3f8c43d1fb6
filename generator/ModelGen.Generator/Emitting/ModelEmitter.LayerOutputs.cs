using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Graph;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Emitting;

// LayerOutput(name): each layer's output from the last training forward pass, read by the runtime's training monitor
// (dead ReLU units). Every layer that owns its arrays keeps its output until the next forward pass (the backward pass
// only reads it), so this is a view, no copy.
internal sealed partial class ModelEmitter
{
    private void EmitLayerOutputs()
    {
        // A view (Flatten) shares the arrays of the value it reads; a view of the model input has none to show.
        var arms = new List<(string Name, string Value)>();
        for (int i = 0; i < _layers.Count; i++)
        {
            string buffer = Output(i);
            if (buffer == "inputs") continue;
            arms.Add((_layers[i].Name, SpanOf(buffer, "0", $"_inputGradientSamples * {Int(_layers[i].Output.Size)}")));
        }
        string known = "new string[] { " + string.Join(", ", arms.Select(a => String(a.Name))) + " }";
        _w.Line("/// <summary>");
        _w.Line("/// A layer's output (after its activation) from the last <see cref=\"ComputeGradients\"/>: n · features values for its n");
        _w.Line("/// samples (empty before the first call). Predict and Evaluate reuse the same arrays: read it right after the call.");
        _w.Line("/// </summary>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">The model has no layer of that name.</exception>");
        _w.Open($"public {ReadOnlySpan}<{_t}> LayerOutput(string name) => name switch");
        foreach ((string name, string value) in arms) _w.Line($"{String(name)} => {value},");
        _w.Line($"_ => throw {Kernels}.Check.UnknownName(name, \"layer\", {known}),");
        _w.Close(";");
        _w.Line();
    }
}
