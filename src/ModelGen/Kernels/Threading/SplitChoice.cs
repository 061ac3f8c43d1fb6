using System.Diagnostics;

namespace ModelGen.Kernels;

/// <summary>
/// Whether one layer's single-sample calls (batch-1 inference) run split over the threads or on the calling thread,
/// chosen by timing both in turn, as the layer runs. A single sample's layer takes microseconds, and what its split
/// costs (handing the sample's input to the other cores and their outputs back) depends on how far apart the cores are:
/// on the Zen 5 virtual machine of the README's "Batch-1 threading" measurements it moved between two states from minute to
/// minute (a round trip of one cache line between two threads of 125–195 ns, or of 420–550 ns), and batch-1 LeNet with
/// its second convolution split took 17.8–18.2 µs in the first and 24.9–26.8 µs in the second, against 22.7–23.1 µs
/// unsplit in both. The results do not depend on the choice: convolutions are split along output positions and dense
/// layers along their outputs, never along a sum.
/// </summary>
/// <remarks>
/// A cycle of <see cref="Cycle"/> calls: the first <see cref="Trial"/> alternate between the two ways (so a drift of the
/// machine's speed weighs on both alike) and their times are summed, less each way's slowest call (the first split
/// call of a process starts the worker threads; a preemption lands on one call); the rest take the faster way. Trying
/// the slower way costs at most <see cref="Trial"/>/2 calls in <see cref="Cycle"/>. The generated models never run two
/// calls of one layer at once (their calls hold <c>ExclusiveUse</c>, and each model owns its layers' packed weights), so
/// the fields are not synchronized: calls that do overlap through the public kernels could only spoil a choice, never
/// a result, and a cycle still ends (<c>≥</c>).
/// </remarks>
internal struct SplitChoice
{
    /// <summary>Calls per cycle of trial and use.</summary>
    public const int Cycle = 1024;

    /// <summary>Calls at the start of each cycle that alternate between the two ways, half each.</summary>
    public const int Trial = 32;

    private int _call;
    private long _splitTicks, _aloneTicks, _splitSlowest, _aloneSlowest;
    private bool _alone;

    /// <summary>Whether the current call should run on the calling thread only.</summary>
    public readonly bool Alone => _call < Trial ? (_call & 1) == 1 : _alone;

    /// <summary>Whether the current call is timed for the trial (<see cref="Record"/> then takes its duration).</summary>
    public readonly bool Timed => _call < Trial;

    /// <summary>Calls of the current cycle so far (for the tests).</summary>
    public readonly int Calls => _call;

    /// <summary>The current call's timestamp, or 0 when it is not timed.</summary>
    public readonly long Start() => Timed ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Ends the current call, begun when <see cref="Start"/> returned <paramref name="start"/>: its time is recorded when it was timed.</summary>
    public void End(long start) => Record(start == 0 ? 0 : Stopwatch.GetTimestamp() - start);

    /// <summary>Ends the current call, which took <paramref name="ticks"/> (<see cref="Stopwatch"/> ticks) if <see cref="Timed"/>.</summary>
    public void Record(long ticks)
    {
        if (_call < Trial)
        {
            if ((_call & 1) == 1)
            {
                _aloneTicks += ticks;
                if (ticks > _aloneSlowest) _aloneSlowest = ticks;
            }
            else
            {
                _splitTicks += ticks;
                if (ticks > _splitSlowest) _splitSlowest = ticks;
            }
            if (_call == Trial - 1) _alone = _aloneTicks - _aloneSlowest <= _splitTicks - _splitSlowest;
        }
        if (++_call >= Cycle)
        {
            _call = 0;
            _splitTicks = _aloneTicks = _splitSlowest = _aloneSlowest = 0;
        }
    }
}
