using System;
using System.Numerics;
using ModelGen.Initialization;

namespace ModelGen.Data;

/// <summary>
/// Serves a <see cref="Dataset{T}"/> in batches, epoch after epoch, like PyTorch's <c>DataLoader</c>: full-batch
/// (<c>batchSize = data.Count</c>), minibatches, or online (<c>batchSize = 1</c>); shuffled each epoch or in order;
/// keeping or dropping a final partial batch; optionally augmenting images. Iterating allocates nothing: each batch is
/// gathered into buffers allocated once by the constructor and handed out as a <see cref="Batch{T}"/> of spans.
/// </summary>
/// <remarks>
/// <para>
/// <b>Iterating.</b> <c>foreach (Batch&lt;T&gt; batch in loader)</c> yields the remaining batches of the current epoch
/// and then moves the loader to the next epoch, so a training loop is
/// <code>
/// while (loader.Epoch &lt; epochs)
///     foreach (Batch&lt;float&gt; batch in loader)
///         model.TrainStep(batch.Inputs, batch.Labels);
/// </code>
/// which also continues correctly after <see cref="Position"/> has been restored in the middle of an epoch.
/// <see cref="Next"/> returns one batch at a time and crosses epoch boundaries, for step-based training.
/// </para>
/// <para>
/// <b>Randomness.</b> Epoch e uses the generator <see cref="SplitMix64.ForStream"/>(Seed, e): when shuffling, its first
/// draws put the rows in the order of a Fisher–Yates permutation of 0..Count−1 (so the order depends only on the seed
/// and the epoch), and the augmentation, if any, then draws from the same generator batch after batch. Without
/// shuffling the rows come in data-set order every epoch.
/// </para>
/// <para>
/// <b>Checkpoints.</b> <see cref="Position"/> is the next batch to be produced: (epoch, batch index, generator state).
/// While the body of the loop processes batch b it already reads (e, b + 1, …), or (e + 1, 0, …) after the last batch
/// of the epoch, which is what a checkpoint written after the training step on batch b must hold. Setting
/// <see cref="Position"/> on a loader built with the same data, batch size, options and seed makes it produce exactly
/// the batches the original would have produced.
/// </para>
/// </remarks>
/// <typeparam name="T">The floating-point type of inputs and targets.</typeparam>
public sealed class BatchLoader<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _order;    // the rows of the current epoch, in the order they are served
    private readonly T[] _inputs;
    private readonly int[] _labels;
    private readonly T[] _targets;
    private readonly int[] _rows;
    private SplitMix64 _random;
    private int _epoch;
    private int _batchIndex;

    /// <summary>A loader positioned at the first batch of epoch 0.</summary>
    /// <param name="data">The data set (not copied; do not change its length-defining arrays while loading).</param>
    /// <param name="batchSize">Samples per batch, 1..data.Count.</param>
    /// <param name="shuffle">Serve the rows in a new random order each epoch (the default), or in data-set order.</param>
    /// <param name="seed">The seed of the shuffling and the augmentation.</param>
    /// <param name="dropLast">
    /// Drop the final batch of an epoch when it has fewer than <paramref name="batchSize"/> samples (as PyTorch's
    /// <c>drop_last</c>); by default it is kept.
    /// </param>
    /// <param name="augmentation">An image augmentation applied to every batch, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The batch size is out of range, or the augmentation's sample size is not the data's FeatureCount.</exception>
    public BatchLoader(Dataset<T> data, int batchSize, bool shuffle = true, int seed = 0, bool dropLast = false,
                       ImageAugmentation? augmentation = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
            throw new ArgumentException("The data set is empty; there is nothing to load.", nameof(data));
        if (batchSize < 1 || batchSize > data.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"The batch size must lie in 1..{data.Count} (the data set's Count; use {data.Count} for full-batch training).");
        if (augmentation is not null && augmentation.SampleSize != data.FeatureCount)
            throw new ArgumentException(
                $"The augmentation works on [{augmentation.Channels}, {augmentation.Height}, {augmentation.Width}] images of " +
                $"{augmentation.SampleSize} values, but a sample of the data set has {data.FeatureCount} features.",
                nameof(augmentation));
        Data = data;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        Augmentation = augmentation;
        BatchCount = dropLast ? data.Count / batchSize : (data.Count + batchSize - 1) / batchSize;
        _order = new int[data.Count];
        _inputs = new T[batchSize * data.FeatureCount];
        _labels = data.HasLabels ? new int[batchSize] : [];
        _targets = data.HasLabels ? [] : new T[batchSize * data.TargetCount];
        _rows = new int[batchSize];
        StartEpoch(0);
    }

    /// <summary>The data set served.</summary>
    public Dataset<T> Data { get; }

    /// <summary>The number of samples of a full batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch serves the rows in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed of the shuffling and the augmentation.</summary>
    public int Seed { get; }

    /// <summary>Whether a final partial batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>The augmentation applied to every batch, or <see langword="null"/>.</summary>
    public ImageAugmentation? Augmentation { get; }

    /// <summary>
    /// Batches per epoch: <c>⌈Count / BatchSize⌉</c>, or <c>⌊Count / BatchSize⌋</c> with <see cref="DropLast"/>. Only
    /// the last batch of an epoch can be partial.
    /// </summary>
    public int BatchCount { get; }

    /// <summary>The epoch of the next batch (0-based); the number of epochs completed.</summary>
    public int Epoch => _epoch;

    /// <summary>The index of the next batch within <see cref="Epoch"/> (0 at the start of an epoch).</summary>
    public int BatchIndex => _batchIndex;

    /// <summary>
    /// The position of the next batch, for checkpoints. Setting it (on a loader built like the one it was read from)
    /// resumes there exactly: the epoch's order is recomputed from <see cref="Seed"/> and the generator state restored.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is negative or the batch index not in 0..BatchCount−1.</exception>
    public LoaderPosition Position
    {
        get => new(_epoch, _batchIndex, _random.State);
        set
        {
            if (value.BatchIndex < 0 || value.BatchIndex >= BatchCount)
                throw new ArgumentOutOfRangeException(nameof(value), value.BatchIndex,
                    $"The batch index must lie in 0..{BatchCount - 1} (this loader has {BatchCount} batches per epoch).");
            StartEpoch(value.Epoch);
            _batchIndex = value.BatchIndex;
            _random.State = value.RandomState;
        }
    }

    /// <summary>Moves to the first batch of <paramref name="epoch"/>, e.g. <c>StartEpoch(0)</c> to start over.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is negative.</exception>
    public void StartEpoch(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The epoch cannot be negative.");
        _epoch = epoch;
        _batchIndex = 0;
        _random = SplitMix64.ForStream(Seed, epoch);
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (Shuffle) Permutation.Shuffle(_order, ref _random);
    }

    /// <summary>
    /// Produces the next batch and advances the position, moving to the next epoch after its last batch. The batch
    /// views buffers that the following call overwrites.
    /// </summary>
    public Batch<T> Next()
    {
        int epoch = _epoch, index = _batchIndex;
        int start = index * BatchSize;
        int count = Math.Min(BatchSize, Data.Count - start);
        int f = Data.FeatureCount;
        T[] features = Data.FeatureData;
        for (int i = 0; i < count; i++)
        {
            int row = _order[start + i];
            _rows[i] = row;
            features.AsSpan(row * f, f).CopyTo(_inputs.AsSpan(i * f, f));
        }
        if (Data.Labels is int[] labels)
        {
            for (int i = 0; i < count; i++) _labels[i] = labels[_rows[i]];
        }
        else
        {
            int t = Data.TargetCount;
            T[] targets = Data.Targets!;
            for (int i = 0; i < count; i++) targets.AsSpan(_rows[i] * t, t).CopyTo(_targets.AsSpan(i * t, t));
        }
        Augmentation?.Apply<T>(_inputs, count, ref _random);

        if (index + 1 < BatchCount) _batchIndex = index + 1;
        else StartEpoch(epoch + 1);
        return new Batch<T>(
            new ReadOnlySpan<T>(_inputs, 0, count * f),
            Data.HasLabels ? new ReadOnlySpan<int>(_labels, 0, count) : default,
            Data.HasLabels ? default : new ReadOnlySpan<T>(_targets, 0, count * Data.TargetCount),
            new ReadOnlySpan<int>(_rows, 0, count),
            epoch, index);
    }

    /// <summary>Enumerates the remaining batches of the current epoch; see the remarks of <see cref="BatchLoader{T}"/>.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>
    /// The batches from the loader's position to the end of its epoch. A struct, so <c>foreach</c> allocates nothing;
    /// each <see cref="Current"/> is valid until the next <see cref="MoveNext"/>.
    /// </summary>
    public ref struct Enumerator
    {
        private readonly BatchLoader<T> _loader;
        private readonly int _epoch;
        private Batch<T> _current;

        internal Enumerator(BatchLoader<T> loader)
        {
            _loader = loader;
            _epoch = loader._epoch;
            _current = default;
        }

        /// <summary>The batch produced by the last <see cref="MoveNext"/>.</summary>
        public readonly Batch<T> Current => _current;

        /// <summary>Produces the next batch of the epoch; false once the epoch is complete.</summary>
        public bool MoveNext()
        {
            if (_loader._epoch != _epoch) return false;
            _current = _loader.Next();
            return true;
        }
    }
}
