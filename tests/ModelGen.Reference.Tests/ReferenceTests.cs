using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ModelGen.Reference.Tests;

/// <summary>
/// Every fixture under Fixtures/, replayed on the matching generated model (Models.cs: SGD; OptimizerModels.cs: the
/// other optimizers; PenaltyModels.cs: L1/L2 penalties and gradient clipping; LayerModels.cs: convolution, pooling,
/// batch and layer norm, flatten; GraphModels.cs: branches, skip connections, merges, global average pooling), plus the
/// checkpoint and allocation checks on the same models and batches.
/// </summary>
public sealed class ReferenceTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, IReferenceCase> Cases = new()
    {
        // SGD (Models.cs)
        ["regression_double"] = ReferenceCase.Targets<RegressionDouble, double>(),
        ["regression_single"] = ReferenceCase.Targets<RegressionSingle, float>(),
        ["classifier_double"] = ReferenceCase.Labels<ClassifierDouble, double>(),
        ["classifier_single"] = ReferenceCase.Labels<ClassifierSingle, float>(),
        ["binary_double"] = ReferenceCase.Targets<BinaryDouble, double>(),
        ["binary_single"] = ReferenceCase.Targets<BinarySingle, float>(),
        ["softmax_double"] = ReferenceCase.Targets<SoftmaxDouble, double>(),
        ["softmax_single"] = ReferenceCase.Targets<SoftmaxSingle, float>(),
        ["nobias_double"] = ReferenceCase.Targets<NoBiasDouble, double>(),
        ["nobias_single"] = ReferenceCase.Targets<NoBiasSingle, float>(),
        // The other optimizers (OptimizerModels.cs)
        ["adam_double"] = ReferenceCase.Targets<AdamDouble, double>(),
        ["adam_single"] = ReferenceCase.Targets<AdamSingle, float>(),
        ["adam_amsgrad_double"] = ReferenceCase.Labels<AdamAmsgradDouble, double>(),
        ["adam_amsgrad_single"] = ReferenceCase.Labels<AdamAmsgradSingle, float>(),
        ["adam_weight_decay_double"] = ReferenceCase.Targets<AdamWeightDecayDouble, double>(),
        ["adam_weight_decay_single"] = ReferenceCase.Targets<AdamWeightDecaySingle, float>(),
        ["adamw_double"] = ReferenceCase.Targets<AdamWDouble, double>(),
        ["adamw_single"] = ReferenceCase.Targets<AdamWSingle, float>(),
        ["rmsprop_centered_double"] = ReferenceCase.Labels<RmsPropCenteredDouble, double>(),
        ["rmsprop_double"] = ReferenceCase.Targets<RmsPropDouble, double>(),
        ["rmsprop_single"] = ReferenceCase.Targets<RmsPropSingle, float>(),
        ["adagrad_double"] = ReferenceCase.Targets<AdaGradDouble, double>(),
        ["adagrad_single"] = ReferenceCase.Targets<AdaGradSingle, float>(),
        ["adadelta_double"] = ReferenceCase.Targets<AdaDeltaDouble, double>(),
        ["adadelta_single"] = ReferenceCase.Targets<AdaDeltaSingle, float>(),
        ["adamax_double"] = ReferenceCase.Labels<AdamaxDouble, double>(),
        ["adamax_single"] = ReferenceCase.Labels<AdamaxSingle, float>(),
        ["nadam_double"] = ReferenceCase.Targets<NAdamDouble, double>(),
        ["nadam_single"] = ReferenceCase.Targets<NAdamSingle, float>(),
        // L1/L2 penalties and gradient clipping (PenaltyModels.cs)
        ["l1_double"] = ReferenceCase.Targets<L1Double, double>(),
        ["l1_single"] = ReferenceCase.Targets<L1Single, float>(),
        ["l2_double"] = ReferenceCase.Labels<L2Double, double>(),
        ["l2_single"] = ReferenceCase.Labels<L2Single, float>(),
        ["elastic_double"] = ReferenceCase.Targets<ElasticDouble, double>(),
        ["elastic_single"] = ReferenceCase.Targets<ElasticSingle, float>(),
        ["clip_norm_double"] = ReferenceCase.Targets<ClipNormDouble, double>(),
        ["clip_norm_single"] = ReferenceCase.Targets<ClipNormSingle, float>(),
        ["clip_value_double"] = ReferenceCase.Labels<ClipValueDouble, double>(),
        ["clip_value_single"] = ReferenceCase.Labels<ClipValueSingle, float>(),
        ["clip_both_double"] = ReferenceCase.Targets<ClipBothDouble, double>(),
        ["clip_both_single"] = ReferenceCase.Targets<ClipBothSingle, float>(),
        // Convolution, pooling, normalization, flatten; the mixed model of issue 4 (LayerModels.cs)
        ["conv_valid_double"] = ReferenceCase.Targets<ConvValidDouble, double>(),
        ["conv_strided_double"] = ReferenceCase.Labels<ConvStridedDouble, double>(),
        ["conv_same_odd_double"] = ReferenceCase.Targets<ConvSameOddDouble, double>(),
        ["conv_same_even_double"] = ReferenceCase.Labels<ConvSameEvenDouble, double>(),
        ["maxpool_double"] = ReferenceCase.Targets<MaxPoolDouble, double>(),
        ["maxpool_overlap_double"] = ReferenceCase.Labels<MaxPoolOverlapDouble, double>(),
        ["avgpool_double"] = ReferenceCase.Targets<AvgPoolDouble, double>(),
        ["batchnorm_vector_double"] = ReferenceCase.Targets<BatchNormVectorDouble, double>(),
        ["batchnorm_image_double"] = ReferenceCase.Labels<BatchNormImageDouble, double>(),
        ["layernorm_vector_double"] = ReferenceCase.Targets<LayerNormVectorDouble, double>(),
        ["layernorm_image_double"] = ReferenceCase.Labels<LayerNormImageDouble, double>(),
        ["flatten_double"] = ReferenceCase.Targets<FlattenDouble, double>(),
        ["mixed_double"] = ReferenceCase.Labels<MixedDouble, double>(),
        ["mixed_single"] = ReferenceCase.Labels<MixedSingle, float>(),
        // Graphs: branches, skip connections, merges, global average pooling (GraphModels.cs)
        ["residual_mlp_double"] = ReferenceCase.Labels<ResidualMlpDouble, double>(),
        ["residual_mlp_single"] = ReferenceCase.Labels<ResidualMlpSingle, float>(),
        ["residual_cnn_double"] = ReferenceCase.Labels<ResidualCnnDouble, double>(),
        ["residual_cnn_single"] = ReferenceCase.Labels<ResidualCnnSingle, float>(),
        ["branch_from_input_double"] = ReferenceCase.Targets<BranchFromInputDouble, double>(),
        ["branch_from_input_single"] = ReferenceCase.Targets<BranchFromInputSingle, float>(),
        ["concat_vectors_double"] = ReferenceCase.Targets<ConcatVectorsDouble, double>(),
        ["concat_vectors_single"] = ReferenceCase.Targets<ConcatVectorsSingle, float>(),
        ["concat_images_double"] = ReferenceCase.Labels<ConcatImagesDouble, double>(),
        ["concat_images_single"] = ReferenceCase.Labels<ConcatImagesSingle, float>(),
        ["global_avg_pool_double"] = ReferenceCase.Targets<GlobalAvgPoolDouble, double>(),
        ["global_avg_pool_single"] = ReferenceCase.Targets<GlobalAvgPoolSingle, float>(),
        ["three_readers_double"] = ReferenceCase.Labels<ThreeReadersDouble, double>(),
        ["three_readers_single"] = ReferenceCase.Labels<ThreeReadersSingle, float>(),
        ["three_readers_image_double"] = ReferenceCase.Targets<ThreeReadersImageDouble, double>(),
        ["three_readers_image_single"] = ReferenceCase.Targets<ThreeReadersImageSingle, float>(),
        // GELU, SiLU, ELU, softplus; hinge, Huber, mean absolute error, label smoothing (SmoothModels.cs)
        ["smooth_fused_double"] = ReferenceCase.Labels<SmoothFusedDouble, double>(),
        ["smooth_fused_single"] = ReferenceCase.Labels<SmoothFusedSingle, float>(),
        ["smooth_layers_double"] = ReferenceCase.Labels<SmoothLayersDouble, double>(),
        ["smooth_layers_single"] = ReferenceCase.Labels<SmoothLayersSingle, float>(),
        ["smooth_conv_double"] = ReferenceCase.Targets<SmoothConvDouble, double>(),
        ["smooth_conv_single"] = ReferenceCase.Targets<SmoothConvSingle, float>(),
        ["mae_double"] = ReferenceCase.Targets<MaeDouble, double>(),
        ["mae_single"] = ReferenceCase.Targets<MaeSingle, float>(),
    };

    public static TheoryData<string> Fixtures => new(Cases.Keys);

    /// <summary>The whole PyTorch run, from the initial parameters.</summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void MatchesPyTorch(string fixture)
    {
        ReferenceReport report = Cases[fixture].Replay(Fixture.Load(fixture));
        output.WriteLine(report.ToString());
        Assert.True(report.ValuesCompared > 100, $"{fixture}: only {report.ValuesCompared} values compared.");
    }

    /// <summary>
    /// The second half of the PyTorch run, from PyTorch's parameters and optimizer state halfway (a checkpoint
    /// PyTorch wrote, restored through Parameter, OptimizerState and RestoreStep): ModelGen's state tensors hold what
    /// torch.optim's state of the same name holds, and RestoreStep rebuilds the rest (bias corrections, NAdam's
    /// product of momentum coefficients).
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ResumesFromPyTorchCheckpoint(string fixture)
    {
        Fixture data = Fixture.Load(fixture);
        ReferenceReport report = Cases[fixture].Replay(data, resumeAfter: data.Steps.Count / 2);
        output.WriteLine(report.ToString());
        Assert.True(report.ValuesCompared > 50, $"{fixture}: only {report.ValuesCompared} values compared.");
    }

    /// <summary>Three steps, a checkpoint into a fresh model, three more steps: bit-identical to not stopping.</summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void CheckpointRoundTripIsBitIdentical(string fixture) => Cases[fixture].CheckpointRoundTrip(Fixture.Load(fixture));

    /// <summary>After warm-up, TrainStep (and Evaluate, which adds the penalties) allocate nothing, whatever the optimizer.</summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TrainingAllocatesNothing(string fixture)
    {
        (long trainStep, long evaluate) = Cases[fixture].TrainingAllocations(Fixture.Load(fixture));
        Assert.True(trainStep == 0, $"{fixture}: 20 TrainSteps allocated {trainStep} bytes (the least of three rounds, after warm-up).");
        Assert.True(evaluate == 0, $"{fixture}: 20 Evaluates allocated {evaluate} bytes (the least of three rounds, after warm-up).");
    }

    [Fact]
    public void EveryFixtureFileIsChecked()
    {
        string[] files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.json")
            .Select(path => Path.GetFileNameWithoutExtension(path)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Cases.Keys.Order(StringComparer.Ordinal), files);
    }

    /// <summary>
    /// Every optimizer attribute ModelGen has is covered by fixtures in both precisions, and so are L1, L2, clipping by
    /// norm and by value: adding an optimizer without a PyTorch fixture fails here.
    /// </summary>
    [Fact]
    public void FixturesCoverEveryOptimizerPenaltyAndClipping()
    {
        var optimizers = typeof(OptimizerAttribute).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(OptimizerAttribute)) && !t.IsAbstract).ToArray();
        Assert.NotEmpty(optimizers);
        foreach (string precision in new[] { "Double", "Single" })
        {
            Type[] models = Cases.Values.Select(c => c.Model).Where(m => m.Name.EndsWith(precision, StringComparison.Ordinal)).ToArray();
            foreach (Type optimizer in optimizers)
                Assert.True(models.Any(m => m.GetCustomAttribute(optimizer) is not null), $"No {precision.ToLowerInvariant()}-precision fixture uses {optimizer.Name}.");
            var dense = models.SelectMany(m => m.GetCustomAttributes<DenseAttribute>()).ToArray();
            Assert.Contains(dense, d => d.L1 > 0 && d.L2 == 0);
            Assert.Contains(dense, d => d.L2 > 0 && d.L1 == 0);
            Assert.Contains(dense, d => d.L1 > 0 && d.L2 > 0);
            var clipping = models.Select(m => m.GetCustomAttribute<GradientClippingAttribute>()).OfType<GradientClippingAttribute>().ToArray();
            Assert.Contains(clipping, c => c.MaxNorm > 0 && c.MaxValue == 0);
            Assert.Contains(clipping, c => c.MaxValue > 0 && c.MaxNorm == 0);
            Assert.Contains(clipping, c => c.MaxNorm > 0 && c.MaxValue > 0);
        }
    }

    /// <summary>
    /// Every layer attribute ModelGen has, except Dropout (whose masks PyTorch cannot reproduce), is covered by a
    /// double-precision fixture, and the single-precision mixed model has convolution, batch norm, max pooling, layer
    /// norm and flatten; covered too are both paddings, a stride above 1, convolutions with and without bias, even and
    /// odd same-padded kernels, overlapping pooling windows, and batch and layer norm after a vector and after an image.
    /// Adding a layer without a PyTorch fixture fails here.
    /// </summary>
    [Fact]
    public void FixturesCoverEveryLayer()
    {
        Type[] layers = typeof(LayerAttribute).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract && t != typeof(DropoutAttribute)).ToArray();
        Type[] doubles = Cases.Values.Select(c => c.Model).Where(m => m.Name.EndsWith("Double", StringComparison.Ordinal)).ToArray();
        foreach (Type layer in layers)
            Assert.True(doubles.Any(m => m.IsDefined(layer, inherit: false)), $"No double-precision fixture uses {layer.Name}.");

        Type[] convolutionLayers = [typeof(Conv2DAttribute), typeof(BatchNormAttribute), typeof(MaxPool2DAttribute), typeof(LayerNormAttribute), typeof(FlattenAttribute)];
        Assert.All(convolutionLayers, layer => Assert.True(typeof(MixedSingle).IsDefined(layer, inherit: false), $"MixedSingle has no {layer.Name}."));

        var conv = doubles.SelectMany(m => m.GetCustomAttributes<Conv2DAttribute>()).ToArray();
        Assert.Contains(conv, c => c.Padding == Padding.Valid && c.Stride == 1 && c.UseBias);
        Assert.Contains(conv, c => c.Padding == Padding.Valid && c.Stride == 1 && !c.UseBias);
        Assert.Contains(conv, c => c.Padding == Padding.Valid && c.Stride > 1);
        Assert.Contains(conv, c => c.Padding == Padding.Same && c.KernelSize % 2 == 1);
        Assert.Contains(conv, c => c.Padding == Padding.Same && c.KernelSize % 2 == 0);
        Assert.Contains(doubles.SelectMany(m => m.GetCustomAttributes<MaxPool2DAttribute>()), p => p.Stride < p.PoolSize);
        Assert.Contains(doubles.SelectMany(m => m.GetCustomAttributes<AvgPool2DAttribute>()), p => p.Stride < p.PoolSize);
        foreach (Type norm in new[] { typeof(BatchNormAttribute), typeof(LayerNormAttribute) })
        {
            // After a vector: the attribute follows a Dense layer; after an image: a Conv2D.
            Assert.Contains(doubles, m => Follows(m, norm, typeof(DenseAttribute)));
            Assert.Contains(doubles, m => Follows(m, norm, typeof(Conv2DAttribute)));
        }

        static bool Follows(Type model, Type layer, Type previous)
        {
            LayerAttribute[] declared = model.GetCustomAttributes<LayerAttribute>(inherit: false).ToArray();
            return Enumerable.Range(1, Math.Max(0, declared.Length - 1)).Any(i => declared[i].GetType() == layer && declared[i - 1].GetType() == previous);
        }
    }

    /// <summary>
    /// The graph features of contract 0.2 are covered in both precisions: Add of vectors and of images, with two operands
    /// and with the input as an operand; Concat of vectors and of images (channels), with two operands and with a From;
    /// GlobalAvgPool2D, also with a From; From = "input" on a layer with parameters; From on a layer without; a hidden
    /// value read by three layers and the input read by three layers (gradients summed from three readers); and a named
    /// layer followed by a default-named one of the same kind (the per-kind index counts named layers).
    /// </summary>
    [Fact]
    public void FixturesCoverEveryGraphFeature()
    {
        foreach (string precision in new[] { "Double", "Single" })
        {
            var models = Cases.Values.Select(c => c.Model).Where(m => m.Name.EndsWith(precision, StringComparison.Ordinal))
                .Select(m => (Model: m, Layers: Declarations.TorchLayers(m))).ToArray();
            void Covered(string feature, Func<Type, List<(LayerAttribute Attribute, Dictionary<string, object?> Description)>, bool> test) =>
                Assert.True(models.Any(m => test(m.Model, m.Layers)), $"No {precision.ToLowerInvariant()}-precision fixture has {feature}.");

            Covered("an Add of vectors", (m, layers) => Merges<AddAttribute>(m, layers, rank: 1).Any());
            Covered("an Add of images", (m, layers) => Merges<AddAttribute>(m, layers, rank: 3).Any());
            Covered("an Add with two operands", (m, layers) => layers.Any(l => l.Attribute is AddAttribute { Operands.Length: >= 2 }));
            Covered("an Add with the input as an operand", (m, layers) => layers.Any(l => l.Attribute is AddAttribute a && a.Operands.Contains("input")));
            Covered("a Concat of vectors", (m, layers) => Merges<ConcatAttribute>(m, layers, rank: 1).Any());
            Covered("a Concat of images", (m, layers) => Merges<ConcatAttribute>(m, layers, rank: 3).Any());
            Covered("a Concat with two operands", (m, layers) => layers.Any(l => l.Attribute is ConcatAttribute { Operands.Length: >= 2 }));
            Covered("a Concat with a From", (m, layers) => layers.Any(l => l.Attribute is ConcatAttribute { From: not null }));
            Covered("a GlobalAvgPool2D", (m, layers) => layers.Any(l => l.Attribute is GlobalAvgPool2DAttribute));
            Covered("a GlobalAvgPool2D with a From", (m, layers) => layers.Any(l => l.Attribute is GlobalAvgPool2DAttribute { From: not null }));
            Covered("a layer with parameters reading the input (From = \"input\")",
                (m, layers) => layers.Skip(1).Any(l => l.Attribute is DenseAttribute or Conv2DAttribute && l.Attribute.From == "input"));
            Covered("a layer without parameters reading another layer (From)",
                (m, layers) => layers.Any(l => l.Attribute is FlattenAttribute or GlobalAvgPool2DAttribute && l.Attribute.From is not null and not "input"));
            Covered("a hidden value read by three layers", (m, layers) => Readers(layers).Any(r => r.Key != "input" && r.Value >= 3));
            Covered("the input read by three layers", (m, layers) => Readers(layers).GetValueOrDefault("input") >= 3);
            Covered("a named layer followed by a default-named one of its kind", (m, layers) => layers.Select((l, i) => (l.Attribute, i)).Any(n =>
                n.Attribute.Name is not null && layers.Skip(n.i + 1).Any(o => o.Attribute.Name is null && o.Attribute.GetType() == n.Attribute.GetType())));
        }

        // How many layers read each value (a layer reads its From or the previous layer's output, and a merge its operands).
        static Dictionary<string, int> Readers(List<(LayerAttribute Attribute, Dictionary<string, object?> Description)> layers)
        {
            var readers = new Dictionary<string, int>(StringComparer.Ordinal);
            string previous = "input";
            foreach ((LayerAttribute attribute, Dictionary<string, object?> description) in layers)
            {
                foreach (string read in Operands(attribute).Prepend(attribute.From ?? previous))
                    readers[read] = readers.GetValueOrDefault(read) + 1;
                previous = (string)description["name"]!;
            }
            return readers;
        }

        // The merges of a model whose operands have the given rank (1: vectors, 3: images): a value is a vector after
        // Dense, Flatten and GlobalAvgPool2D, and otherwise has the rank of what its layer reads.
        static IEnumerable<LayerAttribute> Merges<TMerge>(Type model, List<(LayerAttribute Attribute, Dictionary<string, object?> Description)> layers, int rank)
            where TMerge : LayerAttribute
        {
            var ranks = new Dictionary<string, int>(StringComparer.Ordinal) { ["input"] = model.GetCustomAttribute<InputAttribute>()!.Shape.Length };
            string previous = "input";
            foreach ((LayerAttribute attribute, Dictionary<string, object?> description) in layers)
            {
                int read = ranks[attribute.From ?? previous];
                if (attribute is TMerge && read == rank) yield return attribute;
                previous = (string)description["name"]!;
                ranks[previous] = attribute is DenseAttribute or FlattenAttribute or GlobalAvgPool2DAttribute ? 1 : read;
            }
        }

        static string[] Operands(LayerAttribute layer) => layer switch { AddAttribute a => a.Operands, ConcatAttribute c => c.Operands, _ => [] };
    }

    /// <summary>
    /// A declaration that drifted from generate_fixtures.py (another optimizer, one hyperparameter, a penalty or a
    /// clipping threshold) is refused by name before any number is compared.
    /// </summary>
    [Fact]
    public void DeclarationThatDriftedFromTheScriptIsReported()
    {
        Declarations.CheckMatches(typeof(ClipBothDouble), Fixture.Load("clip_both_double"));

        string Refusal(Type model, string fixture, Action<JsonNode> edit)
        {
            JsonNode json = JsonNode.Parse(Fixture.Text(fixture))!;
            edit(json);
            return Assert.ThrowsAny<XunitException>(() => Declarations.CheckMatches(model, Fixture.Parse(json.ToJsonString()))).Message;
        }

        Assert.Contains("declares AdamWAttribute (torch.optim.AdamW); the fixture used torch.optim.Adam",
            Refusal(typeof(AdamWDouble), "adam_double", _ => { }));
        Assert.Matches(@"NAdamAttribute gives torch\.optim\.NAdam eps=1E-08; the fixture used eps=1E-0?7\.",
            Refusal(typeof(ClipBothDouble), "clip_both_double", json => json["optimizer"]!["settings"]!["eps"] = 1e-7));
        Assert.Contains("declares the penalties dense0.weight L1 0.01 L2 0.02; the fixture has dense0.weight L1 0.01 L2 0.025",
            Refusal(typeof(ClipBothDouble), "clip_both_double", json => json["penalties"]!["dense0.weight"]!["l2"] = 0.025));
        Assert.Contains("clips with (MaxNorm, MaxValue) = (1, 0.15)",
            Refusal(typeof(ClipBothDouble), "clip_both_double", json => json["clipping"]!["max_value"] = null));
        Assert.Contains("is declared with MeanSquaredError; the fixture's loss is bce",
            Refusal(typeof(ClipBothDouble), "clip_both_double", json => json["loss"] = "bce"));
    }

    [Fact]
    public void CompareReportsFixtureStepTensorAndIndex()
    {
        double[] expected = [1.0, -2.0, 3.0, 4.0e-3];
        ReferenceHarness.Compare<double>([1.0, -2.0 - 1e-9, 3.0, 4.0e-3 + 5e-10], expected, "demo", "step 2 of 6",
            "gradient of dense0.weight", 2, Tolerance.Double);

        var error = Assert.Throws<XunitException>(() => ReferenceHarness.Compare<double>(
            [1.0, -2.0, 3.0 + 1e-7, double.NaN], expected, "demo", "step 2 of 6", "gradient of dense0.weight", 2, Tolerance.Double));
        Assert.Contains("demo: step 2 of 6: gradient of dense0.weight[2] (row 1, column 0)", error.Message);
        Assert.Contains("2 of 4 values", error.Message);

        Assert.Throws<XunitException>(() => ReferenceHarness.Compare<float>(
            [1.0f, -2.0f, 3.0f, 4.0e-3f + 2e-6f], expected, "demo", "step 1 of 6", "input gradient", 0, Tolerance.Single));
        Assert.Throws<XunitException>(() => ReferenceHarness.Compare<float>(
            [1.0f, -2.0f, 3.0f], expected, "demo", "step 1 of 6", "input gradient", 0, Tolerance.Single));
    }
}
