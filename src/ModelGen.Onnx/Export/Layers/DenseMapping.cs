using System.Collections.Generic;
using static ModelGen.Onnx.Export.GraphBuilder;

namespace ModelGen.Onnx.Export.Layers;

/// <summary>[Dense] → <c>Gemm</c> with transB = 1 (ModelGen's weight is [out, in], PyTorch's layout), then its activation.</summary>
internal static class DenseMapping
{
    public static string Emit(LayerContext ctx)
    {
        ctx.RequireRank(1, "a dense layer reads a vector");
        int inputs = ctx.InputShape[0], units = ctx.OutputShape[0];
        var operands = new List<string> { ctx.Input, ctx.Parameter(".weight", units, inputs) };
        if (ctx.Setting("UseBias", "true") == "true") operands.Add(ctx.Parameter(".bias", units));
        return FusedActivation.Apply(ctx, (ctx2, output) => ctx2.Node("Gemm", operands, output, Int("transB", 1)));
    }
}

/// <summary>The activation a Dense or Conv2D layer applies after its product (its <c>activation</c> argument).</summary>
internal static class FusedActivation
{
    /// <summary>Runs <paramref name="product"/> into the layer's output, or into a temporary followed by the activation.</summary>
    public static string Apply(LayerContext ctx, System.Action<LayerContext, string> product)
    {
        string activation = ctx.Setting("activation", ActivationOps.Linear);
        if (activation == ActivationOps.Linear)
        {
            product(ctx, ctx.Output);
            return ctx.Output;
        }
        string linear = ctx.Temporary("linear");
        product(ctx, linear);
        double alpha = activation == "Elu" ? ActivationOps.FusedEluAlpha : ActivationOps.FusedLeakySlope;
        ActivationOps.Emit(ctx, activation, linear, ctx.Output, ctx.OutputShape, alpha);
        return ctx.Output;
    }
}
