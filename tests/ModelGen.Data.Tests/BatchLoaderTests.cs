using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace ModelGen.Data.Tests;

public class BatchLoaderTests
{
    /// <summary>One recorded batch: copies of everything it exposes.</summary>
    private sealed record Seen(int Epoch, int Index, int[] Rows, double[] Inputs, int[] Labels)
    {
        public static Seen Of(Batch<double> b) => new(b.Epoch, b.Index, b.Rows.ToArray(), b.Inputs.ToArray(), b.Labels.ToArray());

        public bool SameAs(Seen other) =>
            Epoch == other.Epoch && Index == other.Index && Rows.SequenceEqual(other.Rows) &&
            Inputs.SequenceEqual(other.Inputs) && Labels.SequenceEqual(other.Labels);
    }

    private static List<Seen> Epoch(BatchLoader<double> loader)
    {
        var seen = new List<Seen>();
        foreach (Batch<double> batch in loader) seen.Add(Seen.Of(batch));
        return seen;
    }

    [Fact]
    public void Minibatches_in_order_keep_the_last_partial_batch()
    {
        var loader = new BatchLoader<double>(DatasetTests.Indexed(10), batchSize: 4, shuffle: false);
        Assert.Equal(3, loader.BatchCount);
        List<Seen> epoch = Epoch(loader);
        Assert.Equal(new[] { 4, 4, 2 }, epoch.Select(b => b.Rows.Length));
        Assert.Equal(Enumerable.Range(0, 10), epoch.SelectMany(b => b.Rows));
        Assert.Equal(new[] { 0, 1, 2 }, epoch.Select(b => b.Index));
        Assert.All(epoch, b => Assert.Equal(0, b.Epoch));
        Seen last = epoch[2];
        Assert.Equal(new[] { 8.0, 8.125, 9, 9.125 }, last.Inputs);
        Assert.Equal(new[] { 2, 0 }, last.Labels);
        Assert.Equal(1, loader.Epoch); // foreach moved on to the next epoch
    }

    [Fact]
    public void Drop_last_drops_only_a_partial_final_batch()
    {
        var loader = new BatchLoader<double>(DatasetTests.Indexed(10), batchSize: 4, shuffle: true, seed: 3, dropLast: true);
        Assert.Equal(2, loader.BatchCount);
        for (int e = 0; e < 3; e++)
        {
            List<Seen> epoch = Epoch(loader);
            Assert.Equal(new[] { 4, 4 }, epoch.Select(b => b.Rows.Length));
            Assert.Equal(8, epoch.SelectMany(b => b.Rows).Distinct().Count());
        }
        var exact = new BatchLoader<double>(DatasetTests.Indexed(12), batchSize: 4, dropLast: true);
        Assert.Equal(3, exact.BatchCount); // nothing to drop when the size divides the count
    }

    [Fact]
    public void Full_batch_and_online_modes()
    {
        Dataset<double> data = DatasetTests.Indexed(7);
        var full = new BatchLoader<double>(data, batchSize: data.Count, shuffle: false);
        Assert.Equal(1, full.BatchCount);
        Seen only = Assert.Single(Epoch(full));
        Assert.Equal(data.FeatureData, only.Inputs);
        Assert.Equal(data.Labels, only.Labels);

        var online = new BatchLoader<double>(data, batchSize: 1, shuffle: true, seed: 1);
        Assert.Equal(7, online.BatchCount);
        List<Seen> epoch = Epoch(online);
        Assert.All(epoch, b => Assert.Single(b.Rows));
        Assert.Equal(Enumerable.Range(0, 7), epoch.SelectMany(b => b.Rows).OrderBy(r => r));
        foreach (Seen b in epoch)
        {
            Assert.Equal(data.Features(b.Rows[0]).ToArray(), b.Inputs);
            Assert.Equal(data.Labels![b.Rows[0]], b.Labels[0]);
        }
    }

    [Fact]
    public void Regression_batches_carry_targets()
    {
        Dataset<float> data = DatasetTests.IndexedRegression(5);
        var loader = new BatchLoader<float>(data, batchSize: 2, shuffle: true, seed: 8);
        int samples = 0;
        foreach (Batch<float> batch in loader)
        {
            Assert.True(batch.Labels.IsEmpty);
            Assert.Equal(batch.Count * 2, batch.Targets.Length);
            Assert.Equal(batch.Count * 3, batch.Inputs.Length);
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal(data.Target(batch.Rows[i]).ToArray(), batch.Targets.Slice(i * 2, 2).ToArray());
                Assert.Equal(data.Features(batch.Rows[i]).ToArray(), batch.Inputs.Slice(i * 3, 3).ToArray());
            }
            samples += batch.Count;
        }
        Assert.Equal(5, samples);
    }

    [Fact]
    public void Shuffling_changes_the_order_each_epoch_but_not_the_multiset_of_rows()
    {
        var loader = new BatchLoader<double>(DatasetTests.Indexed(30), batchSize: 7, shuffle: true, seed: 11);
        var orders = new List<int[]>();
        for (int e = 0; e < 4; e++)
        {
            int[] order = Epoch(loader).SelectMany(b => b.Rows).ToArray();
            Assert.Equal(Enumerable.Range(0, 30), order.OrderBy(r => r));
            orders.Add(order);
        }
        for (int a = 0; a < orders.Count; a++)
            for (int b = a + 1; b < orders.Count; b++)
                Assert.NotEqual(orders[a], orders[b]);
        Assert.NotEqual(Enumerable.Range(0, 30), orders[0]);
    }

    [Fact]
    public void The_same_seed_gives_the_same_order_and_another_seed_another()
    {
        Dataset<double> data = DatasetTests.Indexed(25);
        int[] Order(int seed, int epochs)
        {
            var loader = new BatchLoader<double>(data, batchSize: 4, seed: seed);
            var rows = new List<int>();
            for (int e = 0; e < epochs; e++) foreach (Batch<double> b in loader) rows.AddRange(b.Rows.ToArray());
            return rows.ToArray();
        }
        Assert.Equal(Order(5, 3), Order(5, 3));
        Assert.NotEqual(Order(5, 3), Order(6, 3));
    }

    [Fact]
    public void The_epoch_order_is_a_fixed_function_of_seed_and_epoch()
    {
        // Expected orders computed independently (a Python transcription of SplitMix64.ForStream(seed, epoch) and
        // Fisher–Yates with rejection sampling), so they pin the algorithm across platforms and versions.
        Dataset<double> data = DatasetTests.Indexed(10);
        var loader = new BatchLoader<double>(data, batchSize: 10, seed: 42);
        Assert.Equal(new[] { 5, 3, 1, 0, 7, 4, 6, 8, 2, 9 }, loader.Next().Rows.ToArray());
        Assert.Equal(new[] { 4, 2, 3, 6, 5, 0, 7, 1, 9, 8 }, loader.Next().Rows.ToArray());

        // Starting at a later epoch directly gives that epoch's order, whatever came before.
        var other = new BatchLoader<double>(DatasetTests.Indexed(12), batchSize: 12, seed: 7);
        other.StartEpoch(3);
        Assert.Equal(new[] { 2, 11, 5, 7, 0, 4, 9, 3, 6, 1, 10, 8 }, other.Next().Rows.ToArray());
    }

    [Fact]
    public void Next_crosses_epochs_and_position_names_the_next_batch()
    {
        var loader = new BatchLoader<double>(DatasetTests.Indexed(5), batchSize: 2, seed: 1);
        Assert.Equal(new LoaderPosition(0, 0, loader.Position.RandomState), loader.Position);
        var seen = new List<(int, int, int, int)>();
        for (int k = 0; k < 7; k++)
        {
            Batch<double> b = loader.Next();
            seen.Add((b.Epoch, b.Index, loader.Epoch, loader.BatchIndex));
        }
        Assert.Equal(new[] { (0, 0, 0, 1), (0, 1, 0, 2), (0, 2, 1, 0), (1, 0, 1, 1), (1, 1, 1, 2), (1, 2, 2, 0), (2, 0, 2, 1) }, seen);
    }

    [Fact]
    public void Resuming_from_a_saved_position_reproduces_the_rest_bit_for_bit()
    {
        Dataset<double> data = DatasetTests.Indexed(23, features: 4);
        var augmentation = new ImageAugmentation(1, 2, 2, maxShift: 1, flipProbability: 0.5);
        BatchLoader<double> Make() => new(data, batchSize: 5, shuffle: true, seed: 99, augmentation: augmentation);

        // The original run: epoch 0 whole, then epoch 1 interrupted after batch 2 (a checkpoint), then run on to the end.
        BatchLoader<double> original = Make();
        Epoch(original);
        var reference = new List<Seen>();
        LoaderPosition checkpoint = default;
        foreach (Batch<double> batch in original)
        {
            reference.Add(Seen.Of(batch));
            if (batch.Index == 2) checkpoint = original.Position;
        }
        reference.AddRange(Epoch(original));
        Assert.Equal(new LoaderPosition(1, 3, checkpoint.RandomState), checkpoint);

        // A new loader (as after a restart) restored from the checkpoint produces what came after batch 2.
        BatchLoader<double> resumed = Make();
        resumed.Position = checkpoint;
        var replay = new List<Seen>();
        while (resumed.Epoch < 3)
            foreach (Batch<double> batch in resumed) replay.Add(Seen.Of(batch));
        List<Seen> expected = reference.Skip(3).ToList();
        Assert.Equal(expected.Count, replay.Count);
        for (int k = 0; k < expected.Count; k++) Assert.True(expected[k].SameAs(replay[k]), $"batch {k} differs after resuming");
        Assert.Equal(original.Position, resumed.Position);

        // A checkpoint taken at the end of an epoch resumes at the start of the next.
        BatchLoader<double> fresh = Make();
        Epoch(fresh);
        LoaderPosition boundary = fresh.Position;
        Assert.Equal((1, 0), (boundary.Epoch, boundary.BatchIndex));
        BatchLoader<double> atBoundary = Make();
        atBoundary.Position = boundary;
        Assert.True(Seen.Of(fresh.Next()).SameAs(Seen.Of(atBoundary.Next())));
    }

    [Fact]
    public void Invalid_construction_and_positions_are_rejected()
    {
        Dataset<double> data = DatasetTests.Indexed(10, features: 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader<double>(data, 0));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader<double>(data, 11));
        Assert.Contains("1..10", e.Message);
        Assert.Throws<ArgumentException>(() => new BatchLoader<double>(data.Subset([]), 1));
        var a = Assert.Throws<ArgumentException>(() => new BatchLoader<double>(data, 2, augmentation: new ImageAugmentation(1, 3, 3)));
        Assert.Contains("9 values", a.Message);

        var loader = new BatchLoader<double>(data, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Position = new LoaderPosition(0, 4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Position = new LoaderPosition(-1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.StartEpoch(-2));
    }

    [Fact]
    public void Iterating_allocates_nothing_after_the_first_epoch()
    {
        var classification = new BatchLoader<double>(DatasetTests.Indexed(200, features: 16), batchSize: 32, seed: 1,
            augmentation: new ImageAugmentation(1, 4, 4, maxShift: 1, flipProbability: 0.5));
        var regression = new BatchLoader<float>(DatasetTests.IndexedRegression(50), batchSize: 1, seed: 2);
        var dropLast = new BatchLoader<double>(DatasetTests.Indexed(50), batchSize: 16, dropLast: true, shuffle: false);

        double sum = 0;
        long Measure(Action epoch)
        {
            epoch(); // warm-up: the JIT may allocate on first calls
            long before = GC.GetAllocatedBytesForCurrentThread();
            epoch();
            epoch();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, Measure(() => { foreach (Batch<double> b in classification) sum += b.Inputs[0] + b.Labels[^1]; }));
        Assert.Equal(0, Measure(() => { foreach (Batch<float> b in regression) sum += b.Targets[0]; }));
        Assert.Equal(0, Measure(() => { foreach (Batch<double> b in dropLast) sum += b.Count; }));
        Assert.Equal(0, Measure(() => { for (int k = 0; k < 40; k++) sum += classification.Next().Count; }));
        Assert.Equal(0, Measure(() => { LoaderPosition p = classification.Position; classification.Position = p; }));
        Assert.True(sum != 0);
    }
}
