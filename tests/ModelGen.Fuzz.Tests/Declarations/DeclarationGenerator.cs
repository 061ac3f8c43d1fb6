using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ModelGen.Fuzz.Tests.Infrastructure;

namespace ModelGen.Fuzz.Tests.Declarations;

/// <summary>
/// Random model declarations from a seed, one attribute or member per line (so that a failing case can be minimized by
/// removing lines). The mix: shape-aware stacks of every layer kind (mostly legal, so the generated code is compiled and
/// checked, with extreme values sprinkled in), wild stacks of any attribute with any value, stacks built to overflow
/// sizes, class-level oddities (case clashes, nesting, user members named like generated ones, odd base classes and
/// names), C# errors inside attributes, and truncated or garbled versions of valid sources.
/// </summary>
internal static class DeclarationGenerator
{
    public static readonly string[] Modes = { "shaped", "wild", "overflow", "class", "attribute-error", "mangled" };

    public static (string Mode, string Source) Generate(ulong seed)
    {
        var r = new Rng(seed);
        int mode = r.Weighted(40, 12, 12, 14, 10, 12);
        string source = mode switch
        {
            0 => Shaped(r, big: false).Source(),
            1 => Wild(r),
            2 => Shaped(r, big: true).Source(),
            3 => ClassOddity(r),
            4 => AttributeError(r),
            _ => Mangle(r, Shaped(r, big: r.Chance(0.2)).Source()),
        };
        return (Modes[mode], source);
    }

    // ------------------------------------------------------------------------------------------ values

    private static readonly int[] ExtremeInts =
    {
        0, -1, 1, 2, 3, int.MaxValue, int.MinValue, int.MaxValue - 1, 65536, 65535, 46340, 46341, 1 << 20, 1 << 24, 1 << 30,
        100_000, 1_000_000, 4096, 32768, -2, 7, 64, 65,
    };

    private static readonly string[] ExtremeDoubles =
    {
        "0", "-0.0", "1", "0.5", "0.9", "0.999999", "1.0000001", "1e-45", "1e-46", "1e-300", "4.9E-324", "1e39", "-1e39",
        "3.4028235E+38", "3.4028236E+38", "1e308", "1.7976931348623157E+308", "-1", "double.NaN", "double.PositiveInfinity",
        "double.NegativeInfinity", "double.Epsilon", "2", "1e-8", "100", "0.1", "float.MaxValue", "(double)float.MaxValue * 2",
    };

    private static readonly string[] Activations = { "Linear", "ReLU", "Tanh", "Sigmoid", "Softmax", "LeakyReLU" };
    private static readonly string[] Inits = { "Zeros", "Ones", "GlorotUniform", "GlorotNormal", "LeCunUniform", "LeCunNormal", "HeUniform", "HeNormal" };
    private static readonly string[] Losses = { "MeanSquaredError", "CrossEntropy", "BinaryCrossEntropy" };
    private static readonly string[] Optimizers = { "Sgd", "Adam", "AdamW", "RmsProp", "AdaGrad", "AdaDelta", "Adamax", "NAdam" };

    /// <summary>Names of members ModelGen writes into a model class (public and private), and some it derives from layer names.</summary>
    internal static readonly string[] GeneratedMemberNames =
    {
        "InputSize", "OutputSize", "BatchSize", "ParameterCount", "Predict", "ComputeGradients", "ApplyGradients",
        "TrainStep", "Evaluate", "LearningRate", "Step", "Parameter", "Gradient", "InputGradient", "ParameterNames",
        "Buffer", "BufferNames", "OptimizerStateNames", "OptimizerState", "RestoreStep", "Forward", "Backward",
        "InitializeParameters", "ApplyRegularization", "RegularizationPenalty", "Rows", "RandomState", "_buffers", "_columns",
        "_weightVersion", "_dropoutRandom", "SaveWeights", "LoadWeights", "WeightTensors", "WeightTensor", "_inputGradientVersion", "_forwardVersion",
        "_inputGradientPending", "ComputeDeferredInputGradient", "_parameters", "_gradients", "_inputGradient", "_inputGradientSamples", "_learningRate",
        "_step", "_muProduct", "_momentumBuffer", "_expAvg", "_expAvgSq", "_maxExpAvgSq", "_squareAvg", "_gradAvg", "_sum",
        "_accDelta", "_expInf", "Dense0Weight", "Dense0Bias", "Dense0WeightGradient", "_dense0Output", "_dense0OutputGradient",
        "_dropout0Mask", "Batchnorm0RunningMean", "_dense0PackedWeight", "_conv2d0Output",
    };

    private static readonly string[] OddLayerNames =
    {
        "dense0", "Dense0", "dense1", "relu0", "input", "Input", "INPUT", "class", "int", "var", "", " ", "1x", "a b", "a-b", "ä",
        "Ω", "_x", "x_", "Rows", "Step", "Predict", "InputSize", "parameters", "buffers", "Weight", "inputGradient",
        "dense0Output", "columns", "weightVersion", "l", "L", "stem", "a.b", "a\\\"b", new string('n', 300), "null",
        "conv2d0", "add0", "concat0", "globalavgpool2d0",
    };

    private static readonly string[] ClassNames =
    {
        "M", "Net", "Model", "Predict", "Step", "Rows", "var", "System", "ModelGen", "Kernels", "Span", "Activation", "Dense",
        "InputAttribute", "T", "@class", "@int", "Модель", "_", "__", "M1", "dynamic", "nameof", "async", "await", "record",
        "value", "Global", "global", "Object", "Attribute", "Math", "Parallelism", "Initialization", "IModel", "Layer",
        "Forward", "dense0", new string('M', 200), "Ma\u0301", "M\u200B",
    };

    private static string Double(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text;
    }

    private static string AnyDouble(Rng r) => r.Chance(0.5) ? r.Pick(ExtremeDoubles) : Double(Math.Round(r.Unit() * 3 - 1, 3));

    private static string AnyInt(Rng r) => r.Chance(0.5) ? Int(r.Pick(ExtremeInts)) : Int(r.Between(-3, 40));

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string Enum(Rng r, string type, string[] members) =>
        r.Chance(0.93) ? $"{type}.{r.Pick(members)}" : $"({type}){r.Pick(-1, members.Length, 99, int.MinValue)}";

    // ------------------------------------------------------------------------------------------ sources

    /// <summary>A source: usings, an optional namespace, the attribute lines, the class line, members, closing lines.</summary>
    internal sealed class Src
    {
        public List<string> Usings { get; } = new() { "using ModelGen;" };
        public string? Namespace { get; set; }
        public bool FileScoped { get; set; }
        public List<string> Attributes { get; } = new();
        public string ClassLine { get; set; } = "public partial class M;";
        public List<string> After { get; } = new();

        public string Source()
        {
            var text = new StringBuilder();
            foreach (string u in Usings) text.Append(u).Append('\n');
            text.Append('\n');
            bool block = Namespace is not null && !FileScoped;
            if (Namespace is not null) text.Append("namespace ").Append(Namespace).Append(FileScoped ? ";\n\n" : "\n{\n");
            foreach (string a in Attributes) text.Append(a).Append('\n');
            text.Append(ClassLine).Append('\n');
            foreach (string line in After) text.Append(line).Append('\n');
            if (block) text.Append("}\n");
            return text.ToString();
        }
    }

    /// <summary>The value of one earlier layer: its name and shape ([n] or [c, h, w]).</summary>
    private sealed record Value(string Name, long[] Dims)
    {
        public bool IsImage => Dims.Length == 3;
        public long Size => Dims.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>A stack of layers that mostly fit together (each picked for the current shape), or with huge sizes.</summary>
    private static Src Shaped(Rng r, bool big)
    {
        var src = new Src();
        if (r.Chance(0.3))
        {
            src.Namespace = r.Pick("Demo", "A.B", "Models.Vision", "@class.@event");
            src.FileScoped = r.Chance(0.5);
        }
        src.ClassLine = r.Pick("public partial class M;", "partial class M;", "public sealed partial class M;", "internal partial class M { }", "public partial class M { }");

        int[] bigSizes = { 1, 2, 3, 256, 4096, 46341, 65536, 1 << 20, 1 << 28, int.MaxValue / 2, int.MaxValue };
        int Small(int min, int max) => big && r.Chance(0.35) ? r.Pick(bigSizes) : r.Between(min, max);

        // [Model]
        var model = new List<string>();
        if (r.Chance(0.7)) model.Add("BatchSize = " + Int(big ? r.Pick(1, 1, 2, 64, 1000, 65536, int.MaxValue) : r.Chance(0.1) ? r.Pick(ExtremeInts) : r.Between(1, 64)));
        if (r.Chance(0.4)) model.Add("Seed = " + Int(r.Chance(0.2) ? r.Pick(ExtremeInts) : r.Between(0, 1000)));
        if (r.Chance(0.3)) model.Add("Precision = " + (r.Chance(0.95) ? "Precision." + r.Pick("Single", "Double") : "(Precision)" + r.Pick(2, -1)));
        if (r.Chance(0.2)) model.Add("Threads = " + Int(r.Chance(0.8) ? r.Pick(0, 1, 2, 64) : r.Pick(-1, 65, int.MaxValue)));
        src.Attributes.Add(model.Count == 0 ? "[Model]" : $"[Model({string.Join(", ", model)})]");

        // [Input]
        Value current;
        if (r.Chance(0.5))
        {
            long n = Small(1, 40);
            current = new Value("input", new[] { n });
        }
        else
        {
            current = new Value("input", new long[] { Small(1, 3), Small(1, 12), Small(1, 12) });
        }
        src.Attributes.Add($"[Input({string.Join(", ", current.Dims.Select(Int))})]");

        var values = new List<Value>();
        var counters = new Dictionary<string, int>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int layerCount = r.Between(1, big ? 5 : 9);
        for (int i = 0; i < layerCount; i++)
        {
            var named = new List<string>();
            // From: read an earlier value instead of the previous one.
            if (values.Count > 0 && r.Chance(0.12))
            {
                Value from = r.Chance(0.2) ? new Value("input", values.Count > 0 ? InputDims(src) : current.Dims) : r.PickFrom(values);
                named.Add("From = " + Quote(from.Name));
                current = from;
            }
            bool misfit = r.Chance(0.07);
            string kind = PickKind(r, current, values, misfit);
            List<string> args = new();
            long[]? dims = LayerArguments(r, kind, current, values, args, named, Small, misfit);
            counters.TryGetValue(kind, out int index);
            counters[kind] = index + 1;
            string name = kind.ToLowerInvariant() + index;
            if (r.Chance(0.25))
            {
                name = r.Chance(0.85) ? r.Pick("a", "b", "stem", "block", "skip", "x", "y", "head", "l") + i : r.Pick(OddLayerNames);
                named.Add("Name = " + Quote(name));
            }
            used.Add(name);
            string all = string.Join(", ", args.Concat(named));
            src.Attributes.Add(all.Length == 0 ? $"[{kind}]" : $"[{kind}({all})]");
            if (dims is null) break; // a misfit: the rest would not be shaped anyway
            current = new Value(name, dims);
            values.Add(current);
        }

        // Loss and optimizer.
        if (r.Chance(0.7))
        {
            if (current.IsImage && r.Chance(0.9))
            {
                src.Attributes.Add("[Flatten]");
                current = new Value("flat", new[] { current.Size });
            }
            if (r.Chance(0.6) || current.Size < 2)
            {
                long units = r.Chance(0.9) ? r.Between(1, 10) : Small(1, 10);
                src.Attributes.Add($"[Dense({Int(units)})]");
                current = new Value("out", new[] { units });
            }
            string loss = current.Size < 2 && r.Chance(0.9) ? r.Pick("MeanSquaredError", "BinaryCrossEntropy") : r.Pick(Losses);
            src.Attributes.Add(r.Chance(0.97) ? $"[Loss(LossFunction.{loss})]" : $"[Loss((LossFunction){r.Pick(3, -1)})]");
            src.Attributes.Add(Optimizer(r));
            if (r.Chance(0.15)) src.Attributes.Add(Clipping(r));
        }
        else if (r.Chance(0.1))
        {
            src.Attributes.Add(r.Chance(0.5) ? "[Loss(LossFunction.MeanSquaredError)]" : Optimizer(r));
        }
        return src;
    }

    private static long[] InputDims(Src src)
    {
        string line = src.Attributes.First(a => a.StartsWith("[Input(", StringComparison.Ordinal));
        return line["[Input(".Length..^2].Split(',').Select(s => long.Parse(s.Trim(), CultureInfo.InvariantCulture)).ToArray();
    }

    private static string PickKind(Rng r, Value current, List<Value> values, bool misfit)
    {
        string[] any = { "Dense", "ReLU", "Tanh", "Sigmoid", "Softmax", "LeakyReLU", "Dropout", "BatchNorm", "LayerNorm", "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten", "Add", "Concat", "GlobalAvgPool2D" };
        if (misfit) return r.Pick(any);
        if (current.IsImage)
            return r.Pick("Conv2D", "Conv2D", "Conv2D", "MaxPool2D", "AvgPool2D", "BatchNorm", "LayerNorm", "Dropout", "ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Flatten", "GlobalAvgPool2D", "Add", "Concat");
        return r.Pick("Dense", "Dense", "Dense", "ReLU", "Tanh", "Sigmoid", "Softmax", "LeakyReLU", "Dropout", "BatchNorm", "LayerNorm", "Add", "Concat");
    }

    /// <summary>Writes a layer's arguments; returns its output shape, or null when it will not fit (a misfit).</summary>
    private static long[]? LayerArguments(Rng r, string kind, Value x, List<Value> values, List<string> args, List<string> named,
        Func<int, int, int> small, bool misfit)
    {
        bool extreme = r.Chance(0.08);
        string D(string legal) => extreme && r.Chance(0.5) ? r.Pick(ExtremeDoubles) : legal;
        switch (kind)
        {
            case "Dense":
            {
                long units = extreme ? r.Pick(ExtremeInts) : small(1, 24);
                args.Add(Int(units));
                if (r.Chance(0.3)) args.Add(Enum(r, "Activation", Activations));
                if (r.Chance(0.1)) named.Add("UseBias = false");
                if (r.Chance(0.1)) named.Add("WeightInit = " + Enum(r, "Init", Inits));
                if (r.Chance(0.05)) named.Add("BiasInit = " + Enum(r, "Init", Inits));
                if (r.Chance(0.1)) named.Add("L1 = " + D("0.001"));
                if (r.Chance(0.1)) named.Add("L2 = " + D("0.0001"));
                return misfit || x.IsImage || units < 1 ? null : new[] { units };
            }
            case "Conv2D":
            {
                if (!x.IsImage) { args.Add(Int(r.Between(1, 4))); args.Add(Int(r.Between(1, 3))); return null; }
                long filters = extreme ? r.Pick(ExtremeInts) : small(1, 6);
                bool same = r.Chance(0.3);
                long limit = Math.Min(x.Dims[1], x.Dims[2]);
                long k = extreme ? r.Pick(ExtremeInts) : same ? r.Between(1, 5) : r.Between(1, (int)Math.Min(limit, 5));
                long stride = same ? 1 : (r.Chance(0.7) ? 1 : r.Between(2, 3));
                args.Add(Int(filters));
                args.Add(Int(k));
                if (r.Chance(0.3)) args.Add(Enum(r, "Activation", Activations));
                if (stride != 1 || r.Chance(0.05)) named.Add("Stride = " + Int(extreme ? r.Pick(ExtremeInts) : stride));
                if (same || r.Chance(0.05)) named.Add("Padding = " + (same ? "Padding.Same" : Enum(r, "Padding", new[] { "Valid", "Same" })));
                if (r.Chance(0.1)) named.Add("UseBias = false");
                if (r.Chance(0.05)) named.Add("WeightInit = " + Enum(r, "Init", Inits));
                if (r.Chance(0.05)) named.Add("L2 = " + D("0.001"));
                if (extreme || filters < 1 || k < 1) return null;
                long pad = same ? k - 1 : 0;
                long h = x.Dims[1] + pad, w = x.Dims[2] + pad;
                if (k > h || k > w) return null;
                return new[] { filters, (h - k) / stride + 1, (w - k) / stride + 1 };
            }
            case "MaxPool2D":
            case "AvgPool2D":
            {
                if (!x.IsImage) { args.Add("2"); return null; }
                long limit = Math.Min(x.Dims[1], x.Dims[2]);
                long pool = extreme ? r.Pick(ExtremeInts) : r.Between(1, (int)Math.Min(limit, 3));
                args.Add(Int(pool));
                long stride = pool;
                if (r.Chance(0.3)) { stride = r.Between(1, 3); named.Add("Stride = " + Int(stride)); }
                if (extreme || pool < 1 || pool > limit) return null;
                return new[] { x.Dims[0], (x.Dims[1] - pool) / stride + 1, (x.Dims[2] - pool) / stride + 1 };
            }
            case "BatchNorm":
                if (r.Chance(0.3)) named.Add("Momentum = " + D(r.Pick("0", "0.1", "0.5", "1")));
                if (r.Chance(0.3)) named.Add("Epsilon = " + D(r.Pick("1e-5", "1e-3", "1e-300", "1")));
                return misfit ? null : x.Dims;
            case "LayerNorm":
                if (r.Chance(0.3)) named.Add("Epsilon = " + D(r.Pick("1e-5", "1e-3", "1e-45", "1")));
                return misfit ? null : x.Dims;
            case "Dropout":
                args.Add(D(r.Pick("0", "0.1", "0.5", "0.9", "0.999999")));
                return misfit ? null : x.Dims;
            case "LeakyReLU":
                if (r.Chance(0.6)) args.Add(D(r.Pick("0.01", "0.2", "0", "1", "100")));
                return misfit ? null : x.Dims;
            case "Softmax":
                return misfit || x.IsImage ? null : x.Dims;
            case "Flatten":
                return x.IsImage ? new[] { x.Size } : null;
            case "GlobalAvgPool2D":
                return x.IsImage ? new[] { x.Dims[0] } : null;
            case "Add":
            {
                List<Value> fit = values.Where(v => v.Name != x.Name && v.Dims.SequenceEqual(x.Dims)).ToList();
                if (fit.Count == 0 || misfit)
                {
                    args.Add(values.Count > 0 && r.Chance(0.7) ? Quote(r.PickFrom(values).Name) : Quote(r.Pick("input", "nowhere", "", "Input")));
                    return null;
                }
                foreach (Value v in fit.Take(r.Between(1, 2))) args.Add(Quote(v.Name));
                return x.Dims;
            }
            case "Concat":
            {
                List<Value> fit = values.Where(v => v.IsImage == x.IsImage && (!x.IsImage || (v.Dims[1] == x.Dims[1] && v.Dims[2] == x.Dims[2]))).ToList();
                if (fit.Count == 0 || misfit)
                {
                    args.Add(Quote(values.Count > 0 ? r.PickFrom(values).Name : "input"));
                    return null;
                }
                List<Value> chosen = fit.Take(r.Between(1, 2)).ToList();
                foreach (Value v in chosen) args.Add(Quote(v.Name));
                return x.IsImage
                    ? new[] { x.Dims[0] + chosen.Sum(v => v.Dims[0]), x.Dims[1], x.Dims[2] }
                    : new[] { x.Size + chosen.Sum(v => v.Size) };
            }
            default: // ReLU, Tanh, Sigmoid
                return misfit ? null : x.Dims;
        }
    }

    private static string Optimizer(Rng r)
    {
        string kind = r.Pick(Optimizers);
        var named = new List<string>();
        bool extreme = r.Chance(0.15);
        string V(string legal) => extreme && r.Chance(0.4) ? r.Pick(ExtremeDoubles) : legal;
        if (r.Chance(0.6)) named.Add("LearningRate = " + V(r.Pick("0.001", "0.01", "0.1", "1", "1e-6")));
        if (r.Chance(0.2)) named.Add("WeightDecay = " + V(r.Pick("0", "0.01", "0.0001")));
        switch (kind)
        {
            case "Sgd":
                if (r.Chance(0.5)) named.Add("Momentum = " + V(r.Pick("0", "0.9", "0.5")));
                if (r.Chance(0.2)) named.Add("Dampening = " + V(r.Pick("0", "0.1", "1")));
                if (r.Chance(0.2)) named.Add("Nesterov = true");
                break;
            case "Adam" or "AdamW" or "Adamax" or "NAdam":
                if (r.Chance(0.3)) named.Add("Beta1 = " + V(r.Pick("0.9", "0", "0.5")));
                if (r.Chance(0.3)) named.Add("Beta2 = " + V(r.Pick("0.999", "0.99", "0")));
                if (r.Chance(0.3)) named.Add("Epsilon = " + V(r.Pick("1e-8", "1e-6", "1e-45")));
                if (kind is "Adam" or "AdamW" && r.Chance(0.3)) named.Add("Amsgrad = true");
                if (kind == "NAdam" && r.Chance(0.3)) named.Add("MomentumDecay = " + V(r.Pick("0.004", "0", "1")));
                break;
            case "RmsProp":
                if (r.Chance(0.3)) named.Add("Alpha = " + V(r.Pick("0.99", "0.9", "0")));
                if (r.Chance(0.3)) named.Add("Momentum = " + V(r.Pick("0", "0.9")));
                if (r.Chance(0.3)) named.Add("Centered = true");
                if (r.Chance(0.3)) named.Add("Epsilon = " + V("1e-8"));
                break;
            case "AdaGrad":
                if (r.Chance(0.3)) named.Add("InitialAccumulator = " + V(r.Pick("0", "0.1")));
                if (r.Chance(0.3)) named.Add("Epsilon = " + V("1e-10"));
                break;
            case "AdaDelta":
                if (r.Chance(0.3)) named.Add("Rho = " + V(r.Pick("0.9", "0.5")));
                if (r.Chance(0.3)) named.Add("Epsilon = " + V("1e-6"));
                break;
        }
        return named.Count == 0 ? $"[{kind}]" : $"[{kind}({string.Join(", ", named)})]";
    }

    private static string Clipping(Rng r)
    {
        var named = new List<string>();
        if (r.Chance(0.6)) named.Add("MaxNorm = " + (r.Chance(0.8) ? r.Pick("1", "5", "0.5") : r.Pick(ExtremeDoubles)));
        if (r.Chance(0.5)) named.Add("MaxValue = " + (r.Chance(0.8) ? r.Pick("1", "0.1") : r.Pick(ExtremeDoubles)));
        return named.Count == 0 ? "[GradientClipping]" : $"[GradientClipping({string.Join(", ", named)})]";
    }

    // ------------------------------------------------------------------------------------------ wild stacks

    /// <summary>Any attributes in any order with any values (duplicates, misplaced [Input], several optimizers ...).</summary>
    private static string Wild(Rng r)
    {
        var src = new Src();
        int count = r.Between(0, 10);
        if (r.Chance(0.85)) src.Attributes.Add(r.Chance(0.7) ? "[Model]" : $"[Model(BatchSize = {AnyInt(r)}, Seed = {AnyInt(r)}, Threads = {AnyInt(r)})]");
        var names = new List<string> { "input" };
        for (int i = 0; i < count; i++) src.Attributes.Add(AnyAttribute(r, names));
        if (r.Chance(0.2)) src.Attributes.Insert(r.Below(src.Attributes.Count + 1), "[Model]");
        return src.Source();
    }

    private static string AnyAttribute(Rng r, List<string> names)
    {
        var named = new List<string>();
        string LayerName()
        {
            string n = r.Chance(0.6) ? "w" + names.Count : r.Pick(OddLayerNames);
            names.Add(n);
            return n;
        }
        if (r.Chance(0.2)) named.Add("Name = " + Quote(LayerName()));
        if (r.Chance(0.2)) named.Add("From = " + Quote(r.Chance(0.7) ? r.PickFrom(names) : r.Pick(OddLayerNames)));
        string Named() => named.Count == 0 ? "" : (", " + string.Join(", ", named));
        string OnlyNamed() => named.Count == 0 ? "" : "(" + string.Join(", ", named) + ")";
        switch (r.Below(22))
        {
            case 0: return $"[Input({string.Join(", ", Enumerable.Range(0, r.Pick(0, 1, 1, 3, 3, 2, 4)).Select(_ => AnyInt(r)))})]";
            case 1: return $"[Dense({AnyInt(r)}{(r.Chance(0.4) ? ", " + Enum(r, "Activation", Activations) : "")}{Named()})]";
            case 2: return $"[Conv2D({AnyInt(r)}, {AnyInt(r)}{(r.Chance(0.3) ? ", Stride = " + AnyInt(r) : "")}{(r.Chance(0.3) ? ", Padding = " + Enum(r, "Padding", new[] { "Valid", "Same" }) : "")}{Named()})]";
            case 3: return $"[{r.Pick("MaxPool2D", "AvgPool2D")}({AnyInt(r)}{(r.Chance(0.3) ? ", Stride = " + AnyInt(r) : "")}{Named()})]";
            case 4: return $"[{r.Pick("ReLU", "Tanh", "Sigmoid", "Softmax", "Flatten", "GlobalAvgPool2D")}{OnlyNamed()}]";
            case 5: return $"[LeakyReLU({AnyDouble(r)}{Named()})]";
            case 6: return $"[Dropout({AnyDouble(r)}{Named()})]";
            case 7: return $"[BatchNorm(Momentum = {AnyDouble(r)}, Epsilon = {AnyDouble(r)}{Named()})]";
            case 8: return $"[LayerNorm(Epsilon = {AnyDouble(r)}{Named()})]";
            case 9:
            case 10:
            {
                string operands = string.Join(", ", Enumerable.Range(0, r.Between(0, 3)).Select(_ => Quote(r.Chance(0.7) ? r.PickFrom(names) : r.Pick(OddLayerNames))));
                return $"[{r.Pick("Add", "Concat")}({operands}{(operands.Length > 0 ? Named() : string.Join(", ", named))})]";
            }
            case 11: return $"[Loss({Enum(r, "LossFunction", Losses)})]";
            case 12: return $"[{r.Pick(Optimizers)}(LearningRate = {AnyDouble(r)}, WeightDecay = {AnyDouble(r)})]";
            case 13: return $"[Sgd(Momentum = {AnyDouble(r)}, Dampening = {AnyDouble(r)}, Nesterov = {(r.Chance(0.5) ? "true" : "false")})]";
            case 14: return $"[{r.Pick("Adam", "AdamW", "Adamax", "NAdam")}(Beta1 = {AnyDouble(r)}, Beta2 = {AnyDouble(r)}, Epsilon = {AnyDouble(r)})]";
            case 15: return $"[RmsProp(Alpha = {AnyDouble(r)}, Momentum = {AnyDouble(r)}, Centered = true)]";
            case 16: return $"[AdaGrad(InitialAccumulator = {AnyDouble(r)}, Epsilon = {AnyDouble(r)})]";
            case 17: return $"[AdaDelta(Rho = {AnyDouble(r)})]";
            case 18: return $"[NAdam(MomentumDecay = {AnyDouble(r)})]";
            case 19: return $"[GradientClipping(MaxNorm = {AnyDouble(r)}, MaxValue = {AnyDouble(r)})]";
            case 20: return $"[Dense({AnyInt(r)}, L1 = {AnyDouble(r)}, L2 = {AnyDouble(r)}, UseBias = false, WeightInit = {Enum(r, "Init", Inits)}, BiasInit = {Enum(r, "Init", Inits)})]";
            default: return $"[Conv2D({AnyInt(r)}, {AnyInt(r)}, {Enum(r, "Activation", Activations)}, L1 = {AnyDouble(r)}, L2 = {AnyDouble(r)}, UseBias = false, WeightInit = {Enum(r, "Init", Inits)})]";
        }
    }

    // ------------------------------------------------------------------------------------------ class-level oddities

    private const string Valid = "[Model]\n[Input(2)]\n[Dense(3, Activation.Tanh)]\n[Dense(1)]\n[Loss(LossFunction.MeanSquaredError)]\n[Sgd]";
    private const string ValidInference = "[Model]\n[Input(2)]\n[Dense(1)]";

    private static string Body(Rng r) => r.Chance(0.6) ? Valid : ValidInference;

    private static string ClassOddity(Rng r)
    {
        string body = Body(r);
        string member = r.Pick(GeneratedMemberNames);
        string cls = r.Pick(ClassNames);
        switch (r.Below(20))
        {
            case 0: // two models whose names differ only in case
            {
                string a = r.Pick("Net", "Model", "M", "Classifier"), b = r.Chance(0.5) ? a.ToUpperInvariant() : a.ToLowerInvariant();
                return $"using ModelGen;\n\n{body}\npublic partial class {a};\n\n{Body(r)}\npublic partial class {b};\n";
            }
            case 1: // namespaces that differ only in case
            {
                string ns = r.Pick("A", "Models", "Net.Vision");
                return $"using ModelGen;\n\nnamespace {ns}\n{{\n{body}\npublic partial class M;\n}}\nnamespace {ns.ToLowerInvariant()}\n{{\n{Body(r)}\npublic partial class M;\n}}\n";
            }
            case 2: // a namespace and a nested type that make the same full name
                return $"using ModelGen;\n\nnamespace A.B\n{{\n{body}\npublic partial class M;\n}}\nnamespace A\n{{\npublic partial class B\n{{\n{Body(r)}\npublic partial class M;\n}}\n}}\n";
            case 3: // a user member named like a generated one
            {
                string decl = r.Pick(
                    $"    public int {member};",
                    $"    public long {member} {{ get; set; }}",
                    $"    public void {member}() {{ }}",
                    $"    public class {member} {{ }}",
                    $"    public const int {member} = 1;",
                    $"    private float[] {member} = new float[1];",
                    $"    public event System.Action? {member};",
                    $"    public static int {member}(int x) => x;");
                return $"using ModelGen;\n\n{body}\npublic partial class M\n{{\n{decl}\n}}\n";
            }
            case 4: // a base class without a parameterless constructor, or with members the model hides
            {
                string baseClass = r.Pick(
                    "public class Base { public Base(int a, int b) { } }",
                    "public class Base { protected Base(string s) { } }",
                    $"public class Base {{ public int {member}; }}",
                    $"public class Base {{ public virtual void {member}() {{ }} }}",
                    $"public abstract class Base {{ public abstract int {member} {{ get; }} }}",
                    "public class Base { private Base() { } }",
                    "public sealed class Base { }",
                    "public static class Base { }",
                    "public class Base : System.IDisposable { public void Dispose() { } }",
                    "public class Base<T> { }");
                string derive = baseClass.Contains("Base<T>") ? "Base<int>" : "Base";
                return $"using ModelGen;\n\n{baseClass}\n\n{body}\npublic partial class M : {derive};\n";
            }
            case 5: // primary constructors
                return $"using ModelGen;\n\n{body}\npublic partial class M({r.Pick("string name", "int seed", "int a, int b", "", "long seed", "int seed = 0", "params int[] x", "double rate")});\n";
            case 6: // file-local classes, odd modifiers and kinds
                return $"using ModelGen;\n\n{body}\n{r.Pick("file partial class M;", "public static partial class M;", "public abstract partial class M;", "public sealed partial class M;", "public partial record M;", "public partial record class R(int X);", "public partial record struct S;", "public partial struct S;", "public partial interface I;", "public unsafe partial class M;", "public partial class M<T>;", "public partial class M<T> where T : struct;", "public readonly partial struct S;", "public ref partial struct S;")}\n";
            case 7: // odd class names
                return $"using ModelGen;\n\n{body}\npublic partial class {cls};\n";
            case 8: // a class with no name, a namespace with no name
                return r.Pick(
                    $"using ModelGen;\n\n{body}\npublic partial class\n",
                    $"using ModelGen;\n\n{body}\npublic partial class {{ }}\n",
                    $"using ModelGen;\n\nnamespace\n{{\n{body}\npublic partial class M;\n}}\n",
                    $"using ModelGen;\n\nnamespace ;\n{body}\npublic partial class M;\n",
                    $"using ModelGen;\n\nnamespace A.\n{{\n{body}\npublic partial class M;\n}}\n",
                    $"using ModelGen;\n\n{body}\npublic partial class @;\n");
            case 9: // nested in containers of every kind
            {
                string outer = r.Pick("public partial class Outer", "public class Outer", "public static partial class Outer", "public partial struct Outer",
                    "public partial record Outer", "public partial interface IOuter", "public partial class Outer<T>", "internal partial class Outer",
                    "public partial class M", "public partial class Outer { public partial class Inner", "public partial class Predict");
                string closing = outer.Contains("Inner", StringComparison.Ordinal) ? "}\n}" : "}";
                return $"using ModelGen;\n\n{outer}\n{{\n{body}\npublic partial class {r.Pick("M", "Inner", "Outer", cls)};\n{closing}\n";
            }
            case 10: // attributes spread over partial declarations
                return $"using ModelGen;\n\n[Model]\n[Input(2)]\npublic partial class M;\n\n[Dense(1)]\npublic partial class M;\n";
            case 11: // the model's own constructors
                return $"using ModelGen;\n\n{body}\npublic partial class M\n{{\n    {r.Pick("public M() { }", "public M(int seed) { }", "public M(long seed) { }", "public M(int seed = 0) { }", "static M() { }", "public M(string s) : this() { }", "private M(int a, int b) { }", "~M() { }")}\n}}\n";
            case 12: // [Model] on things that are not classes
                return $"using ModelGen;\n\n{body}\n{r.Pick("public enum E { A }", "public delegate void D();", "public partial struct S;", "public interface I { }", "public record R;")}\n";
            case 13: // the same model name in two namespaces, a model named like its namespace, global and file-scoped namespaces
                return r.Pick(
                    $"using ModelGen;\n\nnamespace A {{\n{body}\npublic partial class M;\n}}\nnamespace B {{\n{Body(r)}\npublic partial class M;\n}}\n",
                    $"using ModelGen;\n\nnamespace M\n{{\n{body}\npublic partial class M;\n}}\n",
                    $"using ModelGen;\n\nnamespace System;\n\n{body}\npublic partial class M;\n",
                    $"using ModelGen;\n\nnamespace ModelGen.Kernels;\n\n{body}\npublic partial class M;\n",
                    $"using ModelGen;\n\nnamespace global;\n\n{body}\npublic partial class M;\n",
                    $"using ModelGen;\n\nnamespace {cls};\n\n{body}\npublic partial class M;\n");
            case 14: // ways to name the attributes
                return r.Pick(
                    "using MG = ModelGen;\n\n[MG.Model]\n[MG.Input(2)]\n[MG.Dense(1)]\npublic partial class M;\n",
                    "[global::ModelGen.Model]\n[global::ModelGen.InputAttribute(2)]\n[global::ModelGen.DenseAttribute(1)]\npublic partial class M;\n",
                    "[Model]\n[Input(2)]\n[Dense(1)]\npublic partial class M;\n",
                    "using ModelGen;\nusing Dense = ModelGen.ReLUAttribute;\n\n[Model]\n[Input(2)]\n[Dense]\n[ModelGen.Dense(1)]\npublic partial class M;\n",
                    "using ModelGen;\n\nclass DenseAttribute : System.Attribute { public DenseAttribute(int u) { } }\n\n[Model]\n[Input(2)]\n[Dense(1)]\n[ModelGen.Dense(2)]\npublic partial class M;\n",
                    "using static ModelGen.Activation;\nusing ModelGen;\n\n[Model]\n[Input(2)]\n[Dense(1, ReLU)]\npublic partial class M;\n");
            case 15: // two models at once, one valid and one broken
                return $"using ModelGen;\n\n{body}\npublic partial class Good;\n\n[Model]\n[Input(2)]\n[Dense(0)]\npublic partial class Bad;\n";
            case 16: // many models
            {
                var text = new StringBuilder("using ModelGen;\n\n");
                int n = r.Between(2, 5);
                for (int i = 0; i < n; i++) text.Append(Body(r)).Append($"\npublic partial class {r.Pick("M", "N", "m", "Net")}{(r.Chance(0.5) ? i.ToString(CultureInfo.InvariantCulture) : "")};\n\n");
                return text.ToString();
            }
            case 17: // members that generated code calls or names it uses, declared by the user
                return $"using ModelGen;\n\n{body}\npublic partial class M\n{{\n    {r.Pick("private static int global = 0;", "public class ModelGen { }", "public class System { }", "public int Kernels;", "private class Span<T> { }", "public class IModel<T> { }", "private const int n = 3;", "private int threads;", "public float T;", "private int inputs;", "private int outputs;", "private int labels;", "private int targets;")}\n}}\n";
            case 18: // lower-case, unicode and keyword-escaped namespaces and classes
                return $"using ModelGen;\n\nnamespace {r.Pick("@namespace", "a", "Ünï", "@class.@var", "x_y", "_")}\n{{\n{body}\npublic partial class {cls};\n}}\n";
            default: // a user's model that also implements the interfaces or declares conversions
                return $"using ModelGen;\n\n{body}\npublic partial class M : {r.Pick("global::ModelGen.IModel<float>", "global::ModelGen.IModel<double>", "System.IComparable", "global::ModelGen.ITrainableModel<float>")};\n";
        }
    }

    // ------------------------------------------------------------------------------------------ C# errors inside attributes

    private static string AttributeError(Rng r)
    {
        string[] lines = Valid.Split('\n');
        int at = r.Between(1, lines.Length - 1);
        string broken = r.Pick(
            "[Sgd(LearningRate = 0.1m)]", "[Dropout(0.5m)]", "[Dense(4, 1)]", "[Loss(1)]", "[Model(Precision = 1)]", "[Input(null)]",
            "[Input(\"2\")]", "[Dense(4L)]", "[Dense(4.0)]", "[Dense(2147483648)]", "[Dense(int.MaxValue + 1)]", "[Dense(units: 4, units: 5)]",
            "[Dense(4, Bogus = 1)]", "[Dense(4, Name = 5)]", "[Dense(4, From = 1)]", "[Model]", "[Model(BatchSize = 4)]",
            "[Dense(X)]", "[Dense(4, Activation = Activation.ReLU)]", "[Add(1)]", "[Concat(null, null)]", "[Add(new[] { \"a\" }, \"b\")]",
            "[Conv2D(1)]", "[Dense]", "[Dense()]", "[Dense(4,)]", "[Dense(4) Dense(5)]", "[Dense(4), Dense(5)]", "[Dense(4)][Dense(5)]",
            "[Sgd(LearningRate = \"fast\")]", "[Adam(Beta1 = 0.9f)]", "[Adam(Amsgrad = 1)]", "[GradientClipping(MaxNorm = 1)]\n[GradientClipping(MaxValue = 1)]",
            "[Input(1, 2, 3, 4, 5)]", "[Input(new int[] { 2 })]", "[Dense(4, (Activation)1.5)]", "[Dense(sizeof(int))]", "[Dense(nameof(M))]",
            "[Dense('a')]", "[Dense((int)4.9)]", "[Dense(unchecked((int)4294967295))]", "[Dense(-0)]", "[Dropout(1 / 0.0)]", "[Dropout(0.0 / 0.0)]",
            "[ModelGen.Model]", "[Model, Input(2)]", "[Input(2), Input(3)]", "[return: Dense(2)]", "[assembly: Dense(2)]", "[type: Dense(2)]");
        lines[at] = r.Chance(0.7) ? broken : lines[at] + "\n" + broken;
        string members = broken.Contains('X') ? "\n{\n    public static int X = 3;\n}" : ";";
        return "using ModelGen;\n\n" + string.Join("\n", lines) + $"\npublic partial class M{members}\n";
    }

    // ------------------------------------------------------------------------------------------ truncation and garbage

    private static readonly string[] Garbage =
    {
        "(", ")", "[", "]", ",", "=", "\"", "@", "1e39", "partial", "class", "}", "{", ";", "/*", "//", "#if X", "#endif", "\n", "Dense",
        "Name = \"x\"", "From = \"input\"", "\u00e9", "\u0000", "\uFEFF", "\\", "'", "$\"", "<", ">", ":", "static", "record", "namespace N;",
        "[Model]", "[Input(2)]", "[Dense(1)]", "[Add(\"dense0\")]", "int.MaxValue", "-", "0x7FFFFFFF", "\t", "\r", "#nullable disable", "#pragma warning disable",
    };

    private static string Mangle(Rng r, string source)
    {
        int edits = r.Between(1, 3);
        for (int e = 0; e < edits && source.Length > 0; e++)
        {
            int at = r.Below(source.Length + 1);
            switch (r.Below(6))
            {
                case 0: source = source[..at]; break;                                        // truncate
                case 1: source = source.Remove(at, Math.Min(r.Between(1, 12), source.Length - at)); break; // delete a span
                case 2: source = source.Insert(at, r.Pick(Garbage)); break;                  // insert a token
                case 3: source = source.Insert(at, ((char)r.Between(1, 0x2FFF)).ToString()); break; // insert any character
                case 4: // duplicate a line
                {
                    string[] lines = source.Split('\n');
                    int k = r.Below(lines.Length);
                    source = string.Join("\n", lines.Take(k + 1).Append(lines[k]).Concat(lines.Skip(k + 1)));
                    break;
                }
                default: // swap two lines
                {
                    string[] lines = source.Split('\n');
                    int a = r.Below(lines.Length), b = r.Below(lines.Length);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    source = string.Join("\n", lines);
                    break;
                }
            }
        }
        return source;
    }
}
