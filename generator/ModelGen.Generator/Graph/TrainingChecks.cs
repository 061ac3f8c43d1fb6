using System;
using System.Collections.Generic;
using ModelGen.Generator.Model;
using static ModelGen.Generator.Diagnostics.Problems;
using D = ModelGen.Generator.Diagnostics.DiagnosticDescriptors;

namespace ModelGen.Generator.Graph;

/// <summary>The model-level checks of a trainable declaration: loss, optimizer and clipping, each sensible for the network's output.</summary>
internal static class TrainingChecks
{
    /// <summary>Loss and optimizer: both or neither, and each sensible for the network's output.</summary>
    public static void Check(ModelSpec spec, List<LayerPlan>? layers, List<Problem> problems)
    {
        string model = spec.Type.Name;
        LossSpec? loss = spec.Loss;
        OptimizerSpec? optimizer = spec.Optimizer;

        if (loss is not null && optimizer is null)
            problems.Add(Problem.Create(D.LossWithoutOptimizerId, loss.Ordinal, model));
        if (optimizer is not null && loss is null)
            problems.Add(Problem.Create(D.OptimizerWithoutLossId, optimizer.Ordinal, optimizer.Kind.ToString(), model));

        if (loss is not null)
        {
            if (!Enum.IsDefined(typeof(LossKind), loss.Kind))
                problems.Add(OutOfRange(loss.Ordinal, "Loss.loss", (int)loss.Kind, "a member of LossFunction"));
            else
                LossSettings.Check(loss, problems);
            if (Enum.IsDefined(typeof(LossKind), loss.Kind) && layers is not null)
            {
                Shape output = layers[layers.Count - 1].Output;
                if (output.Rank != 1)
                    problems.Add(Problem.Create(D.ShapeMismatchId, loss.Ordinal, $"Loss {loss.Kind}", output.ToString(),
                        "a loss compares vectors; put [Flatten] and a [Dense] layer before it"));
                else if (loss.Kind is LossKind.CrossEntropy && output.Size < 2)
                    problems.Add(Problem.Create(D.CrossEntropyClassesId, loss.Ordinal, Format(output.Size)));
            }
        }

        if (optimizer is not null)
            CheckOptimizer(optimizer, problems);

        if (spec.Clipping is not null)
            CheckClipping(spec.Clipping, loss is not null && optimizer is not null, problems);
    }

    /// <summary>Every hyperparameter of the optimizer within the range torch.optim accepts (and some it should).</summary>
    private static void CheckOptimizer(OptimizerSpec o, List<Problem> problems)
    {
        string kind = o.Kind.ToString();
        void Require(bool ok, string property, double value, string expected)
        {
            if (!ok) problems.Add(OutOfRange(o.Ordinal, $"{kind}.{property}", value, expected));
        }
        bool Finite(double v) => !double.IsNaN(v) && !double.IsInfinity(v);
        bool UnitInterval(double v) => v >= 0 && v < 1;

        Require(Finite(o.LearningRate) && o.LearningRate > 0, "LearningRate", o.LearningRate, "finite and greater than 0");
        Require(Finite(o.WeightDecay) && o.WeightDecay >= 0, "WeightDecay", o.WeightDecay, "finite and at least 0");
        switch (o.Kind)
        {
            case OptimizerKind.Sgd:
                Require(Finite(o.Momentum) && o.Momentum >= 0, "Momentum", o.Momentum, "finite and at least 0");
                Require(o.Dampening >= 0 && o.Dampening <= 1, "Dampening", o.Dampening, "in [0, 1]");
                if (o.Nesterov)
                {
                    Require(o.Momentum > 0, "Momentum", o.Momentum, "greater than 0 when Nesterov is true (PyTorch rejects Nesterov without momentum)");
                    Require(o.Dampening == 0, "Dampening", o.Dampening, "0 when Nesterov is true (PyTorch rejects Nesterov with dampening)");
                }
                break;
            case OptimizerKind.Adam:
            case OptimizerKind.AdamW:
            case OptimizerKind.Adamax:
            case OptimizerKind.NAdam:
                Require(UnitInterval(o.Beta1), "Beta1", o.Beta1, "in [0, 1)");
                Require(UnitInterval(o.Beta2), "Beta2", o.Beta2, "in [0, 1)");
                Require(Finite(o.Epsilon) && o.Epsilon > 0, "Epsilon", o.Epsilon, "finite and greater than 0");
                if (o.Kind == OptimizerKind.NAdam)
                    Require(Finite(o.MomentumDecay) && o.MomentumDecay >= 0, "MomentumDecay", o.MomentumDecay, "finite and at least 0");
                break;
            case OptimizerKind.RmsProp:
                Require(UnitInterval(o.Alpha), "Alpha", o.Alpha, "in [0, 1)");
                Require(Finite(o.Epsilon) && o.Epsilon > 0, "Epsilon", o.Epsilon, "finite and greater than 0");
                Require(Finite(o.Momentum) && o.Momentum >= 0, "Momentum", o.Momentum, "finite and at least 0");
                break;
            case OptimizerKind.AdaGrad:
                Require(Finite(o.InitialAccumulator) && o.InitialAccumulator >= 0, "InitialAccumulator", o.InitialAccumulator, "finite and at least 0");
                Require(Finite(o.Epsilon) && o.Epsilon > 0, "Epsilon", o.Epsilon, "finite and greater than 0");
                break;
            case OptimizerKind.AdaDelta:
                Require(UnitInterval(o.Rho), "Rho", o.Rho, "in [0, 1)");
                Require(Finite(o.Epsilon) && o.Epsilon > 0, "Epsilon", o.Epsilon, "finite and greater than 0");
                break;
        }
    }

    private static void CheckClipping(ClippingSpec c, bool trainable, List<Problem> problems)
    {
        if (!(c.MaxNorm >= 0) || double.IsInfinity(c.MaxNorm))
            problems.Add(OutOfRange(c.Ordinal, "GradientClipping.MaxNorm", c.MaxNorm, "finite and at least 0 (0 turns it off)"));
        if (!(c.MaxValue >= 0) || double.IsInfinity(c.MaxValue))
            problems.Add(OutOfRange(c.Ordinal, "GradientClipping.MaxValue", c.MaxValue, "finite and at least 0 (0 turns it off)"));
        if (c.MaxNorm == 0 && c.MaxValue == 0)
            problems.Add(OutOfRange(c.Ordinal, "GradientClipping.MaxNorm", c.MaxNorm, "greater than 0, or MaxValue greater than 0: one of them must be set"));
        if (!trainable)
            problems.Add(Problem.Create(D.NoEffectWhenInferenceOnlyId, c.Ordinal, "[GradientClipping]"));
    }
}
