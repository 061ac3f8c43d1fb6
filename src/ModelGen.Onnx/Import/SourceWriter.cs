using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ModelGen.Onnx.Import;

/// <summary>Writes the imported declaration as a C# file: a header saying where it came from and how to use it, then the
/// attributed partial class with a comment per layer naming its ONNX nodes and its output shape.</summary>
internal static class SourceWriter
{
    public static (string Source, IReadOnlyList<ImportedLayer> Layers) Write(MappedModel model, OnnxImportOptions options, string sourceName)
    {
        var text = new StringBuilder();
        var layers = new List<ImportedLayer>();
        int line = 1;
        void Line(string s = "")
        {
            text.Append(s).Append('\n');
            line++;
        }
        string cls = options.ClassName;
        Line($"// Imported by `modelgen import` from {Comment(sourceName)} ({(model.Producer.Length > 0 ? Comment(model.Producer) + ", " : "")}ONNX opset {model.Opset}).");
        Line($"// The weights are in {cls}.safetensors, under the layer names below:");
        Line($"//     var model = new {cls}();");
        Line($"//     model.LoadWeights(\"{cls}.safetensors\");");
        Line("// The model is inference-only (Predict). To fine-tune it, add a [Loss(...)] and an optimizer attribute (such as");
        Line("// [Adam]) after the layers. A Dropout node of the file is left out (the identity in Predict); a comment says where");
        Line("// its [Dropout(rate)] would go.");
        Line("using ModelGen;");
        Line();
        if (!string.IsNullOrEmpty(options.Namespace))
        {
            Line($"namespace {options.Namespace};");
            Line();
        }
        int parameters = model.Layers.Sum(l => l.Tensors.Where(t => t.Suffix is ".weight" or ".bias").Sum(t => t.Values.Length));
        Line($"/// <summary>");
        Line($"/// Imported from <c>{Xml(sourceName)}</c>: {model.Layers.Count} layers, {parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} parameters, input {LayerDecl.Shape(model.Input)}, output {LayerDecl.Shape(model.Layers[^1].Output)}.");
        Line($"/// </summary>");
        Line($"[Model(BatchSize = {options.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)})]");
        Line($"[Input({string.Join(", ", model.Input)})] // ONNX input \"{Comment(model.InputName)}\": [batch, {string.Join(", ", model.Input)}]");
        foreach (LayerDecl layer in model.Layers)
        {
            string nodes = string.Join(" + ", layer.Nodes.Select(Comment));
            Line($"// {layer.Name} -> {LayerDecl.Shape(layer.Output)}: {nodes}");
            foreach (string note in layer.Notes) Line($"//   ({Comment(note)})");
            string declaration = layer.Declaration();
            layers.Add(new ImportedLayer(layer.Name, declaration, layer.Nodes.ToArray(), line, layer.Output.ToArray()));
            Line($"{declaration}");
        }
        Line($"public partial class {cls};");
        return (text.ToString(), layers);
    }

    /// <summary>Text safe inside a line comment (no line breaks).</summary>
    private static string Comment(string s) => s.Replace('\r', ' ').Replace('\n', ' ');

    private static string Xml(string s) => Comment(s).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
