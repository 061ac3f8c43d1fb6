using System.Threading.Tasks;
using ModelGen.CodeFixes.Fixes;
using ModelGen.CodeFixes.Tests.Infrastructure;
using Xunit;

namespace ModelGen.CodeFixes.Tests;

/// <summary>MG1008's fix: a Glorot-initialized layer before a ReLU gets He initialization of the same shape.</summary>
public class HeInitializerFixTests
{
    [Fact]
    public Task DefaultAndWrittenGlorot_BecomeHe_OfTheSameShape()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [{|MG1008:Dense(8, Activation.ReLU)|}]
            [{|MG1008:Dense(8, Activation.ReLU, WeightInit = Init.GlorotNormal, L2 = 1e-4)|}]
            [{|MG1008:Dense(8, WeightInit = Init.GlorotUniform)|}] [LeakyReLU]
            [Dense(1)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.ReLU, WeightInit = Init.HeUniform)]
            [Dense(8, Activation.ReLU, WeightInit = Init.HeNormal, L2 = 1e-4)]
            [Dense(8, WeightInit = Init.HeUniform)] [LeakyReLU]
            [Dense(1)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        return FixTest<HeInitializerFix>.Fixes(before, after);
    }

    [Fact]
    public Task AConvolutionWithoutArguments_GetsOne()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(1, 8, 8)]
            [{|MG1008:Conv2D(2, 3, Activation.ReLU)|}]
            [{|MG1008:Conv2D(2, 3, Activation.ReLU, Padding = Padding.Same)|}]
            [Flatten]
            [{|MG1008:Dense(4, Activation.ReLU)|}]
            [Dense(1)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(1, 8, 8)]
            [Conv2D(2, 3, Activation.ReLU, WeightInit = Init.HeUniform)]
            [Conv2D(2, 3, Activation.ReLU, Padding = Padding.Same, WeightInit = Init.HeUniform)]
            [Flatten]
            [Dense(4, Activation.ReLU, WeightInit = Init.HeUniform)]
            [Dense(1)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        return FixTest<HeInitializerFix>.Fixes(before, after);
    }
}
