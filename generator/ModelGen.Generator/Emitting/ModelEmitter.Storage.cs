using System.Collections.Generic;
using System.Linq;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Emitting;

// Constants, parameter and buffer storage, scratch, constructors, tensor views and initialization.
internal sealed partial class ModelEmitter
{
    private void EmitConstants()
    {
        _w.Line($"/// <summary>Scalars in one input sample, shape {_plan.Input}.</summary>");
        _w.Line($"public const int InputSize = {Int(InputSize)};");
        _w.Line();
        _w.Line($"/// <summary>Scalars in one output sample, shape {_plan.Output}.</summary>");
        _w.Line($"public const int OutputSize = {Int(OutputSize)};");
        _w.Line();
        _w.Line(Trainable
            ? "/// <summary>The largest batch one training step takes; Predict and Evaluate work through longer inputs in chunks of this size.</summary>"
            : "/// <summary>Predict works through its inputs in chunks of this many samples.</summary>");
        _w.Line($"public const int BatchSize = {Int(Spec.BatchSize)};");
        _w.Line();
        _w.Line("/// <summary>Trainable scalars over all parameter tensors.</summary>");
        _w.Line($"public const int ParameterCount = {Int(_plan.ParameterCount)};");
        _w.Line();
    }

    private void EmitStorage()
    {
        _w.Line($"// Parameter tensors lie back to back in one array{(Trainable ? " (their gradients likewise)" : "")}, row-major, in this order:");
        foreach (TensorPlan t in _plan.Parameters)
            _w.Line($"//   {t.Name,-24} {Shape(t.Shape),-14} at {Int(t.Offset)}");
        _w.Line($"private readonly {_t}[] _parameters = new {_t}[ParameterCount];");
        _w.Line("private global::ModelGen.ExclusiveUse _exclusiveUse; // one call at a time: a second thread calling in gets an exception");
        if (HasPackedWeights)
        {
            _w.Line("// Dense and convolution weights are also kept packed for the forward pass (PackedWeights), packed again on the");
            _w.Line("// first forward pass after the parameters change: every optimizer step, weight load and Parameter(name) call");
            _w.Line("// counts as a change.");
            _w.Line("private long _weightVersion;");
            foreach (LayerPlan layer in _layers)
                if (layer.Module.PackedWeights(layer) is var (inputs, outputs))
                {
                    if (Trainable && DeferredInputLayer == layer)
                        _w.Line($"private readonly {Kernels}.PackedWeights<{_t}> {Weighted.PackedField(layer)} = new({Int(inputs)}, {Int(outputs)}, keepPrevious: true); // {layer.Weight!.Name} packed, and as packed before (for InputGradient)");
                    else
                        _w.Line($"private readonly {Kernels}.PackedWeights<{_t}> {Weighted.PackedField(layer)} = new({Int(inputs)}, {Int(outputs)}); // {layer.Weight!.Name} packed");
                }
        }
        if (_plan.BufferCount > 0)
        {
            _w.Line("// Non-trainable state (see BufferNames), likewise in one array:");
            foreach (TensorPlan t in _plan.Buffers)
                _w.Line($"//   {t.Name,-24} {Shape(t.Shape),-14} at {Int(t.Offset)}");
            _w.Line($"private readonly {_t}[] _buffers = new {_t}[{Int(_plan.BufferCount)}];");
        }
        if (Trainable)
        {
            _w.Line("// Pinned: a data-parallel trainer's non-blocking all-reduce reads and writes it while the backward pass runs.");
            _w.Line($"private readonly {_t}[] _gradients = global::System.GC.AllocateArray<{_t}>(ParameterCount, pinned: true);");
            _w.Line("private global::ModelGen.IGradientObserver? _gradientObserver; // told when gradients are final (GradientObserver)");
            foreach (OptimizerSlot slot in OptimizerEmission.Slots(Spec.Optimizer!))
                _w.Line($"private readonly {_t}[] {slot.Field} = new {_t}[ParameterCount]; // {Spec.Optimizer!.Kind} state \"{slot.Name}\", one value per parameter");
            if (OptimizerEmission.HasMuProduct(Spec.Optimizer!))
                _w.Line($"private {_t} _muProduct = 1; // NAdam: product of the momentum coefficients μ₁…μₜ");
        }
        _w.Line();
        _w.Line("// Each layer's output for up to BatchSize samples, row-major [BatchSize x features]" + (Trainable ? ", and the loss gradient with respect to it." : "."));
        for (int i = 0; i < _layers.Count; i++)
        {
            if (!_exec.OwnsBuffer[i]) continue;
            int size = _layers[i].Output.Size;
            _w.Line($"private readonly {_t}[] {Output(i)} = new {_t}[BatchSize * {Int(size)}]; // {_layers[i].Name}: [{Int(Spec.BatchSize)} x {Int(size)}]");
            if (Trainable)
                _w.Line($"private readonly {_t}[] {OutputGradient(i)} = new {_t}[BatchSize * {Int(size)}];");
        }
        EmitScratch();
        if (Trainable)
        {
            _w.Line($"private readonly {_t}[] _inputGradient = new {_t}[BatchSize * InputSize];");
            _w.Line("private int _inputGradientSamples;");
            if (DeferredInputLayer is LayerPlan deferred)
            {
                _w.Line($"private long _inputGradientVersion; // the weight version of the last backward pass, whose packed {deferred.Weight!.Name} InputGradient reads");
                _w.Line("private long _forwardVersion; // the weight version the last forward pass in training packed");
                _w.Line("private bool _inputGradientPending; // InputGradient not computed yet for the last backward pass");
            }
            _w.Line($"private {_t} _learningRate = {Lit(Spec.Optimizer!.LearningRate)};");
            _w.Line("private long _step;");
        }
        _w.Line();
    }

    /// <summary>What layers keep between their forward and backward pass (each kind's module declares its own), and the shared convolution scratch.</summary>
    private void EmitScratch()
    {
        foreach (LayerPlan layer in _layers)
            layer.Module.DeclareScratch(Step(layer));
        // The largest scratch a backward pass needs (shape inference checked that 64 copies of it fit an array).
        int columns = (int)_layers.Select(l => l.Module.ScratchLength(l.Spec, l.Input, l.Output)).DefaultIfEmpty(0).Max();
        if (columns > 0 && Trainable)
            _w.Line($"private readonly {_t}[] _columns = new {_t}[{Int(columns)} * {Kernels}.Conv2D.ScratchCopies({Int(Spec.Threads)})]; // im2col of one sample for the largest convolution's backward pass, a copy per thread");
        if (HasDropout)
            _w.Line("private global::ModelGen.Initialization.SplitMix64 _dropoutRandom; // draws the dropout masks");
    }

    /// <summary>Whether some layer keeps its weights packed (dense and convolution layers).</summary>
    private bool HasPackedWeights => _layers.Any(l => l.Module.PackedWeights(l) is not null);

    /// <summary>Whether a layer draws random numbers in training (dropout masks): the model then keeps a generator.</summary>
    private bool HasDropout => Trainable && _layers.Any(l => l.Module.IsRandom);

    private void EmitConstructors()
    {
        string name = Identifier(Spec.Type.Name);
        _w.Line($"/// <summary>Creates the model with its weights initialized from the model's seed, {Int(Spec.Seed)}.</summary>");
        _w.Line($"public {name}() : this({Int(Spec.Seed)}) {{ }}");
        _w.Line();
        _w.Line("/// <summary>Creates the model with its weights initialized from <paramref name=\"seed\"/>.</summary>");
        _w.Line("/// <param name=\"seed\">Seed of the initializers' random streams (SplitMix64, one stream per tensor).</param>");
        _w.Open($"public {name}(int seed)");
        _w.Line("InitializeParameters(seed);");
        foreach (TensorPlan t in _plan.Buffers.Where(b => b.Init == InitKind.Ones))
            _w.Line($"{TensorProperty(t)}.Fill(1); // {t.Name} starts at 1");
        if (HasDropout)
            _w.Line("_dropoutRandom = global::ModelGen.Initialization.SplitMix64.ForStream(seed, -1); // a stream no parameter uses");
        if (Trainable)
            foreach (OptimizerSlot slot in OptimizerEmission.Slots(Spec.Optimizer!))
                if (slot.InitialValue != 0)
                    _w.Line($"global::System.Array.Fill({slot.Field}, {Lit(slot.InitialValue)}); // \"{slot.Name}\" starts at {Number(slot.InitialValue)}");
        _w.Close();
        _w.Line();
    }

    /// <summary>Private views of each tensor's slice of the flat arrays, and the Rows helper.</summary>
    private void EmitTensorProperties()
    {
        foreach (TensorPlan t in _plan.Parameters)
        {
            _w.Line($"private {Span}<{_t}> {TensorProperty(t)} => {SpanOf("_parameters", Int(t.Offset), Int(t.Length))}; // {t.Name} {Shape(t.Shape)}");
            if (Trainable)
                _w.Line($"private {Span}<{_t}> {TensorProperty(t)}Gradient => {SpanOf("_gradients", Int(t.Offset), Int(t.Length))};");
        }
        foreach (TensorPlan t in _plan.Buffers)
            _w.Line($"private {Span}<{_t}> {TensorProperty(t)} => {SpanOf("_buffers", Int(t.Offset), Int(t.Length))}; // {t.Name} {Shape(t.Shape)}");
        _w.Line();
        _w.Line("/// <summary>The first <paramref name=\"n\"/> rows of a [BatchSize x features] buffer.</summary>");
        _w.Line($"private static {Span}<{_t}> Rows({_t}[] buffer, int n, int features) => new(buffer, 0, n * features);");
        _w.Line();
    }

    private void EmitInitialization()
    {
        _w.Line("/// <summary>Draws every parameter tensor from its own SplitMix64 stream of <paramref name=\"seed\"/> (stream = position in ParameterNames).</summary>");
        _w.Open("private void InitializeParameters(int seed)");
        bool first = true;
        foreach (TensorPlan t in _plan.Parameters)
        {
            _w.Line($"// {t.Name} {Shape(t.Shape)}: {InitName(t.Init)}, fan_in {Int(t.FanIn)}, fan_out {Int(t.FanOut)}");
            string declare = first ? "global::ModelGen.Initialization.SplitMix64 " : ""; // not 'var': the model class may be named var
            first = false;
            _w.Line($"{declare}random = global::ModelGen.Initialization.SplitMix64.ForStream(seed, {Int(t.Stream)});");
            _w.Line($"global::ModelGen.Initialization.Initializers.Fill<{_t}>({TensorProperty(t)}, global::ModelGen.Init.{t.Init}, {Int(t.FanIn)}, {Int(t.FanOut)}, ref random);");
        }
        if (first) _w.Line("// (no parameters: nothing to draw from the seed)");
        _w.Close();
    }
}
