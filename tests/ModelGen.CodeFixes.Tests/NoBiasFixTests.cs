using System.Threading.Tasks;
using ModelGen.CodeFixes.Fixes;
using ModelGen.CodeFixes.Tests.Infrastructure;
using Xunit;

namespace ModelGen.CodeFixes.Tests;

/// <summary>MG1013's fix: the bias that the following batch norm cancels is turned off.</summary>
public class NoBiasFixTests
{
    [Fact]
    public Task UseBias_IsAddedOrSetToFalse()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(1, 6, 6)]
            [{|MG1013:Conv2D(4, 3, UseBias = true, Padding = Padding.Same)|}] [BatchNorm] [ReLU]
            [Flatten]
            [{|MG1013:Dense(8)|}] [BatchNorm]
            [Dense(2)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(1, 6, 6)]
            [Conv2D(4, 3, UseBias = false, Padding = Padding.Same)] [BatchNorm] [ReLU]
            [Flatten]
            [Dense(8, UseBias = false)] [BatchNorm]
            [Dense(2)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        return FixTest<NoBiasFix>.Fixes(before, after);
    }
}
