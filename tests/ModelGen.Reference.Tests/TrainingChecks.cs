using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using Xunit;
using Xunit.Sdk;

namespace ModelGen.Reference.Tests;

/// <summary>
/// Checks of a generated model against itself on a fixture's batch, where the expected result is exact rather than
/// PyTorch's: resuming from a checkpoint continues bit for bit, and training allocates nothing.
/// </summary>
public static class TrainingChecks
{
    /// <summary>
    /// Trains model A for <paramref name="before"/> steps from the fixture's initial parameters (and buffers), copies
    /// every Parameter, every Buffer, every OptimizerState tensor, the learning rate and Step (through RestoreStep) into a
    /// freshly constructed model B, then gives both <paramref name="after"/> more identical TrainSteps: B's loss,
    /// parameters, buffers and optimizer state must equal A's bit for bit after each of them. As a control, a model C restored the same way
    /// but without the optimizer state must leave A's path at once whenever the optimizer has state, which shows that
    /// the state (not only the parameters) is what carries the run across the checkpoint.
    /// </summary>
    public static void CheckpointRoundTrip<TModel, T>(FixtureBatch<TModel, T> batch, int before = 3, int after = 3)
        where TModel : IReferenceModel<T>, new()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Fixture fixture = batch.Fixture;
        var a = new TModel();
        foreach (string name in fixture.ParameterNames)
            ReferenceHarness.Convert<T>(fixture.InitialParameters[name]).CopyTo(a.Parameter(name));
        foreach (string name in TModel.BufferNames)
            ReferenceHarness.Convert<T>(fixture.InitialBuffers![name]).CopyTo(a.Buffer(name));
        for (int s = 0; s < before; s++) batch.TrainStep(a);
        Assert.Equal(before, a.Step);

        TModel b = Restore<TModel, T>(a, withOptimizerState: true);
        TModel c = Restore<TModel, T>(a, withOptimizerState: false);
        Assert.Equal(a.Step, b.Step);

        bool controlDiverged = false;
        for (int s = before; s < before + after; s++)
        {
            string where = $"{fixture.Name}: step {s + 1} (the {s + 1 - before}. after restoring step {before})";
            T lossA = batch.TrainStep(a), lossB = batch.TrainStep(b);
            batch.TrainStep(c);
            Identical<T>([lossA], [lossB], where, "loss");
            foreach (string name in TModel.ParameterNames)
            {
                Identical<T>(a.Parameter(name), b.Parameter(name), where, $"parameter {name}");
                controlDiverged |= !Bits(a.Parameter(name)).SequenceEqual(Bits(c.Parameter(name)));
            }
            foreach (string name in TModel.OptimizerStateNames)
                Identical<T>(a.OptimizerState(name), b.OptimizerState(name), where, $"optimizer state {name}");
            foreach (string name in TModel.BufferNames)
                Identical<T>(a.Buffer(name), b.Buffer(name), where, $"buffer {name}");
            Assert.Equal(a.Step, b.Step);
        }
        if (TModel.OptimizerStateNames.Count > 0)
            Assert.True(controlDiverged, $"{fixture.Name}: a model restored without the optimizer state " +
                $"[{string.Join(", ", TModel.OptimizerStateNames)}] trained exactly like the original; the round trip proves nothing.");
    }

    /// <summary>A new model with <paramref name="source"/>'s parameters, learning rate and step, and optionally its optimizer state.</summary>
    private static TModel Restore<TModel, T>(TModel source, bool withOptimizerState)
        where TModel : IReferenceModel<T>, new()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var target = new TModel();
        foreach (string name in TModel.ParameterNames) source.Parameter(name).CopyTo(target.Parameter(name));
        foreach (string name in TModel.BufferNames) source.Buffer(name).CopyTo(target.Buffer(name));
        if (withOptimizerState)
            foreach (string name in TModel.OptimizerStateNames) source.OptimizerState(name).CopyTo(target.OptimizerState(name));
        target.LearningRate = source.LearningRate;
        target.RestoreStep(source.Step);
        return target;
    }

    private static ReadOnlySpan<byte> Bits<T>(ReadOnlySpan<T> values) where T : unmanaged => MemoryMarshal.AsBytes(values);

    private static ReadOnlySpan<byte> Bits<T>(Span<T> values) where T : unmanaged => MemoryMarshal.AsBytes(values);

    private static void Identical<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string where, string tensor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (expected.Length != actual.Length)
            throw new XunitException($"{where}: {tensor} has {actual.Length} values after the round trip, {expected.Length} without.");
        for (int i = 0; i < expected.Length; i++)
        {
            if (!Bits(expected.Slice(i, 1)).SequenceEqual(Bits(actual.Slice(i, 1))))
                throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                    $"{where}: {tensor}[{i}] is {actual[i]:R} in the restored model, {expected[i]:R} in the original; they must be bit-identical."));
        }
    }

    /// <summary>
    /// Managed bytes allocated on this thread by 20 calls of <paramref name="action"/>, after 40 warm-up calls (the JIT,
    /// static initializers and the tiered JIT's promotion of hot methods past its 30-call threshold may allocate once).
    /// The least of three such rounds: an allocation of the code under test repeats in every round, while a one-off
    /// allocation of the runtime that happens to land in a round does not.
    /// </summary>
    public static long AllocatedBytes(Action action)
    {
        for (int i = 0; i < 40; i++) action();
        long least = long.MaxValue;
        for (int round = 0; round < 3 && least > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }

    /// <summary>Bytes allocated by TrainStep and by Evaluate on the fixture's batch (see <see cref="AllocatedBytes"/>).</summary>
    public static (long TrainStep, long Evaluate) TrainingAllocations<TModel, T>(FixtureBatch<TModel, T> batch)
        where TModel : IReferenceModel<T>, new()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var model = new TModel();
        foreach (string name in batch.Fixture.ParameterNames)
            ReferenceHarness.Convert<T>(batch.Fixture.InitialParameters[name]).CopyTo(model.Parameter(name));
        foreach (string name in TModel.BufferNames)
            ReferenceHarness.Convert<T>(batch.Fixture.InitialBuffers![name]).CopyTo(model.Buffer(name));
        long trainStep = AllocatedBytes(() => batch.TrainStep(model));
        long evaluate = AllocatedBytes(() => batch.Evaluate(model));
        return (trainStep, evaluate);
    }
}
