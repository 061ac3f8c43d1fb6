using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Numerics;
using ModelGen.Data;
using ModelGen.Initialization;
using ModelGen.Training;

namespace ModelGen.Distributed.Runner;

/// <summary>The multi-rank checks. Each throws a <see cref="CheckFailed"/> on the rank where it fails.</summary>
internal sealed partial class Checks(MpiCommunicator world, string work)
{
    private const int Local = 32; // samples per rank per step
    private int Rank => world.Rank;
    private int Size => world.Size;

    public int RunAll()
    {
        var all = new (string Name, Action Run)[]
        {
            ("collectives", Collectives),
            ("non-blocking all-reduce", NonBlocking),
            (".NET's null reference and division exceptions still work under MPI", RuntimeFaults),
            ("shards", Shards),
            ("float: ranks x 32 = one process x 32·ranks, overlap off", () => SameAsOneProcessFloat(bucket: 0)),
            ("float: ranks x 32 = one process x 32·ranks, buckets of 300 gradients", () => SameAsOneProcessFloat(bucket: 300)),
            ("double: ranks x 32 = one process x 32·ranks within 1e-12", SameAsOneProcessDouble),
            ("bit-identical run after run (buckets of 300)", RunAfterRun),
            ("batch norm: rank 0's running statistics everywhere", BatchNormRule),
            ("dropout: own masks per rank, deterministic", DropoutDeterministic),
            ("gradient clipping sees the summed gradient", ClippingIsGlobal),
            ("resume continues bit for bit", ResumeBitForBit),
            ("AllReduceGradients in a loop of one's own", OwnLoop),
            ("a data-parallel step allocates nothing", NoAllocationPerStep),
            ("callbacks on rank 0 only; its decision to stop reaches every rank", CallbacksOnRoot),
            ("a callback failing on rank 0 stops every rank", RootFailureReachesAll),
            ("different models are refused at start-up", MismatchedModels),
            ("different data sizes are refused at start-up", MismatchedData),
            ("a last batch with fewer samples than ranks is refused", TooSmallLastBatch),
        };
        foreach ((string name, Action run) in all)
        {
            var clock = Stopwatch.StartNew();
            run();
            world.Barrier();
            if (Rank == 0) Console.WriteLine($"PASS {name} ({clock.Elapsed.TotalSeconds:F2} s)");
        }
        return all.Length;
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Synthetic classification data, the same on every rank: 20 features in [-1, 1), 4 classes from a fixed rule.</summary>
    private static Dataset<T> Classes<T>(int count, int seed = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = SplitMix64.ForStream(seed, 0);
        var x = new T[count * 20];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            double a = 0, b = 0;
            for (int f = 0; f < 20; f++)
            {
                double v = 2 * random.NextDouble() - 1;
                x[i * 20 + f] = T.CreateChecked(v);
                a += (f % 3 == 0 ? 1 : -0.5) * v;
                b += (f % 2 == 0 ? 0.7 : -0.3) * v;
            }
            y[i] = (a > 0 ? 1 : 0) + (b > 0 ? 2 : 0);
        }
        return new Dataset<T>(x, 20, y, 4);
    }

    /// <summary>Synthetic regression data: 4 targets, smooth functions of the features.</summary>
    private static Dataset<double> Targets(int count)
    {
        Dataset<double> c = Classes<double>(count, seed: 2);
        var t = new double[count * 4];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<double> f = c.Features(i);
            for (int k = 0; k < 4; k++) t[i * 4 + k] = Math.Sin(f[k] + f[k + 4]) + 0.5 * f[k + 8] * f[k + 12];
        }
        return new Dataset<double>(c.FeatureData, 20, t, 4);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new CheckFailed(message);
    }

    /// <summary>The largest |a − b| over the parameters, relative to the largest |b|.</summary>
    private static double RelativeDifference<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(double.CreateChecked(a[i]) - double.CreateChecked(b[i])));
            scale = Math.Max(scale, Math.Abs(double.CreateChecked(b[i])));
        }
        return diff / scale;
    }

    /// <summary>Throws on every rank unless every rank's value equals rank 0's.</summary>
    private void SameOnEveryRank(long value, string what)
    {
        Span<long> root = [value];
        world.Broadcast(root, 0);
        Span<long> differ = [root[0] == value ? 0 : 1];
        world.AllReduceSum(differ);
        Require(differ[0] == 0, $"{differ[0]} rank(s) differ from rank 0 in {what}");
    }

    private Trainer<T> Distributed<T>(ITrainableModel<T> model, int epochs = 2, int bucket = DataParallel<float>.DefaultBucketSize, string? checkpoint = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(model) { Epochs = epochs, BatchSize = Local, Seed = 9, Output = null, Communicator = world, GradientBucketSize = bucket, CheckpointPath = checkpoint };

    private Trainer<T> OneProcess<T>(ITrainableModel<T> model, int epochs = 2) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(model) { Epochs = epochs, BatchSize = Local * Size, Seed = 9, Output = null };

    /// <summary>The data sizes: uneven shards and a partial last batch for 2 and 3 ranks (500 = 7·64 + 52 = 5·96 + 20).</summary>
    private const int Samples = 500;
}

/// <summary>A multi-rank check failed.</summary>
internal sealed class CheckFailed(string message) : Exception(message);
