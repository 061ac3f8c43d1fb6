using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Emitting;

// Names and live views of parameters, gradients and buffers, weight files, and the interface members.
internal sealed partial class ModelEmitter
{
    private void EmitAccessors()
    {
        var tensors = _plan.Parameters.ToList();
        string names = string.Join(", ", tensors.Select(t => String(t.Name)));

        _w.Line("/// <summary>The names of the parameter tensors, in storage order.</summary>");
        _w.Line("public static global::System.Collections.Generic.IReadOnlyList<string> ParameterNames { get; } =");
        _w.Line($"    global::System.Array.AsReadOnly(new string[] {{ {names} }});");
        _w.Line();
        var buffers = _plan.Buffers.ToList();
        if (buffers.Count == 0)
        {
            _w.Line("/// <summary>The names of the non-trainable state tensors (none in this model).</summary>");
            _w.Line("public static global::System.Collections.Generic.IReadOnlyList<string> BufferNames { get; } =");
            _w.Line("    global::System.Array.AsReadOnly(global::System.Array.Empty<string>());");
        }
        else
        {
            _w.Line("/// <summary>The names of the non-trainable state tensors (batch norm's running statistics), in storage order.</summary>");
            _w.Line("public static global::System.Collections.Generic.IReadOnlyList<string> BufferNames { get; } =");
            _w.Line($"    global::System.Array.AsReadOnly(new string[] {{ {string.Join(", ", buffers.Select(b => String(b.Name)))} }});");
        }
        _w.Line();
        if (HasDropout)
        {
            _w.Line("/// <summary>The state of the generator that draws dropout masks: save it with a checkpoint and set it back to resume with the same masks.</summary>");
            _w.Line("public ulong RandomState");
            _w.Open("");
            _w.Line("get => _dropoutRandom.State;");
            _w.Line("set => _dropoutRandom.State = value;");
            _w.Close();
            _w.Line();
        }

        _w.Line("/// <summary>The live values of a parameter tensor, such as <c>\"dense0.weight\"</c> (row-major; writes change the model).</summary>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">The model has no parameter of that name.</exception>");
        EmitNameSwitch($"public {Span}<{_t}> Parameter(string name)", tensors.Select(t => (t.Name, TensorProperty(t))), "parameter", "ParameterNames",
            HasPackedWeights ? "_weightVersion++; // the caller may write: the packed weights are stale" : null);
        _w.Line();

        if (Trainable)
        {
            EmitFlatViews();
            _w.Line("/// <summary>The gradient of a parameter tensor from the last <see cref=\"ComputeGradients\"/>.</summary>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">The model has no parameter of that name.</exception>");
            EmitNameSwitch($"public {ReadOnlySpan}<{_t}> Gradient(string name)", tensors.Select(t => (t.Name, TensorProperty(t) + "Gradient")), "parameter", "ParameterNames");
            _w.Line();
            EmitLayerOutputs();
        }

        _w.Line("/// <summary>The live values of a non-trainable state tensor, such as a batch norm's running mean.</summary>");
        if (buffers.Count == 0)
        {
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">The model has no buffer of that name (it has none at all).</exception>");
            _w.Line($"public {Span}<{_t}> Buffer(string name) => throw {Kernels}.Check.UnknownName(name, \"buffer\", BufferNames);");
        }
        else
        {
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">The model has no buffer of that name.</exception>");
            EmitNameSwitch($"public {Span}<{_t}> Buffer(string name)", buffers.Select(t => (t.Name, TensorProperty(t))), "buffer", "BufferNames");
        }
        _w.Line();

    }

    /// <summary>Parameters, Gradients and GradientObserver: the flat arrays a data-parallel trainer works on.</summary>
    private void EmitFlatViews()
    {
        _w.Line("/// <summary>Every parameter (ParameterCount values), the tensors back to back in the order of <see cref=\"ParameterNames\"/>; writes change the model.</summary>");
        _w.Open($"public {Span}<{_t}> Parameters");
        _w.Open("get");
        if (HasPackedWeights) _w.Line("_weightVersion++; // the caller may write: the packed weights are stale");
        _w.Line("return _parameters;");
        _w.Close();
        _w.Close();
        _w.Line();
        _w.Line("/// <summary>");
        _w.Line("/// Every gradient of the last <see cref=\"ComputeGradients\"/> (ParameterCount values, in the order of <see cref=\"Parameters\"/>);");
        _w.Line("/// writes change what <see cref=\"ApplyGradients\"/> applies. The array is pinned: its address never changes.");
        _w.Line("/// </summary>");
        _w.Line($"public {Span}<{_t}> Gradients => _gradients;");
        _w.Line();
        _w.Line("/// <summary>Told by ComputeGradients when gradients are final (layer by layer, last layer first), or null.</summary>");
        _w.Line("public global::ModelGen.IGradientObserver? GradientObserver { get => _gradientObserver; set => _gradientObserver = value; }");
        _w.Line();
    }

    /// <summary>
    /// A member that maps a name to a span with a switch expression, and throws Check.UnknownName (listing
    /// <paramref name="knownNames"/>) for any other name: Parameter, Gradient, Buffer, OptimizerState, WeightTensor.
    /// </summary>
    private void EmitNameSwitch(string signature, IEnumerable<(string Name, string Value)> arms, string kind, string knownNames,
        string? firstStatement = null)
    {
        if (firstStatement is null)
        {
            _w.Open($"{signature} => name switch");
        }
        else
        {
            _w.Open(signature);
            _w.Line(firstStatement);
            _w.Open("return name switch");
        }
        foreach ((string name, string value) in arms) _w.Line($"{String(name)} => {value},");
        _w.Line($"_ => throw {Kernels}.Check.UnknownName(name, {String(kind)}, {knownNames}),");
        _w.Close(";");
        if (firstStatement is not null) _w.Close();
    }

    /// <summary>SaveWeights / LoadWeights over every parameter and buffer, in the contract's names.</summary>
    private void EmitWeightFiles()
    {
        var tensors = _plan.Parameters.Concat(_plan.Buffers).ToList();
        string dtype = _double ? "F64" : "F32";
        _w.Line($"/// <summary>Saves every parameter and buffer to a safetensors file (dtype {dtype}, the names of ParameterNames and BufferNames).</summary>");
        _w.Line("/// <remarks>The file is written beside <paramref name=\"path\"/> and then renamed over it, so a crash never leaves a half-written file.</remarks>");
        OpenGuarded("public void SaveWeights(string path)");
        _w.Line($"global::ModelGen.IO.WeightFile.Save<{_t}>(path, WeightTensors, WeightTensor);");
        CloseGuarded();
        _w.Line();
        _w.Line("/// <summary>Loads every parameter and buffer from a safetensors file written by <see cref=\"SaveWeights\"/> or by PyTorch.</summary>");
        _w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">");
        _w.Line($"/// The file is malformed, or its tensor names, dtypes ({dtype}) or shapes differ from this model's; the model is left unchanged.");
        _w.Line("/// </exception>");
        OpenGuarded("public void LoadWeights(string path)");
        _w.Line($"global::ModelGen.IO.WeightFile.Load<{_t}>(path, WeightTensors, WeightTensor);");
        CloseGuarded();
        _w.Line();
        _w.Line("/// <summary>Every tensor of a weight file, with its shape.</summary>");
        _w.Open("private static readonly global::ModelGen.IO.TensorSpec[] WeightTensors =");
        foreach (TensorPlan t in tensors)
            _w.Line($"new({String(t.Name)}, new int[] {{ {string.Join(", ", t.Shape.Select(Int))} }}),");
        _w.Close(";");
        _w.Line();
        EmitNameSwitch($"private {Span}<{_t}> WeightTensor(string name)", tensors.Select(t => (t.Name, TensorProperty(t))), "tensor",
            "global::System.Array.ConvertAll(WeightTensors, t => t.Name)",
            HasPackedWeights ? "_weightVersion++; // LoadWeights writes through it: the packed weights are stale" : null);
        _w.Line();
    }

    /// <summary>Explicit implementations for the interface members that the class offers as constants or static lists.</summary>
    private void EmitInterfaceMembers()
    {
        string model = $"global::ModelGen.IModel<{_t}>";
        string list = "global::System.Collections.Generic.IReadOnlyList<string>";
        _w.Line($"// {ModelInterface}, for code that works with any model: the constants and static lists as instance members.");
        _w.Line($"int {model}.InputSize => InputSize;");
        _w.Line($"int {model}.OutputSize => OutputSize;");
        _w.Line($"int {model}.BatchSize => BatchSize;");
        _w.Line($"int {model}.ParameterCount => ParameterCount;");
        _w.Line($"{list} {model}.ParameterNames => ParameterNames;");
        _w.Line($"{list} {model}.BufferNames => BufferNames;");
        _w.Line($"global::ModelGen.ModelDescription {model}.Description => Description;");
        if (Trainable)
        {
            string trainable = $"global::ModelGen.ITrainableModel<{_t}>";
            _w.Line($"{list} {trainable}.OptimizerStateNames => OptimizerStateNames;");
            if (!HasDropout)
                _w.Line($"ulong {trainable}.RandomState {{ get => 0; set {{ }} }} // no dropout: nothing random after construction");
        }
        _w.Line();
    }
}
