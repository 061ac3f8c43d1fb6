using System.Threading.Tasks;
using ModelGen.CodeFixes.Fixes;
using ModelGen.CodeFixes.Tests.Infrastructure;
using Xunit;

namespace ModelGen.CodeFixes.Tests;

/// <summary>MG1009's fix: a He-initialized layer before a sigmoid or tanh gets Glorot initialization of the same shape.</summary>
public class GlorotInitializerFixTests
{
    [Fact]
    public Task HeUniformAndHeNormal_BecomeGlorotOfTheSameShape()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [{|MG1009:Dense(8, Activation.Tanh, WeightInit = Init.HeUniform)|}]
            [{|MG1009:Dense(8, WeightInit = Init.HeNormal, UseBias = false)|}] [Sigmoid]
            [Dense(1)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.Tanh, WeightInit = Init.GlorotUniform)]
            [Dense(8, WeightInit = Init.GlorotNormal, UseBias = false)] [Sigmoid]
            [Dense(1)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        return FixTest<GlorotInitializerFix>.Fixes(before, after);
    }
}
