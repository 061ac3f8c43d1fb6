using System.Threading.Tasks;
using ModelGen.CodeFixes.Fixes;
using ModelGen.CodeFixes.Tests.Infrastructure;
using Xunit;

namespace ModelGen.CodeFixes.Tests;

/// <summary>MG0005's fix: <c>[Flatten]</c> inserted before a <c>Dense</c> or <c>Softmax</c> that reads an image, and only there.</summary>
public class InsertFlattenFixTests
{
    [Fact]
    public Task DenseAfterAnImage_GetsAFlattenOnItsLine()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(1, 8, 8)]
            [Conv2D(4, 3, Activation.ReLU)]
            [{|MG0005:Dense(10)|}]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(1, 8, 8)]
            [Conv2D(4, 3, Activation.ReLU)]
            [Flatten] [Dense(10)]
            partial class M;
            """;
        return FixTest<InsertFlattenFix>.Fixes(before, after);
    }

    [Fact]
    public Task DenseInsideAList_GetsAFlattenInTheList()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(1, 8, 8)]
            [Conv2D(4, 3), {|MG0005:Dense(10)|}]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(1, 8, 8)]
            [Conv2D(4, 3), Flatten, Dense(10)]
            partial class M;
            """;
        return FixTest<InsertFlattenFix>.Fixes(before, after);
    }

    [Fact]
    public Task SoftmaxAfterAnImage_GetsAFlatten()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(2, 4, 4)]
            [{|MG0005:Softmax|}]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(2, 4, 4)]
            [Flatten] [Softmax]
            partial class M;
            """;
        return FixTest<InsertFlattenFix>.Fixes(before, after);
    }

    [Fact]
    public Task DenseReadingAnImageThroughFrom_MovesFromToTheFlatten()
    {
        // The dense layer names its input; the new [Flatten] must read that input instead, and the dense layer the flatten.
        const string before = """
            using ModelGen;

            [Model] [Input(1, 8, 8)]
            [Conv2D(4, 3, Name = "features")]
            [Conv2D(4, 3, Padding = Padding.Same)]
            [Add("features")]
            [{|MG0005:Dense(10, From = "add0", Name = "head")|}]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(1, 8, 8)]
            [Conv2D(4, 3, Name = "features")]
            [Conv2D(4, 3, Padding = Padding.Same)]
            [Add("features")]
            [Flatten(From = "add0")] [Dense(10, Name = "head")]
            partial class M;
            """;
        return FixTest<InsertFlattenFix>.Fixes(before, after);
    }

    [Fact]
    public Task DenseThatIsTooLarge_IsNotOffered()
    {
        // MG0005 for a different reason (the parameters do not fit one array): a [Flatten] would not help.
        return FixTest<InsertFlattenFix>.OffersNothing("""
            using ModelGen;

            [Model] [Input(100000)]
            [{|MG0005:Dense(100000)|}]
            partial class M;
            """);
    }

    [Fact]
    public Task LossAfterAnImage_IsNotOffered()
    {
        // MG0005 on the loss ("put [Flatten] and a [Dense] layer before it"): not this fix's case.
        return FixTest<InsertFlattenFix>.OffersNothing("""
            using ModelGen;

            [Model] [Input(1, 4, 4)]
            [Conv2D(2, 3)]
            [{|MG0005:Loss(LossFunction.MeanSquaredError)|}] [Sgd]
            partial class M;
            """);
    }

    [Fact]
    public Task ConvolutionAfterAVector_IsNotOffered()
    {
        return FixTest<InsertFlattenFix>.OffersNothing("""
            using ModelGen;

            [Model] [Input(16)]
            [{|MG0005:Conv2D(2, 3)|}]
            partial class M;
            """);
    }

    [Fact]
    public Task FlattenThatWouldRenameALaterReadFlatten_IsNotOffered()
    {
        // A new [Flatten] before the first dense layer would become flatten0, and the later [Flatten] that the
        // [Concat] reads as "flatten0" would become flatten1: the fix would rewire the network, so it is not offered.
        return FixTest<InsertFlattenFix>.OffersNothing("""
            using ModelGen;

            [Model] [Input(1, 4, 4)]
            [{|MG0005:Dense(3)|}]
            [Flatten(From = "input")]
            [Concat("flatten0")]
            partial class M;
            """);
    }
}
