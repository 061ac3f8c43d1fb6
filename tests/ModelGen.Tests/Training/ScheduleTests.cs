using System;
using ModelGen.Training;
using Xunit;

namespace ModelGen.Tests.Training;

/// <summary>Every schedule at many steps, including the boundaries, against values worked out by hand from conventions.md.</summary>
public class ScheduleTests
{
    private static void Expect(ILearningRateSchedule schedule, params (long Step, double Rate)[] expected)
    {
        foreach ((long step, double rate) in expected)
            Assert.True(Math.Abs(schedule.LearningRate(step) - rate) <= 1e-12 * Math.Max(1, Math.Abs(rate)),
                $"{schedule.GetType().Name} at step {step}: expected {rate:R}, got {schedule.LearningRate(step):R}");
    }

    [Fact]
    public void Constant() => Expect(new ConstantSchedule(0.01), (0, 0.01), (1, 0.01), (1_000_000, 0.01));

    [Fact]
    public void StepDecay_drops_by_gamma_every_step_size() =>
        Expect(new StepDecay(0.1, 10, 0.5), (0, 0.1), (9, 0.1), (10, 0.05), (19, 0.05), (20, 0.025), (25, 0.025));

    [Fact]
    public void ExponentialDecay_smooth_and_staircase()
    {
        Expect(new ExponentialDecay(0.1, 100, 0.96), (0, 0.1), (50, 0.1 * Math.Sqrt(0.96)), (100, 0.096), (250, 0.1 * Math.Pow(0.96, 2.5)));
        Expect(new ExponentialDecay(0.1, 100, 0.96, staircase: true), (0, 0.1), (50, 0.1), (99, 0.1), (100, 0.096), (250, 0.1 * 0.96 * 0.96));
    }

    [Fact]
    public void PolynomialDecay_reaches_the_end_rate_and_stays()
    {
        Expect(new PolynomialDecay(0.1, 100, 0.01, 2), (0, 0.1), (50, 0.09 * 0.25 + 0.01), (100, 0.01), (150, 0.01));
        Expect(new PolynomialDecay(0.1, 100), (0, 0.1), (50, (0.1 - 1e-4) * 0.5 + 1e-4), (100, 1e-4), (101, 1e-4));
    }

    [Fact]
    public void InverseTimeDecay_smooth_and_staircase()
    {
        Expect(new InverseTimeDecay(0.1, 10, 0.5), (0, 0.1), (10, 0.1 / 1.5), (15, 0.1 / 1.75), (40, 0.1 / 3));
        Expect(new InverseTimeDecay(0.1, 10, 0.5, staircase: true), (9, 0.1), (10, 0.1 / 1.5), (15, 0.1 / 1.5), (20, 0.1 / 2));
    }

    [Fact]
    public void InverseSqrtDecay_is_flat_during_warmup() =>
        Expect(new InverseSqrtDecay(0.1, 4), (0, 0.1), (3, 0.1), (4, 0.1), (9, 0.1 / 1.5), (16, 0.05), (64, 0.025));

    [Fact]
    public void InverseSqrtDecay_default_warmup() => Expect(new InverseSqrtDecay(1.0), (0, 1.0), (1, 1.0), (4, 0.5), (100, 0.1));

    [Fact]
    public void CosineDecay_ends_at_alpha_times_initial() =>
        Expect(new CosineDecay(0.1, 100, 0.1), (0, 0.1), (50, 0.1 * (0.9 * 0.5 + 0.1)), (100, 0.01), (200, 0.01),
            (25, 0.1 * (0.9 * 0.5 * (1 + Math.Cos(Math.PI / 4)) + 0.1)));

    [Fact]
    public void CosineDecayRestarts_grows_the_cycles_and_shrinks_the_peaks()
    {
        // Cycles of 10, 20, 40 steps starting at steps 0, 10, 30; peaks 1, 0.5, 0.25.
        Expect(new CosineDecayRestarts(1.0, 10, tMul: 2, mMul: 0.5),
            (0, 1.0), (5, 0.5), (10, 0.5), (20, 0.25), (30, 0.25), (50, 0.125), (9, 0.5 * (1 + Math.Cos(Math.PI * 0.9))));
        // Equal cycles of 10 steps, equal peaks, with a floor of alpha.
        Expect(new CosineDecayRestarts(1.0, 10, tMul: 1, mMul: 1, alpha: 0.2),
            (0, 1.0), (5, 0.8 * 0.5 + 0.2), (10, 1.0), (15, 0.8 * 0.5 + 0.2), (20, 1.0));
    }

    [Fact]
    public void PiecewiseConstant_switches_after_each_boundary() =>
        Expect(new PiecewiseConstant([10, 20], [1.0, 0.5, 0.1]), (0, 1.0), (10, 1.0), (11, 0.5), (20, 0.5), (21, 0.1), (1000, 0.1));

    [Fact]
    public void LinearWarmup_ramps_then_starts_the_inner_schedule_from_its_step_zero()
    {
        Expect(new LinearWarmup(new ConstantSchedule(0.1), 10), (0, 0.0), (5, 0.05), (9, 0.09), (10, 0.1), (100, 0.1));
        Expect(new LinearWarmup(new StepDecay(0.1, 10, 0.5), 10), (5, 0.05), (10, 0.1), (19, 0.1), (20, 0.05), (30, 0.025));
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(0.1, 0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(-0.1, 10, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(double.NaN, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PolynomialDecay(0.1, 10, power: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecayRestarts(0.1, 10, tMul: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(0.1).LearningRate(-1));
        Assert.Throws<ArgumentNullException>(() => new LinearWarmup(null!, 5));
        var e = Assert.Throws<ArgumentException>(() => new PiecewiseConstant([10, 20], [1.0, 0.5]));
        Assert.Contains("3 values", e.Message);
        Assert.Throws<ArgumentException>(() => new PiecewiseConstant([20, 10], [1.0, 0.5, 0.1]));
    }
}
