using System.Threading.Tasks;
using ModelGen.CodeFixes.Fixes;
using ModelGen.CodeFixes.Tests.Infrastructure;
using Xunit;

namespace ModelGen.CodeFixes.Tests;

/// <summary>MG1010's fix: Adam with coupled weight decay becomes AdamW with the same arguments.</summary>
public class AdamWFixTests
{
    [Fact]
    public Task Adam_BecomesAdamW_KeepingEveryArgument()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)] [Dense(2)]
            [Loss(LossFunction.MeanSquaredError)]
            [{|MG1010:Adam(LearningRate = 3e-4, WeightDecay = 1e-2, Amsgrad = true)|}]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)] [Dense(2)]
            [Loss(LossFunction.MeanSquaredError)]
            [AdamW(LearningRate = 3e-4, WeightDecay = 1e-2, Amsgrad = true)]
            partial class M;
            """;
        return FixTest<AdamWFix>.Fixes(before, after);
    }

    [Fact]
    public Task AQualifiedNameWithTheSuffix_KeepsItsForm()
    {
        const string before = """
            [ModelGen.Model] [ModelGen.Input(4)] [ModelGen.Dense(2)]
            [ModelGen.Loss(ModelGen.LossFunction.MeanSquaredError)]
            [{|MG1010:ModelGen.AdamAttribute(WeightDecay = 5e-4)|}]
            partial class M;
            """;
        const string after = """
            [ModelGen.Model] [ModelGen.Input(4)] [ModelGen.Dense(2)]
            [ModelGen.Loss(ModelGen.LossFunction.MeanSquaredError)]
            [ModelGen.AdamWAttribute(WeightDecay = 5e-4)]
            partial class M;
            """;
        return FixTest<AdamWFix>.Fixes(before, after);
    }

    [Fact]
    public Task NAdam_IsNotChanged()
    {
        // AdamW has neither NAdam's momentum decay nor its Nesterov update: no fix, only the suggestion.
        return FixTest<AdamWFix>.OffersNothing("""
            using ModelGen;

            [Model] [Input(4)] [Dense(2)]
            [Loss(LossFunction.MeanSquaredError)]
            [{|MG1010:NAdam(WeightDecay = 1e-3, MomentumDecay = 5e-3)|}]
            partial class M;
            """);
    }
}
