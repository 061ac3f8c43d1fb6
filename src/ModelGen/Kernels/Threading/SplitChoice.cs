using System.Diagnostics;

namespace ModelGen.Kernels;

/// <summary>
/// Whether one layer's single-sample calls (batch-1 inference) run split over the threads or on the calling thread,
/// chosen by timing both in turn, as the layer runs. A single sample's layer takes microseconds, and what its split
/// costs (handing the sample's input to the other cores and their outputs back) depends on how far apart the cores are:
/// on the Zen 5 virtual machine of the README it moved between two states minute by minute (a round trip of one cache
/// line between two threads of 160–250 ns or of 420–550 ns), and batch-1 LeNet's second convolution paid in the first
/// (the model 23.5 → 18–19 µs) and lost in the second (23.5 → 26.8 µs). The results do not depend on the choice:
/// convolutions are split along output positions, never along a sum.
/// </summary>
/// <remarks>
/// A cycle of <see cref="Cycle"/> calls: the first <see cref="Trial"/> alternate between the two ways (so a drift of the
/// machine's speed weighs on both alike) and their times are summed; the rest take the faster one. Trying the slower
/// way costs at most <see cref="Trial"/>/2 calls in <see cref="Cycle"/>. Calls of one model never overlap (see
/// <c>ExclusiveUse</c>), so the fields need no synchronization.
/// </remarks>
internal struct SplitChoice
{
    /// <summary>Calls per cycle of trial and use.</summary>
    public const int Cycle = 1024;

    /// <summary>Calls at the start of each cycle that alternate between the two ways, half each.</summary>
    public const int Trial = 32;

    private int _call;
    private long _splitTicks, _aloneTicks;
    private bool _alone;

    /// <summary>Whether the current call should run on the calling thread only.</summary>
    public readonly bool Alone => _call < Trial ? (_call & 1) == 1 : _alone;

    /// <summary>Whether the current call is timed for the trial (<see cref="Record"/> then takes its duration).</summary>
    public readonly bool Timed => _call < Trial;

    /// <summary>Ends the current call, which took <paramref name="ticks"/> (<see cref="Stopwatch"/> ticks) if <see cref="Timed"/>.</summary>
    public void Record(long ticks)
    {
        if (_call < Trial)
        {
            if ((_call & 1) == 1) _aloneTicks += ticks;
            else _splitTicks += ticks;
            if (_call == Trial - 1) _alone = _aloneTicks <= _splitTicks;
        }
        if (++_call == Cycle)
        {
            _call = 0;
            _splitTicks = _aloneTicks = 0;
        }
    }

    /// <summary>The current call's timestamp, or 0 when it is not timed.</summary>
    public readonly long Start() => Timed ? Stopwatch.GetTimestamp() : 0;
}
