using System.Threading.Tasks;
using ModelGen.CodeFixes.Fixes;
using ModelGen.CodeFixes.Tests.Infrastructure;
using Xunit;

namespace ModelGen.CodeFixes.Tests;

/// <summary>MG1012's fix: [BatchNorm] and the [Dropout] it reads change places.</summary>
public class BatchNormBeforeDropoutFixTests
{
    [Fact]
    public Task TheTwoAttributes_Swap()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.ReLU)]
            [Dropout(0.3)]
            [{|MG1012:BatchNorm(Momentum = 0.05)|}]
            [Dense(2)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.ReLU)]
            [BatchNorm(Momentum = 0.05)]
            [Dropout(0.3)]
            [Dense(2)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        return FixTest<BatchNormBeforeDropoutFix>.Fixes(before, after);
    }

    [Fact]
    public Task InOneAttributeList_TheyAlsoSwap()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.ReLU), Dropout(0.5), {|MG1012:BatchNorm|}, Dense(2)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.ReLU), BatchNorm, Dropout(0.5), Dense(2)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """;
        return FixTest<BatchNormBeforeDropoutFix>.Fixes(before, after);
    }

    [Fact]
    public Task ALayerReadingTheDropoutByName_IsNotChanged()
    {
        // After a swap "drop" would hold the normalized values: the sum would change, so no fix is offered.
        return FixTest<BatchNormBeforeDropoutFix>.OffersNothing("""
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.ReLU)]
            [Dropout(0.3, Name = "drop")]
            [{|MG1012:BatchNorm|}]
            [Add("drop")]
            [Dense(2)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """);
    }

    [Fact]
    public Task ABatchNormReadingTheDropoutThroughFrom_IsNotChanged()
    {
        // Swapping would not put the batch norm where the dropout reads (and leaves the layer between them unread: MG1006).
        return FixTest<BatchNormBeforeDropoutFix>.OffersNothing("""
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.ReLU)]
            [Dropout(0.3)]
            [{|MG1006:Dense(8, Activation.ReLU)|}]
            [{|MG1012:BatchNorm(From = "dropout0")|}]
            [Dense(2)]
            [Loss(LossFunction.MeanSquaredError)] [Sgd]
            partial class M;
            """);
    }
}
