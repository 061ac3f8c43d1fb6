using System;
using System.Globalization;
using System.Linq;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The compiler may run the generator under any culture. Generated code and diagnostic messages must come out the same
/// as under the invariant culture, even where ',' is the decimal separator and U+2212 the minus sign (which C# does not
/// accept in a literal).
/// </summary>
public class CultureTests
{
    private const string Model = """
        using ModelGen;

        namespace Demo;

        [Model(BatchSize = 16, Seed = -3)]
        [Input(1, 2, 3)]
        [Flatten]
        [Dense(12)]
        [LeakyReLU(0.25)]
        [Dense(4, Activation.LeakyReLU)]
        [Dense(2)]
        [Loss(LossFunction.CrossEntropy)]
        [Sgd(LearningRate = 0.05, Momentum = 0.875, Dampening = 0.1, WeightDecay = 1e-4)]
        partial class Culture;

        [Model(Precision = Precision.Double, Seed = -2147483648)]
        [Input(3)]
        [Dense(1)]
        [Loss(LossFunction.MeanSquaredError)]
        [Sgd(LearningRate = 1.5e-7, WeightDecay = 0.000123456789)]
        partial class CultureDouble;
        """;

    private const string Invalid = """
        using ModelGen;

        [Model(BatchSize = 2)] [Input(3, -2, 2)] [Dense(1)] partial class BadInput;

        [Model] [Input(4)] [LeakyReLU(-0.25)] [Dense(2, L1 = -1.5)] [Loss(LossFunction.MeanSquaredError)] [Sgd(LearningRate = -0.5, Momentum = -2.5e-3)]
        partial class BadNumbers;
        """;

    /// <summary>Swedish-like numbers on an invariant base (so the test needs no ICU data): 1.234,5 and −3.</summary>
    private static CultureInfo Unusual()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        NumberFormatInfo n = culture.NumberFormat;
        n.NumberDecimalSeparator = ",";
        n.NumberGroupSeparator = "\u00A0";
        n.NegativeSign = "\u2212";
        n.PositiveSign = "+";
        n.PercentDecimalSeparator = ",";
        n.CurrencyDecimalSeparator = ",";
        n.NaNSymbol = "inte ett tal";
        n.PositiveInfinitySymbol = "\u221E";
        n.NegativeInfinitySymbol = "\u2212\u221E";
        return culture;
    }

    private static T Under<T>(CultureInfo culture, Func<T> action)
    {
        CultureInfo culture0 = CultureInfo.CurrentCulture, ui0 = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = culture0;
            CultureInfo.CurrentUICulture = ui0;
        }
    }

    [Fact]
    public void TheUnusualCultureIsUnusual()
    {
        Assert.Equal("\u22123", (-3).ToString(Unusual()));
        Assert.Equal("0,25", 0.25.ToString(Unusual()));
    }

    [Fact]
    public void GeneratedCode_IsTheSameUnderAnyCulture()
    {
        ModelGenRun invariant = Under(CultureInfo.InvariantCulture, () => ModelGenRun.Run(Model));
        ModelGenRun unusual = Under(Unusual(), () => ModelGenRun.Run(Model));

        Assert.Equal(2, invariant.Sources.Length);
        Assert.Equal(invariant.Sources.Select(s => s.HintName), unusual.Sources.Select(s => s.HintName));
        for (int i = 0; i < invariant.Sources.Length; i++)
        {
            byte[] expected = System.Text.Encoding.UTF8.GetBytes(invariant.Sources[i].Text);
            byte[] actual = System.Text.Encoding.UTF8.GetBytes(unusual.Sources[i].Text);
            Assert.True(expected.AsSpan().SequenceEqual(actual),
                $"{invariant.Sources[i].HintName} depends on the culture:\n{LineDiff.Format(invariant.Sources[i].Text, unusual.Sources[i].Text)}");
        }

        // The numbers really are in the code (so the comparison above is not vacuous), and the code compiles.
        string single = invariant.Sources.Single(s => s.HintName == "Demo.Culture.g.cs").Text;
        Assert.Contains(": this(-3)", single, StringComparison.Ordinal);
        Assert.Contains("0.25f", single, StringComparison.Ordinal);
        Assert.Contains("0.05f", single, StringComparison.Ordinal);
        Assert.Contains("0.0001f", single, StringComparison.Ordinal);
        Assert.Contains("0.875f", single, StringComparison.Ordinal);
        string @double = invariant.Sources.Single(s => s.HintName == "Demo.CultureDouble.g.cs").Text;
        Assert.Contains(": this(-2147483648)", @double, StringComparison.Ordinal);
        Assert.Contains("1.5e-7", @double, StringComparison.Ordinal); // exponents as people write them, never "1,5E−07"
        Assert.Contains("0.000123456789", @double, StringComparison.Ordinal);
        unusual.Should().AndNoOther();
    }

    [Fact]
    public void DiagnosticMessages_AreTheSameUnderAnyCulture()
    {
        string[] invariant = Under(CultureInfo.InvariantCulture, () => Messages(ModelGenRun.Run(Invalid)));
        string[] unusual = Under(Unusual(), () => Messages(ModelGenRun.Run(Invalid)));

        Assert.Equal(invariant, unusual);
        Assert.Contains(invariant, m => m.Contains("[Input] shape [3, -2, 2]", StringComparison.Ordinal));
        Assert.Contains(invariant, m => m.Contains("LeakyReLU.alpha is -0.25", StringComparison.Ordinal));
        Assert.Contains(invariant, m => m.Contains("Dense.L1 is -1.5", StringComparison.Ordinal));
        Assert.Contains(invariant, m => m.Contains("Sgd.LearningRate is -0.5", StringComparison.Ordinal));
        Assert.Contains(invariant, m => m.Contains("Sgd.Momentum is -0.0025", StringComparison.Ordinal));
    }

    /// <summary>The messages as the analyzer formatted them (arguments are preformatted strings, so the culture is the generator's).</summary>
    private static string[] Messages(ModelGenRun run) =>
        run.Diagnostics.Select(d => d.Id + ": " + d.GetMessage(CultureInfo.InvariantCulture)).ToArray();
}
