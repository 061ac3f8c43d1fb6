using System.Collections.Generic;
using System.Linq;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Import;

internal sealed partial class GraphMapper
{
    /// <summary>
    /// An activation node: fused into the Dense or Conv2D layer before it (Activation.X) when nothing else reads that
    /// layer's output and the activation has an <c>Activation</c> value; otherwise a layer of its own.
    /// </summary>
    private void Activation(NodeProto node)
    {
        ValueState? x = Data(node, 0);
        if (x is null) return;
        if (node.OpType == "Sigmoid" && TrySilu(node, x)) return;
        string? fused;
        string attribute;
        string? argument = null;
        switch (node.OpType)
        {
            case "Relu": (attribute, fused) = ("ReLU", "Activation.ReLU"); break;
            case "Tanh": (attribute, fused) = ("Tanh", "Activation.Tanh"); break;
            case "Sigmoid": (attribute, fused) = ("Sigmoid", "Activation.Sigmoid"); break;
            case "Softplus": (attribute, fused) = ("Softplus", "Activation.Softplus"); break;
            case "Softmax":
            {
                long axis = Attributes.Int(node, "axis", -1);
                int rank = Rank(x);
                if (rank >= 0 && (rank != 2 || (axis != 1 && axis != -1)))
                {
                    Unsupported(node, $"softmax over axis {axis} of a rank-{rank} tensor: ModelGen's softmax is over the features of a vector");
                    return;
                }
                (attribute, fused) = ("Softmax", "Activation.Softmax");
                break;
            }
            case "LeakyRelu":
            {
                float alpha = Attributes.Float(node, "alpha", 0.01f);
                attribute = "LeakyReLU";
                fused = alpha == 0.01f ? "Activation.LeakyReLU" : null;
                if (alpha != 0.01f) argument = Number(alpha);
                break;
            }
            default: // Elu
            {
                float alpha = Attributes.Float(node, "alpha", 1f);
                attribute = "Elu";
                fused = alpha == 1f ? "Activation.Elu" : null;
                if (alpha != 1f) argument = Number(alpha);
                break;
            }
        }
        if (fused is not null && TryFuse(node.Input[0], new[] { node }, fused, node.Output[0])) return;
        LayerDecl layer = NewLayer(attribute, new[] { node }, x);
        if (argument is not null) layer.Positional.Add(argument);
        Output(layer, node.Output[0], x.Dims, x.OnnxDims);
    }

    /// <summary>SiLU as PyTorch 1.13 exports it: Mul(x, Sigmoid(x)).</summary>
    private bool TrySilu(NodeProto sigmoid, ValueState x)
    {
        string input = sigmoid.Input[0];
        NodeProto? mul = OnlyConsumer(sigmoid.Output[0], "Mul");
        if (mul is null || !(mul.Input[0] == input && mul.Input[1] == sigmoid.Output[0] || mul.Input[1] == input && mul.Input[0] == sigmoid.Output[0]))
            return false;
        NodeProto[] pattern = { sigmoid, mul };
        if (TryFuse(input, pattern, "Activation.Silu", mul.Output[0])) return true;
        LayerDecl layer = NewLayer("Silu", pattern, x);
        Output(layer, mul.Output[0], x.Dims, x.OnnxDims);
        return true;
    }

    /// <summary>Div: the start of GELU as PyTorch 1.13 exports it (x / √2, Erf, + 1, x ·, · 0.5); otherwise not supported.</summary>
    private void Div(NodeProto div)
    {
        ValueState? x = Data(div, 0);
        if (x is null) return;
        string input = div.Input[0];
        if (TryStatic(div.Input[1]) is { Count: 1 } root && Near(root.Values[0], System.Math.Sqrt(2))
            && OnlyConsumer(div.Output[0], "Erf") is { } erf
            && OnlyConsumer(erf.Output[0], "Add") is { } plusOne && IsConstantOperand(plusOne, erf.Output[0], 1)
            && OnlyConsumer(plusOne.Output[0], "Mul") is { } times && Other(times, plusOne.Output[0]) == input
            && OnlyConsumer(times.Output[0], "Mul") is { } half && IsConstantOperand(half, times.Output[0], 0.5))
        {
            NodeProto[] pattern = { div, erf, plusOne, times, half };
            if (TryFuse(input, pattern, "Activation.Gelu", half.Output[0])) return;
            LayerDecl layer = NewLayer("Gelu", pattern, x);
            Output(layer, half.Output[0], x.Dims, x.OnnxDims);
            return;
        }
        Unsupported(div, "a division that is not part of a GELU (x / √2, Erf, + 1, · x, · 0.5) or a layer norm");
    }

    /// <summary>The operand of a binary node other than <paramref name="value"/>.</summary>
    private static string Other(NodeProto node, string value) => node.Input[0] == value ? node.Input[1] : node.Input[0];

    private bool IsConstantOperand(NodeProto node, string value, double expected) =>
        node.Input.Count == 2 && TryStatic(Other(node, value)) is { Count: 1 } c && Near(c.Values[0], expected);
}
