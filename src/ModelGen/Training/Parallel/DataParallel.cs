using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.ExceptionServices;
using ModelGen.Initialization;

namespace ModelGen.Training;

/// <summary>
/// Data-parallel training of one generated model over the ranks of an <see cref="ICommunicator"/>: every rank holds the
/// same weights, computes gradients on its own shard of each global batch, and the gradients are summed over the ranks
/// and divided by the global sample count, so that every rank takes the same optimizer step. The <see cref="Trainer{T}"/>
/// does all of this when given a <see cref="Trainer{T}.Communicator"/>; this class is the same machinery for a loop of
/// your own:
/// <code>
/// var parallel = new DataParallel&lt;float&gt;(model, MpiCommunicator.World);
/// parallel.BroadcastState();                         // rank 0's weights everywhere
/// // for each global batch of n samples:
/// (int start, int count) = DataParallel&lt;float&gt;.Shard(n, parallel.Rank, parallel.Size);
/// parallel.BeginStep(count, n);
/// float loss = model.ComputeGradients(inputs.Slice(start * M.InputSize, count * M.InputSize), labels.Slice(start, count));
/// loss = parallel.EndStep(loss, count);              // gradients summed, buffers and loss agreed
/// model.ApplyGradients();
/// </code>
/// </summary>
/// <remarks>
/// <para><b>Scaling.</b> ComputeGradients returns the mean over the local samples; each rank multiplies its gradients
/// by local/global samples before the sum, which gives the mean over the global batch (ranks with uneven shards
/// included).</para>
/// <para><b>Overlap.</b> Between <see cref="BeginStep"/> and <see cref="EndStep"/> the model's
/// <see cref="ITrainableModel{T}.GradientObserver"/> is this class's reducer: it starts the all-reduce of each bucket of
/// at least <see cref="BucketSize"/> gradients (last layers first) while the layers below still compute, and completes
/// the sum before gradient clipping, so <c>[GradientClipping]</c> clips the global gradient.</para>
/// <para><b>Batch norm.</b> Running statistics are kept identical by broadcasting rank 0's buffers after every step
/// (the rule of PyTorch's DistributedDataParallel, which broadcasts them before every forward pass): the running
/// statistics are those rank 0's shards give.</para>
/// <para><b>Dropout.</b> Rank r ≠ 0 draws its masks from a stream derived from the shared generator state and r, and
/// every rank continues from rank 0's state after each step, so the state is one number that checkpoints hold.</para>
/// </remarks>
/// <typeparam name="T">The model's scalar type.</typeparam>
public sealed class DataParallel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The default bucket: 2²⁰ gradients (4 MiB of floats), about PyTorch DDP's 25 MiB divided by its usual model sizes.</summary>
    public const int DefaultBucketSize = 1 << 20;

    private readonly GradientReducer<T> _reducer;
    private readonly T[] _buffers;      // every buffer back to back, for one broadcast
    private readonly string[] _bufferNames;
    private readonly T[] _one = new T[1];
    private readonly long[] _state = new long[1];
    private T _scale;
    private int _localSamples;
    private ulong _sharedRandom;
    private bool _inStep;

    /// <summary>Data parallelism for <paramref name="model"/> over <paramref name="communicator"/>'s ranks.</summary>
    /// <param name="model">A generated trainable model, built the same way on every rank.</param>
    /// <param name="communicator">The ranks, such as <c>MpiCommunicator.World</c>.</param>
    /// <param name="bucketSize">
    /// Gradients per bucket whose all-reduce starts during the backward pass; 0 for one all-reduce after it (no overlap).
    /// </param>
    public DataParallel(ITrainableModel<T> model, ICommunicator communicator, int bucketSize = DefaultBucketSize)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Communicator = communicator ?? throw new ArgumentNullException(nameof(communicator));
        if (bucketSize < 0) throw new ArgumentOutOfRangeException(nameof(bucketSize), bucketSize, "The bucket size cannot be negative (0 turns overlap off).");
        if (communicator.Size < 1 || communicator.Rank < 0 || communicator.Rank >= communicator.Size)
            throw new ArgumentException($"The communicator reports rank {communicator.Rank} of {communicator.Size}.", nameof(communicator));
        BucketSize = bucketSize;
        _reducer = new GradientReducer<T>(model, communicator, bucketSize);
        _bufferNames = [.. model.BufferNames];
        int length = 0;
        foreach (string name in _bufferNames) length += model.Buffer(name).Length;
        _buffers = new T[length];
    }

    /// <summary>The model trained.</summary>
    public ITrainableModel<T> Model { get; }

    /// <summary>The ranks.</summary>
    public ICommunicator Communicator { get; }

    /// <summary>This process's rank.</summary>
    public int Rank => Communicator.Rank;

    /// <summary>The number of ranks.</summary>
    public int Size => Communicator.Size;

    /// <summary>Whether this is rank 0, the one that reports, logs and writes checkpoints.</summary>
    public bool IsRoot => Communicator.Rank == 0;

    /// <summary>Gradients per bucket (0: no overlap).</summary>
    public int BucketSize { get; }

    /// <summary>Time this rank spent in the gradients' all-reduce calls (starting, progressing, waiting), over all steps.</summary>
    public TimeSpan AllReduceTime => _reducer.CommunicationTime;

    /// <summary>Gradient all-reduce operations started over all steps (one per bucket per step).</summary>
    public long AllReduceOperations => _reducer.Operations;

    /// <summary>
    /// The samples of a batch of <paramref name="samples"/> that <paramref name="rank"/> of <paramref name="size"/>
    /// computes: consecutive slices, the first <c>samples mod size</c> ranks one sample more.
    /// </summary>
    public static (int Start, int Count) Shard(int samples, int rank, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        if (size < 1 || rank < 0 || rank >= size) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The rank must lie in 0..{size - 1}.");
        (int share, int extra) = Math.DivRem(samples, size);
        int start = rank * share + Math.Min(rank, extra);
        return (start, share + (rank < extra ? 1 : 0));
    }

    /// <summary>
    /// Copies rank 0's training state to every rank: parameters, buffers, optimizer state, step, learning rate and
    /// dropout generator. Call it once before training (after rank 0 has loaded a checkpoint, if it resumes).
    /// </summary>
    public void BroadcastState()
    {
        Communicator.Broadcast(Model.Parameters, 0);
        BroadcastBuffers();
        foreach (string name in Model.OptimizerStateNames) Communicator.Broadcast(Model.OptimizerState(name), 0);
        Span<long> scalars = [Model.Step, unchecked((long)Model.RandomState)];
        Communicator.Broadcast(scalars, 0);
        Model.RestoreStep(scalars[0]);
        Model.RandomState = unchecked((ulong)scalars[1]);
        _one[0] = Model.LearningRate;
        Communicator.Broadcast<T>(_one, 0);
        Model.LearningRate = _one[0];
    }

    /// <summary>
    /// Prepares a step in which this rank computes <paramref name="localSamples"/> of a global batch of
    /// <paramref name="globalSamples"/>: sets the model's gradient observer (the reducer) and this rank's dropout stream.
    /// Call ComputeGradients next (unless the shard is empty), then <see cref="EndStep"/>.
    /// </summary>
    public void BeginStep(int localSamples, int globalSamples)
    {
        if (globalSamples < 1 || localSamples < 0 || localSamples > globalSamples)
            throw new ArgumentOutOfRangeException(nameof(localSamples), localSamples, $"The local samples must lie in 0..{globalSamples} (the global batch), which must be at least 1.");
        _localSamples = localSamples;
        _scale = T.CreateChecked(localSamples) / T.CreateChecked(globalSamples);
        _reducer.Begin(_scale);
        _sharedRandom = Model.RandomState;
        if (Rank != 0 && _sharedRandom != 0)
            Model.RandomState = SplitMix64.Mix(_sharedRandom ^ SplitMix64.Mix(unchecked((ulong)Rank)));
        Model.GradientObserver = _reducer;
        _inStep = true;
    }

    /// <summary>
    /// Ends the step that <see cref="BeginStep"/> began: completes the gradients' sum (a rank with no samples contributes
    /// zeros), broadcasts rank 0's buffers and dropout state, and returns the global mean loss from this rank's mean
    /// <paramref name="localLoss"/> over its <paramref name="localSamples"/> (0 for an empty shard).
    /// Every rank's model then holds the same gradients, buffers and generator state: ApplyGradients may follow.
    /// </summary>
    public T EndStep(T localLoss, int localSamples)
    {
        if (!_inStep) throw new InvalidOperationException("EndStep needs a BeginStep first.");
        if (localSamples != _localSamples)
            throw new ArgumentException($"BeginStep was told this rank computes {_localSamples} samples, EndStep {localSamples}.", nameof(localSamples));
        _inStep = false;
        Model.GradientObserver = null;
        if (!_reducer.Completed)
        {
            if (localSamples > 0)
                throw new InvalidOperationException("The model's ComputeGradients did not report its gradients between BeginStep and EndStep.");
            Model.Gradients.Clear(); // an empty shard adds nothing to the sum
            _reducer.BackwardCompleted();
        }
        _one[0] = localSamples > 0 ? localLoss * _scale : T.Zero;
        Communicator.AllReduceSum<T>(_one);
        BroadcastBuffers();
        if (_sharedRandom != 0)
        {
            _state[0] = unchecked((long)Model.RandomState);
            Communicator.Broadcast<long>(_state, 0);
            Model.RandomState = unchecked((ulong)_state[0]);
        }
        return _one[0];
    }

    /// <summary>
    /// For a loop that computes its gradients without <see cref="BeginStep"/>: sums the gradients of this rank's
    /// ComputeGradients on <paramref name="localSamples"/> over the ranks, divided by the global sample count (the
    /// ranks' counts summed), broadcasts rank 0's buffers, and returns the global mean loss. Clipping
    /// (<c>[GradientClipping]</c>) has then already run on the local gradients: use BeginStep/EndStep for such models.
    /// </summary>
    public T AllReduceGradients(T localLoss, int localSamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(localSamples);
        _state[0] = localSamples;
        Communicator.AllReduceSum<long>(_state);
        if (_state[0] < 1 || _state[0] > int.MaxValue)
            throw new InvalidOperationException($"The ranks computed {_state[0]} samples in all; a step needs at least one.");
        int global = (int)_state[0];
        BeginStep(localSamples, global);
        Model.RandomState = _sharedRandom; // this loop drew its masks already
        _sharedRandom = 0;
        if (localSamples > 0) _reducer.BackwardCompleted();
        return EndStep(localLoss, localSamples);
    }

    /// <summary>Copies rank 0's parameters and buffers to every rank (after code that only rank 0 ran, such as a callback restoring the best weights).</summary>
    public void BroadcastWeights()
    {
        Communicator.Broadcast(Model.Parameters, 0);
        BroadcastBuffers();
    }

    private void BroadcastBuffers()
    {
        if (_buffers.Length == 0) return;
        int at = 0;
        foreach (string name in _bufferNames)
        {
            Span<T> buffer = Model.Buffer(name);
            buffer.CopyTo(_buffers.AsSpan(at));
            at += buffer.Length;
        }
        Communicator.Broadcast<T>(_buffers, 0);
        at = 0;
        foreach (string name in _bufferNames)
        {
            Span<T> buffer = Model.Buffer(name);
            _buffers.AsSpan(at, buffer.Length).CopyTo(buffer);
            at += buffer.Length;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> on rank 0 only and tells every rank whether it succeeded: when it throws, rank 0
    /// rethrows and every other rank throws too, so that no rank waits forever in the next collective.
    /// </summary>
    public void OnRoot(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ExceptionDispatchInfo? error = null;
        if (IsRoot)
        {
            try { action(); }
            catch (Exception e) { error = ExceptionDispatchInfo.Capture(e); }
        }
        Span<long> failed = [error is null ? 0 : 1];
        Communicator.Broadcast(failed, 0);
        error?.Throw();
        if (failed[0] != 0)
            throw new InvalidOperationException($"Rank 0 failed in code that only it runs (its own message says why); rank {Rank} stops with it.");
    }

    /// <summary>
    /// Checks that every rank has the same <paramref name="facts"/> (sizes, settings, hashes) and throws the same
    /// <see cref="InvalidOperationException"/> on every rank otherwise, naming the first fact and the ranks that differ
    /// from rank 0.
    /// </summary>
    /// <param name="facts">Values that must agree, with a description of each ("the training set's sample count").</param>
    public void CheckSame(IReadOnlyList<(string What, long Value)> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        int k = facts.Count;
        long[] all = new long[(k + 1) * Size];
        all[Rank * (k + 1)] = k;
        for (int i = 0; i < k; i++) all[Rank * (k + 1) + 1 + i] = facts[i].Value;
        Communicator.AllReduceSum<long>(all);
        for (int r = 1; r < Size; r++)
            if (all[r * (k + 1)] != k)
                throw new InvalidOperationException($"The ranks disagree on what they check: rank {r} checks {all[r * (k + 1)]} facts, rank 0 {k}. Every rank must run the same program.");
        for (int i = 0; i < k; i++)
        {
            var differing = new List<string>();
            for (int r = 1; r < Size; r++)
                if (all[r * (k + 1) + 1 + i] != all[1 + i]) differing.Add($"rank {r} has {all[r * (k + 1) + 1 + i]}");
            if (differing.Count > 0)
                throw new InvalidOperationException(
                    $"The ranks of this data-parallel job disagree on {facts[i].What}: rank 0 has {all[1 + i]}, {string.Join(", ", differing)}. " +
                    "Every rank must build the same model, load the same data and use the same training settings.");
        }
    }

    /// <summary>A 64-bit hash of values (their bits), for <see cref="CheckSame"/>: equal on every rank for equal data.</summary>
    public static long Hash<TValue>(ReadOnlySpan<TValue> values, long seed = 0) where TValue : unmanaged
    {
        ReadOnlySpan<byte> bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values);
        ulong h = 0xCBF29CE484222325UL ^ unchecked((ulong)seed);
        int words = bytes.Length / 8;
        ReadOnlySpan<ulong> w = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes[..(words * 8)]);
        for (int i = 0; i < w.Length; i++) h = unchecked((BitOperations.RotateLeft(h, 5) ^ w[i]) * 0x100000001B3UL);
        for (int i = words * 8; i < bytes.Length; i++) h = unchecked((h ^ bytes[i]) * 0x100000001B3UL);
        return unchecked((long)SplitMix64.Mix(h ^ (ulong)bytes.Length));
    }

    /// <summary>A 64-bit hash of a list of names (their order counts).</summary>
    public static long Hash(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        long h = names.Count;
        foreach (string name in names) h = Hash<char>(name.AsSpan(), h);
        return h;
    }
}
