using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ModelGen.Reference.Tests;

/// <summary>Every fixture under Fixtures/, replayed on the matching generated model (see Models.cs).</summary>
public sealed class ReferenceTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, Func<string, ReferenceReport>> Cases = new()
    {
        ["regression_double"] = ReferenceHarness.CheckTargets<RegressionDouble, double>,
        ["regression_single"] = ReferenceHarness.CheckTargets<RegressionSingle, float>,
        ["classifier_double"] = ReferenceHarness.CheckLabels<ClassifierDouble, double>,
        ["classifier_single"] = ReferenceHarness.CheckLabels<ClassifierSingle, float>,
        ["binary_double"] = ReferenceHarness.CheckTargets<BinaryDouble, double>,
        ["binary_single"] = ReferenceHarness.CheckTargets<BinarySingle, float>,
        ["softmax_double"] = ReferenceHarness.CheckTargets<SoftmaxDouble, double>,
        ["softmax_single"] = ReferenceHarness.CheckTargets<SoftmaxSingle, float>,
        ["nobias_double"] = ReferenceHarness.CheckTargets<NoBiasDouble, double>,
        ["nobias_single"] = ReferenceHarness.CheckTargets<NoBiasSingle, float>,
    };

    public static TheoryData<string> Fixtures => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void MatchesPyTorch(string fixture)
    {
        ReferenceReport report = Cases[fixture](fixture);
        output.WriteLine(report.ToString());
        Assert.True(report.ValuesCompared > 100, $"{fixture}: only {report.ValuesCompared} values compared.");
    }

    [Fact]
    public void EveryFixtureFileIsChecked()
    {
        string[] files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.json")
            .Select(path => Path.GetFileNameWithoutExtension(path)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Cases.Keys.Order(StringComparer.Ordinal), files);
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
