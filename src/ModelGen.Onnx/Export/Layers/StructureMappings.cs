using System.Linq;
using static ModelGen.Onnx.Export.GraphBuilder;

namespace ModelGen.Onnx.Export.Layers;

/// <summary>Layers that move values without computing: [Flatten], [Dropout], [Add], [Concat].</summary>
internal static class StructureMappings
{
    /// <summary>[Flatten] → <c>Flatten</c> (axis 1): [batch, c, h, w] to [batch, c·h·w] in the same (row-major) order.</summary>
    public static string Flatten(LayerContext ctx)
    {
        ctx.RequireRank(3, "flatten reads an image [channels x height x width]");
        ctx.Node("Flatten", new[] { ctx.Input }, ctx.Output, Int("axis", 1));
        return ctx.Output;
    }

    /// <summary>[Dropout] is the identity at inference: no node, its readers read its input.</summary>
    public static string Dropout(LayerContext ctx) => ctx.Input;

    /// <summary>[Add] → <c>Add</c>, chained left to right for more than two operands (the order ModelGen sums in).</summary>
    public static string Add(LayerContext ctx)
    {
        if (ctx.Inputs.Count < 2) throw ctx.Fail("has fewer than two operands.");
        if (ctx.InputShapes.Any(s => !s.SequenceEqual(ctx.InputShape)))
            throw ctx.Fail($"adds operands of different shapes ({string.Join(", ", ctx.InputShapes.Select(s => "[" + string.Join(" x ", s) + "]"))}).");
        string sum = ctx.Inputs[0];
        for (int j = 1; j < ctx.Inputs.Count; j++)
        {
            string next = j == ctx.Inputs.Count - 1 ? ctx.Output : ctx.Temporary("sum");
            ctx.Node("Add", new[] { sum, ctx.Inputs[j] }, next);
            sum = next;
        }
        return ctx.Output;
    }

    /// <summary>[Concat] → <c>Concat</c> on axis 1: features of vectors, channels of images (<c>torch.cat(dim=1)</c>).</summary>
    public static string Concat(LayerContext ctx)
    {
        if (ctx.InputShapes.Any(s => s.Count != ctx.InputShape.Count || !s.Skip(1).SequenceEqual(ctx.InputShape.Skip(1))))
            throw ctx.Fail($"joins operands that differ in more than their first axis ({string.Join(", ", ctx.InputShapes.Select(s => "[" + string.Join(" x ", s) + "]"))}).");
        ctx.Node("Concat", ctx.Inputs, ctx.Output, Int("axis", 1));
        return ctx.Output;
    }
}
