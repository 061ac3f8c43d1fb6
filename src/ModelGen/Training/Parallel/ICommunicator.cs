using System;

namespace ModelGen.Training;

/// <summary>
/// The collective operations data-parallel training needs from a group of processes (ranks 0..Size−1) that run the
/// same program: ModelGen.Distributed's <c>MpiCommunicator.World</c> implements it over MPI. The core library only
/// calls it; it never loads a communication library itself. Every rank must make the same calls in the same order
/// (the MPI rule for collectives). Element types: <see cref="float"/>, <see cref="double"/>, <see cref="int"/> and
/// <see cref="long"/>.
/// </summary>
public interface ICommunicator
{
    /// <summary>This process's number, 0..<see cref="Size"/>−1; rank 0 writes the logs and checkpoints.</summary>
    int Rank { get; }

    /// <summary>The number of processes.</summary>
    int Size { get; }

    /// <summary>Replaces <paramref name="values"/> on every rank by their elementwise sum over the ranks (an in-place all-reduce).</summary>
    void AllReduceSum<TValue>(Span<TValue> values) where TValue : unmanaged;

    /// <summary>Copies rank <paramref name="root"/>'s <paramref name="values"/> into every other rank's.</summary>
    void Broadcast<TValue>(Span<TValue> values, int root) where TValue : unmanaged;

    /// <summary>
    /// Starts an in-place all-reduce (sum) of <paramref name="values"/> and returns at once; <see cref="WaitAll"/>
    /// completes it. The memory must not move until then: pass a slice of a pinned array, such as a generated model's
    /// <see cref="ITrainableModel{T}.Gradients"/>.
    /// </summary>
    void StartAllReduceSum<TValue>(Span<TValue> values) where TValue : unmanaged;

    /// <summary>Lets the operations started by <see cref="StartAllReduceSum{TValue}"/> advance (MPI progresses them only inside its calls).</summary>
    void Progress();

    /// <summary>Waits until every operation started by <see cref="StartAllReduceSum{TValue}"/> is complete.</summary>
    void WaitAll();

    /// <summary>Ends the whole job now, every rank, printing <paramref name="message"/> (with this rank's number) first.</summary>
    void Abort(string message, int errorCode = 1);
}
