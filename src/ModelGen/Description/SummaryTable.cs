using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ModelGen;

/// <summary>The text of <see cref="ModelDescription.FormatSummary"/>: a fixed-width table, the same on every machine.</summary>
internal static class SummaryTable
{
    private const string Gap = "  ";

    public static string Format(ModelDescription model)
    {
        // A sequential model's layers each read the one before (the first, the input): the Reads column adds nothing.
        bool graph = model.Layers.Select((l, i) => l.Sources.Count != 1 || l.Sources[0] != (i == 0 ? "input" : model.Layers[i - 1].Name)).Any(x => x);

        var rows = new List<string[]> { Row(graph, "input (Input)", ModelDescription.FormatShape(model.InputShape), "0", "") };
        foreach (LayerDescription layer in model.Layers)
            rows.Add(Row(graph, $"{layer.Name} ({layer.Kind})", ModelDescription.FormatShape(layer.OutputShape),
                ModelDescription.FormatCount(layer.ParameterCount + (long)layer.BufferCount), string.Join(", ", layer.Sources)));

        string[] header = Row(graph, "Layer (kind)", "Output shape", "Params", "Reads");
        int[] widths = Enumerable.Range(0, header.Length).Select(c => rows.Append(header).Max(r => r[c].Length)).ToArray();
        int width = widths.Sum() + Gap.Length * (widths.Length - 1);

        var text = new StringBuilder();
        text.Append("Model: ").Append(model.Name).Append(" (").Append(model.Precision).Append(", batches of up to ")
            .Append(ModelDescription.FormatCount(model.BatchSize)).Append(")\n");
        text.Append('-', width).Append('\n');
        Line(text, header, widths);
        text.Append('=', width).Append('\n');
        foreach (string[] row in rows) Line(text, row, widths);
        text.Append('=', width).Append('\n');
        text.Append("Total params: ").Append(ModelDescription.FormatCount(model.ParameterCount + model.BufferCount)).Append('\n');
        text.Append("Trainable params: ").Append(ModelDescription.FormatCount(model.ParameterCount)).Append('\n');
        text.Append("Non-trainable params: ").Append(ModelDescription.FormatCount(model.BufferCount)).Append('\n');
        if (model.IsTrainable)
        {
            text.Append("Loss: ").Append(model.Loss);
            if (!string.IsNullOrEmpty(model.LossSettings)) text.Append(" (").Append(model.LossSettings).Append(')');
            text.Append('\n');
            text.Append("Optimizer: ").Append(model.Optimizer);
            if (!string.IsNullOrEmpty(model.OptimizerSettings)) text.Append(" (").Append(model.OptimizerSettings).Append(')');
            text.Append('\n');
        }
        else
        {
            text.Append("Inference only (no loss and optimizer)\n");
        }
        return text.ToString();
    }

    /// <summary>The cells of one row; the Reads cell only for a graph model.</summary>
    private static string[] Row(bool graph, string layer, string shape, string parameters, string reads) =>
        graph ? new[] { layer, shape, parameters, reads } : new[] { layer, shape, parameters };

    /// <summary>Cells padded to their column's width (counts right-aligned), without trailing spaces.</summary>
    private static void Line(StringBuilder text, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0) line.Append(Gap);
            line.Append(c == 2 ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
        }
        text.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
