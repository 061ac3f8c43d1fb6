using System.Threading.Tasks;
using ModelGen.CodeFixes.Fixes;
using ModelGen.CodeFixes.Tests.Infrastructure;
using Xunit;

namespace ModelGen.CodeFixes.Tests;

/// <summary>MG0017's fix: an unknown layer name replaced with the closest name the layer can read.</summary>
public class ClosestLayerNameFixTests
{
    [Fact]
    public Task TypoInFrom_BecomesTheClosestEarlierName()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Name = "hidden")]
            [Dense(8, Name = "other")]
            [{|MG0017:Dense(2, From = "hiden")|}]
            partial class M;
            """;
        // "other" would be unread after the fix (the dense layer now reads "hidden"): MG1006 is expected there.
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Name = "hidden")]
            [{|MG1006:Dense(8, Name = "other")|}]
            [Dense(2, From = "hidden")]
            partial class M;
            """;
        return FixTest<ClosestLayerNameFix>.Fixes(before, after);
    }

    [Fact]
    public Task DefaultNameInTheWrongCase_IsCorrected()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(1, 6, 6)]
            [Conv2D(2, 3, Padding = Padding.Same)]
            [Conv2D(2, 3, Padding = Padding.Same)]
            [{|MG0017:Add("Conv2D0")|}]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(1, 6, 6)]
            [Conv2D(2, 3, Padding = Padding.Same)]
            [Conv2D(2, 3, Padding = Padding.Same)]
            [Add("conv2d0")]
            partial class M;
            """;
        return FixTest<ClosestLayerNameFix>.Fixes(before, after);
    }

    [Fact]
    public Task InputInTheWrongCase_BecomesInput()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(4)]
            [{|MG0017:Add("Input", From = "dense0")|}]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(4)]
            [Add("input", From = "dense0")]
            partial class M;
            """;
        return FixTest<ClosestLayerNameFix>.Fixes(before, after);
    }

    [Fact]
    public Task SecondUnknownNameOfAConcat_IsFixedByItsOwnDiagnostic()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(4, Name = "left")]
            [Dense(4, From = "input", Name = "right")]
            [{|MG0017:Concat("left", "rigth")|}]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(4, Name = "left")]
            [Dense(4, From = "input", Name = "right")]
            [Concat("left", "right")]
            partial class M;
            """;
        return FixTest<ClosestLayerNameFix>.Fixes(before, after);
    }

    [Fact]
    public Task TwoUnknownNamesOnOneAttribute_AreEachFixed()
    {
        // One diagnostic per name, on the same attribute: each fix replaces the name its own message quotes.
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(4, Name = "left")]
            [Dense(4, From = "input", Name = "right")]
            [Dense(4, From = "input", Name = "middle")]
            [{|MG0017:{|MG0017:Concat("lft", "rigth")|}|}]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(4, Name = "left")]
            [Dense(4, From = "input", Name = "right")]
            [Dense(4, From = "input", Name = "middle")]
            [Concat("left", "right")]
            partial class M;
            """;
        return FixTest<ClosestLayerNameFix>.Fixes(before, after);
    }

    [Fact]
    public Task TiedNames_OfferOneFixEach()
    {
        // "dense" is one edit from dense0 and from dense1: both are offered; the second is applied here.
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(4)]
            [Dense(4)]
            [{|MG0017:Add("dense")|}]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(4)]
            [Dense(4)]
            [Add("dense1")]
            partial class M;
            """;
        return FixTest<ClosestLayerNameFix>.Fixes(before, after, actionIndex: 1);
    }

    [Fact]
    public Task NameOfALaterLayer_IsNotOffered()
    {
        // "head" exists, written after the layer that reads it: the order is the mistake, not the name.
        return FixTest<ClosestLayerNameFix>.OffersNothing("""
            using ModelGen;

            [Model] [Input(4)]
            [Dense(4, Name = "heat")]
            [{|MG0017:Dense(4, From = "head")|}]
            [Dense(2, Name = "head")]
            partial class M;
            """);
    }

    [Fact]
    public Task NameLikeNoReadableLayer_IsNotOffered()
    {
        return FixTest<ClosestLayerNameFix>.OffersNothing("""
            using ModelGen;

            [Model] [Input(4)]
            [Dense(4, Name = "encoder")]
            [{|MG0017:Dense(2, From = "xyz")|}]
            partial class M;
            """);
    }
}
