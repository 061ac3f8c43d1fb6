using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis.Emit;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The generated <c>Description</c>, <c>Summary()</c> and <c>ToString()</c> at run time: the user's code and the
/// generated file compiled into an assembly, loaded, and the model asked to describe itself.
/// </summary>
public partial class SummaryTests
{
    private const string SequentialSource = """
        using ModelGen;

        namespace Demo;

        /// <summary>A small sequential CNN.</summary>
        [Model(BatchSize = 16, Seed = 3)]
        [Input(1, 8, 8)]
        [Conv2D(4, 3, Activation.ReLU)]
        [BatchNorm]
        [MaxPool2D(2)]
        [Flatten]
        [Dense(32, Activation.ReLU)]
        [Dropout(0.25)]
        [Dense(10)]
        [Loss(LossFunction.CrossEntropy)]
        [Sgd(LearningRate = 0.05, Momentum = 0.9)]
        public partial class Small;
        """;

    /// <summary>The SmallResNet of the snapshot tests (the README's graph example).</summary>
    private const string GraphSource = """
        using ModelGen;

        namespace Demo;

        /// <summary>The graph model.</summary>
        [Model(BatchSize = 64, Seed = 1)]
        [Input(1, 28, 28)]
        [Conv2D(32, 3, Activation.ReLU, Padding = Padding.Same, Name = "stem")]
        [Conv2D(32, 3, Padding = Padding.Same)]
        [BatchNorm]
        [ReLU]
        [Conv2D(32, 3, Padding = Padding.Same)]
        [BatchNorm]
        [Add("stem")]
        [ReLU(Name = "block1")]
        [Conv2D(16, 1, From = "stem", Name = "side")]
        [Concat("block1")]
        [MaxPool2D(2)]
        [GlobalAvgPool2D]
        [Dense(10)]
        [Loss(LossFunction.CrossEntropy)]
        [Adam]
        public partial class SmallResNet;
        """;

    private const string InferenceOnlySource = """
        using ModelGen;

        /// <summary>An inference-only model.</summary>
        [Model(Precision = Precision.Double)]
        [Input(3)]
        [Dense(2)]
        public partial class Tiny;
        """;

    /// <summary>Compiles <paramref name="source"/> with its generated file, loads it, and makes an instance of <paramref name="typeName"/>.</summary>
    private static object Create(string source, string typeName)
    {
        ModelGenRun run = ModelGenRun.Run(source);
        run.Should().AndNoOtherThanSuggestions();
        using var stream = new MemoryStream();
        EmitResult emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Select(ModelGenRun.Describe)));
        stream.Position = 0;
        var context = new AssemblyLoadContext(typeName, isCollectible: true);
        Assembly assembly = context.LoadFromStream(stream);
        return Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!)!;
    }

    [Fact]
    public void Summary_OfASequentialModel_IsAKerasLikeTable()
    {
        var model = (IModel<float>)Create(SequentialSource, "Demo.Small");

        // Params count trainable and non-trainable scalars (batch norm's running statistics), as Keras does.
        Assert.Equal("""
            Model: Small (Single, batches of up to 16)
            --------------------------------------------
            Layer (kind)            Output shape  Params
            ============================================
            input (Input)           [1 x 8 x 8]        0
            conv2d0 (Conv2D)        [4 x 6 x 6]       40
            batchnorm0 (BatchNorm)  [4 x 6 x 6]       16
            maxpool2d0 (MaxPool2D)  [4 x 3 x 3]        0
            flatten0 (Flatten)      [36]               0
            dense0 (Dense)          [32]           1,184
            dropout0 (Dropout)      [32]               0
            dense1 (Dense)          [10]             330
            ============================================
            Total params: 1,570
            Trainable params: 1,562
            Non-trainable params: 8
            Loss: CrossEntropy
            Optimizer: Sgd (lr 0.05, momentum 0.9)

            """.Replace("\r\n", "\n"), model.Summary());
        Assert.Equal("Small (Single): [1 x 8 x 8] -> [10], 7 layers, 1,562 parameters", model.ToString());
    }

    [Fact]
    public void Summary_OfAGraphModel_ListsWhatEachLayerReads()
    {
        var model = (IModel<float>)Create(GraphSource, "Demo.SmallResNet");

        Assert.Equal("""
            Model: SmallResNet (Single, batches of up to 64)
            ----------------------------------------------------------------------------
            Layer (kind)                        Output shape    Params  Reads
            ============================================================================
            input (Input)                       [1 x 28 x 28]        0
            stem (Conv2D)                       [32 x 28 x 28]     320  input
            conv2d1 (Conv2D)                    [32 x 28 x 28]   9,248  stem
            batchnorm0 (BatchNorm)              [32 x 28 x 28]     128  conv2d1
            relu0 (ReLU)                        [32 x 28 x 28]       0  batchnorm0
            conv2d2 (Conv2D)                    [32 x 28 x 28]   9,248  relu0
            batchnorm1 (BatchNorm)              [32 x 28 x 28]     128  conv2d2
            add0 (Add)                          [32 x 28 x 28]       0  batchnorm1, stem
            block1 (ReLU)                       [32 x 28 x 28]       0  add0
            side (Conv2D)                       [16 x 28 x 28]     528  stem
            concat0 (Concat)                    [48 x 28 x 28]       0  side, block1
            maxpool2d0 (MaxPool2D)              [48 x 14 x 14]       0  concat0
            globalavgpool2d0 (GlobalAvgPool2D)  [48]                 0  maxpool2d0
            dense0 (Dense)                      [10]               490  globalavgpool2d0
            ============================================================================
            Total params: 20,090
            Trainable params: 19,962
            Non-trainable params: 128
            Loss: CrossEntropy
            Optimizer: Adam (lr 0.001, betas (0.9, 0.999), eps 1e-8)

            """.Replace("\r\n", "\n"), model.Summary());
        Assert.Equal("SmallResNet (Single): [1 x 28 x 28] -> [10], 13 layers, 19,962 parameters", model.ToString());
    }

    [Fact]
    public void Description_HoldsWhatTheGeneratorPlanned()
    {
        object model = Create(GraphSource, "Demo.SmallResNet");
        var description = (ModelDescription)model.GetType().GetProperty("Description", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

        Assert.Same(description, ((IModel<float>)model).Description);
        Assert.Equal("SmallResNet", description.Name);
        Assert.Equal(Precision.Single, description.Precision);
        Assert.Equal(new[] { 1, 28, 28 }, description.InputShape);
        Assert.Equal(new[] { 10 }, description.OutputShape);
        Assert.Equal((64, 1), (description.BatchSize, description.Seed));
        Assert.Equal(LossFunction.CrossEntropy, description.Loss);
        Assert.Equal("Adam", description.Optimizer);
        Assert.Equal("lr 0.001, betas (0.9, 0.999), eps 1e-8", description.OptimizerSettings);
        Assert.True(description.IsTrainable);
        Assert.Equal(((IModel<float>)model).ParameterCount, description.ParameterCount);
        Assert.Equal(128, description.BufferCount);
        Assert.Equal(13, description.Layers.Count);

        LayerDescription add = description.Layers[6];
        Assert.Equal(("add0", "Add"), (add.Name, add.Kind));
        Assert.Equal(new[] { "batchnorm1", "stem" }, add.Sources);
        Assert.Equal(new[] { 32, 28, 28 }, add.OutputShape);
        Assert.Empty(add.Hyperparameters);

        LayerDescription side = description.Layers[8];
        Assert.Equal(("side", "Conv2D", 528, 0), (side.Name, side.Kind, side.ParameterCount, side.BufferCount));
        Assert.Equal(new[] { "stem" }, side.Sources);
        Assert.Equal("16", side.Hyperparameters["filters"]);
        Assert.Equal("1", side.Hyperparameters["kernelSize"]);
        Assert.Equal("Valid", side.Hyperparameters["Padding"]);

        LayerDescription norm = description.Layers[2];
        Assert.Equal((64, 64), (norm.ParameterCount, norm.BufferCount));
        Assert.Equal("0.1", norm.Hyperparameters["Momentum"]);
        Assert.Equal("1e-5", norm.Hyperparameters["Epsilon"]);
        Assert.Equal("batchnorm0 (BatchNorm) [32 x 28 x 28], 128 params", norm.ToString());
    }

    [Fact]
    public void Summary_OfAnInferenceOnlyDoubleModel_SaysSo()
    {
        var model = (IModel<double>)Create(InferenceOnlySource, "Tiny");

        Assert.Equal("""
            Model: Tiny (Double, batches of up to 32)
            ------------------------------------
            Layer (kind)    Output shape  Params
            ====================================
            input (Input)   [3]                0
            dense0 (Dense)  [2]                8
            ====================================
            Total params: 8
            Trainable params: 8
            Non-trainable params: 0
            Inference only (no loss and optimizer)

            """.Replace("\r\n", "\n"), model.Summary());
        Assert.Null(model.Description.Loss);
        Assert.Null(model.Description.Optimizer);
        Assert.False(model.Description.IsTrainable);
    }

    [Fact]
    public void ToString_IsNotGenerated_WhenTheClassDeclaresOne()
    {
        object model = Create("""
            using ModelGen;

            /// <summary>A model with its own ToString.</summary>
            [Model] [Input(2)] [Dense(1)]
            public partial class Own
            {
                /// <summary>Its own text.</summary>
                public override string ToString() => "mine";
            }
            """, "Own");

        Assert.Equal("mine", model.ToString());
        Assert.StartsWith("Model: Own (Single", ((IModel<float>)model).Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptions_RejectBadArguments()
    {
        Assert.Throws<ArgumentException>(() => new ModelDescription("M", Precision.Single, new[] { 2 }, 1, 0, null, null, null, Array.Empty<LayerDescription>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LayerDescription("dense0", "Dense", new[] { "input" }, new[] { 2 }, -1, 0));
        Assert.Throws<ArgumentException>(() => new LayerDescription("dense0", "Dense", new[] { "input" }, new[] { 2 }, 6, 0, ("units", "2"), ("units", "3")));
        Assert.Throws<ArgumentNullException>(() => new LayerDescription("dense0", "Dense", null!, new[] { 2 }, 6, 0));
    }

    [Fact]
    public void Summary_IsTheSameInEveryCulture()
    {
        var layer = new LayerDescription("dense0", "Dense", new[] { "input" }, new[] { 1000 }, 1_001_000, 0, ("units", "1000"));
        var model = new ModelDescription("Wide", Precision.Double, new[] { 1000 }, 64, 0, LossFunction.MeanSquaredError, "Sgd", "lr 0.1", new[] { layer });
        System.Globalization.CultureInfo before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Contains("Total params: 1,001,000\n", model.FormatSummary(), StringComparison.Ordinal);
            Assert.Equal("Wide (Double): [1000] -> [1000], 1 layer, 1,001,000 parameters", model.ToString());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }
}
