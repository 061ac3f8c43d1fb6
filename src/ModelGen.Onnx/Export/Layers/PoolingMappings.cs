using ModelGen.Onnx.Protocol;
using static ModelGen.Onnx.Export.GraphBuilder;

namespace ModelGen.Onnx.Export.Layers;

/// <summary>[MaxPool2D], [AvgPool2D] and [GlobalAvgPool2D].</summary>
internal static class PoolingMappings
{
    /// <summary>[MaxPool2D(k)] → <c>MaxPool</c>: k×k windows, the stride, no padding, floor (ceil_mode 0).</summary>
    public static string MaxPool(LayerContext ctx) => Window(ctx, "MaxPool");

    /// <summary>
    /// [AvgPool2D(k)] → <c>AveragePool</c>. ModelGen's windows never reach past the image (no padding), so every window
    /// averages k·k values; count_include_pad = 0 says the same should padding ever be added.
    /// </summary>
    public static string AvgPool(LayerContext ctx) => Window(ctx, "AveragePool");

    private static string Window(LayerContext ctx, string op)
    {
        ctx.RequireRank(3, "pooling reads an image [channels x height x width]");
        int pool = ctx.Integer("poolSize"), stride = ctx.Integer("Stride");
        int outHeight = (ctx.InputShape[1] - pool) / stride + 1, outWidth = (ctx.InputShape[2] - pool) / stride + 1;
        if (ctx.OutputShape.Count != 3 || ctx.OutputShape[0] != ctx.InputShape[0] || ctx.OutputShape[1] != outHeight || ctx.OutputShape[2] != outWidth)
            throw ctx.Fail($"is described with output [{string.Join(" x ", ctx.OutputShape)}], but its settings make [{ctx.InputShape[0]} x {outHeight} x {outWidth}].");
        AttributeProto[] attributes = op == "AveragePool"
            ? new[] { Ints("kernel_shape", pool, pool), Ints("strides", stride, stride), Ints("pads", 0, 0, 0, 0), Int("ceil_mode", 0), Int("count_include_pad", 0) }
            : new[] { Ints("kernel_shape", pool, pool), Ints("strides", stride, stride), Ints("pads", 0, 0, 0, 0), Int("ceil_mode", 0) };
        ctx.Node(op, new[] { ctx.Input }, ctx.Output, attributes);
        return ctx.Output;
    }

    /// <summary>[GlobalAvgPool2D] → <c>GlobalAveragePool</c> ([batch, c, 1, 1]) then <c>Flatten</c> to [batch, c].</summary>
    public static string GlobalAvgPool(LayerContext ctx)
    {
        ctx.RequireRank(3, "global average pooling reads an image [channels x height x width]");
        string pooled = ctx.Temporary("pooled");
        ctx.Node("GlobalAveragePool", new[] { ctx.Input }, pooled);
        ctx.Node("Flatten", new[] { pooled }, ctx.Output, Int("axis", 1));
        return ctx.Output;
    }
}
