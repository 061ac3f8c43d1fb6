using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Numerics;
using ModelGen.Data;
using ModelGen.Kernels;

namespace ModelGen.Training;

/// <summary>
/// The training loop for any generated trainable model, in the manner of Keras's <c>fit</c>: epochs of shuffled
/// minibatches, a learning-rate schedule applied before every optimizer step, validation after every epoch, callbacks
/// (early stopping, best-model checkpoints, logs) and a progress display. Deterministic: the same model seed, data and
/// <see cref="Seed"/> give bit-identical weights.
/// </summary>
/// <typeparam name="T">The model's scalar type.</typeparam>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ITrainableModel<T> _model;
    private readonly IClassifier<T>? _classifier;
    private readonly ITargetModel<T>? _targetModel;

    /// <summary>A trainer for <paramref name="model"/>: a classifier (integer labels) or a model with targets.</summary>
    public Trainer(ITrainableModel<T> model)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _classifier = model as IClassifier<T>;
        _targetModel = model as ITargetModel<T>;
        if (_classifier is null && _targetModel is null)
            throw new ArgumentException("The model must be a generated IClassifier<T> or ITargetModel<T>.", nameof(model));
        BatchSize = model.BatchSize;
    }

    /// <summary>Epochs to train (an epoch is one pass over the training set).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per optimizer step: 1 (online) up to the model's BatchSize (the default). Full-batch gradient descent is a model whose BatchSize is the whole training set.</summary>
    public int BatchSize { get; init; }

    /// <summary>Seed of the data order (each epoch is shuffled from it).</summary>
    public int Seed { get; init; }

    /// <summary>Shuffle the training set every epoch (default true).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Drop a final batch smaller than <see cref="BatchSize"/> (default false: keep it).</summary>
    public bool DropLast { get; init; }

    /// <summary>Random shifts and flips for image data, applied to each training batch.</summary>
    public ImageAugmentation? Augmentation { get; init; }

    /// <summary>The learning rate of every step; without one the model keeps the rate it has.</summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>Called after every epoch, in order.</summary>
    public IList<ITrainingCallback> Callbacks { get; } = new List<ITrainingCallback>();

    /// <summary>Where progress goes; null for silence. A live line on a terminal, one line per epoch otherwise.</summary>
    public TextWriter? Output { get; init; } = Console.Out;

    /// <summary>
    /// When set, the full training state (weights, optimizer state, step, data position, dropout generator) is written
    /// here after every epoch, atomically, so that <see cref="Resume"/> can continue exactly where training stopped.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// The training monitor (on by default): per-layer gradient norms, weight norms and update-to-weight ratios, dead
    /// ReLU units and input scale, in each <see cref="EpochResult"/> and the logs, with warnings about training pitfalls
    /// (see <see cref="TrainingMonitor"/>). Set it to null to turn it off.
    /// </summary>
    public TrainingMonitor? Monitor { get; init; } = new();

    /// <summary>
    /// Data-parallel training over these ranks (such as ModelGen.Distributed's <c>MpiCommunicator.World</c>); null
    /// trains in this process alone. Every rank runs the same program: <see cref="BatchSize"/> is then each rank's
    /// share, a global batch holds BatchSize × ranks samples, and rank 0 alone reports progress, runs the callbacks and
    /// writes checkpoints. See <see cref="DataParallel{T}"/> for the rules.
    /// </summary>
    public ICommunicator? Communicator { get; init; }

    /// <summary>With a <see cref="Communicator"/>: gradients per bucket whose all-reduce starts during the backward pass (0: one all-reduce after it).</summary>
    public int GradientBucketSize { get; init; } = DataParallel<T>.DefaultBucketSize;

    /// <summary>The data-parallel machinery of the last <see cref="Fit"/> or <see cref="Resume"/> with a <see cref="Communicator"/> (its all-reduce time).</summary>
    public DataParallel<T>? Parallel { get; private set; }

    /// <summary>Trains from the model's current state.</summary>
    /// <remarks>
    /// Every step is checked before its update is applied: a batch with a non-finite input or target, or a step whose
    /// loss, gradients or buffers (batch norm's running statistics) are not finite, is refused, the model keeps its
    /// state from before that step, and a <see cref="TrainingDivergedException"/> says which sample or tensor.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// The data does not fit the model, the settings are out of range, or the validation set is empty or holds a value
    /// that is not finite (nothing is trained).
    /// </exception>
    /// <exception cref="TrainingDivergedException">A step was refused, or the validation loss overflowed.</exception>
    public TrainingHistory Fit(Dataset<T> train, Dataset<T>? validation = null) => Run(train, validation, resumeFrom: null);

    /// <summary>
    /// Restores the state written to <paramref name="checkpointPath"/> by a trainer with the same settings and data,
    /// then trains the remaining epochs: the result is bit for bit the result of an uninterrupted run.
    /// </summary>
    /// <exception cref="FileNotFoundException">The checkpoint does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The checkpoint is damaged or does not fit the model or the data (see <see cref="TrainingCheckpoint.Restore{T}"/>);
    /// the model is unchanged and nothing is trained.
    /// </exception>
    /// <exception cref="TrainingDivergedException">As for <see cref="Fit"/>.</exception>
    public TrainingHistory Resume(string checkpointPath, Dataset<T> train, Dataset<T>? validation = null) =>
        Run(train, validation, resumeFrom: checkpointPath);

    private TrainingHistory Run(Dataset<T> train, Dataset<T>? validation, string? resumeFrom)
    {
        ArgumentNullException.ThrowIfNull(train);
        CheckData(train, nameof(train));
        if (validation is not null)
        {
            CheckData(validation, nameof(validation));
            if (validation.Count == 0)
                throw new ArgumentException("The validation set is empty: it would give no loss. Pass null to train without validation.", nameof(validation));
            CheckFinite(validation, nameof(validation)); // once: its loss must be finite after every epoch
        }
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Train for at least one epoch.");
        if (BatchSize < 1 || BatchSize > _model.BatchSize)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"The batch size must lie in 1..{_model.BatchSize} (the model's BatchSize).");

        // A data set smaller than the batch is one partial batch, as in PyTorch and Keras. With ranks, a global batch.
        DataParallel<T>? parallel = Parallel = Communicator is null ? null : new DataParallel<T>(_model, Communicator, GradientBucketSize);
        var loader = new BatchLoader<T>(train, Math.Min(BatchSize * (parallel?.Size ?? 1), train.Count), Shuffle, Seed, DropLast, Augmentation);
        var history = new TrainingHistory();
        string? lastCheckpoint = resumeFrom; // the newest state this run has: the file it resumed from, then its own
        var context = new TrainingContext(_model, history, TakeSnapshot, RestoreSnapshot, _model.SaveWeights);
        if (parallel is not null) DataParallelStart.Check(parallel, this, train, validation, loader);
        if (resumeFrom is not null)
        {
            void Restore()
            {
                TrainingCheckpoint.Restore(resumeFrom, _model, loader.BatchCount, out LoaderPosition position, out List<EpochResult> done);
                loader.Position = position;
                foreach (EpochResult result in done) history.Add(result);
            }
            if (parallel is null) Restore();
            else parallel.OnRoot(Restore); // only rank 0 needs the file; the others get its state below
        }
        if (parallel is not null) DataParallelStart.Synchronize(parallel, loader);
        var progress = new ProgressReporter(parallel is null || parallel.IsRoot ? Output : null, loader.BatchCount);
        MonitorRun<T>? monitor = Monitor is null ? null : new MonitorRun<T>(Monitor, _model, loader.BatchCount, history, progress);
        context.MonitorColumns = monitor?.Columns ?? [];
        OnRoot(parallel, () => { foreach (ITrainingCallback callback in Callbacks) callback.OnTrainBegin(context); });
        monitor?.CheckInputs(train, loader.Epoch + 1);

        var guard = new StepGuard(_model); // every buffer it needs is allocated here, none per step
        while (loader.Epoch < Epochs && !context.StopTraining)
        {
            int epoch = loader.Epoch + 1;
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            int batches = 0;
            progress.StartEpoch(epoch, Epochs);
            foreach (Batch<T> batch in loader)
            {
                guard.Save();
                if (Schedule is not null) _model.LearningRate = T.CreateTruncating(Schedule.LearningRate(_model.Step));
                T loss = GuardedStep(batch, guard, epoch, lastCheckpoint, monitor, parallel);
                lossSum += double.CreateTruncating(loss);
                batches++;
                progress.Step(batches, lossSum / batches, clock.Elapsed);
            }
            clock.Stop();

            var result = new EpochResult(epoch, lossSum / batches, double.CreateTruncating(_model.LearningRate), _model.Step, clock.Elapsed);
            if (validation is not null)
            {
                double validationLoss = Evaluate(validation);
                // The validation data is finite (checked above) and so is the model: an overflow is divergence, and
                // a history (and so a checkpoint) holds only finite numbers.
                if (!double.IsFinite(validationLoss))
                    throw new TrainingDivergedException(epoch, batches,
                        string.Create(CultureInfo.InvariantCulture, $"the validation loss after the epoch is {validationLoss}: the model's outputs overflow; lower the learning rate or check the data. The epoch's updates were kept (every value of the model is finite)"),
                        lastCheckpoint) { Loss = validationLoss };
                result = result with { ValidationLoss = validationLoss, ValidationAccuracy = _classifier is not null ? Accuracy(validation) : null };
            }
            if (monitor is not null) result = monitor.EndEpoch(result);
            history.Add(result);
            progress.EndEpoch(result);
            OnRoot(parallel, () => { foreach (ITrainingCallback callback in Callbacks) callback.OnEpochEnd(context, result); });
            if (CheckpointPath is not null)
            {
                OnRoot(parallel, () => TrainingCheckpoint.Save(CheckpointPath, _model, loader.Position, history.Epochs));
                lastCheckpoint = CheckpointPath;
            }
            if (parallel is not null) context.StopTraining = DataParallelStart.EndEpoch(parallel, epoch, context.StopTraining);
        }
        OnRoot(parallel, () => { foreach (ITrainingCallback callback in Callbacks) callback.OnTrainEnd(context); });
        parallel?.BroadcastWeights(); // a callback on rank 0 may have restored the best weights
        history.StoppedEarly = context.StopTraining && history.Epochs.Count < Epochs;
        return history;
    }

    /// <summary>
    /// One optimizer step that cannot poison the model. The batch's inputs (and targets) are checked first; then
    /// ComputeGradients runs, and the loss, every gradient and every buffer (the running statistics the forward pass
    /// has just updated) must be finite before ApplyGradients: otherwise the buffers, the dropout generator and the
    /// learning rate are put back as <paramref name="guard"/> saved them and the step is refused. Allocates nothing
    /// unless it throws.
    /// </summary>
    private T GuardedStep(Batch<T> batch, StepGuard guard, int epoch, string? lastCheckpoint, MonitorRun<T>? monitor, DataParallel<T>? parallel)
    {
        int batchNumber = batch.Index + 1;
        TrainingDivergedException Refuse(string reason, int? sample = null, string? tensor = null, double? loss = null) =>
            new(epoch, batchNumber, reason + ". The step was refused: the model keeps its state from before it", lastCheckpoint)
            {
                Sample = sample,
                Tensor = tensor,
                Loss = loss,
                Warnings = monitor is null ? [] : [.. monitor.Warnings],
            };

        int bad = NonFinite.IndexOf(batch.Inputs);
        if (bad >= 0)
        {
            guard.Restore();
            (int sample, int feature) = Math.DivRem(bad, _model.InputSize);
            throw Refuse(string.Create(CultureInfo.InvariantCulture,
                $"sample {batch.Rows[sample]} of the training set (sample {sample} of the batch) has the input {batch.Inputs[bad]} at feature {feature}; every input must be finite, check the data"),
                sample: batch.Rows[sample]);
        }
        if (_targetModel is not null && (bad = NonFinite.IndexOf(batch.Targets)) >= 0)
        {
            guard.Restore();
            (int sample, int target) = Math.DivRem(bad, _model.OutputSize);
            throw Refuse(string.Create(CultureInfo.InvariantCulture,
                $"sample {batch.Rows[sample]} of the training set (sample {sample} of the batch) has the target {batch.Targets[bad]} at index {target}; every target must be finite, check the data"),
                sample: batch.Rows[sample]);
        }

        T loss = parallel is null ? ComputeGradients(batch.Inputs, batch.Labels, batch.Targets) : ShardGradients(batch, parallel);
        string? buffer = guard.FirstNonFiniteBuffer(out int bufferIndex, out T bufferValue);
        string? gradient = guard.FirstNonFiniteGradient(out int gradientIndex, out T gradientValue);
        if (buffer is not null || gradient is not null || !T.IsFinite(loss))
        {
            monitor?.NonFiniteStep(epoch, batchNumber, gradient ?? buffer, double.CreateTruncating(loss));
            guard.Restore();
            var reason = new System.Text.StringBuilder();
            var culture = CultureInfo.InvariantCulture;
            reason.Append(culture, $"the loss is {loss}");
            if (buffer is not null)
                reason.Append(culture, $"; buffer '{buffer}' would hold {bufferValue} (value {bufferIndex})");
            if (gradient is not null)
                reason.Append(culture, $"; the gradient of '{gradient}' is {gradientValue} (value {gradientIndex})");
            else if (buffer is null)
                reason.Append(" (every gradient and buffer is finite)");
            (int sample, int feature, T largest) = LargestInput(batch.Inputs);
            reason.Append(culture, $"; the batch's largest input is {largest}, at feature {feature} of sample {batch.Rows[sample]} of the training set");
            reason.Append(". Lower the learning rate or check the data");
            throw Refuse(reason.ToString(), tensor: buffer ?? gradient, loss: double.CreateTruncating(loss));
        }

        monitor?.BeforeUpdate(batch.Index);
        _model.ApplyGradients();
        monitor?.AfterUpdate();
        string? parameter = guard.FirstNonFiniteParameter(out int parameterIndex, out T parameterValue);
        if (parameter is not null)
            throw new TrainingDivergedException(epoch, batchNumber, string.Create(CultureInfo.InvariantCulture,
                $"the update overflowed: the loss ({loss}) and every gradient were finite, but parameter '{parameter}' became {parameterValue} (value {parameterIndex}) with the learning rate {_model.LearningRate}. Lower the learning rate. This step could not be undone"),
                lastCheckpoint) { Tensor = parameter, Loss = double.CreateTruncating(loss) };
        return loss;
    }

    private T ComputeGradients(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, ReadOnlySpan<T> targets) =>
        _classifier is not null ? _classifier.ComputeGradients(inputs, labels) : _targetModel!.ComputeGradients(inputs, targets);

    /// <summary>This rank's shard of the global batch: its gradients, summed over the ranks; the global mean loss.</summary>
    private T ShardGradients(Batch<T> batch, DataParallel<T> parallel)
    {
        (int start, int count) = DataParallel<T>.Shard(batch.Count, parallel.Rank, parallel.Size);
        parallel.BeginStep(count, batch.Count);
        T loss = T.Zero;
        if (count > 0)
        {
            int o = _model.OutputSize, n = _model.InputSize;
            loss = ComputeGradients(batch.Inputs.Slice(start * n, count * n),
                batch.Labels.IsEmpty ? default : batch.Labels.Slice(start, count),
                batch.Targets.IsEmpty ? default : batch.Targets.Slice(start * o, count * o));
        }
        return parallel.EndStep(loss, count);
    }

    /// <summary>Runs <paramref name="action"/> here, or on rank 0 alone (every rank learning whether it threw).</summary>
    private static void OnRoot(DataParallel<T>? parallel, Action action)
    {
        if (parallel is null) action();
        else parallel.OnRoot(action);
    }

    /// <summary>The sample (in the batch), feature and value of the input of largest magnitude.</summary>
    private (int Sample, int Feature, T Value) LargestInput(ReadOnlySpan<T> inputs)
    {
        int best = 0;
        for (int k = 1; k < inputs.Length; k++)
        {
            if (T.Abs(inputs[k]) > T.Abs(inputs[best])) best = k;
        }
        (int sample, int feature) = Math.DivRem(best, _model.InputSize);
        return (sample, feature, inputs[best]);
    }

    /// <summary>
    /// What a refused step must put back, saved before every step into buffers allocated once: every buffer of the
    /// model (ComputeGradients updates batch norm's running statistics in the forward pass), the dropout generator and
    /// the learning rate (the schedule sets it before the step). Also finds non-finite buffers, gradients and parameters.
    /// </summary>
    private sealed class StepGuard
    {
        private readonly ITrainableModel<T> _model;
        private readonly string[] _parameters;
        private readonly string[] _buffers;
        private readonly T[][] _saved;
        private ulong _random;
        private T _learningRate;

        public StepGuard(ITrainableModel<T> model)
        {
            _model = model;
            _parameters = [.. model.ParameterNames]; // arrays: a foreach over them allocates no enumerator
            _buffers = [.. model.BufferNames];
            _saved = new T[_buffers.Length][];
            for (int b = 0; b < _buffers.Length; b++) _saved[b] = new T[model.Buffer(_buffers[b]).Length];
        }

        public void Save()
        {
            for (int b = 0; b < _buffers.Length; b++) _model.Buffer(_buffers[b]).CopyTo(_saved[b]);
            _random = _model.RandomState;
            _learningRate = _model.LearningRate;
        }

        public void Restore()
        {
            for (int b = 0; b < _buffers.Length; b++) _saved[b].CopyTo(_model.Buffer(_buffers[b]));
            _model.RandomState = _random;
            _model.LearningRate = _learningRate;
        }

        public string? FirstNonFiniteBuffer(out int index, out T value)
        {
            foreach (string name in _buffers)
            {
                if (Find(_model.Buffer(name), out index, out value)) return name;
            }
            (index, value) = (-1, T.Zero);
            return null;
        }

        public string? FirstNonFiniteGradient(out int index, out T value)
        {
            foreach (string name in _parameters)
            {
                if (Find(_model.Gradient(name), out index, out value)) return name;
            }
            (index, value) = (-1, T.Zero);
            return null;
        }

        public string? FirstNonFiniteParameter(out int index, out T value)
        {
            foreach (string name in _parameters)
            {
                if (Find(_model.Parameter(name), out index, out value)) return name;
            }
            (index, value) = (-1, T.Zero);
            return null;
        }

        private static bool Find(ReadOnlySpan<T> values, out int index, out T value)
        {
            index = NonFinite.IndexOf(values);
            value = index >= 0 ? values[index] : T.Zero;
            return index >= 0;
        }
    }

    private object TakeSnapshot()
    {
        var copy = new Dictionary<string, T[]>();
        foreach (string name in _model.ParameterNames) copy[name] = _model.Parameter(name).ToArray();
        foreach (string name in _model.BufferNames) copy["buffer:" + name] = _model.Buffer(name).ToArray();
        return copy;
    }

    private void RestoreSnapshot(object snapshot)
    {
        var copy = (Dictionary<string, T[]>)snapshot;
        foreach (string name in _model.ParameterNames) copy[name].CopyTo(_model.Parameter(name));
        foreach (string name in _model.BufferNames) copy["buffer:" + name].CopyTo(_model.Buffer(name));
    }

    /// <summary>The mean loss of the model on <paramref name="data"/> in inference mode.</summary>
    public double Evaluate(Dataset<T> data)
    {
        CheckData(data, nameof(data));
        T loss = _classifier is not null ? _classifier.Evaluate(data.FeatureData, data.Labels) : _targetModel!.Evaluate(data.FeatureData, data.Targets);
        return double.CreateTruncating(loss);
    }

    /// <summary>
    /// The fraction of samples whose largest output is their label (classifiers only): the
    /// <see cref="Predictions.PredictClasses{T}(IModel{T}, ReadOnlySpan{T}, Span{int}, ModelOutput)"/> rule (ties give the
    /// lowest class, NaN ranks highest). <see cref="Evaluation.Metrics"/> adds the confusion matrix and per-class figures.
    /// </summary>
    public double Accuracy(Dataset<T> data)
    {
        if (_classifier is null || data.Labels is null) throw new InvalidOperationException("Accuracy needs a classifier and labelled data.");
        CheckData(data, nameof(data));
        int[] predicted = _model.PredictClasses<T>(data.FeatureData);
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
            if (predicted[i] == data.Labels[i]) correct++;
        return (double)correct / data.Count;
    }

    /// <summary>Throws when a feature or target of <paramref name="data"/> is NaN or ±∞, naming the sample.</summary>
    private static void CheckFinite(Dataset<T> data, string name)
    {
        int bad = NonFinite.IndexOf<T>(data.FeatureData);
        if (bad >= 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Sample {bad / data.FeatureCount} of {name} has the feature {data.FeatureData[bad]} at index {bad % data.FeatureCount}; every feature must be finite."), name);
        if (data.Targets is T[] targets && (bad = NonFinite.IndexOf<T>(targets)) >= 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Sample {bad / data.TargetCount} of {name} has the target {targets[bad]} at index {bad % data.TargetCount}; every target must be finite."), name);
    }

    private void CheckData(Dataset<T> data, string name)
    {
        if (data.FeatureCount != _model.InputSize)
            throw new ArgumentException($"The model takes {_model.InputSize} features per sample, but {name} has {data.FeatureCount}.", name);
        if (_classifier is not null && data.Labels is null)
            throw new ArgumentException($"This model is a classifier: {name} needs integer labels.", name);
        if (_classifier is not null && data.ClassCount > _model.OutputSize)
            throw new ArgumentException($"{name} has {data.ClassCount} classes, but the model has {_model.OutputSize} outputs.", name);
        if (_targetModel is not null && (data.Targets is null || data.TargetCount != _model.OutputSize))
            throw new ArgumentException($"This model needs {_model.OutputSize} target values per sample in {name}.", name);
    }
}

/// <summary>What one epoch measured.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Loss">Mean training loss over the epoch's batches (what TrainStep returned, before each update).</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="Step">Optimizer steps taken after the epoch.</param>
/// <param name="Duration">Training time of the epoch (without validation).</param>
public sealed partial record EpochResult(int Epoch, double Loss, double LearningRate, long Step, TimeSpan Duration)
{
    /// <summary>Mean loss on the validation set in inference mode, when there is one.</summary>
    public double? ValidationLoss { get; init; }
    /// <summary>Validation accuracy, for classifiers with a validation set.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>The value of a metric by its Keras name: "loss", "val_loss", "val_accuracy".</summary>
    public double? Metric(string name) => name switch
    {
        "loss" => Loss,
        "val_loss" => ValidationLoss,
        "val_accuracy" => ValidationAccuracy,
        _ => throw new ArgumentException($"Unknown metric '{name}'; use loss, val_loss or val_accuracy.", nameof(name)),
    };
}

/// <summary>The epochs of a training run.</summary>
public sealed partial class TrainingHistory
{
    private readonly List<EpochResult> _epochs = new();

    /// <summary>One entry per epoch trained, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs => _epochs;

    /// <summary>True when a callback stopped training before the last epoch.</summary>
    public bool StoppedEarly { get; internal set; }

    internal void Add(EpochResult result) => _epochs.Add(result);
}

/// <summary>What callbacks see of a training run, and how they stop it.</summary>
public sealed partial class TrainingContext
{
    private readonly Func<object> _takeSnapshot;
    private readonly Action<object> _restoreSnapshot;
    private readonly Action<string> _saveWeights;

    internal TrainingContext(object model, TrainingHistory history, Func<object> takeSnapshot, Action<object> restoreSnapshot, Action<string> saveWeights)
    {
        Model = model;
        History = history;
        _takeSnapshot = takeSnapshot;
        _restoreSnapshot = restoreSnapshot;
        _saveWeights = saveWeights;
    }

    /// <summary>A copy of every parameter and buffer, to give to <see cref="RestoreSnapshot"/> later.</summary>
    public object TakeSnapshot() => _takeSnapshot();

    /// <summary>Puts back the parameters and buffers of a snapshot.</summary>
    public void RestoreSnapshot(object snapshot) => _restoreSnapshot(snapshot);

    /// <summary>Saves the model's weights as a safetensors file.</summary>
    public void SaveWeights(string path) => _saveWeights(path);

    /// <summary>The model being trained (an <see cref="ITrainableModel{T}"/>).</summary>
    public object Model { get; }

    /// <summary>The epochs so far.</summary>
    public TrainingHistory History { get; }

    /// <summary>Set by a callback to end training after the current epoch.</summary>
    public bool StopTraining { get; set; }
}

/// <summary>Code run by the trainer at the start, after every epoch and at the end of training.</summary>
public interface ITrainingCallback
{
    /// <summary>Before the first epoch.</summary>
    void OnTrainBegin(TrainingContext context) { }

    /// <summary>After every epoch, with its results; set <see cref="TrainingContext.StopTraining"/> to stop.</summary>
    void OnEpochEnd(TrainingContext context, EpochResult result);

    /// <summary>After the last epoch.</summary>
    void OnTrainEnd(TrainingContext context) { }
}

/// <summary>
/// Training met a value that is not a finite number: a NaN or ±∞ in a batch's inputs or targets, or a loss, gradient
/// or buffer (such as batch norm's running variance) that became NaN or ±∞ in a training step, or a validation loss
/// that overflowed. The trainer checks before it applies each update, so the step is refused and the model keeps its
/// state from before it (see the message); only an update that itself overflows a parameter cannot be undone.
/// </summary>
public sealed partial class TrainingDivergedException : Exception
{
    /// <summary>Describes where the loss stopped being finite.</summary>
    /// <param name="epoch">1-based epoch.</param>
    /// <param name="batch">1-based batch within the epoch.</param>
    /// <param name="loss">The loss that is not finite.</param>
    /// <param name="lastCheckpoint">The checkpoint of the last completed epoch, if one was written.</param>
    public TrainingDivergedException(int epoch, int batch, double loss, string? lastCheckpoint)
        : this(epoch, batch, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the training loss became {loss}: lower the learning rate or check the data"), lastCheckpoint)
    {
        Loss = loss;
    }

    /// <summary>Describes what stopped training, and where.</summary>
    /// <param name="epoch">1-based epoch.</param>
    /// <param name="batch">1-based batch within the epoch.</param>
    /// <param name="reason">What went wrong (a sentence without its final period).</param>
    /// <param name="lastCheckpoint">The checkpoint of the last completed epoch, if one was written.</param>
    public TrainingDivergedException(int epoch, int batch, string reason, string? lastCheckpoint)
        : base(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Training stopped in epoch {epoch}, batch {batch}: {reason}.")
            + (lastCheckpoint is null ? " No checkpoint was written before it." : $" The last good state is in {lastCheckpoint}."))
    {
        Epoch = epoch;
        Batch = batch;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>1-based epoch.</summary>
    public int Epoch { get; }
    /// <summary>1-based batch within the epoch.</summary>
    public int Batch { get; }
    /// <summary>The checkpoint of the last completed epoch, if one was written.</summary>
    public string? LastCheckpoint { get; }
    /// <summary>The index in the training set of the sample whose input or target is not finite, when that was the cause.</summary>
    public int? Sample { get; init; }
    /// <summary>The parameter or buffer whose gradient or value was not finite first, when that was the cause.</summary>
    public string? Tensor { get; init; }
    /// <summary>The loss of the step (or the validation loss) when one was computed.</summary>
    public double? Loss { get; init; }
}
