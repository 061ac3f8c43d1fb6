using ModelGen.Generator.Graph;
using ModelGen.Generator.Planning;

namespace ModelGen.Generator.Emitting;

/// <summary>The arrays that hold each value and its gradient, as the <see cref="ExecutionPlan"/> assigns them.</summary>
internal static class Names
{
    /// <summary>The array holding value <paramref name="source"/> (the <c>inputs</c> span for -1, the model input).</summary>
    public static string Output(ModelPlan model, ExecutionPlan plan, int source)
    {
        int storage = Planner.Storage(model.Layers, plan.OwnsBuffer, source);
        return storage < 0 ? "inputs" : GeneratedNames.OutputField(model.Layers[storage].Name);
    }

    /// <summary>The array holding the loss gradient of value <paramref name="source"/> (<c>_inputGradient</c> for -1).</summary>
    public static string Gradient(ModelPlan model, ExecutionPlan plan, int source)
    {
        int storage = Planner.Storage(model.Layers, plan.OwnsBuffer, source);
        return storage < 0 ? "_inputGradient" : GeneratedNames.OutputGradientField(model.Layers[storage].Name);
    }
}
