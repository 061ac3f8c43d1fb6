using System.Threading.Tasks;
using ModelGen.CodeFixes.Fixes;
using ModelGen.CodeFixes.Tests.Infrastructure;
using Xunit;

namespace ModelGen.CodeFixes.Tests;

/// <summary>MG1003's fix: a constant <c>WeightInit</c> on a hidden layer removed, so the default random initializer applies.</summary>
public class DefaultInitializerFixTests
{
    [Fact]
    public Task ZerosOnAHiddenDense_IsRemoved()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [{|MG1003:Dense(8, Activation.ReLU, WeightInit = Init.Zeros)|}]
            [Dense(2)]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.ReLU)]
            [Dense(2)]
            partial class M;
            """;
        return FixTest<DefaultInitializerFix>.Fixes(before, after);
    }

    [Fact]
    public Task OnesOnAConvolution_IsRemovedAndTheOtherArgumentsStay()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(1, 6, 6)]
            [{|MG1003:Conv2D(2, 3, WeightInit = Init.Ones, UseBias = false)|}]
            [Conv2D(2, 3)]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(1, 6, 6)]
            [Conv2D(2, 3, UseBias = false)]
            [Conv2D(2, 3)]
            partial class M;
            """;
        return FixTest<DefaultInitializerFix>.Fixes(before, after);
    }

    [Fact]
    public Task EveryZeroLayer_IsFixedByFixAll()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [{|MG1003:Dense(8, WeightInit = Init.Zeros)|}]
            [{|MG1003:Dense(8, WeightInit = Init.Zeros, BiasInit = Init.Zeros)|}]
            [Dense(2, WeightInit = Init.Zeros)]
            partial class M;
            """;
        // The last layer keeps its zeros: no weighted layer follows it, so nothing reported it.
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8)]
            [Dense(8, BiasInit = Init.Zeros)]
            [Dense(2, WeightInit = Init.Zeros)]
            partial class M;
            """;
        return FixTest<DefaultInitializerFix>.Fixes(before, after);
    }
}
