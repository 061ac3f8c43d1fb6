using System;
using Xunit;

namespace ModelGen.Tests;

// A single-precision model with every activation and the losses of contract 0.2 allocates nothing after warm-up.

[Model(BatchSize = 8, Seed = 71)]
[Input(1, 6, 6)]
[Conv2D(2, 3, Activation.Gelu)]
[Flatten]
[Dense(6, Activation.GeluTanh)]
[Silu]
[Dense(6, Activation.Elu)]
[Elu(0.5)]
[Dense(5, Activation.Softplus)]
[Gelu]
[Softplus]
[Dense(3, Activation.Silu)]
[Loss(LossFunction.Hinge)]
[Adam]
public partial class SmoothAllocationModel;

[Model(BatchSize = 8, Seed = 72)]
[Input(3)]
[Dense(4, Activation.Gelu)]
[Dense(2)]
[Loss(LossFunction.Huber, Delta = 0.5)]
[Adam]
public partial class HuberAllocationModel;

public class SmoothAllocationTests
{
    [Fact]
    public void Smooth_activations_and_new_losses_allocate_nothing()
    {
        var model = new SmoothAllocationModel();
        float[] x = TestData.Floats(8 * SmoothAllocationModel.InputSize, seed: 21);
        int[] labels = TestData.Labels(8, SmoothAllocationModel.OutputSize, seed: 22);
        float[] many = TestData.Floats(19 * SmoothAllocationModel.InputSize, seed: 23);
        float[] outputs = new float[19 * SmoothAllocationModel.OutputSize];
        Assert.True(float.IsFinite(model.TrainStep(x, labels)));
        Assert.Equal(0, Allocations.Steady(() => model.TrainStep(x, labels)));
        Assert.Equal(0, Allocations.Steady(() => model.TrainStep(x.AsSpan(0, 3 * SmoothAllocationModel.InputSize), labels.AsSpan(0, 3))));
        Assert.Equal(0, Allocations.Steady(() => model.Predict(many, outputs)));
        Assert.Equal(0, Allocations.Steady(() => model.Evaluate(x, labels)));

        var huber = new HuberAllocationModel();
        float[] hx = TestData.Floats(8 * HuberAllocationModel.InputSize, seed: 24);
        float[] hy = TestData.Floats(8 * HuberAllocationModel.OutputSize, seed: 25);
        Assert.Equal(0, Allocations.Steady(() => huber.TrainStep(hx, hy)));
        Assert.Equal(0, Allocations.Steady(() => huber.Evaluate(hx, hy)));
    }
}
