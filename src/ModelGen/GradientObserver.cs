namespace ModelGen;

/// <summary>
/// Hears from a generated model's <c>ComputeGradients</c> when parameter gradients are final, so that communication
/// can start while the rest of the backward pass still runs (data-parallel training sums each layer's gradients over
/// the processes as soon as the layer is done, the way PyTorch's DistributedDataParallel buckets do). Set it with
/// <see cref="ITrainableModel{T}.GradientObserver"/>; both calls come on the thread that called ComputeGradients.
/// </summary>
public interface IGradientObserver
{
    /// <summary>
    /// The gradients at <paramref name="offset"/>..<paramref name="offset"/>+<paramref name="count"/>−1 of
    /// <see cref="ITrainableModel{T}.Gradients"/> (one layer's weight and bias) are final for this pass; nothing later
    /// in the pass changes them until <see cref="BackwardCompleted"/>. Called layer by layer, last layer first. A model
    /// with L1/L2 penalties (which add to the gradients after the backward pass) makes no such calls.
    /// </summary>
    void GradientsReady(int offset, int count);

    /// <summary>
    /// The backward pass (and the penalties) are done: every gradient is final. Called before gradient clipping, which
    /// then works on what the observer left in <see cref="ITrainableModel{T}.Gradients"/> (the sum over the processes).
    /// </summary>
    void BackwardCompleted();
}
