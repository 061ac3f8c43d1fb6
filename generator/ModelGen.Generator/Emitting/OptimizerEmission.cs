using System.Collections.Generic;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Emitting.Literals;

namespace ModelGen.Generator.Emitting;

/// <summary>A per-parameter state tensor of an optimizer: PyTorch's state key, the generated field, its starting value.</summary>
internal sealed record OptimizerSlot(string Name, string Field, double InitialValue = 0);

/// <summary>
/// What each optimizer needs in the generated class: its state tensors (each one value per parameter, in parameter
/// order) and the call of its runtime kernel with the attribute's hyperparameters as constants.
/// </summary>
internal static class OptimizerEmission
{
    private const string Kernels = "global::ModelGen.Kernels.Optimizers";

    public static IReadOnlyList<OptimizerSlot> Slots(OptimizerSpec o)
    {
        var slots = new List<OptimizerSlot>();
        switch (o.Kind)
        {
            case OptimizerKind.Sgd:
                if (o.Momentum != 0) slots.Add(new("momentum_buffer", "_momentumBuffer"));
                break;
            case OptimizerKind.Adam:
            case OptimizerKind.AdamW:
                slots.Add(new("exp_avg", "_expAvg"));
                slots.Add(new("exp_avg_sq", "_expAvgSq"));
                if (o.Amsgrad) slots.Add(new("max_exp_avg_sq", "_maxExpAvgSq"));
                break;
            case OptimizerKind.RmsProp:
                slots.Add(new("square_avg", "_squareAvg"));
                if (o.Centered) slots.Add(new("grad_avg", "_gradAvg"));
                if (o.Momentum > 0) slots.Add(new("momentum_buffer", "_momentumBuffer"));
                break;
            case OptimizerKind.AdaGrad:
                slots.Add(new("sum", "_sum", o.InitialAccumulator));
                break;
            case OptimizerKind.AdaDelta:
                slots.Add(new("square_avg", "_squareAvg"));
                slots.Add(new("acc_delta", "_accDelta"));
                break;
            case OptimizerKind.Adamax:
                slots.Add(new("exp_avg", "_expAvg"));
                slots.Add(new("exp_inf", "_expInf"));
                break;
            case OptimizerKind.NAdam:
                slots.Add(new("exp_avg", "_expAvg"));
                slots.Add(new("exp_avg_sq", "_expAvgSq"));
                break;
        }
        return slots;
    }

    /// <summary>True when the optimizer keeps NAdam's running product of momentum coefficients.</summary>
    public static bool HasMuProduct(OptimizerSpec o) => o.Kind == OptimizerKind.NAdam;

    /// <summary>A comment line with the update rule.</summary>
    public static string Rule(OptimizerSpec o) => o.Kind switch
    {
        OptimizerKind.Sgd => "torch.optim.SGD (λ WeightDecay, μ Momentum, τ Dampening): g += λθ; b = g on step 1, else μ·b + (1 − τ)·g; g = g + μ·b (Nesterov) or b; θ -= lr·g",
        OptimizerKind.Adam => "torch.optim.Adam (λ WeightDecay): g += λθ; m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²" + (o.Amsgrad ? "; v̂ = max(v̂, v)" : "") + "; θ -= lr/(1 − β1ᵗ)·m/(√v/√(1 − β2ᵗ) + ε)",
        OptimizerKind.AdamW => "torch.optim.AdamW (λ WeightDecay): θ *= 1 − lr·λ; m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²" + (o.Amsgrad ? "; v̂ = max(v̂, v)" : "") + "; θ -= lr/(1 − β1ᵗ)·m/(√v/√(1 − β2ᵗ) + ε)",
        OptimizerKind.RmsProp => "torch.optim.RMSprop (λ WeightDecay, μ Momentum): g += λθ; v = α·v + (1 − α)·g²" + (o.Centered ? "; ḡ = α·ḡ + (1 − α)·g; d = √(v − ḡ²) + ε" : "; d = √v + ε") + (o.Momentum > 0 ? "; b = μ·b + g/d; θ -= lr·b" : "; θ -= lr·g/d"),
        OptimizerKind.AdaGrad => "torch.optim.Adagrad (λ WeightDecay): g += λθ; s += g²; θ -= lr·g/(√s + ε)",
        OptimizerKind.AdaDelta => "torch.optim.Adadelta (λ WeightDecay): g += λθ; v = ρ·v + (1 − ρ)·g²; Δ = √(u + ε)/√(v + ε)·g; u = ρ·u + (1 − ρ)·Δ²; θ -= lr·Δ",
        OptimizerKind.Adamax => "torch.optim.Adamax (λ WeightDecay): g += λθ; m = β1·m + (1 − β1)·g; u = max(β2·u, |g| + ε); θ -= lr/(1 − β1ᵗ)·m/u",
        _ => "torch.optim.NAdam 1.13 (λ WeightDecay, ψ MomentumDecay): g += λθ; μₜ = β1·(1 − ½·0.96^(tψ)); m, v as Adam; θ -= lr·(1 − μₜ)/(1 − Πμ)·g/d + lr·μₜ₊₁/(1 − Πμ·μₜ₊₁)·m/d",
    };

    /// <summary>The kernel call (one statement, possibly over two lines).</summary>
    public static string[] StepCall(OptimizerSpec o, string t, bool isDouble, int threads)
    {
        string empty = $"global::System.Span<{t}>.Empty";
        string Slot(bool present, string field) => present ? field : empty;
        string N(double v) => Number(v);
        string head = $"{Kernels}.{o.Kind}.Step<{t}>(_parameters, _gradients, ";
        return o.Kind switch
        {
            OptimizerKind.Sgd => new[]
            {
                head + $"{Slot(o.Momentum != 0, "_momentumBuffer")}, _learningRate,",
                $"    momentum: {Lit(o.Momentum)}, dampening: {Lit(o.Dampening)}, nesterov: {Bool(o.Nesterov)}, weightDecay: {Lit(o.WeightDecay)}, firstStep: _step == 1, threads: {Int(threads)}, layout: _parameterLayout);",
            },
            OptimizerKind.Adam or OptimizerKind.AdamW => new[]
            {
                $"{Kernels}.Adam.Step<{t}>(_parameters, _gradients, _expAvg, _expAvgSq, {Slot(o.Amsgrad, "_maxExpAvgSq")}, _learningRate,",
                $"    beta1: {N(o.Beta1)}, beta2: {N(o.Beta2)}, epsilon: {N(o.Epsilon)}, weightDecay: {N(o.WeightDecay)}, amsgrad: {Bool(o.Amsgrad)}, decoupledWeightDecay: {Bool(o.Kind == OptimizerKind.AdamW)}, step: _step, threads: {Int(threads)}, layout: _parameterLayout);",
            },
            OptimizerKind.RmsProp => new[]
            {
                head + $"_squareAvg, {Slot(o.Centered, "_gradAvg")}, {Slot(o.Momentum > 0, "_momentumBuffer")}, _learningRate,",
                $"    alpha: {N(o.Alpha)}, epsilon: {N(o.Epsilon)}, weightDecay: {N(o.WeightDecay)}, momentum: {N(o.Momentum)}, centered: {Bool(o.Centered)}, threads: {Int(threads)}, layout: _parameterLayout);",
            },
            OptimizerKind.AdaGrad => new[]
            {
                head + "_sum, _learningRate,",
                $"    epsilon: {N(o.Epsilon)}, weightDecay: {N(o.WeightDecay)}, threads: {Int(threads)}, layout: _parameterLayout);",
            },
            OptimizerKind.AdaDelta => new[]
            {
                head + "_squareAvg, _accDelta, _learningRate,",
                $"    rho: {N(o.Rho)}, epsilon: {N(o.Epsilon)}, weightDecay: {N(o.WeightDecay)}, threads: {Int(threads)}, layout: _parameterLayout);",
            },
            OptimizerKind.Adamax => new[]
            {
                head + "_expAvg, _expInf, _learningRate,",
                $"    beta1: {N(o.Beta1)}, beta2: {N(o.Beta2)}, epsilon: {N(o.Epsilon)}, weightDecay: {N(o.WeightDecay)}, step: _step, threads: {Int(threads)}, layout: _parameterLayout);",
            },
            _ => new[]
            {
                head + "_expAvg, _expAvgSq, ref _muProduct, _learningRate,",
                $"    beta1: {N(o.Beta1)}, beta2: {N(o.Beta2)}, epsilon: {N(o.Epsilon)}, weightDecay: {N(o.WeightDecay)}, momentumDecay: {N(o.MomentumDecay)}, step: _step, threads: {Int(threads)}, layout: _parameterLayout);",
            },
        };

        string Lit(double v) => Scalar(v, isDouble);
    }
}
