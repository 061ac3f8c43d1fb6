using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ModelGen.Generator.Layers;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Diagnostics.Problems;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Graph;

/// <summary>
/// Pure functions from a <see cref="ModelSpec"/> to a <see cref="ModelPlan"/>: names resolved into the values each
/// layer reads, the shape after every layer, the parameter tensors with their offsets and fans, and every problem of
/// the declaration (names that do not resolve, shapes that do not fit, hyperparameters out of range, known training
/// mistakes). Each layer kind's own rules come from its <see cref="LayerModule"/>. No Roslyn inside, so it is testable
/// on plain data.
/// </summary>
internal static class ShapeInference
{
    /// <summary>What <c>From</c> and merges call the model's input.</summary>
    public const string InputName = "input";

    /// <summary>Largest buffer (BatchSize × features) the generated code may allocate.</summary>
    private const long MaxBufferLength = int.MaxValue / 2;

    /// <summary>Most elements one .NET array holds (Array.MaxLength): the bound on ParameterCount.</summary>
    private const long MaxArrayLength = Sizes.MaxArrayLength;

    /// <summary>Most copies of a per-thread scratch array a model may keep (one per thread, at most 64 threads).</summary>
    private const long MaxScratchCopies = 64;

    /// <summary>Most threads a model may ask for (the runtime's own limit).</summary>
    private const int MaxThreads = 64;

    public static ModelPlan Plan(ModelSpec spec)
    {
        var problems = new List<Problem>(spec.Problems);
        string model = spec.Type.Name;

        if (spec.BatchSize < 1)
            problems.Add(OutOfRange(spec.ModelOrdinal, "Model.BatchSize", spec.BatchSize, "at least 1"));
        if (spec.Threads < 0 || spec.Threads > MaxThreads)
            problems.Add(OutOfRange(spec.ModelOrdinal, "Model.Threads", spec.Threads, "between 0 (the process-wide limit) and 64"));
        if (!Enum.IsDefined(typeof(PrecisionKind), spec.Precision))
            problems.Add(OutOfRange(spec.ModelOrdinal, "Model.Precision", (int)spec.Precision, "Precision.Single or Precision.Double"));

        Shape? input = InputShape(spec, problems);

        if (spec.Layers.Count == 0)
            problems.Add(Problem.Create(D.NoLayersId, spec.ModelOrdinal, model));

        var layers = new List<LayerPlan>();
        if (input is not null)
            InferLayers(spec, input, layers, problems);

        var generated = new HashSet<string>(GeneratedNames.All(layers), StringComparer.Ordinal);
        if (generated.Contains(model))
            problems.Add(Problem.Create(D.UnsupportedTypeId, spec.ModelOrdinal, model,
                $"'{model}' is also the name of a member ModelGen generates into the class; rename the class (or the layer it comes from)"));
        foreach (string member in spec.Type.Members.Where(generated.Contains))
            problems.Add(Problem.Create(D.UnsupportedTypeId, spec.ModelOrdinal, model,
                $"it declares '{member}', a name ModelGen generates into the class; rename that member"));
        foreach (string contract in spec.Type.Interfaces.Where(i => !Implemented(spec).Contains(i)))
            problems.Add(Problem.Create(D.UnsupportedTypeId, spec.ModelOrdinal, model,
                $"it declares {contract}, but the generated model implements {string.Join(", ", Implemented(spec))}; remove it or match the model's precision and loss"));
        foreach (string member in spec.Type.InheritedMembers.Where(generated.Contains))
            problems.Add(Problem.Create(D.UnsupportedTypeId, spec.ModelOrdinal, model,
                $"it inherits '{member}', a name ModelGen generates into the class, which would hide it; rename the base class's member"));

        bool shapesKnown = input is not null && layers.Count == spec.Layers.Count && spec.Layers.Count > 0;
        TrainingChecks.Check(spec, shapesKnown ? layers : null, problems);
        SinglePrecisionChecks.Check(spec, problems);
        // Pitfalls of an optimizer whose hyperparameters are all in range (a value out of range is only its MG0006).
        if (spec.Optimizer is { } optimizer && !problems.Any(p => p.Ordinal == optimizer.Ordinal && D.IsError(p.Id)))
            OptimizerPitfalls.Check(optimizer, problems);
        if (shapesKnown)
        {
            CheckUnreadOutputs(layers, problems);
            Pitfalls.Check(spec, layers, problems);
        }

        return new ModelPlan(spec, input, layers.ToEquatableArray(), problems.ToEquatableArray());
    }

    /// <summary>The runtime interfaces the generated class implements (with their bases), as <c>IModel&lt;float&gt;</c>.</summary>
    private static string[] Implemented(ModelSpec spec)
    {
        string t = spec.Precision == PrecisionKind.Double ? "double" : "float";
        if (spec.Loss is null || spec.Optimizer is null) return new[] { $"IModel<{t}>" };
        string specific = LossSettings.TakesLabels(spec.Loss.Kind) ? "IClassifier" : "ITargetModel";
        return new[] { $"{specific}<{t}>", $"ITrainableModel<{t}>", $"IModel<{t}>" };
    }

    private static Shape? InputShape(ModelSpec spec, List<Problem> problems)
    {
        if (spec.Input is null)
        {
            problems.Add(Problem.Create(D.MissingInputId, spec.ModelOrdinal, spec.Type.Name));
            return null;
        }
        int[] dims = spec.Input.Shape.ToArray();
        string text = "[" + string.Join(", ", dims.Select(Format)) + "]";
        if (dims.Length != 1 && dims.Length != 3)
            problems.Add(Problem.Create(D.InvalidInputShapeId, spec.Input.Ordinal, text,
                $"a sample must be a vector [features] or an image [channels, height, width], but this has rank {dims.Length}"));
        else if (dims.Any(d => d < 1))
            problems.Add(Problem.Create(D.InvalidInputShapeId, spec.Input.Ordinal, text, "every dimension must be at least 1"));
        else if (Sizes.Product(Sizes.Product(dims.Select(d => (long)d)), Math.Max(1, spec.BatchSize)) > MaxBufferLength)
            problems.Add(Problem.Create(D.InvalidInputShapeId, spec.Input.Ordinal, text, "a batch of such samples does not fit in one array"));
        else
            return new Shape(dims);
        return null;
    }

    /// <summary>The layers' names: the Name given, or the kind and an index per kind (<c>dense0</c>), in declaration order.</summary>
    private static string[] Names(ModelSpec spec)
    {
        var counters = new Dictionary<LayerKind, int>();
        return spec.Layers.Select(layer =>
        {
            counters.TryGetValue(layer.Kind, out int index);
            counters[layer.Kind] = index + 1;
            return layer.Name ?? LayerModules.Of(layer.Kind).NamePrefix + index.ToString(CultureInfo.InvariantCulture);
        }).ToArray();
    }

    /// <summary>
    /// Walks the layers in order. A layer that cannot be planned (a name that does not resolve, operands it cannot take,
    /// hyperparameters that leave its output unknown) does not stop the walk: every later layer still has its name and
    /// hyperparameters checked, and its shapes too when the values it reads are known, so that every independent mistake
    /// is reported at once. A layer reading an unknown value is not shape-checked (its error would only repeat the first
    /// one) and its own output is unknown. <paramref name="layers"/> receives the layers planned before the first failure.
    /// </summary>
    private static void InferLayers(ModelSpec spec, Shape input, List<LayerPlan> layers, List<Problem> problems)
    {
        string[] names = Names(spec);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var tensors = new TensorAllocator(); // its offset stays below MaxArrayLength: checked before each layer's tensors are added
        var outputs = new Shape?[spec.Layers.Count]; // null: the layer could not be planned, or read a value that could not
        bool complete = true; // every layer so far was planned

        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            LayerModule module = LayerModules.Of(layer.Kind);
            string name = names[i];
            if (layer.Name is not null && !IsValidName(layer.Name))
                problems.Add(Problem.Create(D.InvalidLayerNameId, layer.Ordinal, layer.Name,
                    "must start with a letter and hold only letters, digits and underscores"));
            else if (string.Equals(name, InputName, StringComparison.OrdinalIgnoreCase))
                problems.Add(Problem.Create(D.InvalidLayerNameId, layer.Ordinal, name, $"is reserved: From = \"{InputName}\" reads the model's input"));
            else if (!seen.Add(name))
                problems.Add(Problem.Create(D.InvalidLayerNameId, layer.Ordinal, name, "is already the name of another layer (names ignore case)"));

            module.CheckHyperparameters(layer, problems);

            LayerPlan? plan = PlanLayer(spec, input, layer, i, names, outputs, tensors, problems);
            outputs[i] = plan?.Output;
            complete &= plan is not null;
            if (complete) layers.Add(plan!);
        }
    }

    /// <summary>
    /// Layer <paramref name="i"/> with its shapes and tensors, or null when it cannot be planned: after reporting why,
    /// or silently when a value it reads is unknown (an earlier layer's failure, already reported).
    /// </summary>
    private static LayerPlan? PlanLayer(ModelSpec spec, Shape input, LayerSpec layer, int i, string[] names, Shape?[] outputs,
        TensorAllocator tensors, List<Problem> problems)
    {
        LayerModule module = LayerModules.Of(layer.Kind);
        string name = names[i];
        string label = $"{module.Label} '{name}'";
        if (Resolve(layer, i, names, label, problems) is not { } sources) return null;
        if (sources.Any(s => s >= 0 && outputs[s] is null)) return null;
        Shape[] shapes = sources.Select(s => s < 0 ? input : outputs[s]!).ToArray();
        string[] sourceNames = sources.Select(s => s < 0 ? InputName : names[s]).ToArray();

        Shape? output = module.OutputShape(layer, label, shapes, sourceNames, problems);
        if (output is null) return null;
        if (output.Dims.Any(d => d < 1) || Sizes.Product(output.LongSize, Math.Max(1, spec.BatchSize)) > MaxBufferLength)
        {
            problems.Add(ShapeMismatch(layer, label, shapes[0], $"its output {output} times BatchSize does not fit in one array"));
            return null;
        }
        long parameters = module.ParameterCount(layer, shapes[0]);
        if (Sizes.Sum(new[] { tensors.ParameterOffset, parameters }) > MaxArrayLength)
        {
            problems.Add(ShapeMismatch(layer, label, shapes[0],
                $"its {parameters} parameters bring the model to {tensors.ParameterOffset + parameters}, more than one array holds"));
            return null;
        }

        long scratch = module.ScratchLength(layer, shapes[0], output);
        if (spec.Loss is not null && spec.Optimizer is not null && Sizes.Product(scratch, MaxScratchCopies) > MaxArrayLength)
        {
            problems.Add(ShapeMismatch(layer, label, shapes[0],
                $"its backward pass needs a scratch array of {scratch} values per thread, more than one array holds for {MaxScratchCopies} threads"));
            return null;
        }

        tensors.Layer = name;
        var plan = new LayerPlan(layer, i, name, sources.ToEquatableArray(), shapes.ToEquatableArray(), output)
        {
            SourceNames = sourceNames.ToEquatableArray(),
        };
        return module.WithTensors(plan, tensors);
    }

    /// <summary>
    /// The values layer <paramref name="index"/> reads: From's (or the previous layer's), then a merge's named operands;
    /// null after reporting a name that is not an earlier layer or the input.
    /// </summary>
    private static int[]? Resolve(LayerSpec layer, int index, string[] names, string label, List<Problem> problems)
    {
        var wanted = new List<string?> { layer.From };
        if (LayerModules.Of(layer.Kind).IsMerge) wanted.AddRange(layer.Operands);
        var sources = new List<int>();
        bool failed = false;
        foreach (string? name in wanted)
        {
            if (name is null) { sources.Add(index - 1); continue; } // the previous layer (-1: the input)
            if (name == InputName) { sources.Add(-1); continue; }
            if (string.Equals(name, InputName, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(Problem.Create(D.UnknownLayerReferenceId, layer.Ordinal, label, name,
                    $"which is not a layer's name (the model's input is \"{InputName}\", in lower case)", string.Join(", ", new[] { InputName }.Concat(names.Take(index)))));
                failed = true;
                continue;
            }
            int found = Array.IndexOf(names, name);
            if (found >= 0 && found < index) { sources.Add(found); continue; }
            int later = Array.FindIndex(names, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            string why = found == index ? "which is this layer itself"
                : found > index ? "which is declared after it (a layer reads only layers written before it)"
                : later >= 0 && later < index ? $"which is not a layer's name (names are case-sensitive here: did you mean '{names[later]}'?)"
                : name.Length == 0 ? "an empty name, which no layer has" : "which is not the name of any layer";
            string known = string.Join(", ", new[] { InputName }.Concat(names.Take(index)));
            problems.Add(Problem.Create(D.UnknownLayerReferenceId, layer.Ordinal, label, name, why, known));
            failed = true;
        }
        return failed ? null : sources.ToArray();
    }

    /// <summary>
    /// MG1006: a layer the model's output does not depend on: nothing reads its output, or only layers that are
    /// themselves unread (the whole dead branch is reported, not only its end).
    /// </summary>
    private static void CheckUnreadOutputs(IReadOnlyList<LayerPlan> layers, List<Problem> problems)
    {
        bool[] live = Liveness(layers);
        for (int i = 0; i < layers.Count; i++)
            if (!live[i])
                problems.Add(Problem.Create(D.UnreadOutputId, layers[i].Spec.Ordinal, layers[i].Label, layers[i].Name));
    }

    /// <summary>Per layer, whether the model's output depends on it: the last layer, and every layer a live layer reads.</summary>
    public static bool[] Liveness(IReadOnlyList<LayerPlan> layers)
    {
        var live = new bool[layers.Count];
        if (layers.Count > 0) live[layers.Count - 1] = true;
        for (int i = layers.Count - 1; i >= 0; i--)
            if (live[i])
                foreach (int source in layers[i].Sources)
                    if (source >= 0) live[source] = true;
        return live;
    }

    private static bool IsValidName(string name) =>
        name.Length > 0 && char.IsLetter(name[0]) && name.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '_'));
}
