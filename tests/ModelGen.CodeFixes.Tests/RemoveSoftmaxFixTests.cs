using System.Threading.Tasks;
using ModelGen.CodeFixes.Fixes;
using ModelGen.CodeFixes.Tests.Infrastructure;
using Xunit;

namespace ModelGen.CodeFixes.Tests;

/// <summary>MG1001's fix: the softmax before <c>CrossEntropy</c> removed, as a layer or as an activation.</summary>
public class RemoveSoftmaxFixTests
{
    [Fact]
    public Task SoftmaxLayerOnALineOfItsOwn_RemovesTheLine()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(3)]
            [{|MG1001:Softmax|}]
            [Loss(LossFunction.CrossEntropy)] [Sgd]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(3)]
            [Loss(LossFunction.CrossEntropy)] [Sgd]
            partial class M;
            """;
        return FixTest<RemoveSoftmaxFix>.Fixes(before, after);
    }

    [Fact]
    public Task SoftmaxLayerBesideOthersOnItsLine_RemovesOnlyIt()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(3)] [{|MG1001:Softmax|}] [Loss(LossFunction.CrossEntropy)] [Sgd]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(3)] [Loss(LossFunction.CrossEntropy)] [Sgd]
            partial class M;
            """;
        return FixTest<RemoveSoftmaxFix>.Fixes(before, after);
    }

    [Fact]
    public Task SoftmaxLayerInAList_RemovesItAndItsComma()
    {
        const string before = """
            using ModelGen;

            [Model, Input(4), Dense(3), {|MG1001:Softmax|}, Loss(LossFunction.CrossEntropy), Sgd]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model, Input(4), Dense(3), Loss(LossFunction.CrossEntropy), Sgd]
            partial class M;
            """;
        return FixTest<RemoveSoftmaxFix>.Fixes(before, after);
    }

    [Fact]
    public Task SoftmaxActivationByPosition_IsRemoved()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.ReLU)]
            [{|MG1001:Dense(3, Activation.Softmax, Name = "logits")|}]
            [Loss(LossFunction.CrossEntropy)] [Adam]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(8, Activation.ReLU)]
            [Dense(3, Name = "logits")]
            [Loss(LossFunction.CrossEntropy)] [Adam]
            partial class M;
            """;
        return FixTest<RemoveSoftmaxFix>.Fixes(before, after);
    }

    [Fact]
    public Task SoftmaxActivationByParameterName_IsRemoved()
    {
        const string before = """
            using ModelGen;

            [Model] [Input(4)]
            [{|MG1001:Dense(3, activation: Activation.Softmax)|}]
            [Loss(LossFunction.CrossEntropy)] [Adam]
            partial class M;
            """;
        const string after = """
            using ModelGen;

            [Model] [Input(4)]
            [Dense(3)]
            [Loss(LossFunction.CrossEntropy)] [Adam]
            partial class M;
            """;
        return FixTest<RemoveSoftmaxFix>.Fixes(before, after);
    }

    [Fact]
    public Task SoftmaxLayerReadingAnotherLayer_IsNotOffered()
    {
        // Removing this [Softmax] would make the [Concat] the model's output, not the layer the softmax reads. (The
        // layers between them are unread: MG1006.)
        return FixTest<RemoveSoftmaxFix>.OffersNothing("""
            using ModelGen;

            [Model] [Input(4)]
            [Dense(3, Name = "logits")]
            [{|MG1006:Dense(2)|}]
            [{|MG1006:Concat("logits")|}]
            [{|MG1001:Softmax(From = "logits")|}]
            [Loss(LossFunction.CrossEntropy)] [Sgd]
            partial class M;
            """);
    }
}
