using System.Collections.Generic;
using System.Linq;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Import;

internal sealed partial class GraphMapper
{
    /// <summary>Gemm (what nn.Linear exports): Y = A·Bᵀ + C with B of shape [out, in] → [Dense(out)].</summary>
    private void Gemm(NodeProto node)
    {
        ValueState? a = Data(node, 0);
        if (a is null) return;
        ConstantTensor? b = Static(node, 1, "weight B");
        if (b is null) return;
        var reasons = new List<string>();
        if (Attributes.Int(node, "transA", 0) != 0) reasons.Add("transA = 1 (the input transposed)");
        if (Attributes.Float(node, "alpha", 1f) != 1f) reasons.Add($"alpha = {Number(Attributes.Float(node, "alpha", 1f))} (ModelGen's Dense computes W·x + b)");
        bool hasBias = node.Input.Count > 2 && node.Input[2].Length > 0;
        if (hasBias && Attributes.Float(node, "beta", 1f) != 1f) reasons.Add($"beta = {Number(Attributes.Float(node, "beta", 1f))}");
        if (b.Dims.Length != 2) reasons.Add($"weight B of rank {b.Dims.Length}");
        if (a.OnnxDims is not null && a.OnnxDims.Length != 1) reasons.Add($"its input has rank {Rank(a)}; Dense reads vectors [batch, features]");
        if (reasons.Count > 0)
        {
            Unsupported(node, string.Join("; ", reasons));
            return;
        }
        bool transB = Attributes.Int(node, "transB", 0) != 0;
        int outputs = (int)(transB ? b.Dims[0] : b.Dims[1]), inputs = (int)(transB ? b.Dims[1] : b.Dims[0]);
        float[] weight = transB ? b.ToSingles() : Transpose(b.ToSingles(), inputs, outputs);
        float[]? bias = null;
        if (hasBias)
        {
            ConstantTensor? c = Static(node, 2, "bias C");
            if (c is null) return;
            bias = Broadcast(c, outputs);
            if (bias is null)
            {
                Unsupported(node, $"bias C of shape {Dims(c.Dims)} does not broadcast to one value per output ({outputs})");
                return;
            }
        }
        DenseLayer(node, new[] { node }, a, inputs, outputs, weight, bias, node.Output[0]);
    }

    /// <summary>MatMul by a constant [in, out] (what x @ W exports), with the Add of a bias after it → [Dense(out)].</summary>
    private void MatMul(NodeProto node)
    {
        ValueState? a = Data(node, 0);
        if (a is null) return;
        if (!_g.IsStatic(node.Input[1]))
        {
            Unsupported(node, "a product of two computed tensors (such as attention scores): ModelGen's Dense multiplies by a weight");
            return;
        }
        ConstantTensor? b = Static(node, 1, "weight");
        if (b is null) return;
        if (b.Dims.Length != 2 || (a.OnnxDims is not null && a.OnnxDims.Length != 1))
        {
            Unsupported(node, $"a product of a rank-{Rank(a)} input and a rank-{b.Dims.Length} weight; Dense multiplies vectors [batch, in] by a weight [in, out]");
            return;
        }
        int inputs = (int)b.Dims[0], outputs = (int)b.Dims[1];
        var nodes = new List<NodeProto> { node };
        float[]? bias = null;
        string output = node.Output[0];
        if (OnlyConsumer(output, "Add") is { } add)
        {
            string other = add.Input[0] == output ? add.Input[1] : add.Input[0];
            if (TryStatic(other) is { } c && Broadcast(c, outputs) is { } values)
            {
                bias = values;
                nodes.Add(add);
                output = add.Output[0];
            }
        }
        DenseLayer(node, nodes, a, inputs, outputs, Transpose(b.ToSingles(), inputs, outputs), bias, output);
    }

    private void DenseLayer(NodeProto node, IReadOnlyList<NodeProto> nodes, ValueState input, int inputs, int outputs,
        float[] weight, float[]? bias, string output)
    {
        if (input.Dims is not null && input.Dims.Length == 1 && input.Dims[0] != inputs)
        {
            Unsupported(node, $"its weight takes {inputs} features, but its input has {input.Dims[0]}");
            return;
        }
        LayerDecl layer = NewLayer("Dense", nodes, input, canFuse: true);
        layer.Positional.Add(Int(outputs));
        if (bias is null) layer.Named.Add(("UseBias", "false"));
        layer.Tensors.Add(new LayerTensor(".weight", new[] { outputs, inputs }, weight));
        if (bias is not null) layer.Tensors.Add(new LayerTensor(".bias", new[] { outputs }, bias));
        Output(layer, output, new[] { outputs });
    }

    /// <summary>A row-major [rows, columns] matrix transposed.</summary>
    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                result[c * rows + r] = values[r * columns + c];
        return result;
    }

    /// <summary>A constant holding one value per feature (or one value for all), as <paramref name="count"/> floats.</summary>
    private static float[]? Broadcast(ConstantTensor c, int count)
    {
        if (c.Count == count && c.Dims.Count(d => d != 1) <= 1) return c.ToSingles();
        if (c.Count == 1) return Enumerable.Repeat((float)c.Values[0], count).ToArray();
        return null;
    }
}
