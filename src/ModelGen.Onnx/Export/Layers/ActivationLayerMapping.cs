namespace ModelGen.Onnx.Export.Layers;

/// <summary>
/// The activation layers ([ReLU], [Tanh], [Sigmoid], [Softmax], [LeakyReLU(alpha)], [Gelu(Approximate)], [Silu],
/// [Elu(alpha)], [Softplus]): the layer's kind names its activation.
/// </summary>
internal static class ActivationLayerMapping
{
    public static string Emit(LayerContext ctx)
    {
        string activation = ctx.Layer.Kind;
        double alpha = 0;
        switch (activation)
        {
            case "LeakyReLU":
                alpha = ctx.Number("alpha", ActivationOps.FusedLeakySlope);
                break;
            case "Elu":
                alpha = ctx.Number("alpha", ActivationOps.FusedEluAlpha);
                break;
            case "Gelu":
                // [Gelu(Approximate = true)] is PyTorch's GELU(approximate='tanh').
                if (ctx.Setting("Approximate", "false") == "true") activation = "GeluTanh";
                break;
        }
        ActivationOps.Emit(ctx, activation, ctx.Input, ctx.Output, ctx.InputShape, alpha);
        return ctx.Output;
    }
}
