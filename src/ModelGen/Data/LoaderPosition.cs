namespace ModelGen.Data;

/// <summary>
/// Where a <see cref="BatchLoader{T}"/> stands: the next batch it will produce is batch <see cref="BatchIndex"/> of
/// epoch <see cref="Epoch"/>, and its random generator holds <see cref="RandomState"/>. Save the three numbers in a
/// checkpoint next to the model and restore them with <see cref="BatchLoader{T}.Position"/> to continue bit for bit.
/// </summary>
/// <param name="Epoch">The epoch of the next batch (0-based).</param>
/// <param name="BatchIndex">The index of the next batch within that epoch (0-based; 0 at the start of an epoch).</param>
/// <param name="RandomState">
/// The <see cref="Initialization.SplitMix64.State"/> of the loader's generator at that point (it drives the
/// augmentation; the epoch's order is recomputed from the seed and the epoch).
/// </param>
public readonly record struct LoaderPosition(int Epoch, int BatchIndex, ulong RandomState);
