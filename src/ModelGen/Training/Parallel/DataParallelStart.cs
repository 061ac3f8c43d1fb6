using System;
using System.Collections.Generic;
using System.Numerics;
using ModelGen.Data;

namespace ModelGen.Training;

/// <summary>What the <see cref="Trainer{T}"/> does with a communicator at the start of training and after each epoch.</summary>
internal static class DataParallelStart
{
    /// <summary>
    /// Every rank must build the same model, load the same data and use the same settings: checked before anything is
    /// trained (sizes, names and a hash of the data), with the same error on every rank.
    /// </summary>
    public static void Check<T>(DataParallel<T> parallel, Trainer<T> trainer, Dataset<T> train, Dataset<T>? validation, BatchLoader<T> loader)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ITrainableModel<T> model = parallel.Model;
        var facts = new List<(string, long)>
        {
            ("the model's parameter count", model.ParameterCount),
            ("a hash of the model's parameter names", DataParallel<T>.Hash(model.ParameterNames)),
            ("a hash of the model's buffer names", DataParallel<T>.Hash(model.BufferNames)),
            ("a hash of the model's optimizer state names", DataParallel<T>.Hash(model.OptimizerStateNames)),
            ("the model's input size", model.InputSize),
            ("the model's output size", model.OutputSize),
            ("the scalar size of the model (float or double)", System.Runtime.CompilerServices.Unsafe.SizeOf<T>()),
            ("the training set's sample count", train.Count),
            ("the training set's feature count", train.FeatureCount),
            ("a hash of the training set's features", DataParallel<T>.Hash<T>(train.FeatureData)),
            ("a hash of the training set's labels or targets", train.Labels is int[] labels ? DataParallel<T>.Hash<int>(labels) : DataParallel<T>.Hash<T>(train.Targets)),
            ("the validation set's sample count (-1: none)", validation?.Count ?? -1),
            ("the trainer's Epochs", trainer.Epochs),
            ("the trainer's BatchSize (per rank)", trainer.BatchSize),
            ("the trainer's Seed", trainer.Seed),
            ("the trainer's Shuffle", trainer.Shuffle ? 1 : 0),
            ("the trainer's DropLast", trainer.DropLast ? 1 : 0),
            ("the trainer's Augmentation (1: set)", trainer.Augmentation is null ? 0 : 1),
            ("the trainer's GradientBucketSize", trainer.GradientBucketSize),
            ("the bits of the schedule's first learning rate (0: no schedule)", trainer.Schedule is null ? 0 : BitConverter.DoubleToInt64Bits(trainer.Schedule.LearningRate(0))),
        };
        parallel.CheckSame(facts);
        int last = train.Count % loader.BatchSize;
        if (!loader.DropLast && last > 0 && last < parallel.Size)
            throw new ArgumentException(
                $"The last global batch of each epoch would hold {last} sample{(last == 1 ? "" : "s")} for {parallel.Size} ranks (the training set's {train.Count} samples in batches of {loader.BatchSize}): " +
                "some rank would have none. Set DropLast, or choose a batch size or rank count that leaves at least one sample per rank.", "train");
    }

    /// <summary>Rank 0's model state and data position on every rank (after rank 0 has restored a checkpoint, if any).</summary>
    public static void Synchronize<T>(DataParallel<T> parallel, BatchLoader<T> loader) where T : unmanaged, IFloatingPointIeee754<T>
    {
        parallel.BroadcastState();
        LoaderPosition p = loader.Position;
        Span<long> position = [p.Epoch, p.BatchIndex, unchecked((long)p.RandomState)];
        parallel.Communicator.Broadcast(position, 0);
        if (!parallel.IsRoot) loader.Position = new LoaderPosition((int)position[0], (int)position[1], unchecked((ulong)position[2]));
    }

    /// <summary>
    /// After an epoch: rank 0's decision to stop (its callbacks ran alone) for every rank, and a check that every rank
    /// still holds the same weights (the all-reduce gives every rank the same sum; this proves it each epoch).
    /// </summary>
    public static bool EndEpoch<T>(DataParallel<T> parallel, int epoch, bool stop) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<long> facts = [stop ? 1 : 0];
        parallel.Communicator.Broadcast(facts, 0);
        parallel.CheckSame([($"a hash of the weights after epoch {epoch} (they must be identical on every rank)", DataParallel<T>.Hash<T>(parallel.Model.Parameters))]);
        return facts[0] != 0;
    }
}
