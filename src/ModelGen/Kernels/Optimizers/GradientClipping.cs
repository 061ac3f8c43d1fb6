using System;
using System.Numerics;

namespace ModelGen.Kernels.Optimizers;

/// <summary>Gradient clipping as <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients by <c>min(1, maxNorm/(‖g‖₂ + 1e-6))</c>, with the L2 norm over every gradient of the model
    /// (computed in double), and returns the norm before clipping.
    /// </summary>
    public static double ClipByNorm<T>(Span<T> gradients, double maxNorm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        foreach (T g in gradients)
        {
            double d = double.CreateTruncating(g);
            sum += d * d;
        }
        double norm = Math.Sqrt(sum);
        double coefficient = Math.Min(1.0, maxNorm / (norm + 1e-6));
        if (coefficient < 1.0)
        {
            T c = T.CreateTruncating(coefficient);
            for (int k = 0; k < gradients.Length; k++) gradients[k] *= c;
        }
        return norm;
    }

    /// <summary>Clamps every gradient to [−maxValue, maxValue].</summary>
    public static void ClipByValue<T>(Span<T> gradients, double maxValue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T hi = T.CreateTruncating(maxValue), lo = -hi;
        for (int k = 0; k < gradients.Length; k++) gradients[k] = T.Clamp(gradients[k], lo, hi);
    }
}
