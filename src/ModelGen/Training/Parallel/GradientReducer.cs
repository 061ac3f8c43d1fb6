using System;
using System.Diagnostics;
using System.Numerics;

namespace ModelGen.Training;

/// <summary>
/// Sums a model's gradients over the ranks while its backward pass runs: each layer's gradients, when the model says
/// they are final (<see cref="IGradientObserver.GradientsReady"/>, last layer first), join a bucket; a bucket of at
/// least <see cref="BucketSize"/> values is scaled by local/global samples and its non-blocking all-reduce starts at
/// once, the way PyTorch's DistributedDataParallel buckets gradients in reverse layer order. At
/// <see cref="IGradientObserver.BackwardCompleted"/> the rest is reduced and everything waited for. With a bucket size
/// of 0 nothing overlaps: one blocking all-reduce of every gradient after the backward pass.
/// </summary>
internal sealed class GradientReducer<T> : IGradientObserver where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ITrainableModel<T> _model;
    private readonly ICommunicator _communicator;
    private readonly int _count;
    private T _scale;
    private int _readyLow;     // [_readyLow, _launchedLow) is final but not yet sent
    private int _launchedLow;  // [_launchedLow, count) is scaled and its all-reduce started
    private bool _outOfOrder;  // a layer reported out of storage order: no more early buckets this pass
    private long _started;

    public GradientReducer(ITrainableModel<T> model, ICommunicator communicator, int bucketSize)
    {
        _model = model;
        _communicator = communicator;
        _count = model.ParameterCount;
        BucketSize = bucketSize;
    }

    /// <summary>Values per bucket; 0 for one blocking all-reduce after the backward pass.</summary>
    public int BucketSize { get; }

    /// <summary>Whether the pass's gradients are summed (BackwardCompleted was called since <see cref="Begin"/>).</summary>
    public bool Completed { get; private set; }

    /// <summary>Time spent inside the communication calls (starting, progressing and waiting), over all steps.</summary>
    public TimeSpan CommunicationTime => Stopwatch.GetElapsedTime(0, _communicationTicks);
    private long _communicationTicks;

    /// <summary>All-reduce operations started, over all steps (buckets, or one per step).</summary>
    public long Operations => _started;

    /// <summary>Prepares a pass whose local gradients are means over <paramref name="scale"/>·global samples.</summary>
    public void Begin(T scale)
    {
        _scale = scale;
        _readyLow = _launchedLow = _count;
        _outOfOrder = false;
        Completed = false;
    }

    public void GradientsReady(int offset, int count)
    {
        if (BucketSize == 0 || _outOfOrder) return;
        if (offset + count != _readyLow)
        {
            _outOfOrder = true; // the rest goes in one piece at the end
            return;
        }
        _readyLow = offset;
        long t = Stopwatch.GetTimestamp();
        if (_launchedLow - _readyLow >= BucketSize) Launch(_readyLow, _launchedLow);
        else if (_launchedLow < _count) _communicator.Progress();
        _communicationTicks += Stopwatch.GetTimestamp() - t;
    }

    public void BackwardCompleted()
    {
        long t = Stopwatch.GetTimestamp();
        Span<T> gradients = _model.Gradients;
        if (_launchedLow == _count)
        {
            Scale(gradients);
            _communicator.AllReduceSum(gradients);
            _started++;
        }
        else
        {
            if (_launchedLow > 0) Launch(0, _launchedLow);
            _communicator.WaitAll();
        }
        _communicationTicks += Stopwatch.GetTimestamp() - t;
        Completed = true;
    }

    private void Launch(int low, int high)
    {
        Span<T> bucket = _model.Gradients[low..high];
        Scale(bucket);
        _communicator.StartAllReduceSum(bucket);
        _launchedLow = low;
        _started++;
    }

    private void Scale(Span<T> values)
    {
        if (_scale == T.One) return;
        for (int i = 0; i < values.Length; i++) values[i] *= _scale;
    }
}
