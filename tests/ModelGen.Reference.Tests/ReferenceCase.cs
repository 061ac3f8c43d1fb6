using System;
using System.Numerics;

namespace ModelGen.Reference.Tests;

/// <summary>One fixture's model type, bound to the fixture's targets or labels: every check the tests run on it.</summary>
public interface IReferenceCase
{
    /// <summary>The generated model class.</summary>
    Type Model { get; }

    /// <summary><see cref="ReferenceHarness.Replay"/> of the fixture, from the start or resumed after a step.</summary>
    ReferenceReport Replay(Fixture fixture, int resumeAfter = 0);

    /// <summary><see cref="TrainingChecks.CheckpointRoundTrip"/> on the fixture's batch.</summary>
    void CheckpointRoundTrip(Fixture fixture);

    /// <summary><see cref="TrainingChecks.TrainingAllocations"/> on the fixture's batch.</summary>
    (long TrainStep, long Evaluate) TrainingAllocations(Fixture fixture);
}

/// <summary>Creates <see cref="IReferenceCase"/>s for models trained on targets or on labels.</summary>
public static class ReferenceCase
{
    /// <summary>A model whose loss takes real-valued targets (MeanSquaredError, BinaryCrossEntropy).</summary>
    public static IReferenceCase Targets<TModel, T>()
        where TModel : ITargetModel<T>, new()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new Case<TModel, T>(fixture => new TargetBatch<TModel, T>(fixture));

    /// <summary>A model whose loss takes class labels (CrossEntropy).</summary>
    public static IReferenceCase Labels<TModel, T>()
        where TModel : ILabelModel<T>, new()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new Case<TModel, T>(fixture => new LabelBatch<TModel, T>(fixture));

    private sealed class Case<TModel, T>(Func<Fixture, FixtureBatch<TModel, T>> bind) : IReferenceCase
        where TModel : IReferenceModel<T>, new()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Type Model => typeof(TModel);

        public ReferenceReport Replay(Fixture fixture, int resumeAfter = 0) => ReferenceHarness.Replay(bind(fixture), resumeAfter);

        public void CheckpointRoundTrip(Fixture fixture) => TrainingChecks.CheckpointRoundTrip(bind(fixture));

        public (long TrainStep, long Evaluate) TrainingAllocations(Fixture fixture) => TrainingChecks.TrainingAllocations(bind(fixture));
    }
}
