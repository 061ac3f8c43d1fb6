using System;
using Xunit;

namespace ModelGen.Tests;

/// <summary>After construction (and a warm-up call that lets the JIT do its work), no generated member allocates.</summary>
public class AllocationTests
{
    [Fact]
    public void Cross_entropy_model_allocates_nothing()
    {
        var model = new SmallClassifier();
        float[] x = TestData.Floats(16 * SmallClassifier.InputSize, seed: 1);
        int[] labels = TestData.Labels(16, SmallClassifier.OutputSize, seed: 2);
        float[] many = TestData.Floats(40 * SmallClassifier.InputSize, seed: 3); // 40 rows: three chunks
        int[] manyLabels = TestData.Labels(40, SmallClassifier.OutputSize, seed: 4);
        float[] outputs = new float[40 * SmallClassifier.OutputSize];

        Assert.Equal(0, Allocations.Steady(() => model.ComputeGradients(x, labels)));
        Assert.Equal(0, Allocations.Steady(() => model.ApplyGradients()));
        Assert.Equal(0, Allocations.Steady(() => model.TrainStep(x, labels)));
        Assert.Equal(0, Allocations.Steady(() => model.TrainStep(x.AsSpan(0, 5 * SmallClassifier.InputSize), labels.AsSpan(0, 5))));
        Assert.Equal(0, Allocations.Steady(() => model.Predict(many, outputs)));
        Assert.Equal(0, Allocations.Steady(() => model.Evaluate(many, manyLabels)));
        Assert.Equal(0, Allocations.Steady(() => _ = model.InputGradient.Length + model.Gradient("dense0.weight").Length + model.Parameter("dense1.bias").Length));
    }

    [Fact]
    public void Mean_squared_error_model_allocates_nothing()
    {
        var model = new SmallRegression();
        float[] x = TestData.Floats(8 * SmallRegression.InputSize, seed: 5);
        float[] y = TestData.Floats(8 * SmallRegression.OutputSize, seed: 6);
        float[] outputs = new float[8 * SmallRegression.OutputSize];
        Assert.Equal(0, Allocations.Steady(() => model.TrainStep(x, y)));
        Assert.Equal(0, Allocations.Steady(() => model.Predict(x, outputs)));
        Assert.Equal(0, Allocations.Steady(() => model.Evaluate(x, y)));
    }

    /// <summary>
    /// A CNN with every layer kind (convolution valid and same, batch norm after an image and a vector, max and average
    /// pooling, dropout after an image and a vector, layer norm after an image and a vector, flatten, every activation
    /// layer), in both precisions: training (full and partial batches), inference in chunks, Evaluate, the buffers and
    /// the dropout generator's state allocate nothing after warm-up.
    /// </summary>
    [Fact]
    public void Cnn_with_every_layer_allocates_nothing()
    {
        var model = new EveryLayerCnn();
        float[] x = TestData.Floats(8 * EveryLayerCnn.InputSize, seed: 12);
        int[] labels = TestData.Labels(8, EveryLayerCnn.OutputSize, seed: 13);
        float[] many = TestData.Floats(19 * EveryLayerCnn.InputSize, seed: 14); // 19 rows: chunks of 8, 8 and 3
        int[] manyLabels = TestData.Labels(19, EveryLayerCnn.OutputSize, seed: 15);
        float[] outputs = new float[19 * EveryLayerCnn.OutputSize];
        Assert.True(float.IsFinite(model.TrainStep(x, labels)));

        Assert.Equal(0, Allocations.Steady(() => model.TrainStep(x, labels)));
        Assert.Equal(0, Allocations.Steady(() => model.TrainStep(x.AsSpan(0, 3 * EveryLayerCnn.InputSize), labels.AsSpan(0, 3))));
        Assert.Equal(0, Allocations.Steady(() => model.ComputeGradients(x, labels)));
        Assert.Equal(0, Allocations.Steady(() => model.ApplyGradients()));
        Assert.Equal(0, Allocations.Steady(() => model.Predict(many, outputs)));
        Assert.Equal(0, Allocations.Steady(() => model.Predict(x.AsSpan(0, EveryLayerCnn.InputSize), outputs.AsSpan(0, EveryLayerCnn.OutputSize))));
        Assert.Equal(0, Allocations.Steady(() => model.Evaluate(many, manyLabels)));
        Assert.Equal(0, Allocations.Steady(() =>
        {
            model.RandomState = model.RandomState ^ 1;
            _ = model.Buffer("batchnorm1.running_var").Length + model.Gradient("layernorm1.weight").Length + model.InputGradient.Length;
        }));
        Assert.True(float.IsFinite(model.Evaluate(many, manyLabels)));

        var precise = new EveryLayerCnnDouble();
        double[] xd = TestData.Doubles(8 * EveryLayerCnnDouble.InputSize, seed: 16);
        double[] targets = TestData.Probabilities(8 * EveryLayerCnnDouble.OutputSize, seed: 17);
        double[] manyD = TestData.Doubles(19 * EveryLayerCnnDouble.InputSize, seed: 18);
        double[] outputsD = new double[19 * EveryLayerCnnDouble.OutputSize];
        Assert.Equal(0, Allocations.Steady(() => precise.TrainStep(xd, targets)));
        Assert.Equal(0, Allocations.Steady(() => precise.Predict(manyD, outputsD)));
        Assert.Equal(0, Allocations.Steady(() => precise.Evaluate(xd, targets)));
        Assert.True(double.IsFinite(precise.Evaluate(xd, targets)));
    }

    [Fact]
    public void Binary_and_double_precision_models_allocate_nothing()
    {
        var binary = new SmallBinary();
        float[] x = TestData.Floats(8 * SmallBinary.InputSize, seed: 7);
        float[] y = Array.ConvertAll(TestData.Probabilities(8, seed: 8), v => (float)v);
        Assert.Equal(0, Allocations.Steady(() => binary.TrainStep(x, y)));
        Assert.Equal(0, Allocations.Steady(() => binary.Evaluate(x, y)));

        var classifier = new FdClassifier();
        double[] xd = TestData.Doubles(5 * FdClassifier.InputSize, seed: 9);
        int[] labels = TestData.Labels(5, FdClassifier.OutputSize, seed: 10);
        double[] outputs = new double[5 * FdClassifier.OutputSize];
        Assert.Equal(0, Allocations.Steady(() => classifier.TrainStep(xd, labels)));
        Assert.Equal(0, Allocations.Steady(() => classifier.Predict(xd, outputs)));

        var inference = new InferenceOnly();
        float[] image = TestData.Floats(7 * InferenceOnly.InputSize, seed: 11);
        float[] probabilities = new float[7 * InferenceOnly.OutputSize];
        Assert.Equal(0, Allocations.Steady(() => inference.Predict(image, probabilities)));
    }
}
