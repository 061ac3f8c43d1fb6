using System.Collections.Generic;
using System.Linq;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Import;

internal sealed partial class GraphMapper
{
    /// <summary>The largest kernel, stride or dimension import takes from an attribute (larger ones are corrupt).</summary>
    private const long MaxExtent = 1 << 20;

    /// <summary>Conv (square kernel, equal strides, no dilation or groups, no padding or 'same' padding) → [Conv2D].</summary>
    private void Conv(NodeProto node)
    {
        ValueState? x = Data(node, 0);
        if (x is null) return;
        ConstantTensor? w = Static(node, 1, "weight W");
        if (w is null) return;
        var reasons = new List<string>();
        if (w.Dims.Length != 4)
        {
            Unsupported(node, $"a weight of rank {w.Dims.Length} (a {w.Dims.Length - 2}-D convolution): ModelGen's Conv2D is 2-D");
            return;
        }
        if (x.OnnxDims is not null && x.OnnxDims.Length != 3) reasons.Add($"its input has rank {Rank(x)}; Conv2D reads images [batch, channels, height, width]");
        int filters = (int)w.Dims[0], channels = (int)w.Dims[1], kh = (int)w.Dims[2], kw = (int)w.Dims[3];
        if (kh != kw) reasons.Add($"a {kh}x{kw} kernel: ModelGen's kernels are square");
        long group = Attributes.Int(node, "group", 1);
        if (group != 1) reasons.Add($"group = {group} (grouped or depthwise convolution)");
        long[]? dilations = Attributes.Ints(node, "dilations");
        if (dilations is not null && dilations.Any(d => d != 1)) reasons.Add($"dilations {Dims(dilations)}");
        long[] strides = Attributes.Ints(node, "strides") ?? new long[] { 1, 1 };
        if (strides.Length != 2 || strides[0] != strides[1]) reasons.Add($"strides {Dims(strides)}: ModelGen's stride is the same in both directions");
        int stride = strides.Length > 0 && strides[0] is >= 1 and <= MaxExtent ? (int)strides[0] : 1;
        if (strides.Any(v => v is < 1 or > MaxExtent)) reasons.Add($"strides {Dims(strides)}");
        if (w.Dims.Any(d => d is < 1 or > MaxExtent)) reasons.Add($"a weight of shape {Dims(w.Dims)}");
        string? padding = ConvPadding(node, kh, stride, reasons);
        if (group == 1 && x.Dims is not null && x.Dims.Length == 3 && channels != x.Dims[0])
            reasons.Add($"its weight takes {channels} channels, but its input has {x.Dims[0]}");
        if (reasons.Count > 0)
        {
            Unsupported(node, string.Join("; ", reasons));
            return;
        }
        float[]? bias = null;
        if (node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            ConstantTensor? b = Static(node, 2, "bias B");
            if (b is null) return;
            if (b.Count != filters)
            {
                Unsupported(node, $"bias B of shape {Dims(b.Dims)} for {filters} filters");
                return;
            }
            bias = b.ToSingles();
        }
        LayerDecl layer = NewLayer("Conv2D", new[] { node }, x, canFuse: true);
        layer.Positional.Add(Int(filters));
        layer.Positional.Add(Int(kh));
        if (stride != 1) layer.Named.Add(("Stride", Int(stride)));
        if (padding == "Same") layer.Named.Add(("Padding", "Padding.Same"));
        if (bias is null) layer.Named.Add(("UseBias", "false"));
        layer.Tensors.Add(new LayerTensor(".weight", new[] { filters, channels, kh, kw }, w.ToSingles()));
        if (bias is not null) layer.Tensors.Add(new LayerTensor(".bias", new[] { filters }, bias));
        int[]? output = null;
        if (x.Dims is { Length: 3 } d)
        {
            int pad = padding == "Same" ? kh - 1 : 0;
            output = new[] { filters, (d[1] + pad - kh) / stride + 1, (d[2] + pad - kh) / stride + 1 };
        }
        Output(layer, node.Output[0], output);
    }

    /// <summary>"Valid", "Same" (PyTorch's: the extra row and column of an even kernel below and right, stride 1), or null with a reason.</summary>
    private static string? ConvPadding(NodeProto node, int kernel, int stride, List<string> reasons)
    {
        string autoPad = Attributes.String(node, "auto_pad") ?? "NOTSET";
        int before = (kernel - 1) / 2, after = kernel - 1 - before;
        switch (autoPad)
        {
            case "VALID": return "Valid";
            case "SAME_UPPER" when stride == 1: return "Same";
            case "SAME_LOWER" when stride == 1 && before == after: return "Same";
            case "NOTSET" or "": break;
            default:
                reasons.Add($"auto_pad {autoPad} with stride {stride}: ModelGen pads 'same' only at stride 1, with the extra row below");
                return null;
        }
        long[] pads = Attributes.Ints(node, "pads") ?? new long[4];
        if (pads.Length != 4)
        {
            reasons.Add($"pads {Dims(pads)}");
            return null;
        }
        if (pads.All(p => p == 0)) return "Valid";
        if (stride == 1 && pads[0] == before && pads[1] == before && pads[2] == after && pads[3] == after) return "Same";
        reasons.Add($"pads {Dims(pads)} (top, left, bottom, right) with a {kernel}x{kernel} kernel and stride {stride}: ModelGen pads nothing, or 'same' at stride 1 ([{before}, {before}, {after}, {after}] here)");
        return null;
    }

    /// <summary>MaxPool and AveragePool (square windows, equal strides, no padding) → [MaxPool2D] and [AvgPool2D].</summary>
    private void Pool(NodeProto node)
    {
        ValueState? x = Data(node, 0);
        if (x is null) return;
        bool max = node.OpType == "MaxPool";
        var reasons = new List<string>();
        if (x.OnnxDims is not null && x.OnnxDims.Length != 3) reasons.Add($"its input has rank {Rank(x)}; pooling reads images [batch, channels, height, width]");
        long[] kernel = Attributes.Ints(node, "kernel_shape") ?? System.Array.Empty<long>();
        if (kernel.Length != 2 || kernel[0] != kernel[1]) reasons.Add($"kernel_shape {Dims(kernel)}: ModelGen's windows are square");
        long[] strides = Attributes.Ints(node, "strides") ?? new long[] { 1, 1 };
        if (strides.Length != 2 || strides[0] != strides[1]) reasons.Add($"strides {Dims(strides)}: ModelGen's stride is the same in both directions");
        long[]? pads = Attributes.Ints(node, "pads");
        if (pads is not null && pads.Any(p => p != 0)) reasons.Add($"pads {Dims(pads)}: ModelGen's pooling pads nothing");
        string autoPad = Attributes.String(node, "auto_pad") ?? "NOTSET";
        if (autoPad is not ("NOTSET" or "VALID" or "")) reasons.Add($"auto_pad {autoPad}: ModelGen's pooling pads nothing");
        long[]? dilations = Attributes.Ints(node, "dilations");
        if (dilations is not null && dilations.Any(d => d != 1)) reasons.Add($"dilations {Dims(dilations)}");
        if (max && node.Output.Count > 1 && node.Output[1].Length > 0 && _g.Consumers(node.Output[1]).Count > 0)
            reasons.Add("its indices output is used");
        if (kernel.Any(v => v is < 1 or > MaxExtent) || strides.Any(v => v is < 1 or > MaxExtent))
            reasons.Add($"kernel_shape {Dims(kernel)} and strides {Dims(strides)} must be positive");
        int k = kernel.Length > 0 && kernel[0] is >= 1 and <= MaxExtent ? (int)kernel[0] : 1;
        int s = strides.Length > 0 && strides[0] is >= 1 and <= MaxExtent ? (int)strides[0] : 1;
        if (Attributes.Int(node, "ceil_mode", 0) != 0 && x.Dims is { Length: 3 } d0 && k > 0 && s > 0
            && ((d0[1] - k) % s != 0 || (d0[2] - k) % s != 0))
            reasons.Add("ceil_mode = 1 where it keeps a partial window: ModelGen's pooling rounds down (floor mode)");
        if (reasons.Count > 0)
        {
            Unsupported(node, string.Join("; ", reasons));
            return;
        }
        LayerDecl layer = NewLayer(max ? "MaxPool2D" : "AvgPool2D", new[] { node }, x);
        layer.Positional.Add(Int(k));
        if (s != k) layer.Named.Add(("Stride", Int(s)));
        int[]? output = x.Dims is { Length: 3 } d ? new[] { d[0], (d[1] - k) / s + 1, (d[2] - k) / s + 1 } : null;
        Output(layer, node.Output[0], output);
    }

    /// <summary>GlobalAveragePool → [GlobalAvgPool2D]: ModelGen's output is the vector [c] where ONNX keeps [c, 1, 1].</summary>
    private void GlobalAveragePool(NodeProto node)
    {
        ValueState? x = Data(node, 0);
        if (x is null) return;
        if (x.OnnxDims is not null && x.OnnxDims.Length != 3)
        {
            Unsupported(node, $"its input has rank {Rank(x)}; global average pooling reads images");
            return;
        }
        LayerDecl layer = NewLayer("GlobalAvgPool2D", new[] { node }, x);
        Output(layer, node.Output[0], x.Dims is null ? null : new[] { x.Dims[0] }, x.Dims is null ? null : new[] { x.Dims[0], 1, 1 });
    }

    /// <summary>Pad with zero padding (PyTorch writes one before each AvgPool2d) is the identity; other padding is not supported.</summary>
    private void Pad(NodeProto node)
    {
        string mode = Attributes.String(node, "mode") ?? "constant";
        ConstantTensor? pads = node.Input.Count > 1 ? TryStatic(node.Input[1]) : Attributes.Ints(node, "pads") is { } p ? new ConstantTensor(new long[] { p.Length }, p.Select(v => (double)v).ToArray(), true) : null;
        if (pads is not null && pads.Values.All(v => v == 0))
        {
            Alias(node, node.Input[0]);
            return;
        }
        Unsupported(node, pads is null
            ? "padding computed by operators import does not evaluate: ModelGen pads only inside a convolution ('same')"
            : $"{mode} padding {Dims(pads.ToInt64s())} outside a convolution: ModelGen pads only inside Conv2D ('same', at stride 1)");
    }
}
