using System.Linq;
using ModelGen.Onnx.Import;
using ModelGen.Tool.Checking;
using Xunit;
using static ModelGen.Tool.Tests.OnnxBuilder;

namespace ModelGen.Tool.Tests;

/// <summary>What ModelGen cannot express: one error listing every offending node, its operator and why.</summary>
public sealed class UnsupportedTests
{
    private static OnnxImportException Fails(byte[] bytes) => Assert.Throws<OnnxImportException>(() => OnnxBuilder.Import(bytes));

    private static void Has(OnnxImportException e, string node, string op, string reason)
    {
        Assert.Contains(e.Problems, p => p.Node == node && p.OpType == op && p.Reason.Contains(reason, System.StringComparison.Ordinal));
        Assert.Contains($"{node} ({op}): ", e.Message);
    }

    [Fact]
    public void PyTorchModelWithDilationGroupsPaddingAndAnUnknownOperator_NamesEveryNode()
    {
        var e = Assert.Throws<OnnxImportException>(() => Imported.Import(Fixture.Load("unsupported").OnnxPath));
        Has(e, "/dil/Conv", "Conv", "dilations [2, 2]");
        Has(e, "/grp/Conv", "Conv", "group = 2");
        Has(e, "/Pad", "Pad", "ModelGen pads only inside a convolution");
        Has(e, "/Abs", "Abs", "operator Abs has no ModelGen layer");
        Assert.Equal(4, e.Problems.Count); // the mean over height and width after them is a global average pooling
    }

    [Fact]
    public void PyTorchModelWithStridedPaddingAndANonSquareKernel_NamesBothConvolutions()
    {
        var e = Assert.Throws<OnnxImportException>(() => Imported.Import(Fixture.Load("layouts").OnnxPath));
        Has(e, "/c/Conv", "Conv", "pads [1, 1, 1, 1] (top, left, bottom, right) with a 3x3 kernel and stride 2");
        Has(e, "/c2/Conv", "Conv", "a 3x1 kernel");
    }

    [Fact]
    public void DynamicDimensionOtherThanTheBatch_IsAnErrorOnTheInput()
    {
        var b = new OnnxBuilder(17, 3, "height", "width");
        var e = Fails(b.Build(b.Node("Relu", "relu", new[] { "input" })));
        Has(e, "input", "input", "axis 2 is dynamic ('height')");
        Has(e, "input", "input", "axis 3 is dynamic ('width')");
    }

    [Fact]
    public void AsymmetricPadding_AndAuto_Pad_AtStride2_AreLayoutErrors()
    {
        var b = new OnnxBuilder(17, 1, 8, 8);
        string x = b.Node("Conv", "asym", new[] { "input", b.Weight(new long[] { 2, 1, 3, 3 }) }, IntList("pads", 0, 0, 1, 1));
        x = b.Node("Conv", "upper", new[] { x, b.Weight(new long[] { 2, 2, 3, 3 }) }, new Onnx.Protocol.AttributeProto { Name = "auto_pad", S = Google.Protobuf.ByteString.CopyFromUtf8("SAME_UPPER") }, IntList("strides", 2, 2));
        var e = Fails(b.Build(x));
        Has(e, "asym", "Conv", "pads [0, 0, 1, 1]");
        Has(e, "upper", "Conv", "auto_pad SAME_UPPER with stride 2");
    }

    [Fact]
    public void NonDefaultAxes_AreLayoutErrors()
    {
        var b = new OnnxBuilder(17, 2, 4, 4);
        string a = b.Node("Softmax", "softmax_channels", new[] { "input" }, Int("axis", 1));
        string c = b.Node("Concat", "concat_height", new[] { "input", "input" }, Int("axis", 2));
        string l = b.Node("LayerNormalization", "ln_last", new[] { "input", b.Weight(new long[] { 4 }), b.Weight(new long[] { 4 }) }, Int("axis", -1));
        string f = b.Node("Flatten", "flatten2", new[] { "input" }, Int("axis", 2));
        string sum = b.Node("Add", "sum1", new[] { b.Node("Add", "sum0", new[] { a, c }), b.Node("Add", "sum2", new[] { l, f }) });
        var e = Fails(b.Build(sum));
        Assert.Equal(4, e.Problems.Count); // the sums of values that could not be mapped are not errors of their own
        Has(e, "softmax_channels", "Softmax", "softmax over axis 1 of a rank-4 tensor");
        Has(e, "concat_height", "Concat", "axis = 2");
        Has(e, "ln_last", "LayerNormalization", "normalizes over the last 1 of the sample's 3 axes");
        Has(e, "flatten2", "Flatten", "axis = 2");
    }

    [Fact]
    public void GemmWithTransposedInputOrScale_AndAConstantAdd_AreErrors()
    {
        var b = new OnnxBuilder(13, 4);
        string g = b.Node("Gemm", "gemm_t", new[] { "input", b.Weight(new long[] { 3, 4 }) }, Int("transA", 1), Int("transB", 1));
        string h = b.Node("Gemm", "gemm_alpha", new[] { g, b.Weight(new long[] { 3, 3 }) }, Float("alpha", 2f));
        string s = b.Node("Add", "shift", new[] { h, b.Weight(new long[] { 3 }) });
        var e = Fails(b.Build(s));
        Has(e, "gemm_t", "Gemm", "transA = 1");
        Has(e, "gemm_alpha", "Gemm", "alpha = 2");
        Has(e, "shift", "Add", "adds a constant outside a layer");
    }

    [Fact]
    public void TrainingModeBatchNorm_CeilModePooling_AndAnOldOpset_AreErrors()
    {
        var b = new OnnxBuilder(12, 2, 5, 5);
        string n = b.Node("BatchNormalization", "bn_train", new[] { "input", b.Weight(new long[] { 2 }), b.Weight(new long[] { 2 }), b.Weight(new long[] { 2 }), b.Weight(new long[] { 2 }, new[] { 1f, 1f }) }, Int("training_mode", 1));
        string p = b.Node("MaxPool", "pool_ceil", new[] { "input" }, IntList("kernel_shape", 2, 2), IntList("strides", 2, 2), Int("ceil_mode", 1));
        var e = Fails(b.Build(b.Node("Add", "sum", new[] { n, p })));
        Has(e, "model", "opset_import", "operator set 12");
        Has(e, "bn_train", "BatchNormalization", "training_mode = 1");
        Has(e, "pool_ceil", "MaxPool", "ceil_mode = 1");
    }

    [Fact]
    public void ReshapeToAnythingButAVector_AndAProductOfTwoComputedTensors_AreErrors()
    {
        var b = new OnnxBuilder(17, 2, 3, 4);
        string r = b.Node("Reshape", "to_rows", new[] { "input", b.Ints(0, 6, 4) });
        string m = b.Node("MatMul", "scores", new[] { r, r });
        var e = Fails(b.Build(m));
        Has(e, "to_rows", "Reshape", "a reshape to [0, 6, 4]");
        Has(e, "scores", "MatMul", "a product of two computed tensors");
    }

    [Fact]
    public void UnnamedNode_IsNamedByItsPositionAndOutput()
    {
        var b = new OnnxBuilder(17, 4);
        var e = Fails(b.Build(b.Node("Abs", "", new[] { "input" })));
        Has(e, "node #0 '_out'", "Abs", "operator Abs has no ModelGen layer");
    }

    [Fact]
    public void ADeclarationTheGeneratorRejects_IsReportedOnTheLayersOnnxNode()
    {
        // A pooling window larger than its input: the generator's own shape inference reports it (MG0005 on the attribute).
        var b = new OnnxBuilder(17, 1, 2, 2);
        ImportResult result = OnnxBuilder.Import(b.Build(b.Node("MaxPool", "big_pool", new[] { "input" }, IntList("kernel_shape", 3, 3), IntList("strides", 3, 3))));
        CheckResult check = GeneratorCheck.Check(result);
        ImportProblem problem = Assert.Single(check.Errors);
        Assert.Equal("big_pool", problem.Node);
        Assert.Equal("[MaxPool2D(3)]", problem.OpType);
        Assert.StartsWith("MG", problem.Reason);
        Assert.Contains("window is larger than its input", problem.Reason);
    }
}
