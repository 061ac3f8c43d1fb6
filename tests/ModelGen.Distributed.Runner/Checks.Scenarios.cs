using System;
using System.Collections.Generic;
using System.IO;
using ModelGen.Data;
using ModelGen.Training;

namespace ModelGen.Distributed.Runner;

internal sealed partial class Checks
{
    private void Collectives()
    {
        Span<float> f = [Rank + 0.5f, 2 * Rank];
        world.AllReduceSum(f);
        float n = Size;
        Require(f[0] == n * (n - 1) / 2 + 0.5f * n && f[1] == n * (n - 1), $"float all-reduce gave {f[0]}, {f[1]}");
        Span<double> d = [Rank * 1e-3, 1];
        world.AllReduceSum(d);
        Require(Math.Abs(d[0] - Size * (Size - 1) / 2 * 1e-3) < 1e-15 && d[1] == Size, $"double all-reduce gave {d[0]}, {d[1]}");
        Span<int> i = [Rank, 1];
        world.AllReduceSum(i);
        Require(i[0] == Size * (Size - 1) / 2 && i[1] == Size, "int all-reduce");
        Span<long> l = [(long)Rank << 40];
        world.AllReduceSum(l);
        Require(l[0] == ((long)Size * (Size - 1) / 2) << 40, "long all-reduce");
        Span<double> b = [Rank, Rank * 2.0, -1];
        world.Broadcast(b, Size - 1);
        Require(b[0] == Size - 1 && b[1] == 2.0 * (Size - 1) && b[2] == -1, "broadcast from the last rank");
        Require(world.ProcessorName.Length > 0, "processor name");
    }

    private static int[]? _nothing = Environment.GetEnvironmentVariable("MODELGEN_NEVER_SET") is null ? null : [];

    /// <summary>Open MPI installs signal handlers at MPI_Init; .NET's own (null references, overflow) must still work.</summary>
    private void RuntimeFaults()
    {
        bool caught = false;
        try { _ = _nothing![Rank]; }
        catch (NullReferenceException) { caught = true; }
        Require(caught, "a null reference did not become a NullReferenceException");
        int zero = Rank - Rank;
        try { _ = 1 / zero; caught = false; }
        catch (DivideByZeroException) { caught = true; }
        Require(caught, "a division by zero did not become a DivideByZeroException");
    }

    private void NonBlocking()
    {
        // Three slices of a pinned array, reduced concurrently while this rank computes, as the gradient buckets are.
        float[] values = GC.AllocateArray<float>(3000, pinned: true);
        for (int k = 0; k < values.Length; k++) values[k] = Rank * 1000 + k;
        world.StartAllReduceSum(values.AsSpan(2000, 1000));
        world.StartAllReduceSum(values.AsSpan(500, 1500));
        world.Progress();
        world.StartAllReduceSum(values.AsSpan(0, 500));
        world.WaitAll();
        float ranks = Size * (Size - 1) / 2 * 1000f;
        for (int k = 0; k < values.Length; k++)
            Require(values[k] == ranks + Size * k, $"non-blocking all-reduce: value {k} is {values[k]}, expected {ranks + Size * k}");
    }

    private void Shards()
    {
        foreach (int samples in new[] { 0, 1, 2, 5, 64, 95, 96, 97 })
        {
            int next = 0;
            for (int r = 0; r < Size; r++)
            {
                (int start, int count) = DataParallel<float>.Shard(samples, r, Size);
                Require(start == next && count >= samples / Size && count <= samples / Size + 1, $"shard {r} of {samples} is ({start}, {count})");
                next = start + count;
            }
            Require(next == samples, $"the shards of {samples} cover {next}");
        }
    }

    private void SameAsOneProcessFloat(int bucket)
    {
        Dataset<float> data = Classes<float>(Samples);
        var model = new Mlp();
        Trainer<float> trainer = Distributed<float>(model, bucket: bucket);
        TrainingHistory history = trainer.Fit(data);
        var reference = new Mlp();
        TrainingHistory expected = OneProcess<float>(reference).Fit(data);
        double difference = RelativeDifference<float>(model.Parameters, reference.Parameters);
        Require(difference < 2e-5, $"the weights differ from one process's by {difference:G3} (relative)");
        Require(model.Step == reference.Step, $"steps {model.Step} vs {reference.Step}");
        for (int e = 0; e < history.Epochs.Count; e++)
            Require(Math.Abs(history.Epochs[e].Loss - expected.Epochs[e].Loss) < 1e-5, $"epoch {e + 1}'s loss {history.Epochs[e].Loss} vs {expected.Epochs[e].Loss}");
        if (bucket > 0) Require(trainer.Parallel!.AllReduceOperations > model.Step, $"buckets of {bucket}: {trainer.Parallel.AllReduceOperations} all-reduces in {model.Step} steps");
        if (Rank == 0) Console.WriteLine($"     relative difference {difference:G3}, {trainer.Parallel!.AllReduceOperations} all-reduces in {model.Step} steps");
    }

    private void SameAsOneProcessDouble()
    {
        Dataset<double> data = Targets(Samples);
        var model = new MlpDouble();
        Distributed<double>(model, bucket: 200).Fit(data);
        var reference = new MlpDouble();
        OneProcess<double>(reference).Fit(data);
        double difference = RelativeDifference<double>(model.Parameters, reference.Parameters);
        Require(difference < 1e-12, $"the weights differ from one process's by {difference:G3} (relative)");
        if (Rank == 0) Console.WriteLine($"     relative difference {difference:G3}");
    }

    /// <summary>The weights' hash after a fixed training run (the same in every launch with the same ranks).</summary>
    public long TrainedHash()
    {
        var model = new Dropped();
        Distributed<float>(model, bucket: 300).Fit(Classes<float>(Samples));
        return DataParallel<float>.Hash<float>(model.Parameters);
    }

    private void RunAfterRun()
    {
        long first = TrainedHash(), second = TrainedHash();
        Require(first == second, $"two runs gave weights of hashes {first:X16} and {second:X16}");
        SameOnEveryRank(first, "the trained weights");
    }

    private void BatchNormRule()
    {
        Dataset<float> data = Classes<float>(Samples);
        // One step by hand: after it, every rank's running statistics are those of rank 0's shard.
        var model = new Normalized();
        var parallel = new DataParallel<float>(model, world);
        parallel.BroadcastState();
        var loader = new BatchLoader<float>(data, Local * Size, seed: 4);
        Batch<float> batch = loader.Next();
        (int start, int count) = DataParallel<float>.Shard(batch.Count, Rank, Size);
        parallel.BeginStep(count, batch.Count);
        float loss = model.ComputeGradients(batch.Inputs.Slice(start * 20, count * 20), batch.Labels.Slice(start, count));
        parallel.EndStep(loss, count);
        (int start0, int count0) = DataParallel<float>.Shard(batch.Count, 0, Size);
        var rankZero = new Normalized();
        rankZero.ComputeGradients(batch.Inputs.Slice(start0 * 20, count0 * 20), batch.Labels.Slice(start0, count0));
        foreach (string name in Normalized.BufferNames)
            Require(model.Buffer(name).SequenceEqual(rankZero.Buffer(name)), $"{name} is not rank 0's after one step");

        // Training: the buffers agree on every rank at the end.
        var trained = new Normalized();
        Distributed<float>(trained).Fit(data);
        foreach (string name in Normalized.BufferNames)
            SameOnEveryRank(DataParallel<float>.Hash<float>(trained.Buffer(name)), name);
    }

    private void DropoutDeterministic()
    {
        Dataset<float> data = Classes<float>(Samples);
        var a = new Dropped();
        Distributed<float>(a).Fit(data);
        var b = new Dropped();
        Distributed<float>(b).Fit(data);
        Require(a.Parameters.SequenceEqual(b.Parameters), "two runs with dropout differ");
        SameOnEveryRank(DataParallel<float>.Hash<float>(a.Parameters), "the weights trained with dropout");
        SameOnEveryRank((long)a.RandomState, "the dropout generator");
        // Each rank draws its own masks: the generator of a step depends on the rank.
        var c = new Dropped();
        var parallel = new DataParallel<float>(c, world);
        ulong shared = c.RandomState;
        parallel.BeginStep(0, Size);
        Span<long> seen = [(long)c.RandomState];
        parallel.EndStep(0, 0);
        Span<long> all = new long[Size];
        all[Rank] = seen[0];
        world.AllReduceSum(all);
        Require(all[0] == (long)shared, "rank 0 draws from the shared generator");
        for (int r = 1; r < Size; r++)
            Require(all[r] != all[0] && Array.IndexOf(all.ToArray(), all[r]) == r, $"rank {r} draws the masks of another rank");
    }

    private void ClippingIsGlobal()
    {
        Dataset<float> data = Classes<float>(Samples);
        var model = new Clipped();
        Distributed<float>(model, bucket: 100).Fit(data);
        var reference = new Clipped();
        OneProcess<float>(reference).Fit(data);
        double difference = RelativeDifference<float>(model.Parameters, reference.Parameters);
        Require(difference < 2e-5, $"clipped training differs from one process's by {difference:G3} (relative)");
    }

    private void ResumeBitForBit()
    {
        Dataset<float> data = Classes<float>(Samples);
        string uninterrupted = Path.Combine(work, "whole.safetensors"), stopped = Path.Combine(work, "stopped.safetensors");
        var whole = new Dropped();
        Distributed<float>(whole, epochs: 3, checkpoint: uninterrupted).Fit(data);
        var first = new Dropped();
        Distributed<float>(first, epochs: 1, checkpoint: stopped).Fit(data);
        var resumed = new Dropped(seed: 1234); // different weights: everything must come from the checkpoint (rank 0's file)
        TrainingHistory history = Distributed<float>(resumed, epochs: 3, checkpoint: stopped).Resume(stopped, data);
        Require(resumed.Parameters.SequenceEqual(whole.Parameters), "the resumed run's weights differ from the uninterrupted run's");
        Require(resumed.Step == whole.Step, "steps differ after resuming");
        if (Rank == 0) Require(history.Epochs.Count == 3, $"rank 0's history has {history.Epochs.Count} epochs");
    }

    private void OwnLoop()
    {
        Dataset<float> data = Classes<float>(Samples);
        var model = new Mlp();
        var parallel = new DataParallel<float>(model, world);
        parallel.BroadcastState();
        var loader = new BatchLoader<float>(data, Local * Size, seed: 9);
        while (loader.Epoch < 2)
            foreach (Batch<float> batch in loader)
            {
                (int start, int count) = DataParallel<float>.Shard(batch.Count, Rank, Size);
                float loss = model.ComputeGradients(batch.Inputs.Slice(start * 20, count * 20), batch.Labels.Slice(start, count));
                parallel.AllReduceGradients(loss, count);
                model.ApplyGradients();
            }
        var reference = new Mlp();
        OneProcess<float>(reference).Fit(data);
        double difference = RelativeDifference<float>(model.Parameters, reference.Parameters);
        Require(difference < 2e-5, $"AllReduceGradients in an own loop differs from one process by {difference:G3}");
    }

    /// <summary>A data-parallel step (buckets started during the backward pass, buffers broadcast) allocates nothing.</summary>
    private void NoAllocationPerStep()
    {
        Dataset<float> data = Classes<float>(Local * Size);
        var model = new Normalized();
        var parallel = new DataParallel<float>(model, world, bucketSize: 100);
        parallel.BroadcastState();
        (int start, int count) = DataParallel<float>.Shard(data.Count, Rank, Size);
        void Step()
        {
            parallel.BeginStep(count, data.Count);
            float loss = model.ComputeGradients(data.FeatureData.AsSpan(start * 20, count * 20), data.Labels.AsSpan(start, count));
            parallel.EndStep(loss, count);
            model.ApplyGradients();
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Require(allocated == 0, $"10 data-parallel steps allocated {allocated} bytes");
        Require(parallel.AllReduceOperations > 13, $"buckets of 100: {parallel.AllReduceOperations} all-reduces in 13 steps");
    }

    private sealed class StopAfterFirst : ITrainingCallback
    {
        public int Calls;
        public void OnEpochEnd(TrainingContext context, EpochResult result)
        {
            Calls++;
            context.StopTraining = true;
        }
    }

    private void CallbacksOnRoot()
    {
        var callback = new StopAfterFirst();
        var model = new Mlp();
        Trainer<float> trainer = Distributed<float>(model, epochs: 5);
        trainer.Callbacks.Add(callback);
        TrainingHistory history = trainer.Fit(Classes<float>(Samples));
        Require(callback.Calls == (Rank == 0 ? 1 : 0), $"the callback ran {callback.Calls} times on rank {Rank}");
        Require(history.Epochs.Count == 1, $"rank {Rank} trained {history.Epochs.Count} epochs after rank 0's callback stopped training");
    }

    private sealed class FailOnRoot : ITrainingCallback
    {
        public void OnEpochEnd(TrainingContext context, EpochResult result) => throw new IOException("the disk is full (deliberately)");
    }

    private void RootFailureReachesAll()
    {
        Trainer<float> trainer = Distributed<float>(new Mlp());
        trainer.Callbacks.Add(new FailOnRoot());
        Exception? error = null;
        try { trainer.Fit(Classes<float>(Samples)); }
        catch (Exception e) { error = e; }
        Require(Rank == 0 ? error is IOException : error is InvalidOperationException && error.Message.Contains("Rank 0 failed", StringComparison.Ordinal),
            $"rank {Rank} saw {error?.GetType().Name ?? "no exception"}: {error?.Message}");
    }

    private static string Refusal(Action fit)
    {
        try { fit(); }
        catch (InvalidOperationException e) { return e.Message; }
        catch (ArgumentException e) { return e.Message; }
        throw new CheckFailed("training went ahead");
    }

    private void MismatchedModels()
    {
        Dataset<float> data = Classes<float>(Samples);
        string message = Rank == Size - 1
            ? Refusal(() => Distributed<float>(new OtherMlp()).Fit(data))
            : Refusal(() => Distributed<float>(new Mlp()).Fit(data));
        string expected = $"rank {Size - 1} has {OtherMlp.ParameterCount}";
        Require(message.Contains("parameter count", StringComparison.Ordinal) && message.Contains(expected, StringComparison.Ordinal)
                && message.Contains($"rank 0 has {Mlp.ParameterCount}", StringComparison.Ordinal), $"rank {Rank}'s message: {message}");
    }

    private void MismatchedData()
    {
        int count = Rank == 1 ? Samples - 10 : Samples;
        string message = Refusal(() => Distributed<float>(new Mlp()).Fit(Classes<float>(count)));
        Require(message.Contains("the training set's sample count: rank 0 has 500, rank 1 has 490", StringComparison.Ordinal), $"rank {Rank}'s message: {message}");
    }

    private void TooSmallLastBatch()
    {
        int count = Local * Size * 3 + 1;
        string message = Refusal(() => Distributed<float>(new Mlp()).Fit(Classes<float>(count)));
        Require(message.Contains("would hold 1 sample for", StringComparison.Ordinal), $"rank {Rank}'s message: {message}");
    }

    /// <summary>The last rank throws in the middle of a step, while the others wait in the all-reduce.</summary>
    public void ThrowOnLastRank()
    {
        var model = new Mlp();
        var parallel = new DataParallel<float>(model, world);
        parallel.BroadcastState();
        if (Rank == Size - 1) throw new InvalidOperationException($"deliberate failure on rank {Rank}");
        parallel.AllReduceGradients(model.ComputeGradients(Classes<float>(32).FeatureData, Classes<float>(32).Labels), 32);
        throw new CheckFailed("the all-reduce returned although a rank had failed");
    }

    /// <summary>The last rank is killed in the middle of training, while the others wait in the all-reduce.</summary>
    public void DieOnLastRank()
    {
        var model = new Mlp();
        var parallel = new DataParallel<float>(model, world);
        parallel.BroadcastState();
        if (Rank == Size - 1)
        {
            Console.Error.WriteLine($"rank {Rank}: killing myself");
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }
        parallel.AllReduceGradients(model.ComputeGradients(Classes<float>(32).FeatureData, Classes<float>(32).Labels), 32);
        throw new CheckFailed("the all-reduce returned although a rank had died");
    }
}
