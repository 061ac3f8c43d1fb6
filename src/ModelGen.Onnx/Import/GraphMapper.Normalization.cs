using System;
using System.Collections.Generic;
using System.Linq;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Import;

internal sealed partial class GraphMapper
{
    /// <summary>BatchNormalization at inference (running statistics) → [BatchNorm], the statistics as its buffers.</summary>
    private void BatchNormalization(NodeProto node)
    {
        ValueState? x = Data(node, 0);
        if (x is null) return;
        var reasons = new List<string>();
        if (Attributes.Int(node, "training_mode", 0) != 0)
            reasons.Add("training_mode = 1 (batch statistics at inference); export the model in eval mode");
        if (node.Output.Skip(1).Any(o => o.Length > 0 && _g.Consumers(o).Count > 0))
            reasons.Add("its running-statistics outputs are used");
        if (x.OnnxDims is not null && x.OnnxDims.Length is not (1 or 3))
            reasons.Add($"its input has rank {Rank(x)}; ModelGen's BatchNorm normalizes vectors (BatchNorm1d) or images (BatchNorm2d)");
        if (reasons.Count > 0)
        {
            Unsupported(node, string.Join("; ", reasons));
            return;
        }
        var tensors = new List<float[]>();
        string[] names = { "scale", "bias B", "input_mean", "input_var" };
        for (int i = 0; i < 4; i++)
        {
            ConstantTensor? t = Static(node, i + 1, names[i]);
            if (t is null) return;
            tensors.Add(t.ToSingles());
        }
        int channels = tensors[0].Length;
        if (tensors.Any(t => t.Length != channels) || (x.Dims is not null && x.Dims[0] != channels))
        {
            Unsupported(node, $"its parameters have {string.Join(", ", tensors.Select(t => t.Length))} values for {(x.Dims is null ? "?" : x.Dims[0].ToString(System.Globalization.CultureInfo.InvariantCulture))} channels");
            return;
        }
        LayerDecl layer = NewLayer("BatchNorm", new[] { node }, x);
        float epsilon = Attributes.Float(node, "epsilon", 1e-5f), momentum = Attributes.Float(node, "momentum", 0.9f);
        // ONNX's momentum weighs the old running value (PyTorch exports 1 − momentum); computed in decimal from the
        // shortest form of each float, so 0.9 gives 0.1, not 0.100000024.
        decimal torchMomentum = 1m - decimal.Parse(Number(momentum), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
        if (torchMomentum != 0.1m) layer.Named.Add(("Momentum", Number((double)torchMomentum)));
        if (Number(epsilon) != Number(1e-5f)) layer.Named.Add(("Epsilon", Number(epsilon)));
        int[] shape = { channels };
        layer.Tensors.Add(new LayerTensor(".weight", shape, tensors[0]));
        layer.Tensors.Add(new LayerTensor(".bias", shape, tensors[1]));
        layer.Tensors.Add(new LayerTensor(".running_mean", shape, tensors[2]));
        layer.Tensors.Add(new LayerTensor(".running_var", shape, tensors[3]));
        Output(layer, node.Output[0], x.Dims, x.OnnxDims);
    }

    /// <summary>LayerNormalization (opset 17) over every axis of the sample → [LayerNorm].</summary>
    private void LayerNormalization(NodeProto node)
    {
        ValueState? x = Data(node, 0);
        if (x is null) return;
        long axis = Attributes.Int(node, "axis", -1);
        var reasons = new List<string>();
        if (x.OnnxDims is not null)
        {
            int rank = Rank(x);
            if ((axis < 0 ? axis + rank : axis) != 1)
                reasons.Add($"axis = {axis} normalizes over the last {rank - (axis < 0 ? axis + rank : axis)} of the sample's {rank - 1} axes; ModelGen's LayerNorm normalizes over all of them (LayerNorm(sample shape))");
        }
        if (node.Output.Skip(1).Any(o => o.Length > 0 && _g.Consumers(o).Count > 0))
            reasons.Add("its mean or inverse standard deviation output is used");
        if (reasons.Count > 0)
        {
            Unsupported(node, string.Join("; ", reasons));
            return;
        }
        ConstantTensor? scale = Static(node, 1, "scale");
        if (scale is null) return;
        ConstantTensor? bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? Static(node, 2, "bias B") : null;
        if (node.Input.Count > 2 && node.Input[2].Length > 0 && bias is null) return;
        LayerNormLayer(node, new[] { node }, x, Attributes.Float(node, "epsilon", 1e-5f), scale, bias, node.Output[0]);
    }

    private void LayerNormLayer(NodeProto node, IReadOnlyList<NodeProto> nodes, ValueState x, float epsilon,
        ConstantTensor? scale, ConstantTensor? bias, string output)
    {
        int size = x.Dims is null ? 0 : Size(x.Dims);
        float[]? weight = scale is null ? Enumerable.Repeat(1f, size).ToArray() : PerValue(scale, size);
        float[]? shift = bias is null ? new float[size] : PerValue(bias, size);
        if (x.Dims is not null && (weight is null || shift is null))
        {
            Unsupported(node, $"its scale or bias (shapes {Dims(scale?.Dims ?? Array.Empty<long>())}, {Dims(bias?.Dims ?? Array.Empty<long>())}) does not have one value per value of the sample ({size})");
            return;
        }
        LayerDecl layer = NewLayer("LayerNorm", nodes, x);
        if (Number(epsilon) != Number(1e-5f)) layer.Named.Add(("Epsilon", Number(epsilon)));
        if (x.Dims is not null)
        {
            layer.Tensors.Add(new LayerTensor(".weight", x.Dims, weight!));
            layer.Tensors.Add(new LayerTensor(".bias", x.Dims, shift!));
        }
        Output(layer, output, x.Dims, x.OnnxDims);
    }

    /// <summary>A constant with one value per value of the sample (or a single value), as <paramref name="size"/> floats.</summary>
    private static float[]? PerValue(ConstantTensor c, int size) =>
        c.Count == size ? c.ToSingles() : c.Count == 1 ? Enumerable.Repeat((float)c.Values[0], size).ToArray() : null;

    /// <summary>
    /// ReduceMean: the start of PyTorch's layer norm decomposition (opset &lt; 17: ReduceMean, Sub, Pow 2, ReduceMean,
    /// Add ε, Sqrt, Div, then Mul γ and Add β), or a mean over height and width (global average pooling).
    /// </summary>
    private void ReduceMean(NodeProto node)
    {
        ValueState? x = Data(node, 0);
        if (x is null) return;
        int rank = Rank(x);
        long[] raw = Attributes.Ints(node, "axes") ?? TryStatic(node.Input.Count > 1 ? node.Input[1] : "")?.ToInt64s() ?? Array.Empty<long>();
        if (rank < 0 && raw.OrderBy(a => a).SequenceEqual(new long[] { 2, 3 })) rank = 4; // after a failed node: the usual mean over height and width
        long[] axes = raw.Select(a => a < 0 ? a + rank : a).OrderBy(a => a).ToArray();
        bool keep = Attributes.Int(node, "keepdims", 1) != 0;
        if (rank > 1 && keep && axes.SequenceEqual(Enumerable.Range(1, rank - 1).Select(a => (long)a)) && TryLayerNorm(node, x, axes, rank))
            return;
        if (rank == 4 && axes.SequenceEqual(new long[] { 2, 3 }))
        {
            LayerDecl layer = NewLayer("GlobalAvgPool2D", new[] { node }, x);
            layer.Notes.Add("a mean over height and width");
            Output(layer, node.Output[0], x.Dims is null ? null : new[] { x.Dims[0] }, x.Dims is null ? null : keep ? new[] { x.Dims[0], 1, 1 } : new[] { x.Dims[0] });
            return;
        }
        Unsupported(node, $"a mean over axes {Dims(axes)} of a rank-{rank} tensor that is neither part of a layer norm nor a mean over height and width");
    }

    private bool TryLayerNorm(NodeProto mean, ValueState x, long[] axes, int rank)
    {
        string input = mean.Input[0];
        NodeProto? sub = OnlyConsumer(mean.Output[0], "Sub");
        if (sub is null || sub.Input[0] != input || sub.Input[1] != mean.Output[0]) return false;
        var subReaders = DataConsumers(sub.Output[0]).ToList();
        NodeProto? pow = subReaders.FirstOrDefault(n => n.OpType == "Pow"), div = subReaders.FirstOrDefault(n => n.OpType == "Div");
        if (subReaders.Count != 2 || pow is null || div is null || pow.Input[0] != sub.Output[0] || div.Input[0] != sub.Output[0]) return false;
        if (TryStatic(pow.Input[1]) is not { Count: 1 } exponent || exponent.Values[0] != 2) return false;
        NodeProto? variance = OnlyConsumer(pow.Output[0], "ReduceMean");
        if (variance is null || Attributes.Int(variance, "keepdims", 1) == 0) return false;
        long[] varianceAxes = (Attributes.Ints(variance, "axes") ?? TryStatic(variance.Input.Count > 1 ? variance.Input[1] : "")?.ToInt64s() ?? Array.Empty<long>())
            .Select(a => a < 0 ? a + rank : a).OrderBy(a => a).ToArray();
        if (!varianceAxes.SequenceEqual(axes)) return false;
        NodeProto? addEps = OnlyConsumer(variance.Output[0], "Add");
        if (addEps is null) return false;
        string epsName = addEps.Input[0] == variance.Output[0] ? addEps.Input[1] : addEps.Input[0];
        if (TryStatic(epsName) is not { Count: 1 } eps) return false;
        NodeProto? sqrt = OnlyConsumer(addEps.Output[0], "Sqrt");
        if (sqrt is null || div.Input[1] != sqrt.Output[0] || OnlyConsumer(sqrt.Output[0], "Div") != div) return false;
        var nodes = new List<NodeProto> { mean, sub, pow, variance, addEps, sqrt, div };
        string output = div.Output[0];
        int size = x.Dims is null ? 0 : Size(x.Dims);
        ConstantTensor? scale = null, bias = null;
        if (OnlyConsumer(output, "Mul") is { } mul && TryStatic(mul.Input[0] == output ? mul.Input[1] : mul.Input[0]) is { } w && PerValue(w, size) is not null)
        {
            scale = w;
            nodes.Add(mul);
            output = mul.Output[0];
            if (OnlyConsumer(output, "Add") is { } add && TryStatic(add.Input[0] == output ? add.Input[1] : add.Input[0]) is { } b && PerValue(b, size) is not null)
            {
                bias = b;
                nodes.Add(add);
                output = add.Output[0];
            }
        }
        LayerNormLayer(mean, nodes, x, (float)eps.Values[0], scale, bias, output);
        _layers[^1].Notes.Add("PyTorch's layer norm decomposition");
        return true;
    }
}
