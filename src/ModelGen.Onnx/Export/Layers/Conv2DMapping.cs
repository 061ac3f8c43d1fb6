using System.Collections.Generic;
using static ModelGen.Onnx.Export.GraphBuilder;

namespace ModelGen.Onnx.Export.Layers;

/// <summary>
/// [Conv2D] → <c>Conv</c> on NCHW (ModelGen's image layout per sample is [channels, height, width]), weights
/// [filters, channels, k, k] as they are, explicit pads (Padding.Same: (k−1)/2 before, the rest after, PyTorch's
/// <c>padding='same'</c>), then its activation.
/// </summary>
internal static class Conv2DMapping
{
    public static string Emit(LayerContext ctx)
    {
        ctx.RequireRank(3, "a convolution reads an image [channels x height x width]");
        int channels = ctx.InputShape[0], height = ctx.InputShape[1], width = ctx.InputShape[2];
        int filters = ctx.Integer("filters"), kernel = ctx.Integer("kernelSize"), stride = ctx.Integer("Stride");
        string padding = ctx.Setting("Padding", "Valid");
        int before, after;
        switch (padding)
        {
            case "Valid":
                before = after = 0;
                break;
            case "Same":
                before = (kernel - 1) / 2;
                after = kernel - 1 - before;
                break;
            default:
                throw ctx.Fail($"has Padding = '{padding}'; ONNX export knows Valid and Same.");
        }
        int outHeight = (height + before + after - kernel) / stride + 1, outWidth = (width + before + after - kernel) / stride + 1;
        if (ctx.OutputShape.Count != 3 || ctx.OutputShape[0] != filters || ctx.OutputShape[1] != outHeight || ctx.OutputShape[2] != outWidth)
            throw ctx.Fail($"is described with output [{string.Join(" x ", ctx.OutputShape)}], but its settings make [{filters} x {outHeight} x {outWidth}].");

        var operands = new List<string> { ctx.Input, ctx.Parameter(".weight", filters, channels, kernel, kernel) };
        if (ctx.Setting("UseBias", "true") == "true") operands.Add(ctx.Parameter(".bias", filters));
        return FusedActivation.Apply(ctx, (c, output) => c.Node("Conv", operands, output,
            Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride),
            Ints("pads", before, before, after, after), Ints("dilations", 1, 1), Int("group", 1)));
    }
}
