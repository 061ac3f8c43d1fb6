using System;
using System.Linq;
using Xunit;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// Export → ONNX Runtime (CPU, ORT_ENABLE_ALL) equals Predict within 1e-5 absolute plus 1e-5 relative, for batches of
/// 1 and of several samples in one session (the batch axis is dynamic). Each model first takes a few training steps,
/// so its weights and batch-norm running statistics are not their initial values.
/// </summary>
public class AgreementTests
{
    [Fact]
    public void Mlp_MatchesPredict()
    {
        var model = new Mlp();
        Agreement.Train(model);
        Agreement.Check(model);
    }

    [Fact]
    public void EveryActivation_FusedAndAsLayers_MatchesPredict()
    {
        var model = new EveryActivation();
        Agreement.Train(model);
        Agreement.Check(model, several: 9);
    }

    [Fact]
    public void Cnn_WithBatchNormPoolingDropoutAndFlatten_MatchesPredict()
    {
        var model = new Cnn();
        Agreement.Train(model, steps: 10);
        // The running statistics moved: the export uses them, not the initial 0 and 1.
        Assert.Contains(model.Buffer("batchnorm0.running_mean").ToArray(), v => Math.Abs(v) > 1e-3);
        Assert.Contains(model.Buffer("batchnorm0.running_var").ToArray(), v => Math.Abs(v - 1) > 1e-3);
        Assert.Contains(model.Buffer("batchnorm2.running_var").ToArray(), v => Math.Abs(v - 1) > 1e-3);
        Agreement.Check(model, several: 8);
    }

    [Fact]
    public void AveragePooling_WithOverlappingWindows_MatchesPredict()
    {
        var model = new AvgPoolCnn();
        Agreement.Train(model);
        Agreement.Check(model);
    }

    [Fact]
    public void ResidualGraph_WithAddAndGlobalAveragePooling_MatchesPredict()
    {
        var model = new Residual();
        Agreement.Train(model, steps: 8);
        Assert.Contains(model.Buffer("batchnorm1.running_mean").ToArray(), v => Math.Abs(v) > 1e-3);
        Agreement.Check(model, several: 6);
    }

    [Fact]
    public void Concatenation_OfImagesAndOfVectors_MatchesPredict()
    {
        var model = new Concatenation();
        Agreement.Train(model);
        Agreement.Check(model);
    }

    [Fact]
    public void LayerNorm_OverVectorsAndImages_MatchesPredict()
    {
        var model = new LayerNormModel();
        Agreement.Train(model);
        Assert.Contains(model.Parameter("layernorm0.weight").ToArray(), v => Math.Abs(v - 1) > 1e-4);
        Agreement.Check(model);
    }

    [Fact]
    public void SoftmaxOnAConvolution_NormalizesTheWholeSample_MatchesPredict()
    {
        var model = new ImageSoftmax();
        Agreement.Train(model);
        Agreement.Check(model);
    }

    [Fact]
    public void DropoutAsTheLastLayer_MatchesPredict()
    {
        Agreement.Check(new DropoutLast());
    }

    [Fact]
    public void DoubleMlp_MatchesPredict()
    {
        var model = new DoubleMlp();
        Agreement.Train(model);
        Agreement.Check(model);
    }

    [Fact]
    public void DoubleCnn_ExportedAsSingle_MatchesPredict()
    {
        // ONNX Runtime's CPU provider has no double Conv, AveragePool or GlobalAveragePool: the DOUBLE file of this
        // model does not load there (FileTests checks that file), its FLOAT conversion does.
        var model = new DoubleCnn();
        Agreement.Train(model);
        Agreement.CheckAsSingle(model);
    }

    [Fact]
    public void DoubleMlp_ExportedAsSingle_MatchesPredict()
    {
        var model = new DoubleMlp();
        Agreement.Train(model);
        Agreement.CheckAsSingle(model);
    }
}
