using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace ModelGen.Tests;

/// <summary>
/// The threading contract: one model instance runs one call at a time. A call from a second thread while one is inside
/// throws InvalidOperationException (the ExclusiveUse guard every generated model keeps) instead of mixing two passes in
/// the model's buffers; nested calls on one thread (TrainStep → ComputeGradients) pass, and the guard is released when
/// a call throws.
/// </summary>
public class ConcurrencyTests
{
    [Fact]
    public void The_guard_refuses_a_second_thread_admits_nested_calls_and_releases()
    {
        var guard = new ExclusiveUse();
        Assert.True(guard.Enter("M"));
        Assert.False(guard.Enter("M")); // nested on the owning thread

        Exception? other = null;
        var thread = new Thread(() =>
        {
            try { guard.Enter("M"); } // the captured guard: the same storage as the test's
            catch (Exception e) { other = e; }
        });
        thread.Start();
        thread.Join();
        var refused = Assert.IsType<InvalidOperationException>(other);
        Assert.Contains("M is being used by two threads at once", refused.Message);

        guard.Exit(false); // the nested call's exit keeps the guard
        Assert.False(guard.Enter("M"));
        guard.Exit(true);

        other = null;
        thread = new Thread(() =>
        {
            try { guard.Exit(guard.Enter("M")); }
            catch (Exception e) { other = e; }
        });
        thread.Start();
        thread.Join();
        Assert.Null(other); // released: another thread may enter
    }

    [Fact]
    public void A_model_shared_by_two_threads_never_returns_a_wrong_prediction()
    {
        var model = new SmallClassifier();
        float[] x = TestData.Floats(16 * SmallClassifier.InputSize, seed: 81);
        float[] expected = new float[16 * SmallClassifier.OutputSize];
        model.Predict(x, expected);

        int refused = 0, wrong = 0, done = 0;
        void Hammer()
        {
            float[] outputs = new float[expected.Length];
            for (int i = 0; i < 4000; i++)
            {
                try
                {
                    model.Predict(x, outputs);
                    Interlocked.Increment(ref done);
                    if (!outputs.AsSpan().SequenceEqual(expected)) Interlocked.Increment(ref wrong);
                }
                catch (InvalidOperationException) { Interlocked.Increment(ref refused); }
            }
        }
        Parallel.Invoke(Hammer, Hammer);

        Assert.Equal(0, wrong);
        Assert.Equal(8000, done + refused);
        Assert.True(done > 0);
    }

    [Fact]
    public async Task A_call_that_throws_releases_the_model_for_other_threads()
    {
        var model = new SmallClassifier();
        Assert.Throws<ArgumentException>(() => model.Predict(new float[3], new float[4]));
        float[] x = TestData.Floats(2 * SmallClassifier.InputSize, seed: 82);
        float[] outputs = new float[2 * SmallClassifier.OutputSize];
        await Task.Run(() => model.Predict(x, outputs)); // another thread: the guard was released by the failed call
        Assert.True(float.IsFinite(outputs[0]));
    }
}
