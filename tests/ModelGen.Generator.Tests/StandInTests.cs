using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using ModelGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ModelGen.Generator.Tests;

/// <summary>
/// The stand-in of a model whose declaration has MG errors: what it declares (the constants that can be known, the
/// surface the loss asks for), that its members throw an exception naming the errors, and its text (a snapshot).
/// The diagnostic tests check, for every error case, that code using the model compiles against it.
/// </summary>
public class StandInTests
{
    private static string Source(string attributes, string name = "M") => $$"""
        using ModelGen;

        namespace Demo;

        /// <summary>A model with errors.</summary>
        {{attributes}}
        public partial class {{name}};
        """;

    /// <summary>Runs the generator, checks the stand-in's usability, and loads the compiled assembly's model type.</summary>
    private static (ModelGenRun Run, Type Type) Load(string source, string typeName = "Demo.M")
    {
        ModelGenRun run = ModelGenRun.Run(source);
        Assert.Contains(run.Diagnostics, d => d.Id.StartsWith("MG0", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Diagnostics, d => d.Id.StartsWith("CS", StringComparison.Ordinal));
        StandIns.AssertUsable(new[] { source }, run);
        using var stream = new MemoryStream();
        EmitResult emitted = run.Output.Emit(stream); // the MG errors are the analyzer's: the compilation itself builds
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Select(ModelGenRun.Describe)));
        stream.Position = 0;
        Assembly assembly = new AssemblyLoadContext(typeName, isCollectible: true).LoadFromStream(stream);
        return (run, assembly.GetType(typeName, throwOnError: true)!);
    }

    private static int Constant(Type type, string name) => (int)type.GetField(name)!.GetValue(null)!;

    [Fact]
    public void EveryMember_ThrowsAnExceptionNamingTheErrors()
    {
        (_, Type type) = Load(Source("[Model] [Input(1, 4, 4)] [Conv2D(2, 5)] [Dropout(1.5)] [Flatten] [Dense(2)] [Loss(LossFunction.CrossEntropy)] [Adam]"));

        TargetInvocationException thrown = Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(type));
        var error = Assert.IsType<InvalidOperationException>(thrown.InnerException);
        Assert.Equal(
            "Model 'M' was not generated, because its declaration has errors: "
            + "MG0005: convolution 'conv2d0' cannot take its input of shape [1 x 4 x 4]: its 5x5 kernel is larger than its input of 4x4. "
            + "MG0006: Dropout.rate is 1.5, but it must be in [0, 1). Fix the attributes, and ModelGen generates the model.",
            error.Message);
        Assert.Throws<TargetInvocationException>(() => type.GetProperty("Description")!.GetValue(null));
        Assert.Throws<TargetInvocationException>(() => type.GetProperty("ParameterNames")!.GetValue(null));

        // Input and batch size are known; the output and parameter count are not (a layer failed).
        Assert.Equal((16, 32, 0, 0), (Constant(type, "InputSize"), Constant(type, "BatchSize"), Constant(type, "OutputSize"), Constant(type, "ParameterCount")));
        Assert.True(typeof(IClassifier<float>).IsAssignableFrom(type));
        Assert.False(typeof(ITargetModel<float>).IsAssignableFrom(type));
    }

    [Fact]
    public void ConstantsThatCanBeKnown_AreTheModelsOwn()
    {
        // Only the optimizer is wrong: every layer is planned, so the constants are the ones the model will have.
        (_, Type type) = Load(Source("[Model(BatchSize = 8, Precision = Precision.Double)] [Input(3)] [Dense(4)] [Dense(2)] [Loss(LossFunction.MeanSquaredError)] [Sgd(LearningRate = 0)]"));

        Assert.Equal((3, 2, 8, 26), (Constant(type, "InputSize"), Constant(type, "OutputSize"), Constant(type, "BatchSize"), Constant(type, "ParameterCount")));
        Assert.True(typeof(ITargetModel<double>).IsAssignableFrom(type));
        Assert.False(typeof(IClassifier<double>).IsAssignableFrom(type));
        Assert.Equal(new[] { typeof(ReadOnlySpan<double>) },
            type.GetMethods().Where(m => m.Name == "TrainStep").Select(m => m.GetParameters()[1].ParameterType));
    }

    [Fact]
    public void WithoutAKnownLoss_BothLabelTypesAreOffered()
    {
        // An optimizer without a loss: the declaration means to train, with a loss not known yet.
        (_, Type type) = Load(Source("[Model] [Input(2)] [Dense(3)] [Adam]"));

        Assert.True(typeof(IClassifier<float>).IsAssignableFrom(type));
        Assert.True(typeof(ITargetModel<float>).IsAssignableFrom(type));
        Assert.Equal(new[] { typeof(ReadOnlySpan<int>), typeof(ReadOnlySpan<float>) }, // by full name: Int32 before Single
            type.GetMethods().Where(m => m.Name == "ComputeGradients").Select(m => m.GetParameters()[1].ParameterType).OrderBy(t => t.FullName, StringComparer.Ordinal));
    }

    [Fact]
    public void AnInferenceOnlyDeclaration_GetsNoTrainingMembers()
    {
        (_, Type type) = Load(Source("[Model] [Input(0)] [Dense(3)]"));

        Assert.True(typeof(IModel<float>).IsAssignableFrom(type));
        Assert.False(typeof(ITrainableModel<float>).IsAssignableFrom(type));
        Assert.Null(type.GetMethod("TrainStep"));
        Assert.Equal(0, Constant(type, "InputSize")); // unknown: the input has errors
    }

    [Fact]
    public void ToString_NamesTheErrors_WithoutThrowing()
    {
        (_, Type type) = Load(Source("[Model] [Input(2)] [Dense(0)]"));
        var standIn = (object)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type);

        Assert.StartsWith("Model 'M' was not generated, because its declaration has errors: MG0006: Dense.units is 0", standIn.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[[|Model|]] [Input(2)] [Dense(0)]", "public class M;", "MG0001")]
    [InlineData("[[|Model|]] [Input(2)] [Dense(0)]", "public partial class M { public int Summary; }", "MG0013")]
    public void AClassThatCannotTakeGeneratedMembers_GetsNoStandIn(string attributes, string declaration, string id)
    {
        ModelGenRun run = ModelGenRun.Run($"using ModelGen;\n{attributes}\n{declaration}");
        Assert.Contains(run.Diagnostics, d => d.Id == id);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void Snapshot_OfAStandIn()
    {
        ModelGenRun run = ModelGenRun.Run(Source("[Model] [Input(1, 4, 4)] [Conv2D(2, 5)] [Dropout(1.5)] [Flatten] [Dense(2)] [Loss(LossFunction.CrossEntropy)] [Adam]", "Net"));
        Snapshot.Verify(run.Source.Text);
    }
}
