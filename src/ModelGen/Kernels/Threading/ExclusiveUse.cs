using System;
using System.Threading;

namespace ModelGen;

/// <summary>
/// The guard every generated model keeps: one instance is not for calls from two threads at once (its buffers hold the
/// pass in progress), and a second thread that calls in while the first is inside gets an
/// <see cref="InvalidOperationException"/> instead of silently wrong results. Calls nested on the owning thread
/// (TrainStep calling ComputeGradients) pass. One interlocked operation per call, no allocation.
/// </summary>
/// <remarks>Use one model per thread (they are cheap: create one per worker), or lock around calls to a shared one.</remarks>
public struct ExclusiveUse
{
    private int _owner; // the managed thread id inside, 0 when free

    /// <summary>
    /// Takes the guard for the calling thread; returns false when this thread already holds it (a nested call), and
    /// throws when another thread does.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on the same model.</exception>
    public bool Enter(string model)
    {
        int me = Environment.CurrentManagedThreadId;
        int owner = Interlocked.CompareExchange(ref _owner, me, 0);
        if (owner == 0) return true;
        if (owner == me) return false;
        throw new InvalidOperationException(
            $"{model} is being used by two threads at once: a model instance runs one call at a time (its buffers hold the pass in progress). Give each thread its own instance, or lock around the calls.");
    }

    /// <summary>Releases the guard if <see cref="Enter"/> took it (<paramref name="entered"/> is its result).</summary>
    public void Exit(bool entered)
    {
        if (entered) Volatile.Write(ref _owner, 0);
    }
}
