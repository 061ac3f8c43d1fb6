using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace ModelGen.Onnx.Tests;

/// <summary>
/// The activations of contract 0.2 (Gelu, GeluTanh, Silu, Elu, Softplus), which export maps by the names the
/// description gives them, checked in ONNX Runtime against their formulas (conventions.md) on stand-in models: as a
/// layer of their own and fused into a dense layer. The generated models that use them are tested where they exist.
/// </summary>
public class ContractActivationTests
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, far inside the tolerance).</summary>
    private static double Erf(double x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double y = 1 - poly * Math.Exp(-x * x);
        return x >= 0 ? y : -y;
    }

    public static IEnumerable<object[]> Cases() => new[]
    {
        new object[] { "Gelu", "false", 0.0 },
        new object[] { "Gelu", "true", 0.0 },
        new object[] { "Silu", "", 0.0 },
        new object[] { "Elu", "", 0.5 },
        new object[] { "Softplus", "", 0.0 },
    };

    /// <summary>The activation's formula, as PyTorch 1.13 defines it.</summary>
    private static Func<double, double> Formula(string kind, bool approximate, double alpha) => kind switch
    {
        "Gelu" when approximate => x => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        "Gelu" => x => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        "Silu" => x => x * Sigmoid(x),
        "Elu" => x => x > 0 ? x : alpha * (Math.Exp(x) - 1),
        "Softplus" => x => x > 20 ? x : Math.Log(1 + Math.Exp(x)),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AsALayer_MatchesTheFormula(string kind, string approximate, double alpha) =>
        AsALayer<float>(Precision.Single, kind, approximate, alpha);

    /// <summary>
    /// As DOUBLE: the cases whose operators ONNX Runtime's CPU provider has in double (it has no double Erf, Elu or
    /// Softplus; OnnxExportOptions.Precision = Single writes such models as FLOAT).
    /// </summary>
    [Theory]
    [InlineData("Gelu", "true", 0.0)]
    [InlineData("Silu", "", 0.0)]
    public void AsALayerOfADoubleModel_MatchesTheFormula(string kind, string approximate, double alpha) =>
        AsALayer<double>(Precision.Double, kind, approximate, alpha);

    private static void AsALayer<T>(Precision precision, string kind, string approximate, double alpha)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var settings = new List<(string, string)>();
        if (kind == "Gelu") settings.Add(("Approximate", approximate));
        if (kind == "Elu") settings.Add(("alpha", alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var layer = new LayerDescription(kind.ToLowerInvariant() + "0", kind, new[] { "input" }, new[] { 9 }, 0, 0, settings.ToArray());
        Func<double, double> f = Formula(kind, approximate == "true", alpha);
        var model = new StandInModel<T>(StandInModel.Describe(precision, new[] { 9 }, layer), new Dictionary<string, T[]>(), x => x.Select(f).ToArray());
        using var run = new OnnxRun(OnnxExporter.Export(model));
        // One sample of large values (Softplus is x itself above 20 in PyTorch; ONNX's log(1 + e^x) must not overflow),
        // then batches of 1 and 6 over [-8, 8).
        double[][] batches =
        {
            new double[] { 20.5, 25, 40, 90, 100, -25, -40, -90, -100 },
            Agreement.Inputs<double>(9, seed: 1).Select(v => v * 4).ToArray(),
            Agreement.Inputs<double>(6 * 9, seed: 6).Select(v => v * 4).ToArray(),
        };
        foreach (double[] values in batches)
        {
            T[] inputs = values.Select(T.CreateTruncating).ToArray();
            var expected = new T[inputs.Length];
            model.Predict(inputs, expected);
            T[] actual = run.Run(inputs, inputs.Length / 9, model.Description.InputShape);
            for (int i = 0; i < inputs.Length; i++)
            {
                double e = double.CreateTruncating(expected[i]), a = double.CreateTruncating(actual[i]);
                Assert.True(Math.Abs(a - e) <= Agreement.Tolerance + Agreement.Tolerance * Math.Abs(e),
                    $"{kind} ({precision}) at {values[i]:R}: formula {e:R}, ONNX Runtime {a:R}");
            }
        }
    }

    [Theory]
    [InlineData("Gelu")]
    [InlineData("GeluTanh")]
    [InlineData("Silu")]
    [InlineData("Elu")]
    [InlineData("Softplus")]
    public void FusedIntoDense_MatchesTheFormula(string activation)
    {
        const int inputs = 4, units = 6;
        var random = new Random(3);
        float[] weight = Enumerable.Range(0, units * inputs).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        float[] bias = Enumerable.Range(0, units).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var dense = new LayerDescription("dense0", "Dense", new[] { "input" }, new[] { units }, units * inputs + units, 0,
            ("units", "6"), ("activation", activation), ("UseBias", "true"));
        Func<double, double> f = Formula(activation == "GeluTanh" ? "Gelu" : activation, activation == "GeluTanh", alpha: 1.0);
        var model = new StandInModel<float>(StandInModel.Describe(new[] { inputs }, dense),
            new Dictionary<string, float[]> { ["dense0.weight"] = weight, ["dense0.bias"] = bias },
            x => Enumerable.Range(0, units).Select(o => f(bias[o] + Enumerable.Range(0, inputs).Sum(i => (double)weight[o * inputs + i] * x[i]))).ToArray());
        Agreement.Check(model, several: 7);
    }
}
