using System.Collections.Generic;
using System.Linq;
using ModelGen.Onnx.Protocol;

namespace ModelGen.Onnx.Import;

internal sealed partial class GraphMapper
{
    /// <summary>Flatten (axis 1) → [Flatten] of an image; nothing for a vector (after global average pooling).</summary>
    private void Flatten(NodeProto node)
    {
        ValueState? x = Data(node, 0);
        if (x is null) return;
        long axis = Attributes.Int(node, "axis", 1);
        int rank = Rank(x);
        if (rank >= 0 && axis != 1 && axis != 1 - rank)
        {
            Unsupported(node, $"axis = {axis}: ModelGen flattens each sample (axis 1)");
            return;
        }
        ToVector(node, x);
    }

    /// <summary>Reshape of each sample to a vector (x.view(x.size(0), -1), x.reshape(n, -1)) → [Flatten].</summary>
    private void Reshape(NodeProto node)
    {
        ValueState? x = Data(node, 0);
        if (x is null) return;
        ConstantTensor? shape = TryStatic(node.Input.Count > 1 ? node.Input[1] : "");
        if (shape is null)
        {
            Unsupported(node, "its target shape is computed by operators import does not evaluate");
            return;
        }
        double[] t = shape.Values;
        int size = x.Dims is null ? -1 : Size(x.Dims);
        bool batchFirst = t.Length == 2 && (t[0] == OnnxGraph.Batch || t[0] == 0 || t[0] > 0 || (t[0] == -1 && t[1] != -1));
        bool features = t.Length == 2 && (t[1] == -1 || t[1] == size || size < 0) && !(t[0] == -1 && t[1] == -1);
        if (!batchFirst || !features)
        {
            string target = "[" + string.Join(", ", t.Select(v => v == OnnxGraph.Batch ? "batch" : ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
            Unsupported(node, $"a reshape to {target}: ModelGen reshapes only each sample to a vector ([batch, -1])");
            return;
        }
        ToVector(node, x);
    }

    private void ToVector(NodeProto node, ValueState x)
    {
        if (x.Dims is not null && x.Dims.Length == 1)
        {
            Alias(node, node.Input[0]);
            _values[node.Output[0]] = x with { OnnxDims = x.Dims };
            return;
        }
        LayerDecl layer = NewLayer("Flatten", new[] { node }, x);
        Output(layer, node.Output[0], x.Dims is null ? null : new[] { Size(x.Dims) });
    }

    /// <summary>Add of two computed tensors of one shape → [Add] (a skip connection).</summary>
    private void Add(NodeProto node)
    {
        if (node.Input.Count != 2 || _g.IsStatic(node.Input[0]) || _g.IsStatic(node.Input[1]))
        {
            Unsupported(node, "adds a constant outside a layer (a bias that follows no MatMul, a shift): ModelGen's Add sums layer outputs");
            return;
        }
        ValueState? a = Data(node, 0), b = a is null ? null : Data(node, 1);
        if (a is null || b is null) return;
        if (a.Dims is not null && b.Dims is not null && !a.Dims.SequenceEqual(b.Dims))
        {
            Unsupported(node, $"adds shapes {LayerDecl.Shape(a.Dims)} and {LayerDecl.Shape(b.Dims)}: ModelGen's Add does not broadcast");
            return;
        }
        Merge("Add", node, new[] { a, b }, a.Dims, a.OnnxDims);
    }

    /// <summary>Concat along channels (images) or features (vectors) → [Concat].</summary>
    private void Concat(NodeProto node)
    {
        var inputs = new List<ValueState>();
        for (int i = 0; i < node.Input.Count; i++)
        {
            ValueState? v = Data(node, i);
            if (v is null) return;
            inputs.Add(v);
        }
        long axis = Attributes.Int(node, "axis", 1);
        int rank = inputs.Select(Rank).FirstOrDefault(r => r >= 0, -1);
        if (rank >= 0 && axis != 1 && axis != 1 - rank)
        {
            Unsupported(node, $"axis = {axis}: ModelGen joins along channels or features (axis 1)");
            return;
        }
        int[]? dims = null;
        if (inputs.All(v => v.Dims is not null))
        {
            if (inputs.Any(v => v.Dims!.Length != inputs[0].Dims!.Length || !v.Dims.Skip(1).SequenceEqual(inputs[0].Dims!.Skip(1))))
            {
                Unsupported(node, $"joins shapes {string.Join(", ", inputs.Select(v => LayerDecl.Shape(v.Dims!)))}, which do not agree beyond axis 1");
                return;
            }
            dims = inputs[0].Dims!.ToArray();
            dims[0] = inputs.Sum(v => v.Dims![0]);
        }
        if (inputs.Count == 1)
        {
            Alias(node, node.Input[0]);
            return;
        }
        Merge("Concat", node, inputs, dims, dims);
    }

    private void Merge(string attribute, NodeProto node, IReadOnlyList<ValueState> inputs, int[]? dims, int[]? onnxDims)
    {
        // The first operand is the previous layer's output when one of them is (Add's order does not change a sum;
        // Concat's does, so there only the first may be implicit), otherwise From.
        List<ValueState> operands = inputs.ToList();
        if (attribute == "Add" && operands[0].Layer != PreviousName && operands[1].Layer == PreviousName) operands.Reverse();
        LayerDecl layer = NewLayer(attribute, new[] { node }, operands[0]);
        layer.Operands.AddRange(operands.Skip(1).Select(o => o.Layer));
        Output(layer, node.Output[0], dims, onnxDims);
    }

    /// <summary>Dropout is the identity at inference: dropped, with a note where it stood.</summary>
    private void Dropout(NodeProto node)
    {
        if (node.Output.Count > 1 && node.Output[1].Length > 0 && _g.Consumers(node.Output[1]).Count > 0)
        {
            Unsupported(node, "its mask output is used");
            return;
        }
        double ratio = node.Input.Count > 1 && TryStatic(node.Input[1]) is { Count: 1 } r ? r.Values[0] : Attributes.Float(node, "ratio", 0.5f);
        Alias(node, node.Input[0], $"{_g.Label(node)} (Dropout, ratio {Number((float)ratio)}) was dropped before it: the identity at inference; add [Dropout({Number((float)ratio)})] to fine-tune with it");
    }
}
