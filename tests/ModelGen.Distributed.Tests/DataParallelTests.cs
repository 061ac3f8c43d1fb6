using System;
using System.IO;
using System.Linq;
using ModelGen.Data;
using ModelGen.Distributed.Mpi;
using ModelGen.Training;
using Xunit;

namespace ModelGen.Distributed.Tests;

/// <summary>The data-parallel machinery in one process: shards, buckets, the generated observer calls, one rank.</summary>
public sealed class DataParallelTests
{
    [Theory]
    [InlineData(500, 3, new[] { 0, 167, 334 }, new[] { 167, 167, 166 })]
    [InlineData(64, 2, new[] { 0, 32 }, new[] { 32, 32 })]
    [InlineData(5, 4, new[] { 0, 2, 3, 4 }, new[] { 2, 1, 1, 1 })]
    [InlineData(2, 3, new[] { 0, 1, 2 }, new[] { 1, 1, 0 })]
    public void Shards_are_consecutive_and_differ_by_at_most_one(int samples, int size, int[] starts, int[] counts)
    {
        for (int r = 0; r < size; r++)
            Assert.Equal((starts[r], counts[r]), DataParallel<float>.Shard(samples, r, size));
    }

    [Fact]
    public void Shard_refuses_a_rank_outside_the_job()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DataParallel<float>.Shard(10, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataParallel<float>.Shard(-1, 0, 2));
    }

    [Fact]
    public void The_generated_backward_pass_reports_each_layer_last_first_then_completion()
    {
        var model = new SmallMlp();
        var observer = new RecordingObserver();
        Assert.Null(model.GradientObserver);
        model.GradientObserver = observer;
        Dataset<float> data = Data.Classes(16);
        model.ComputeGradients(data.FeatureData, data.Labels);
        // dense2 (20·3 + 3), dense1 (40·20 + 20), dense0 (12·40 + 40): together, back to front, the whole array.
        Assert.Equal([(1340, 63), (520, 820), (0, 520)], observer.Ready);
        Assert.Equal(SmallMlp.ParameterCount, observer.Ready.Sum(r => r.Count));
        Assert.Equal(1, observer.Completed);
    }

    [Fact]
    public void A_model_with_a_penalty_reports_only_completion()
    {
        var model = new Penalized { GradientObserver = new RecordingObserver() };
        Dataset<float> data = Data.Classes(16);
        model.ComputeGradients(data.FeatureData, data.Labels);
        var observer = (RecordingObserver)model.GradientObserver!;
        Assert.Empty(observer.Ready); // the L2 gradient joins after the backward pass
        Assert.Equal(1, observer.Completed);
    }

    [Fact]
    public void Gradients_and_Parameters_are_the_flat_arrays_in_name_order()
    {
        var model = new SmallMlp();
        Dataset<float> data = Data.Classes(16);
        model.ComputeGradients(data.FeatureData, data.Labels);
        float[] joined = SmallMlp.ParameterNames.SelectMany(n => model.Gradient(n).ToArray()).ToArray();
        Assert.Equal(joined, model.Gradients.ToArray());
        float[] before = new float[16 * 3];
        model.Predict(data.FeatureData, before);
        model.Parameters[^1] += 1; // dense2.bias[2]: a write through Parameters reaches the next forward pass
        Assert.Equal(model.Parameter("dense2.bias")[2], model.Parameters[^1]);
        float[] after = new float[16 * 3];
        model.Predict(data.FeatureData, after);
        for (int i = 0; i < 16; i++) Assert.Equal(before[i * 3 + 2] + 1, after[i * 3 + 2], 4);
    }

    [Fact]
    public void Buckets_start_during_the_backward_pass_scaled_by_local_over_global_samples()
    {
        var model = new SmallMlp();
        var twin = new MirrorCommunicator(size: 2);
        var parallel = new DataParallel<float>(model, twin, bucketSize: 500);
        Dataset<float> data = Data.Classes(32);
        var reference = new SmallMlp();
        float expectedLoss = reference.ComputeGradients(data.FeatureData, data.Labels);

        parallel.BeginStep(32, 64); // this rank has half of a global batch whose other half is the same samples
        float local = model.ComputeGradients(data.FeatureData, data.Labels);
        float loss = parallel.EndStep(local, 32);

        // dense2 (63) waits for dense1 (820): a bucket of 883 starts, then dense0 (520) its own.
        Assert.Equal([883, 520], twin.StartedLengths);
        Assert.Equal(0, twin.Calls.IndexOf("StartAllReduceSum Single[883]"));
        Assert.Equal(2, twin.Calls.IndexOf("WaitAll"));
        // Two identical halves, each scaled by 32/64 and summed: the mean gradient of one half, exactly.
        Assert.Equal(reference.Gradients.ToArray(), model.Gradients.ToArray());
        Assert.Equal(expectedLoss, loss);
        Assert.Null(model.GradientObserver); // EndStep leaves the model as it found it
        Assert.Equal(2, parallel.AllReduceOperations);
    }

    [Fact]
    public void Without_overlap_one_all_reduce_follows_the_backward_pass()
    {
        var model = new SmallMlp();
        var twin = new MirrorCommunicator(size: 2);
        var parallel = new DataParallel<float>(model, twin, bucketSize: 0);
        Dataset<float> data = Data.Classes(32);
        parallel.BeginStep(32, 64);
        parallel.EndStep(model.ComputeGradients(data.FeatureData, data.Labels), 32);
        Assert.Empty(twin.StartedLengths);
        Assert.Equal($"AllReduceSum Single[{SmallMlp.ParameterCount}]", twin.Calls[0]);
    }

    [Fact]
    public void An_empty_shard_contributes_zeros()
    {
        var model = new SmallMlp();
        Dataset<float> data = Data.Classes(8);
        model.ComputeGradients(data.FeatureData, data.Labels); // old gradients that must not leak into the sum
        var parallel = new DataParallel<float>(model, new MirrorCommunicator(size: 3));
        parallel.BeginStep(0, 5);
        Assert.Equal(0f, parallel.EndStep(123f, 0));
        Assert.True(model.Gradients.ToArray().All(g => g == 0));
    }

    [Fact]
    public void EndStep_refuses_a_sample_count_other_than_BeginStep_s()
    {
        var parallel = new DataParallel<float>(new SmallMlp(), new MirrorCommunicator());
        Assert.Throws<InvalidOperationException>(() => parallel.EndStep(0, 0));
        parallel.BeginStep(4, 8);
        Assert.Throws<ArgumentException>(() => parallel.EndStep(0, 3));
    }

    [Fact]
    public void The_trainer_on_one_rank_gives_the_weights_of_the_trainer_alone_bit_for_bit()
    {
        // Batch norm and dropout: the distributed path (shards, buffer and generator broadcasts, buckets) with one
        // rank changes nothing.
        Dataset<float> data = Data.Classes(300);
        var alone = new NormalizedDropout();
        TrainingHistory expected = new Trainer<float>(alone) { Epochs = 3, BatchSize = 32, Seed = 4, Output = null }.Fit(data, Data.Classes(50, seed: 2));
        var one = new NormalizedDropout();
        var communicator = new MirrorCommunicator(size: 1);
        var trainer = new Trainer<float>(one) { Epochs = 3, BatchSize = 32, Seed = 4, Output = null, Communicator = communicator, GradientBucketSize = 50 };
        TrainingHistory history = trainer.Fit(data, Data.Classes(50, seed: 2));
        Assert.Equal(alone.Parameters.ToArray(), one.Parameters.ToArray());
        Assert.Equal(alone.Buffer("batchnorm0.running_var").ToArray(), one.Buffer("batchnorm0.running_var").ToArray());
        Assert.Equal(expected.Epochs.Select(e => (e.Loss, e.ValidationLoss)), history.Epochs.Select(e => (e.Loss, e.ValidationLoss)));
        Assert.True(trainer.Parallel!.AllReduceOperations > one.Step); // buckets of 50: several per step
    }

    [Fact]
    public void A_missing_MPI_library_says_what_to_install()
    {
        string? before = Environment.GetEnvironmentVariable("MODELGEN_MPI_LIBRARY");
        Environment.SetEnvironmentVariable("MODELGEN_MPI_LIBRARY", "/nonexistent/libmpi.so.40");
        try
        {
            var e = Assert.Throws<DllNotFoundException>(() => MpiLibrary.Load());
            Assert.Contains("/nonexistent/libmpi.so.40", e.Message);
            Assert.Contains("apt-get install openmpi-bin libopenmpi-dev", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MODELGEN_MPI_LIBRARY", before);
        }
    }

    [Fact]
    public void Training_without_a_communicator_never_opens_an_MPI_library()
    {
        // This process trains (above and here), uses ModelGen.Distributed's types, and never asks for World: the MPI
        // library must not be mapped (the multi-rank tests run in their own processes).
        var model = new SmallMlp();
        new Trainer<float>(model) { Epochs = 1, Output = null }.Fit(Data.Classes(64));
        Assert.Equal(MpiCommunicator.IsLaunchedByMpi, Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null
            || Environment.GetEnvironmentVariable("PMI_SIZE") is not null || Environment.GetEnvironmentVariable("PMIX_RANK") is not null);
        string maps = File.ReadAllText("/proc/self/maps");
        Assert.DoesNotContain("libmpi", maps);
        Assert.Contains("libcoreclr", maps); // the check reads the right thing
    }

    [Fact]
    public void The_MPICH_table_holds_mpi_h_s_constants()
    {
        MpiAbi mpich = MpiAbi.Mpich();
        Assert.Equal((nint)0x44000000, mpich.CommWorld);
        Assert.Equal((nint)0x4c00040a, mpich.Datatype<float>());
        Assert.Equal((nint)0x4c00080b, mpich.Datatype<double>());
        Assert.Equal((nint)0x58000003, mpich.Sum);
        Assert.Equal((nint)(-1), mpich.InPlace);
        Assert.Throws<NotSupportedException>(() => mpich.Datatype<short>());
    }
}
