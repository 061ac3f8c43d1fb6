using ModelGen.Generator.Emitting;
using ModelGen.Generator.Graph;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Layers;

/// <summary>What the layers with unit weights (Dense, Conv2D) share: packed weights, their description, the start of their backward step.</summary>
internal static class Weighted
{
    /// <summary>The field holding the layer's weights packed for the forward pass.</summary>
    public static string PackedField(LayerPlan layer) => GeneratedNames.ScratchField(layer.Name, "PackedWeight");

    /// <summary>
    /// Whether the layer keeps its pre-activations (the product before the activation) for the backward pass: a
    /// trainable model whose fused activation's derivative is a function of its input (GELU, SiLU, ELU, softplus).
    /// </summary>
    public static bool KeepsPreActivation(LayerStep s) => s.Trainable && ActivationInfo.ReadsInput(s.Layer.Activation);

    /// <summary>The field holding the pre-activations of the last forward pass (see <see cref="KeepsPreActivation"/>).</summary>
    public static string PreActivationField(LayerPlan layer) => GeneratedNames.ScratchField(layer.Name, "PreActivation");

    /// <summary>Declares the pre-activation array [BatchSize x outputs] of a layer that keeps them.</summary>
    public static void DeclarePreActivation(LayerStep s)
    {
        if (KeepsPreActivation(s))
            s.W.Line($"private readonly {s.T}[] {PreActivationField(s.Layer)} = new {s.T}[BatchSize * {Int(s.Layer.Output.Size)}]; // {s.Layer.Name}: the values before its {s.Layer.Activation}, which its derivative reads");
    }

    /// <summary>
    /// Where the layer's product goes: its output array (the activation then runs in place), or the pre-activation
    /// array when it keeps them (the activation then reads them into the output).
    /// </summary>
    public static string ProductTarget(LayerStep s) => KeepsPreActivation(s) ? PreActivationField(s.Layer) : s.Output;

    /// <summary>The fused activation after the product written to <see cref="ProductTarget"/>.</summary>
    public static void EmitActivation(LayerStep s)
    {
        int outSize = s.Layer.Output.Size;
        if (KeepsPreActivation(s))
            ActivationInfo.EmitForward(s, LayerStep.Rows(PreActivationField(s.Layer), outSize), LayerStep.Rows(s.Output, outSize));
        else
            ActivationInfo.EmitForward(s, null, LayerStep.Rows(s.Output, outSize));
    }

    /// <summary>The end of the architecture line: activation, initializer, penalties.</summary>
    public static string DescribeTail(LayerPlan layer)
    {
        string what = "";
        if (layer.Activation != ActivationKind.Linear) what += ", " + layer.Activation;
        if (layer.Weight is not null) what += ", weights " + InitName(layer.Weight.Init);
        if (layer.Spec.L1 > 0) what += ", L1 " + Number(layer.Spec.L1);
        if (layer.Spec.L2 > 0) what += ", L2 " + Number(layer.Spec.L2);
        return what;
    }

    public static string InitName(InitKind init) => init switch
    {
        InitKind.Zeros => "zeros",
        InitKind.Ones => "ones",
        InitKind.GlorotUniform => "Glorot uniform",
        InitKind.GlorotNormal => "Glorot normal",
        InitKind.LeCunUniform => "LeCun uniform",
        InitKind.LeCunNormal => "LeCun normal",
        InitKind.HeUniform => "He uniform",
        InitKind.HeNormal => "He normal",
        _ => init.ToString(),
    };

    /// <summary>
    /// The start of a dense or convolution layer's backward step: a comment with the gradients' shapes, then the fused
    /// activation's backward pass in place. Returns the bias gradient argument (an empty span without a bias).
    /// </summary>
    public static string EmitBackwardPrologue(LayerStep s)
    {
        LayerPlan layer = s.Layer;
        int outSize = layer.Output.Size;
        s.W.Line($"// {layer.Name}: dY [n x {Int(outSize)}] -> dW {ShapeText(layer.Weight!.Shape)}" +
                 (layer.Bias is null ? "" : $", db {ShapeText(layer.Bias.Shape)}") + $", dX [n x {Int(layer.Input.Size)}]");
        if (KeepsPreActivation(s))
        {
            s.W.Line($"// first back through its {layer.Activation}, in place: dY = f'(X) * dY elementwise, X the pre-activations the forward pass kept");
            ActivationInfo.EmitBackward(s, LayerStep.Rows(PreActivationField(layer), outSize), LayerStep.Rows(s.OutputGradient, outSize), null);
        }
        else if (layer.Activation != ActivationKind.Linear)
        {
            s.W.Line($"// first back through its {layer.Activation}, in place: dY = f'(Y) * dY elementwise");
            ActivationInfo.EmitBackward(s, LayerStep.Rows(s.Output, outSize), LayerStep.Rows(s.OutputGradient, outSize), null);
        }
        return s.GradientOrEmpty(layer.Bias);
    }

    /// <summary>A tensor shape as comments write it: <c>[8 x 2]</c>.</summary>
    public static string ShapeText(System.Collections.Generic.IEnumerable<int> dims) => "[" + string.Join(" x ", System.Linq.Enumerable.Select(dims, Int)) + "]";
}
