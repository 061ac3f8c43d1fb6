using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace ModelGen.Generator.Tests.Infrastructure;

/// <summary>
/// Checks on the stand-in the generator writes for a model whose declaration has MG errors: that it is there (unless the
/// class cannot take one: MG0001, MG0013, or the C# compiler's own errors in the attributes), and that code using every
/// member of the model compiles against it with no diagnostic besides the declaration's own MG ones.
/// </summary>
internal static class StandIns
{
    /// <summary>
    /// Asserts the stand-ins of <paramref name="run"/> (a run of <paramref name="markups"/>): present where they can be,
    /// and usable: a second run with a file that uses each model's members reports exactly the same diagnostics.
    /// </summary>
    public static void AssertUsable(string[] markups, ModelGenRun run)
    {
        bool classCannotTakeOne = run.Diagnostics.Any(d => d.Id is "MG0001" or "MG0013"
            || (d.Id.StartsWith("CS", System.StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error));
        List<INamedTypeSymbol> models = Models(run.Input);
        List<INamedTypeSymbol> standIns = models.Where(m => run.Sources.Any(s => IsStandInOf(s, m))).ToList();
        if (classCannotTakeOne)
        {
            Assert.True(standIns.Count == 0, "A stand-in was written for a class that cannot take one, or it does not compile:\n"
                + string.Join("\n", run.Diagnostics.Select(ModelGenRun.Describe)));
            return;
        }
        Assert.NotEmpty(standIns);

        string usage = string.Join("\n", standIns.Select((model, i) => Usage(model, i)));
        ModelGenRun withUsage = ModelGenRun.Run(markups.Append(usage).ToArray());
        Assert.Equal(run.Diagnostics.Select(ModelGenRun.Describe), withUsage.Diagnostics.Select(ModelGenRun.Describe));
    }

    /// <summary>True when <paramref name="file"/> is the stand-in of <paramref name="model"/>.</summary>
    public static bool IsStandInOf(GeneratedFile file, INamedTypeSymbol model) =>
        file.Text.Contains($"from the attributes of {model.ToDisplayString()}.", System.StringComparison.Ordinal)
        && file.Text.Contains("this is a stand-in, not the model", System.StringComparison.Ordinal);

    /// <summary>The [Model] classes of a compilation.</summary>
    public static List<INamedTypeSymbol> Models(Compilation compilation) =>
        compilation.SyntaxTrees
            .SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()
                .Select(t => compilation.GetSemanticModel(tree).GetDeclaredSymbol(t)).OfType<INamedTypeSymbol>())
            .Where(t => t.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "ModelGen.ModelAttribute"))
            .Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default)
            .ToList();

    /// <summary>A class whose method uses every member the model would have, in the types its declaration asks for.</summary>
    private static string Usage(INamedTypeSymbol model, int index)
    {
        string m = model.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        AttributeData[] attributes = model.GetAttributes().ToArray();
        bool isDouble = attributes.Any(a => a.AttributeClass?.Name == "ModelAttribute"
            && a.NamedArguments.Any(n => n.Key == "Precision" && n.Value.Value is 1));
        string t = isDouble ? "double" : "float";
        AttributeData? loss = attributes.FirstOrDefault(a => a.AttributeClass?.Name == "LossAttribute");
        bool trainable = loss is not null || attributes.Any(a => a.AttributeClass?.BaseType?.Name == "OptimizerAttribute");
        // Targets of T for MeanSquaredError (0), BinaryCrossEntropy (2), Huber (4) and MeanAbsoluteError (5); int labels
        // for CrossEntropy (1), Hinge (3) and unknown losses.
        bool targets = loss is not null && loss.ConstructorArguments.Length == 1 && loss.ConstructorArguments[0].Value is 0 or 2 or 4 or 5;
        string training = !trainable ? "" : $$"""
                    global::ModelGen.ITrainableModel<{{t}}> trainable = model;
                    global::ModelGen.Training.Trainer<{{t}}> trainer = new global::ModelGen.Training.Trainer<{{t}}>(model);
                    {{(targets ? $"{t}[] labels = new {t}[{m}.OutputSize * 2];" : "int[] labels = new int[2];")}}
                    {{t}} loss = model.TrainStep(inputs, labels) + model.ComputeGradients(inputs, labels) + model.Evaluate(inputs, labels);
                    model.ApplyGradients();
                    model.LearningRate = model.LearningRate;
                    model.RestoreStep(model.Step);
                    trainable.RandomState = trainable.RandomState;
                    int trainingLengths = model.Gradient("w").Length + model.InputGradient.Length + model.OptimizerState("s").Length + {{m}}.OptimizerStateNames.Count;
                    used.Add(trainer);
                    used.Add(loss);
                    used.Add(trainingLengths);
            """;
        return $$"""
            internal static class UsesModel{{index}}
            {
                internal static global::System.Collections.Generic.List<object> Use()
                {
                    global::System.Collections.Generic.List<object> used = new global::System.Collections.Generic.List<object>();
                    {{m}} model = new {{m}}();
                    {{m}} seeded = new {{m}}(7);
                    {{t}}[] inputs = new {{t}}[{{m}}.InputSize * 2];
                    {{t}}[] outputs = new {{t}}[{{m}}.OutputSize * 2];
                    model.Predict(inputs, outputs);
                    global::ModelGen.IModel<{{t}}> general = seeded;
                    general.Predict(inputs, outputs);
                    model.SaveWeights("w");
                    model.LoadWeights("w");
                    int lengths = model.Parameter("p").Length + model.Buffer("b").Length + {{m}}.ParameterNames.Count + {{m}}.BufferNames.Count + {{m}}.BatchSize + {{m}}.ParameterCount;
                    used.Add(lengths);
                    used.Add(model.Summary());
                    used.Add({{m}}.Description);
                    used.Add(model.ToString());
            {{training}}
                    return used;
                }
            }
            """;
    }
}
