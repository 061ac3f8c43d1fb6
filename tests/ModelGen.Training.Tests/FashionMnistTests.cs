using System;
using System.Diagnostics;
using System.IO;
using ModelGen.Data;
using Xunit;
using Xunit.Abstractions;

namespace ModelGen.Training.Tests;

/// <summary>End to end on the bundled Fashion-MNIST subset: IDX loading, the trainer, and accuracy on held-out images.</summary>
public sealed class FashionMnistTests(ITestOutputHelper output)
{
    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);

    [Fact]
    public void An_MLP_trained_two_epochs_on_10000_images_classifies_the_2000_test_images()
    {
        Dataset<float> train = Idx.Load<float>(DataFile("train-images-idx3-ubyte.gz"), DataFile("train-labels-idx1-ubyte.gz"));
        Dataset<float> test = Idx.Load<float>(DataFile("t10k-images-idx3-ubyte.gz"), DataFile("t10k-labels-idx1-ubyte.gz"));
        Assert.Equal((10_000, 784, 10), (train.Count, train.FeatureCount, train.ClassCount));
        Assert.Equal((2_000, 784, 10), (test.Count, test.FeatureCount, test.ClassCount));

        var model = new FashionMlp();
        var trainer = new Trainer<float>(model) { Epochs = 2, Seed = 1, Output = null };
        var clock = Stopwatch.StartNew();
        TrainingHistory history = trainer.Fit(train, test);
        clock.Stop();

        double accuracy = history.Epochs[^1].ValidationAccuracy!.Value;
        output.WriteLine($"test accuracy {accuracy:P2}, test loss {history.Epochs[^1].ValidationLoss:F4}, {clock.Elapsed.TotalSeconds:F1} s");
        // Measured: 83.80% (test loss 0.478) after two epochs, model seed 42, trainer seed 1; 80% leaves a few points of margin.
        Assert.True(accuracy >= 0.80, $"test accuracy {accuracy:P2}");
        Assert.True(history.Epochs[1].Loss < history.Epochs[0].Loss);
        Assert.Equal(2 * 157, model.Step); // ⌈10000 / 64⌉ batches per epoch
        Assert.Equal(accuracy, trainer.Accuracy(test));
    }
}
