using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelGen.Onnx.Export;

/// <summary>
/// Activations as ONNX nodes, by the names ModelGen's description uses (the members of <c>Activation</c>, which are
/// also the kinds of the activation layers). Where opset 17 has no operator (GELU arrived in opset 20, SiLU has none),
/// the nodes are the decomposition <c>torch.onnx.export</c> (PyTorch 1.13, opset 17) writes, so importers that know
/// PyTorch's files recognize them.
/// </summary>
internal static class ActivationOps
{
    /// <summary>The activation that changes nothing.</summary>
    public const string Linear = "Linear";

    /// <summary>PyTorch's default negative slope, which <c>Activation.LeakyReLU</c> on a Dense or Conv2D layer uses.</summary>
    public const double FusedLeakySlope = 0.01;

    /// <summary>The α of <c>Activation.Elu</c> on a Dense or Conv2D layer (PyTorch's default).</summary>
    public const double FusedEluAlpha = 1.0;

    /// <summary>The activations this file maps (for messages and the README's table).</summary>
    public static readonly IReadOnlyList<string> Supported = new[]
    {
        Linear, "ReLU", "Tanh", "Sigmoid", "Softmax", "LeakyReLU", "Gelu", "GeluTanh", "Silu", "Elu", "Softplus",
    };

    /// <summary>
    /// Writes <paramref name="activation"/> of value <paramref name="x"/> (per-sample shape <paramref name="shape"/>)
    /// into <paramref name="y"/>. <paramref name="alpha"/> is LeakyReLU's slope or ELU's α.
    /// </summary>
    public static void Emit(LayerContext ctx, string activation, string x, string y, IReadOnlyList<int> shape, double alpha)
    {
        switch (activation)
        {
            case Linear:
                ctx.Node("Identity", new[] { x }, y);
                break;
            case "ReLU":
                ctx.Node("Relu", new[] { x }, y);
                break;
            case "Tanh":
                ctx.Node("Tanh", new[] { x }, y);
                break;
            case "Sigmoid":
                ctx.Node("Sigmoid", new[] { x }, y);
                break;
            case "LeakyReLU":
                ctx.Node("LeakyRelu", new[] { x }, y, GraphBuilder.Float("alpha", alpha));
                break;
            case "Elu":
                ctx.Node("Elu", new[] { x }, y, GraphBuilder.Float("alpha", alpha));
                break;
            case "Softplus":
                // ONNX: log(1 + e^x). PyTorch (and ModelGen) return x itself above 20, where the two differ by
                // log(1 + e^-x) < 2.1e-9: below float's resolution there, and within any tolerance in double.
                ctx.Node("Softplus", new[] { x }, y);
                break;
            case "Softmax":
                Softmax(ctx, x, y, shape);
                break;
            case "Silu":
            {
                // x·σ(x), as PyTorch writes it: Sigmoid, then Mul.
                string sigmoid = ctx.Temporary("sigmoid");
                ctx.Node("Sigmoid", new[] { x }, sigmoid);
                ctx.Node("Mul", new[] { x, sigmoid }, y);
                break;
            }
            case "Gelu":
            {
                // 0.5·x·(1 + erf(x/√2)): Div, Erf, Add, Mul, Mul (opset 20's Gelu is not in opset 17).
                string scaled = ctx.Temporary("div"), erf = ctx.Temporary("erf"), plus = ctx.Temporary("add"), times = ctx.Temporary("mul");
                ctx.Node("Div", new[] { x, ctx.Graph.Scalar(Math.Sqrt(2)) }, scaled);
                ctx.Node("Erf", new[] { scaled }, erf);
                ctx.Node("Add", new[] { erf, ctx.Graph.Scalar(1) }, plus);
                ctx.Node("Mul", new[] { x, plus }, times);
                ctx.Node("Mul", new[] { times, ctx.Graph.Scalar(0.5) }, y);
                break;
            }
            case "GeluTanh":
            {
                // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), x³ as x·(x·x) like PyTorch (no Pow).
                string square = ctx.Temporary("square"), cube = ctx.Temporary("cube"), cubic = ctx.Temporary("cubic"),
                    inner = ctx.Temporary("inner"), scaled = ctx.Temporary("scaled"), tanh = ctx.Temporary("tanh"),
                    plus = ctx.Temporary("add"), times = ctx.Temporary("mul");
                ctx.Node("Mul", new[] { x, x }, square);
                ctx.Node("Mul", new[] { x, square }, cube);
                ctx.Node("Mul", new[] { ctx.Graph.Scalar(0.044715), cube }, cubic);
                ctx.Node("Add", new[] { x, cubic }, inner);
                ctx.Node("Mul", new[] { ctx.Graph.Scalar(Math.Sqrt(2 / Math.PI)), inner }, scaled);
                ctx.Node("Tanh", new[] { scaled }, tanh);
                ctx.Node("Add", new[] { ctx.Graph.Scalar(1), tanh }, plus);
                ctx.Node("Mul", new[] { x, plus }, times);
                ctx.Node("Mul", new[] { ctx.Graph.Scalar(0.5), times }, y);
                break;
            }
            default:
                throw ctx.Fail($"applies the activation '{activation}', which ONNX export does not know (it maps {string.Join(", ", Supported)}).");
        }
    }

    /// <summary>
    /// ModelGen's softmax normalizes over all of a sample's values: over a vector, Softmax on axis 1; over an image
    /// (Conv2D with Activation.Softmax), the image flattened, Softmax, and reshaped back to [c, h, w].
    /// </summary>
    private static void Softmax(LayerContext ctx, string x, string y, IReadOnlyList<int> shape)
    {
        if (shape.Count == 1)
        {
            ctx.Node("Softmax", new[] { x }, y, GraphBuilder.Int("axis", 1));
            return;
        }
        string flat = ctx.Temporary("flatten"), softmax = ctx.Temporary("softmax");
        ctx.Node("Flatten", new[] { x }, flat, GraphBuilder.Int("axis", 1));
        ctx.Node("Softmax", new[] { flat }, softmax, GraphBuilder.Int("axis", 1));
        string target = ctx.Graph.Int64s(ctx.Layer.Name + "/shape", new long[] { -1 }.Concat(shape.Select(d => (long)d)).ToArray());
        ctx.Node("Reshape", new[] { softmax, target }, y);
    }
}
