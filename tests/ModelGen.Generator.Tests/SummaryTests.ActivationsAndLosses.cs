using System.Reflection;
using Xunit;

namespace ModelGen.Generator.Tests;

// The description of the activations and losses of contract 0.2: layer kinds and settings, Huber's delta and
// cross-entropy's label smoothing in the summary.
public partial class SummaryTests
{
    private const string SmoothSource = """
        using ModelGen;

        namespace Demo;

        /// <summary>New activations as layers and fused; Huber with delta 0.25.</summary>
        [Model(BatchSize = 4, Seed = 1)]
        [Input(3)]
        [Dense(4, Activation.GeluTanh)]
        [Gelu]
        [Gelu(Approximate = true)]
        [Elu(0.5)]
        [Silu]
        [Softplus]
        [Dense(2)]
        [Loss(LossFunction.Huber, Delta = 0.25)]
        [Sgd(LearningRate = 0.1)]
        public partial class Smooth;
        """;

    [Fact]
    public void Summary_ShowsTheNewLayersAndTheLossSettings()
    {
        var model = (IModel<float>)Create(SmoothSource, "Demo.Smooth");
        string summary = model.Summary();
        Assert.Contains("gelu0 (Gelu)", summary);
        Assert.Contains("gelu1 (Gelu)", summary);
        Assert.Contains("elu0 (Elu)", summary);
        Assert.Contains("silu0 (Silu)", summary);
        Assert.Contains("softplus0 (Softplus)", summary);
        Assert.Contains("Loss: Huber (delta 0.25)\n", summary.Replace("\r\n", "\n"));

        var description = (ModelDescription)model.GetType().GetProperty("Description", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        Assert.Equal(LossFunction.Huber, description.Loss);
        Assert.Equal("delta 0.25", description.LossSettings);
        Assert.Equal("GeluTanh", description.Layers[0].Hyperparameters["activation"]);
        Assert.Equal("false", description.Layers[1].Hyperparameters["Approximate"]);
        Assert.Equal("true", description.Layers[2].Hyperparameters["Approximate"]);
        Assert.Equal("0.5", description.Layers[3].Hyperparameters["alpha"]);
        Assert.Empty(description.Layers[4].Hyperparameters);
    }

    [Fact]
    public void Summary_ShowsLabelSmoothing_AndNothingForPlainCrossEntropy()
    {
        string smoothed = SmoothSource.Replace("[Loss(LossFunction.Huber, Delta = 0.25)]", "[Loss(LossFunction.CrossEntropy, LabelSmoothing = 0.1)]");
        var model = (IModel<float>)Create(smoothed, "Demo.Smooth");
        Assert.Contains("Loss: CrossEntropy (label_smoothing 0.1)\n", model.Summary().Replace("\r\n", "\n"));

        var plain = (IModel<float>)Create(SmoothSource.Replace("[Loss(LossFunction.Huber, Delta = 0.25)]", "[Loss(LossFunction.CrossEntropy)]"), "Demo.Smooth");
        Assert.Contains("Loss: CrossEntropy\n", plain.Summary().Replace("\r\n", "\n"));
        Assert.Null(plain.Description.LossSettings);
    }
}
