using System;
using Xunit;

namespace ModelGen.Tests;

/// <summary>
/// PredictClasses and PredictProbabilities against the model's own Predict and a softmax, sigmoid and arg-max computed
/// in double precision here; their rules for ties, NaN and lengths; and no allocation once warm.
/// </summary>
public class PredictionTests
{
    private const int Samples = 19; // chunks of 8, 8 and 3

    [Fact]
    public void Classes_are_the_arg_max_and_probabilities_the_softmax_of_Predict()
    {
        var model = new PredictionClassifier();
        float[] x = TestData.Floats(Samples * PredictionClassifier.InputSize, seed: 1, scale: 3);
        float[] logits = new float[Samples * PredictionClassifier.OutputSize];
        model.Predict(x, logits);

        int[] classes = new int[Samples];
        float[] probabilities = new float[Samples * PredictionClassifier.OutputSize];
        model.PredictClasses(x, classes);
        model.PredictProbabilities(x, probabilities);

        const int K = PredictionClassifier.OutputSize;
        var distinct = new System.Collections.Generic.HashSet<int>();
        for (int i = 0; i < Samples; i++)
        {
            double[] expected = Softmax(Array.ConvertAll(logits[(i * K)..((i + 1) * K)], v => (double)v));
            Assert.Equal(ReferenceArgMax(expected), classes[i]);
            for (int c = 0; c < K; c++) Assert.Equal(expected[c], probabilities[i * K + c], 1e-6);
            distinct.Add(classes[i]);
        }
        Assert.True(distinct.Count > 1, "the inputs should not all fall in one class");
        Assert.Equal(classes, model.PredictClasses(x));
        Assert.Equal(probabilities, model.PredictProbabilities(x));
    }

    [Fact]
    public void Double_precision_probabilities_match_the_reference_closely()
    {
        var model = new PredictionClassifierDouble();
        double[] x = TestData.Doubles(Samples * PredictionClassifierDouble.InputSize, seed: 2, scale: 3);
        double[] logits = new double[Samples * PredictionClassifierDouble.OutputSize];
        model.Predict(x, logits);
        double[] probabilities = model.PredictProbabilities(x);
        int[] classes = model.PredictClasses(x);
        const int K = PredictionClassifierDouble.OutputSize;
        for (int i = 0; i < Samples; i++)
        {
            double[] expected = Softmax(logits[(i * K)..((i + 1) * K)]);
            Assert.Equal(ReferenceArgMax(expected), classes[i]);
            for (int c = 0; c < K; c++) Assert.Equal(expected[c], probabilities[i * K + c], 1e-14);
        }
    }

    [Fact]
    public void A_softmax_output_layer_is_copied_when_the_outputs_are_declared_probabilities()
    {
        var logitModel = new PredictionClassifier();
        var softmaxModel = new SoftmaxOutputModel();
        foreach (string name in PredictionClassifier.ParameterNames)
            logitModel.Parameter(name).CopyTo(softmaxModel.Parameter(name));
        float[] x = TestData.Floats(Samples * PredictionClassifier.InputSize, seed: 3, scale: 3);
        float[] outputs = new float[Samples * PredictionClassifier.OutputSize];
        softmaxModel.Predict(x, outputs);

        Assert.Equal(outputs, softmaxModel.PredictProbabilities(x, ModelOutput.Probabilities));
        float[] fromLogits = logitModel.PredictProbabilities(x);
        for (int i = 0; i < outputs.Length; i++) Assert.Equal(outputs[i], fromLogits[i], 1e-6f);
        Assert.Equal(logitModel.PredictClasses(x), softmaxModel.PredictClasses(x, ModelOutput.Probabilities));
        // The mistake the option avoids: a second softmax flattens the distribution (its largest value shrinks).
        float[] twice = softmaxModel.PredictProbabilities(x);
        Assert.True(Max(twice[0..4]) < Max(outputs[0..4]));
    }

    [Fact]
    public void A_binary_model_gives_the_sigmoid_and_class_1_above_logit_0()
    {
        var model = new BinaryLogitModel();
        float[] x = TestData.Floats(Samples * BinaryLogitModel.InputSize, seed: 4, scale: 3);
        float[] logits = new float[Samples];
        model.Predict(x, logits);
        int[] classes = model.PredictClasses(x);
        float[] probabilities = model.PredictProbabilities(x);
        Assert.Equal(Samples, probabilities.Length);
        for (int i = 0; i < Samples; i++)
        {
            Assert.Equal(logits[i] > 0 ? 1 : 0, classes[i]);
            Assert.Equal(1 / (1 + Math.Exp(-(double)logits[i])), probabilities[i], 1e-6);
        }
        Assert.Contains(0, classes);
        Assert.Contains(1, classes);

        var sigmoidModel = new SigmoidOutputModel();
        foreach (string name in BinaryLogitModel.ParameterNames) model.Parameter(name).CopyTo(sigmoidModel.Parameter(name));
        Assert.Equal(classes, sigmoidModel.PredictClasses(x, ModelOutput.Probabilities));
        float[] sigmoidOutputs = new float[Samples];
        sigmoidModel.Predict(x, sigmoidOutputs);
        Assert.Equal(sigmoidOutputs, sigmoidModel.PredictProbabilities(x, ModelOutput.Probabilities));
    }

    [Fact]
    public void Ties_give_the_lowest_class_and_NaN_ranks_highest()
    {
        Assert.Equal(1, Predictions.ArgMax<float>([1, 3, 3, 2]));
        Assert.Equal(0, Predictions.ArgMax<float>([2, 2, 2, 2]));
        Assert.Equal(1, Predictions.ArgMax<float>([1, float.NaN, 5, float.NaN]));
        Assert.Equal(0, Predictions.ArgMax<double>([double.NaN, 9]));
        Assert.Equal(2, Predictions.ArgMax<double>([double.NegativeInfinity, -1, double.PositiveInfinity]));

        // Through a model: equal outputs for every sample (weights 0, biases 0, 5, 5, 1), then a NaN bias.
        var model = new PredictionClassifier();
        model.Parameter("dense1.weight").Clear();
        float[] bias = [0, 5, 5, 1];
        bias.CopyTo(model.Parameter("dense1.bias"));
        float[] x = TestData.Floats(Samples * PredictionClassifier.InputSize, seed: 5);
        Assert.All(model.PredictClasses(x), c => Assert.Equal(1, c));
        model.Parameter("dense1.bias")[3] = float.NaN;
        Assert.All(model.PredictClasses(x), c => Assert.Equal(3, c));
        float[] probabilities = model.PredictProbabilities(x);
        Assert.All(probabilities, p => Assert.True(float.IsNaN(p)));

        var binary = new BinaryLogitModel();
        binary.Parameter("dense1.weight").Clear();
        binary.Parameter("dense1.bias")[0] = 0; // logit exactly 0: class 0
        float[] bx = TestData.Floats(4 * BinaryLogitModel.InputSize, seed: 6);
        Assert.Equal(new[] { 0, 0, 0, 0 }, binary.PredictClasses(bx));
        binary.Parameter("dense1.bias")[0] = float.NaN;
        Assert.Equal(new[] { 1, 1, 1, 1 }, binary.PredictClasses(bx));
    }

    [Fact]
    public void Wrong_lengths_name_the_expected_length()
    {
        var model = new PredictionClassifier();
        float[] x = new float[Samples * PredictionClassifier.InputSize];

        var inputs = Assert.Throws<ArgumentException>(() => model.PredictClasses(x.AsSpan(1)));
        Assert.Equal("inputs", inputs.ParamName);
        Assert.Contains("n × 5", inputs.Message);
        Assert.Contains("94", inputs.Message);

        var classes = Assert.Throws<ArgumentException>(() => model.PredictClasses(x, new int[Samples + 1]));
        Assert.Equal("classes", classes.ParamName);
        Assert.Contains("19", classes.Message);
        Assert.Contains("20", classes.Message);

        var probabilities = Assert.Throws<ArgumentException>(() => model.PredictProbabilities(x, new float[Samples * 4 - 1]));
        Assert.Equal("probabilities", probabilities.ParamName);
        Assert.Contains("76 values", probabilities.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => model.PredictClasses(x, (ModelOutput)7));
        Assert.Throws<ArgumentNullException>(() => Predictions.PredictClasses<float>(null!, x));
        Assert.Empty(model.PredictClasses(ReadOnlySpan<float>.Empty));
        Assert.Empty(model.PredictProbabilities(ReadOnlySpan<float>.Empty));
    }

    [Fact]
    public void Span_overloads_allocate_nothing_once_warm()
    {
        var model = new PredictionClassifier();
        float[] x = TestData.Floats(Samples * PredictionClassifier.InputSize, seed: 7);
        int[] classes = new int[Samples];
        float[] probabilities = new float[Samples * PredictionClassifier.OutputSize];
        Assert.Equal(0, Allocations.Steady(() => model.PredictClasses(x, classes)));
        Assert.Equal(0, Allocations.Steady(() => model.PredictProbabilities(x, probabilities)));

        var binary = new BinaryLogitModel();
        float[] bx = TestData.Floats(Samples * BinaryLogitModel.InputSize, seed: 8);
        Assert.Equal(0, Allocations.Steady(() => binary.PredictClasses(bx, classes)));

        var wide = new PredictionClassifierDouble();
        double[] dx = TestData.Doubles(Samples * PredictionClassifierDouble.InputSize, seed: 9);
        Assert.Equal(0, Allocations.Steady(() => wide.PredictClasses(dx, classes)));
    }

    private static double[] Softmax(double[] logits)
    {
        double max = double.NegativeInfinity;
        foreach (double v in logits) max = Math.Max(max, v);
        double[] result = Array.ConvertAll(logits, v => Math.Exp(v - max));
        double sum = 0;
        foreach (double v in result) sum += v;
        for (int i = 0; i < result.Length; i++) result[i] /= sum;
        return result;
    }

    private static int ReferenceArgMax(double[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private static float Max(float[] values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values) max = Math.Max(max, v);
        return max;
    }
}
