namespace ModelGen.Training;

/// <summary>What the <see cref="TrainingMonitor"/> measured of one layer over an epoch.</summary>
/// <param name="Layer">The layer's name (<c>dense0</c>, <c>relu0</c>, or its <c>Name</c>).</param>
/// <param name="GradientNorm">Mean over the epoch's sampled steps of the L2 norm of the layer's gradients (all its parameter tensors); null for a layer without parameters.</param>
/// <param name="WeightNorm">Mean over the sampled steps of the L2 norm of the layer's parameters before the step; null for a layer without parameters.</param>
/// <param name="UpdateRatio">Median over the sampled steps of ‖Δw‖/‖w‖, the norm of the optimizer step's change over the norm of the parameters before it (about 1e-3 is healthy); null for a layer without parameters or whose parameters were all 0.</param>
/// <param name="DeadUnitFraction">For a ReLU layer (<c>[ReLU]</c>, or <c>Activation.ReLU</c> on a dense or convolution layer): the fraction of its units (features, or channels of an image) whose output was never above 0 during the epoch; null otherwise.</param>
public sealed record LayerStatistics(string Layer, double? GradientNorm, double? WeightNorm, double? UpdateRatio, double? DeadUnitFraction);
