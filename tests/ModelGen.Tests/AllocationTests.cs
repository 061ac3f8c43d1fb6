using System;
using Xunit;

namespace ModelGen.Tests;

/// <summary>After construction (and a warm-up call that lets the JIT do its work), no generated member allocates.</summary>
public class AllocationTests
{
    private static long AllocatedBy(Action action)
    {
        action(); // warm-up: JIT compilation and static initialization may allocate once
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Cross_entropy_model_allocates_nothing()
    {
        var model = new SmallClassifier();
        float[] x = TestData.Floats(16 * SmallClassifier.InputSize, seed: 1);
        int[] labels = TestData.Labels(16, SmallClassifier.OutputSize, seed: 2);
        float[] many = TestData.Floats(40 * SmallClassifier.InputSize, seed: 3); // 40 rows: three chunks
        int[] manyLabels = TestData.Labels(40, SmallClassifier.OutputSize, seed: 4);
        float[] outputs = new float[40 * SmallClassifier.OutputSize];

        Assert.Equal(0, AllocatedBy(() => model.ComputeGradients(x, labels)));
        Assert.Equal(0, AllocatedBy(() => model.ApplyGradients()));
        Assert.Equal(0, AllocatedBy(() => model.TrainStep(x, labels)));
        Assert.Equal(0, AllocatedBy(() => model.TrainStep(x.AsSpan(0, 5 * SmallClassifier.InputSize), labels.AsSpan(0, 5))));
        Assert.Equal(0, AllocatedBy(() => model.Predict(many, outputs)));
        Assert.Equal(0, AllocatedBy(() => model.Evaluate(many, manyLabels)));
        Assert.Equal(0, AllocatedBy(() => _ = model.InputGradient.Length + model.Gradient("dense0.weight").Length + model.Parameter("dense1.bias").Length));
    }

    [Fact]
    public void Mean_squared_error_model_allocates_nothing()
    {
        var model = new SmallRegression();
        float[] x = TestData.Floats(8 * SmallRegression.InputSize, seed: 5);
        float[] y = TestData.Floats(8 * SmallRegression.OutputSize, seed: 6);
        float[] outputs = new float[8 * SmallRegression.OutputSize];
        Assert.Equal(0, AllocatedBy(() => model.TrainStep(x, y)));
        Assert.Equal(0, AllocatedBy(() => model.Predict(x, outputs)));
        Assert.Equal(0, AllocatedBy(() => model.Evaluate(x, y)));
    }

    [Fact]
    public void Binary_and_double_precision_models_allocate_nothing()
    {
        var binary = new SmallBinary();
        float[] x = TestData.Floats(8 * SmallBinary.InputSize, seed: 7);
        float[] y = Array.ConvertAll(TestData.Probabilities(8, seed: 8), v => (float)v);
        Assert.Equal(0, AllocatedBy(() => binary.TrainStep(x, y)));
        Assert.Equal(0, AllocatedBy(() => binary.Evaluate(x, y)));

        var classifier = new FdClassifier();
        double[] xd = TestData.Doubles(5 * FdClassifier.InputSize, seed: 9);
        int[] labels = TestData.Labels(5, FdClassifier.OutputSize, seed: 10);
        double[] outputs = new double[5 * FdClassifier.OutputSize];
        Assert.Equal(0, AllocatedBy(() => classifier.TrainStep(xd, labels)));
        Assert.Equal(0, AllocatedBy(() => classifier.Predict(xd, outputs)));

        var inference = new InferenceOnly();
        float[] image = TestData.Floats(7 * InferenceOnly.InputSize, seed: 11);
        float[] probabilities = new float[7 * InferenceOnly.OutputSize];
        Assert.Equal(0, AllocatedBy(() => inference.Predict(image, probabilities)));
    }
}
