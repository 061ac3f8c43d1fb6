using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Numerics;
using ModelGen.Data;

namespace ModelGen.Training;

/// <summary>
/// One training run of the <see cref="TrainingMonitor"/>: the trainer calls <see cref="BeforeUpdate"/> between a step's
/// gradients and its optimizer update, <see cref="AfterUpdate"/> after it, and <see cref="EndEpoch"/> after each epoch.
/// Every array is allocated here, so the per-step calls allocate nothing; the epoch's summary allocates its records.
/// The model is only read (its gradients, parameters and layer outputs), never written.
/// </summary>
internal sealed class MonitorRun<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TrainingMonitor _settings;
    private readonly ITrainableModel<T> _model;
    private readonly TrainingHistory _history;
    private readonly ProgressReporter _progress;
    private readonly int _batches;
    private readonly int _interval;

    // Layers with parameters, in the model's order: their tensors, and where each tensor's copy lies in _before.
    private readonly string[] _layers;
    private readonly string[][] _tensors;
    private readonly int[][] _offsets;
    private readonly T[] _before; // the parameters before a sampled step's update

    // ReLU layers: units (features, or channels of an image), output values per unit and sample, which units fired.
    private readonly string[] _reluLayers;
    private readonly int[] _units;
    private readonly int[] _positions;
    private readonly bool[][] _fired;
    private readonly int[] _firedCount;
    private readonly bool _hasLayerOutputs;

    // The layers of EpochResult.Layers in the model's order: index into _layers and into _reluLayers (-1: none).
    private readonly (string Name, int Parameters, int Relu)[] _order;

    // The current epoch's samples: per sample, per layer (row-major), and the global norm per sample.
    private readonly int _capacity;
    private readonly double[] _gradientNorms;
    private readonly double[] _weightNorms;
    private readonly double[] _ratios;
    private readonly double[] _globalNorms;
    private readonly double[] _scratch;
    private int _samples;
    private bool _sampling;
    private double _previousEpochNorm = double.NaN;
    private int _previousEpoch;
    private readonly bool[] _warned = new bool[Enum.GetValues<TrainingWarningKind>().Length];
    private long _ticks; // Stopwatch ticks spent in the per-step calls and the epoch summaries

    public MonitorRun(TrainingMonitor settings, ITrainableModel<T> model, int batchesPerEpoch, TrainingHistory history, ProgressReporter progress)
    {
        settings.Validate();
        _settings = settings;
        _model = model;
        _history = history;
        _progress = progress;
        _batches = batchesPerEpoch;
        // At least about 8 samples per epoch: every step when an epoch is short.
        _interval = Math.Max(1, Math.Min(settings.Interval, batchesPerEpoch / 8));
        _capacity = (batchesPerEpoch + _interval - 1) / _interval + 1;

        ModelDescription description = model.Description;
        string[] parameterNames = [.. model.ParameterNames];
        var layers = new List<string>();
        var tensors = new List<string[]>();
        var offsets = new List<int[]>();
        var relus = new List<(string Name, int Units, int Positions)>();
        var order = new List<(string, int, int)>();
        int length = 0;
        foreach (LayerDescription layer in description.Layers)
        {
            int parameters = -1, relu = -1;
            string[] own = parameterNames.Where(p => p.StartsWith(layer.Name + ".", StringComparison.Ordinal)).ToArray();
            if (own.Length > 0)
            {
                parameters = layers.Count;
                layers.Add(layer.Name);
                tensors.Add(own);
                var starts = new int[own.Length];
                for (int t = 0; t < own.Length; t++)
                {
                    starts[t] = length;
                    length += model.Parameter(own[t]).Length;
                }
                offsets.Add(starts);
            }
            if (IsRelu(layer))
            {
                IReadOnlyList<int> shape = layer.OutputShape;
                int size = shape.Aggregate(1, (a, b) => a * b);
                int units = shape.Count == 3 ? shape[0] : size; // an image's unit is a channel (a filter)
                relu = relus.Count;
                relus.Add((layer.Name, units, size / Math.Max(units, 1)));
            }
            if (parameters >= 0 || relu >= 0) order.Add((layer.Name, parameters, relu));
        }
        _layers = [.. layers];
        _tensors = [.. tensors];
        _offsets = [.. offsets];
        _before = new T[length];
        _reluLayers = relus.Select(r => r.Name).ToArray();
        _units = relus.Select(r => r.Units).ToArray();
        _positions = relus.Select(r => r.Positions).ToArray();
        _fired = relus.Select(r => new bool[r.Units]).ToArray();
        _firedCount = new int[relus.Count];
        _order = [.. order];
        _hasLayerOutputs = _reluLayers.Length > 0 && HasLayerOutputs(model, _reluLayers[0]);

        _gradientNorms = new double[_capacity * _layers.Length];
        _weightNorms = new double[_capacity * _layers.Length];
        _ratios = new double[_capacity * _layers.Length];
        _globalNorms = new double[_capacity];
        _scratch = new double[_capacity];

        var columns = new List<string> { "grad_norm" };
        foreach ((string name, int p, int r) in _order)
        {
            if (p >= 0) columns.AddRange(["grad_norm/" + name, "weight_norm/" + name, "update_ratio/" + name]);
            if (r >= 0 && _hasLayerOutputs) columns.Add("dead_units/" + name);
        }
        Columns = columns;
    }

    /// <summary>The CSV columns and TensorBoard tags of the statistics, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The warnings of the run so far.</summary>
    public IReadOnlyList<TrainingWarning> Warnings => _history.Warnings;

    /// <summary>ReLU layers: <c>[ReLU]</c>, and dense or convolution layers with <c>Activation.ReLU</c>.</summary>
    private static bool IsRelu(LayerDescription layer) =>
        layer.Kind == "ReLU" || layer.Hyperparameters.TryGetValue("activation", out string? activation) && activation == "ReLU";

    private static bool HasLayerOutputs(ITrainableModel<T> model, string layer)
    {
        try
        {
            _ = model.LayerOutput(layer);
            return true;
        }
        catch (NotSupportedException)
        {
            return false; // a model generated by an older ModelGen: no dead-unit statistics
        }
    }

    // ---------------------------------------------------------------- before training

    /// <summary>
    /// Warns when the training inputs are far from standardized: per-feature mean and standard deviation over the first
    /// <see cref="TrainingMonitor.InputSamples"/> samples, computed once.
    /// </summary>
    public void CheckInputs(Dataset<T> train, int epoch)
    {
        if (!_settings.Warn || train.Count == 0) return;
        int features = train.FeatureCount, rows = Math.Min(train.Count, _settings.InputSamples);
        var sum = new double[features];
        var squares = new double[features];
        ReadOnlySpan<T> data = train.FeatureData.AsSpan(0, rows * features);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = data.Slice(r * features, features);
            for (int f = 0; f < features; f++)
            {
                double x = double.CreateTruncating(row[f]);
                sum[f] += x;
                squares[f] += x * x;
            }
        }
        int worst = 0;
        double worstSize = -1, largestStd = 0, smallestMean = double.PositiveInfinity, largestMean = double.NegativeInfinity;
        var means = new double[features];
        var stds = new double[features];
        for (int f = 0; f < features; f++)
        {
            means[f] = sum[f] / rows;
            stds[f] = Math.Sqrt(Math.Max(0, squares[f] / rows - means[f] * means[f]));
            double size = Math.Max(Math.Abs(means[f]), stds[f]);
            if (size > worstSize) (worst, worstSize) = (f, size);
            largestStd = Math.Max(largestStd, stds[f]);
            smallestMean = Math.Min(smallestMean, means[f]);
            largestMean = Math.Max(largestMean, means[f]);
        }
        double limit = _settings.InputScaleLimit;
        var c = CultureInfo.InvariantCulture;
        string over = string.Create(c, $"over the first {rows} training samples, the {features} features' means range from {smallestMean:g3} to {largestMean:g3} and their standard deviations from {stds.Min():g3} to {largestStd:g3}");
        string why = "the initializers assume inputs of mean 0 and variance 1; larger inputs saturate units and make the first layer's steps too large, smaller ones make it learn slowly";
        string fix = $"fit a Standardizer on the training set ({"Standardizer<" + typeof(T).Name + ">.Fit(train)"}) and transform every set with it";
        int before = _history.Warnings.Count;
        if (worstSize > limit)
            Raise(TrainingWarningKind.UnscaledInputs, epoch, null, string.Create(c,
                $"inputs far from standardized: feature {worst} has mean {means[worst]:g4} and standard deviation {stds[worst]:g4}, beyond {limit:g3} ({over}). Why: {why}. Do: {fix}."));
        else if (largestStd < 1 / limit)
            Raise(TrainingWarningKind.UnscaledInputs, epoch, null, string.Create(c,
                $"inputs far from standardized: no feature's standard deviation reaches {1 / limit:g3} (the largest is {largestStd:g3}; {over}). Why: {why}. Do: {fix}."));
        if (_history.Warnings.Count > before) _progress.Warn(_history.Warnings[^1]); // now: training has not started
    }

    // ---------------------------------------------------------------- every step (allocation-free)

    /// <summary>After the step's gradients are computed and checked, before its update: dead units, and on sampled steps gradient and weight norms.</summary>
    public void BeforeUpdate(int batchIndex)
    {
        long start = Stopwatch.GetTimestamp();
        CountFiredUnits();
        _sampling = (batchIndex % _interval == 0 || batchIndex == _batches - 1) && _samples < _capacity;
        if (_sampling) MeasureBeforeUpdate();
        _ticks += Stopwatch.GetTimestamp() - start;
    }

    private void MeasureBeforeUpdate()
    {
        int row = _samples * _layers.Length;
        double global = 0;
        for (int l = 0; l < _layers.Length; l++)
        {
            double gradient = 0, weight = 0;
            string[] tensors = _tensors[l];
            for (int t = 0; t < tensors.Length; t++)
            {
                gradient += Norms.SumOfSquares(_model.Gradient(tensors[t]));
                ReadOnlySpan<T> values = _model.Parameter(tensors[t]);
                values.CopyTo(_before.AsSpan(_offsets[l][t], values.Length));
                weight += Norms.SumOfSquares(values);
            }
            _gradientNorms[row + l] = Math.Sqrt(gradient);
            _weightNorms[row + l] = Math.Sqrt(weight);
            global += gradient;
        }
        _globalNorms[_samples] = Math.Sqrt(global);
    }

    /// <summary>After the step's update: on sampled steps, ‖Δw‖/‖w‖ per layer.</summary>
    public void AfterUpdate()
    {
        if (!_sampling) return;
        long start = Stopwatch.GetTimestamp();
        int row = _samples * _layers.Length;
        for (int l = 0; l < _layers.Length; l++)
        {
            double change = 0;
            string[] tensors = _tensors[l];
            for (int t = 0; t < tensors.Length; t++)
            {
                ReadOnlySpan<T> values = _model.Parameter(tensors[t]);
                change += Norms.SquaredDistance(values, _before.AsSpan(_offsets[l][t], values.Length));
            }
            double weight = _weightNorms[row + l];
            _ratios[row + l] = weight > 0 ? Math.Sqrt(change) / weight : double.NaN;
        }
        _samples++;
        _sampling = false;
        _ticks += Stopwatch.GetTimestamp() - start;
    }

    /// <summary>Marks the units of each ReLU layer whose output was above 0 for some sample of the step.</summary>
    private void CountFiredUnits()
    {
        if (!_hasLayerOutputs) return;
        for (int r = 0; r < _reluLayers.Length; r++)
        {
            int units = _units[r];
            if (_firedCount[r] == units) continue; // every unit has fired this epoch
            ReadOnlySpan<T> output = _model.LayerOutput(_reluLayers[r]);
            int positions = _positions[r], size = units * positions;
            bool[] fired = _fired[r];
            for (int start = 0; start + size <= output.Length; start += size)
            {
                for (int u = 0; u < units; u++)
                {
                    if (fired[u]) continue;
                    ReadOnlySpan<T> unit = output.Slice(start + u * positions, positions);
                    for (int k = 0; k < unit.Length; k++)
                    {
                        if (unit[k] > T.Zero)
                        {
                            fired[u] = true;
                            _firedCount[r]++;
                            break;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A step was refused because its loss, a gradient or a buffer was not finite: the exploding-gradient warning
    /// (once), printed now, since the trainer throws.
    /// </summary>
    public void NonFiniteStep(int epoch, int batch, string? tensor, double loss)
    {
        if (!_settings.Warn || _warned[(int)TrainingWarningKind.ExplodingGradients]) return;
        var c = CultureInfo.InvariantCulture;
        string what = tensor is null ? string.Create(c, $"the loss became {loss}") : $"'{tensor}' stopped being finite";
        string seen = _samples > 0
            ? string.Create(c, $"; the global gradient norm was {_globalNorms[_samples - 1]:g3} at the last sampled step of the epoch")
            : _previousEpoch > 0 ? string.Create(c, $"; the mean global gradient norm of epoch {_previousEpoch} was {_previousEpochNorm:g3}") : "";
        Raise(TrainingWarningKind.ExplodingGradients, epoch, null, string.Create(c,
            $"exploding gradients: in batch {batch}, {what}{seen}. Why: steps grow with the gradient, overshoot, and end in overflow. Do: add [GradientClipping(MaxNorm = 1.0)] (clips the global gradient norm before the optimizer), lower the learning rate, or standardize the inputs."));
        _progress.Warn(_history.Warnings[^1]);
    }

    // ---------------------------------------------------------------- after each epoch

    /// <summary>The epoch's statistics and warnings, added to <paramref name="result"/>; resets the epoch's samples.</summary>
    public EpochResult EndEpoch(EpochResult result)
    {
        long start = Stopwatch.GetTimestamp();
        int count = _samples, width = _layers.Length, epoch = result.Epoch;
        var statistics = new LayerStatistics[_order.Length];
        double[] meanGradient = new double[width];
        double?[] ratio = new double?[width];
        for (int l = 0; l < width; l++) meanGradient[l] = Mean(_gradientNorms, l, width, count);
        for (int i = 0; i < _order.Length; i++)
        {
            (string name, int p, int r) = _order[i];
            double? gradient = null, weight = null, dead = null;
            if (p >= 0)
            {
                gradient = meanGradient[p];
                weight = Mean(_weightNorms, p, width, count);
                ratio[p] = Median(p, width, count);
            }
            if (r >= 0 && _hasLayerOutputs) dead = 1 - (double)_firedCount[r] / _units[r];
            statistics[i] = new LayerStatistics(name, gradient, weight, p >= 0 ? ratio[p] : null, dead);
        }
        double global = Mean(_globalNorms, 0, 1, count);

        int before = _history.Warnings.Count;
        if (_settings.Warn && count > 0)
        {
            CheckVanishing(epoch, meanGradient);
            CheckExploding(epoch, count, global);
            CheckUpdateRatios(epoch, ratio);
        }
        if (_settings.Warn && _hasLayerOutputs) CheckDeadUnits(epoch);

        // The next epoch starts afresh.
        _samples = 0;
        foreach (bool[] fired in _fired) Array.Clear(fired);
        Array.Clear(_firedCount);
        _previousEpochNorm = global;
        _previousEpoch = epoch;

        TrainingWarning[] raised = _history.Warnings.Skip(before).ToArray();
        _ticks += Stopwatch.GetTimestamp() - start;
        _history.MonitorTime = Stopwatch.GetElapsedTime(0, _ticks);
        return result with { GradientNorm = count > 0 ? global : null, Layers = statistics, Warnings = raised };
    }

    private void CheckVanishing(int epoch, double[] meanGradient)
    {
        if (meanGradient.Length < 2) return;
        double first = meanGradient[0], last = meanGradient[^1];
        if (!(double.IsFinite(first) && double.IsFinite(last) && last > 0 && first < _settings.VanishingRatio * last)) return;
        var c = CultureInfo.InvariantCulture;
        Raise(TrainingWarningKind.VanishingGradients, epoch, _layers[0], string.Create(c,
            $"vanishing gradients: the first layer's gradient norm ({_layers[0]}: {first:g3}) is {first / last:g3} of the last layer's ({_layers[^1]}: {last:g3}), below {_settings.VanishingRatio:g3}. Why: each saturating activation (sigmoid, tanh) or small weight shrinks the gradient on its way back, so the first layers barely learn. Do: use ReLU-family activations with He initialization (WeightInit = Init.HeUniform), put [BatchNorm] between the layers, or add skip connections ([Add]); check that no weights start at zero."));
    }

    private void CheckExploding(int epoch, int count, double global)
    {
        var c = CultureInfo.InvariantCulture;
        const string Advice = "Why: the step grows with the gradient, overshoots, and can end in NaN. Do: add [GradientClipping(MaxNorm = 1.0)] (clips the global gradient norm before the optimizer) or lower the learning rate.";
        for (int s = 0; s < count; s++)
        {
            if (double.IsFinite(_globalNorms[s])) continue;
            Raise(TrainingWarningKind.ExplodingGradients, epoch, null, string.Create(c,
                $"exploding gradients: the global gradient norm became {_globalNorms[s]} (sampled step {s + 1} of the epoch) while every gradient was still finite. {Advice}"));
            return;
        }
        int quarter = Math.Max(1, count / 4);
        double start = Mean(_globalNorms, 0, 1, quarter), end = Mean(_globalNorms, count - quarter, 1, quarter);
        double growth = _settings.ExplodingGrowth;
        if (count >= 2 && start > 0 && end > growth * start)
            Raise(TrainingWarningKind.ExplodingGradients, epoch, null, string.Create(c,
                $"exploding gradients: the global gradient norm grew {end / start:g3}-fold during the epoch, from {start:g3} (mean of its first {quarter} sampled steps) to {end:g3} (its last {quarter}), more than {growth:g3}-fold. {Advice}"));
        else if (_previousEpochNorm > 0 && global > growth * _previousEpochNorm)
            Raise(TrainingWarningKind.ExplodingGradients, epoch, null, string.Create(c,
                $"exploding gradients: the mean global gradient norm grew {global / _previousEpochNorm:g3}-fold from epoch {_previousEpoch} ({_previousEpochNorm:g3}) to epoch {epoch} ({global:g3}), more than {growth:g3}-fold. {Advice}"));
    }

    private void CheckDeadUnits(int epoch)
    {
        var c = CultureInfo.InvariantCulture;
        var dead = new List<int>();
        for (int r = 0; r < _reluLayers.Length; r++)
            if (_units[r] > 0 && _units[r] - _firedCount[r] > _settings.DeadFraction * _units[r]) dead.Add(r);
        if (dead.Count == 0) return;
        int worst = dead[0];
        int deadUnits = _units[worst] - _firedCount[worst];
        string others = dead.Count > 1 ? " (also " + string.Join(", ", dead.Skip(1).Select(r => string.Create(c, $"{_reluLayers[r]}: {_units[r] - _firedCount[r]} of {_units[r]}"))) + ")" : "";
        Raise(TrainingWarningKind.DeadUnits, epoch, _reluLayers[worst], string.Create(c,
            $"dead units: {deadUnits} of the {_units[worst]} units of {_reluLayers[worst]} ({100.0 * deadUnits / _units[worst]:F0}%) never activated (output never above 0) during the epoch{others}, more than {100 * _settings.DeadFraction:g3}%. Why: a ReLU unit that never fires passes no gradient back, so it never learns again. Do: check that no weights start at zero (Init.Zeros), use He initialization, lower the learning rate, or use [LeakyReLU]."));
    }

    private void CheckUpdateRatios(int epoch, double?[] ratio)
    {
        var c = CultureInfo.InvariantCulture;
        double lr = double.CreateTruncating(_model.LearningRate);
        int largest = -1, known = 0;
        for (int l = 0; l < ratio.Length; l++)
        {
            if (ratio[l] is not double value || !double.IsFinite(value)) continue;
            known++;
            if (largest < 0 || value > ratio[largest]!.Value) largest = l;
        }
        if (largest < 0) return;
        double top = ratio[largest]!.Value;
        string list = string.Join(", ", Enumerable.Range(0, ratio.Length).Where(l => ratio[l] is double v && double.IsFinite(v))
            .Select(l => string.Create(c, $"{_layers[l]} {ratio[l]:g2}")));
        if (top > _settings.LargeUpdateRatio)
            Raise(TrainingWarningKind.LearningRateTooLarge, epoch, _layers[largest], string.Create(c,
                $"learning rate too large: the median update-to-weight ratio ‖Δw‖/‖w‖ of {_layers[largest]} over the epoch is {top:g3}, above {_settings.LargeUpdateRatio:g3}, where about 1e-3 is healthy ({list}). Why: each step changes the weights by a large fraction of their size, so training jumps around or diverges. Do: lower the learning rate (now {lr:g3}; try about {lr * 1e-3 / top:g2}), or warm it up with a schedule (LinearWarmup)."));
        else if (known > 0 && top < _settings.SmallUpdateRatio)
            Raise(TrainingWarningKind.LearningRateTooSmall, epoch, null, string.Create(c,
                $"learning rate too small: the median update-to-weight ratio ‖Δw‖/‖w‖ over the epoch is below {_settings.SmallUpdateRatio:g3} in every layer (largest {top:g3}, where about 1e-3 is healthy: {list}). Why: the weights barely move, so training crawls. Do: raise the learning rate (now {lr:g3}; try about {lr * 1e-3 / top:g2})."));
    }

    private void Raise(TrainingWarningKind kind, int epoch, string? layer, string message)
    {
        if (_warned[(int)kind]) return;
        _warned[(int)kind] = true;
        _history.AddWarning(new TrainingWarning(kind, epoch, layer, message));
    }

    private static double Mean(double[] values, int start, int stride, int count)
    {
        if (count == 0) return double.NaN;
        double sum = 0;
        for (int s = 0; s < count; s++) sum += values[start + s * stride];
        return sum / count;
    }

    /// <summary>The median of layer <paramref name="l"/>'s finite ratios, or null when there is none.</summary>
    private double? Median(int l, int width, int count)
    {
        int n = 0;
        for (int s = 0; s < count; s++)
        {
            double value = _ratios[s * width + l];
            if (double.IsFinite(value)) _scratch[n++] = value;
        }
        if (n == 0) return null;
        Span<double> values = _scratch.AsSpan(0, n);
        values.Sort();
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
