using System;
using System.Collections.Generic;
using Xunit;

namespace ModelGen.Tests;

/// <summary>
/// Central finite differences in double precision against a generated backward pass: (L(θ+h) − L(θ−h)) / 2h with
/// h = 1e-6 has truncation error O(h²) ≈ 1e-12 and rounding error ≈ 1e-16/h = 1e-10, so analytic and numeric gradients
/// agree to ~1e-8 when the code is right, while a wrong term (a missing factor, a transposed index) is off by O(1).
/// </summary>
internal static class GradientCheck
{
    public const double H = 1e-6;
    public const double Tolerance = 1e-7;

    public delegate Span<double> ParameterAccessor(string name);
    public delegate ReadOnlySpan<double> GradientAccessor(string name);

    /// <summary>
    /// Reads every parameter gradient and the input gradient left by the last training pass, then perturbs every
    /// parameter and every input in turn and compares the slope of <paramref name="loss"/> with them.
    /// <paramref name="loss"/> must compute the function whose gradient the pass computed: Evaluate where training and
    /// inference agree; ComputeGradients itself (training mode: batch statistics, the dropout mask) where they do not.
    /// The gradients are copied first, so a <paramref name="loss"/> that runs ComputeGradients may overwrite them.
    /// Returns the largest error as a fraction of the allowed one.
    /// </summary>
    public static double Check(IReadOnlyList<string> names, ParameterAccessor parameter, GradientAccessor gradient,
        double[] inputs, ReadOnlySpan<double> inputGradient, Func<double> loss)
    {
        var analytic = new Dictionary<string, double[]>();
        foreach (string name in names) analytic[name] = gradient(name).ToArray();
        double[] analyticInput = inputGradient.ToArray();
        Assert.Equal(inputs.Length, analyticInput.Length);

        double worst = 0;
        foreach (string name in names)
        {
            double[] expected = analytic[name];
            for (int i = 0; i < expected.Length; i++)
            {
                double original = parameter(name)[i];
                parameter(name)[i] = original + H;
                double up = loss();
                parameter(name)[i] = original - H;
                double down = loss();
                parameter(name)[i] = original;
                worst = Math.Max(worst, AssertClose((up - down) / (2 * H), expected[i], $"{name}[{i}]"));
            }
        }
        for (int i = 0; i < inputs.Length; i++)
        {
            double original = inputs[i];
            inputs[i] = original + H;
            double up = loss();
            inputs[i] = original - H;
            double down = loss();
            inputs[i] = original;
            worst = Math.Max(worst, AssertClose((up - down) / (2 * H), analyticInput[i], $"input[{i}]"));
        }
        return worst;
    }

    /// <summary>
    /// Overwrites every parameter with values uniform on ±<paramref name="scale"/>, so that no γ is exactly 1, no β or
    /// bias exactly 0, and a formula that forgets one of them fails.
    /// </summary>
    public static void Randomize(IReadOnlyList<string> names, ParameterAccessor parameter, int seed, double scale = 0.8)
    {
        foreach (string name in names)
        {
            Span<double> values = parameter(name);
            TestData.Doubles(values.Length, seed++, scale).CopyTo(values);
        }
    }

    private static double AssertClose(double numeric, double analytic, string what)
    {
        double error = Math.Abs(numeric - analytic), allowed = Tolerance * Math.Max(1, Math.Abs(analytic));
        Assert.True(error <= allowed,
            $"d loss / d {what}: finite difference {numeric:R}, backward pass {analytic:R} (error {error:E2})");
        return error / allowed;
    }
}
