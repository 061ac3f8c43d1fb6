using System.Linq;
using static ModelGen.Onnx.Export.GraphBuilder;

namespace ModelGen.Onnx.Export.Layers;

/// <summary>[BatchNorm] and [LayerNorm].</summary>
internal static class NormalizationMappings
{
    /// <summary>
    /// [BatchNorm] → <c>BatchNormalization</c> in inference mode: γ, β and the running mean and variance, per feature of
    /// a vector ([batch, features]) or per channel of an image. ONNX's momentum weighs the old running value (PyTorch's
    /// weighs the batch's), so it is written as 1 − Momentum; inference does not use it.
    /// </summary>
    public static string BatchNorm(LayerContext ctx)
    {
        if (ctx.InputShape.Count is not (1 or 3))
            throw ctx.Fail($"reads a value of shape [{string.Join(" x ", ctx.InputShape)}]; batch norm takes a vector or an image.");
        int channels = ctx.InputShape[0];
        string[] operands =
        {
            ctx.Input, ctx.Parameter(".weight", channels), ctx.Parameter(".bias", channels),
            ctx.Buffer(".running_mean", channels), ctx.Buffer(".running_var", channels),
        };
        ctx.Node("BatchNormalization", operands, ctx.Output,
            Float("epsilon", ctx.Number("Epsilon")), Float("momentum", 1 - ctx.Number("Momentum", 0.1)));
        return ctx.Output;
    }

    /// <summary>
    /// [LayerNorm] → <c>LayerNormalization</c> (opset 17) over all of a sample's values: axis −rank, so the last axis of
    /// a vector and the last three of an image (as PyTorch's <c>LayerNorm(sample shape)</c> exports); γ and β have the
    /// sample's shape.
    /// </summary>
    public static string LayerNorm(LayerContext ctx)
    {
        long[] shape = ctx.InputShape.Select(d => (long)d).ToArray();
        string[] operands = { ctx.Input, ctx.Parameter(".weight", shape), ctx.Parameter(".bias", shape) };
        ctx.Node("LayerNormalization", operands, ctx.Output, Int("axis", -shape.Length), Float("epsilon", ctx.Number("Epsilon")));
        return ctx.Output;
    }
}
