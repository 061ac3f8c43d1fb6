using System;
using System.Numerics;

namespace ModelGen.Kernels;

/// <summary>
/// Batch normalization with PyTorch's semantics over x [n, channels, spatial] (spatial = 1 after a vector, height·width
/// after an image): training normalizes each channel with the batch mean and biased variance over its n·spatial
/// values and updates the running statistics as <c>(1 − m)·old + m·batch</c>, with the unbiased variance;
/// inference uses the running statistics.
/// </summary>
public static class BatchNorm
{
    /// <summary>
    /// Training forward: <c>y = γ·x̂ + β</c> with <c>x̂ = (x − μ_B)/√(σ²_B + ε)</c>; keeps x̂ and 1/√(σ²_B + ε) per channel
    /// for the backward pass, and updates the running statistics. Needs n·spatial &gt; 1. Large batches split the
    /// channels over up to <paramref name="threads"/> threads (0: as many as <see cref="Parallelism.MaxThreads"/> allows),
    /// each channel computed whole on one of them, so the result does not depend on the split.
    /// </summary>
    public static unsafe void ForwardTraining<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, Span<T> y,
        Span<T> normalized, Span<T> invStd, Span<T> runningMean, Span<T> runningVar,
        int n, int channels, int spatial, double momentum, double epsilon, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = Checked(x, nameof(x), n, channels, spatial, out int m);
        Check.Length(y, count, nameof(y));
        Check.Length(normalized, count, nameof(normalized));
        if (m < 2) throw new ArgumentException($"Batch normalization in training needs more than one value per channel, but it has {m}.", nameof(n));
        Check.Length(gamma, channels, nameof(gamma));
        Check.Length(beta, channels, nameof(beta));
        Check.Length(invStd, channels, nameof(invStd));
        Check.Length(runningMean, channels, nameof(runningMean));
        Check.Length(runningVar, channels, nameof(runningVar));
        fixed (T* px = x, pg = gamma, pb = beta, py = y, pn = normalized, pi = invStd, pm = runningMean, pv = runningVar)
        {
            var job = new ForwardJob<T>
            {
                X = px, Gamma = pg, Beta = pb, Y = py, Normalized = pn, InvStd = pi, RunningMean = pm, RunningVar = pv,
                N = n, Channels = channels, Spatial = spatial,
                Mom = T.CreateTruncating(momentum), Keep = T.CreateTruncating(1 - momentum), Eps = T.CreateTruncating(epsilon),
                InvM = T.One / T.CreateTruncating(m), Unbias = T.CreateTruncating((double)m / (m - 1)),
            };
            // Three passes over each value (sum, squared deviations, normalize with two stores).
            Parallelism.Shares(ref job, threads, Check.Product(count, PassCost));
        }
    }

    /// <summary>Multiply-add equivalents per value that a batch-norm pass costs, for splitting it over the threads (memory-bound passes).</summary>
    private const int PassCost = 6;

    /// <summary>The <paramref name="spatial"/> values of one sample's channel in an <c>[n, channels, spatial]</c> array.</summary>
    private static unsafe Span<T> ChannelRow<T>(T* values, int sample, int channel, int channels, int spatial) where T : unmanaged =>
        new(values + ((nint)sample * channels + channel) * spatial, spatial);

    /// <summary>The training forward pass of channels <c>[start, end)</c>: each channel's statistics and values on one thread.</summary>
    private unsafe struct ForwardJob<T> : IElementwiseJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* X, Gamma, Beta, Y, Normalized, InvStd, RunningMean, RunningVar;
        public int N, Channels, Spatial;
        public T Mom, Keep, Eps, InvM, Unbias;

        public readonly int Count => Channels;

        public readonly void Run(int start, int end)
        {
            for (int c = start; c < end; c++)
            {
                T sum = T.Zero;
                for (int i = 0; i < N; i++) sum += RowMath.Sum(Row(X, i, c));
                T mean = sum * InvM;
                T squares = T.Zero;
                for (int i = 0; i < N; i++) squares += RowMath.SquaredDeviations(Row(X, i, c), mean);
                T variance = squares * InvM;
                T inv = T.One / T.Sqrt(variance + Eps);
                InvStd[c] = inv;
                RunningMean[c] = Keep * RunningMean[c] + Mom * mean;
                RunningVar[c] = Keep * RunningVar[c] + Mom * variance * Unbias;
                for (int i = 0; i < N; i++)
                    RowMath.Normalize(Row(X, i, c), mean, inv, Gamma[c], Beta[c], Row(Normalized, i, c), Row(Y, i, c));
            }
        }

        private readonly Span<T> Row(T* values, int sample, int channel) => ChannelRow(values, sample, channel, Channels, Spatial);
    }

    /// <summary>Inference forward: <c>y = γ·(x − running_mean)/√(running_var + ε) + β</c>.</summary>
    public static void ForwardInference<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta,
        ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVar, Span<T> y, int n, int channels, int spatial, double epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = Checked(x, nameof(x), n, channels, spatial, out _);
        Check.Length(y, count, nameof(y));
        Check.Length(gamma, channels, nameof(gamma));
        Check.Length(beta, channels, nameof(beta));
        Check.Length(runningMean, channels, nameof(runningMean));
        Check.Length(runningVar, channels, nameof(runningVar));
        T eps = T.CreateTruncating(epsilon);
        for (int c = 0; c < channels; c++)
        {
            T inv = T.One / T.Sqrt(runningVar[c] + eps), mean = runningMean[c], g = gamma[c], b = beta[c];
            for (int i = 0; i < n; i++)
            {
                int start = (i * channels + c) * spatial;
                for (int s = 0; s < spatial; s++) y[start + s] = (x[start + s] - mean) * inv * g + b;
            }
        }
    }

    /// <summary>
    /// Backward of the training forward: <c>dβ = Σ dy</c>, <c>dγ = Σ dy·x̂</c>, and with <c>g = dy·γ</c> over the m = n·spatial
    /// values of a channel, <c>dx = (1/√(σ²+ε))/m · (m·g − Σg − x̂·Σ(g·x̂))</c>. dγ and dβ are overwritten; dx too, or with
    /// <paramref name="accumulate"/> the gradient is added to what it holds (<c>dx += …</c>, computed as before and added last).
    /// Channels are split over up to <paramref name="threads"/> threads as in <see cref="ForwardTraining{T}"/>.
    /// </summary>
    public static unsafe void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> normalized, ReadOnlySpan<T> gamma, ReadOnlySpan<T> invStd,
        Span<T> dgamma, Span<T> dbeta, Span<T> dx, int n, int channels, int spatial, bool accumulate = false, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = Checked(dy, nameof(dy), n, channels, spatial, out int m);
        Check.Length(normalized, count, nameof(normalized));
        Check.Length(dx, count, nameof(dx));
        Check.Length(gamma, channels, nameof(gamma));
        Check.Length(invStd, channels, nameof(invStd));
        Check.Length(dgamma, channels, nameof(dgamma));
        Check.Length(dbeta, channels, nameof(dbeta));
        fixed (T* pdy = dy, pn = normalized, pg = gamma, pi = invStd, pdg = dgamma, pdb = dbeta, pdx = dx)
        {
            var job = new BackwardJob<T>
            {
                Dy = pdy, Normalized = pn, Gamma = pg, InvStd = pi, DGamma = pdg, DBeta = pdb, Dx = pdx,
                N = n, Channels = channels, Spatial = spatial, M = T.CreateTruncating(m), Accumulate = accumulate,
            };
            Parallelism.Shares(ref job, threads, Check.Product(count, PassCost));
        }
    }

    /// <summary>The backward pass of channels <c>[start, end)</c>: each channel's sums and gradient on one thread.</summary>
    private unsafe struct BackwardJob<T> : IElementwiseJob where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* Dy, Normalized, Gamma, InvStd, DGamma, DBeta, Dx;
        public int N, Channels, Spatial;
        public T M;
        public bool Accumulate;

        public readonly int Count => Channels;

        public readonly void Run(int start, int end)
        {
            for (int c = start; c < end; c++)
            {
                T sumDy = T.Zero, sumDyXhat = T.Zero;
                for (int i = 0; i < N; i++)
                {
                    (T s, T d) = RowMath.SumAndDot(Row(Dy, i, c), Row(Normalized, i, c));
                    sumDy += s;
                    sumDyXhat += d;
                }
                DBeta[c] = sumDy;
                DGamma[c] = sumDyXhat;
                T g = Gamma[c], scale = InvStd[c] / M;
                T sumG = sumDy * g, sumGXhat = sumDyXhat * g;
                // dx = scale·(m·g·dy − Σg − x̂·Σg·x̂), as a·dy − b − c·x̂
                T a = scale * M * g, b = scale * sumG, cc = scale * sumGXhat;
                for (int i = 0; i < N; i++)
                    RowMath.CombineGradient(Row(Dy, i, c), Row(Normalized, i, c), a, b, cc, Row(Dx, i, c), Accumulate);
            }
        }

        private readonly Span<T> Row(T* values, int sample, int channel) => ChannelRow(values, sample, channel, Channels, Spatial);
    }

    /// <summary>
    /// Checks the sizes (<c>n ≥ 0</c>, <c>channels, spatial &gt; 0</c>) and that <paramref name="first"/> (<paramref name="name"/>) holds
    /// <c>n·channels·spatial</c> values, a product computed in 64 bits; returns it, and <c>n·spatial</c> (the values of one channel).
    /// </summary>
    private static int Checked<T>(ReadOnlySpan<T> first, string name, int n, int channels, int spatial, out int perChannel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spatial);
        long count = Check.Product(n, channels, spatial);
        Check.Length(first, count, name);
        perChannel = n * spatial; // at most count
        return (int)count;
    }
}

/// <summary>
/// Layer normalization as PyTorch's <c>LayerNorm(sample shape)</c>: each sample is normalized over all its features
/// with its mean and biased variance, then scaled and shifted per feature: <c>y = γ·x̂ + β</c>.
/// </summary>
public static class LayerNorm
{
    /// <summary>Forward over x [n, features]; keeps x̂ and 1/√(σ² + ε) per sample for the backward pass.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, Span<T> y,
        Span<T> normalized, Span<T> invStd, int n, int features, double epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = Checked(x, nameof(x), n, features);
        Check.Length(y, count, nameof(y));
        Check.Length(normalized, count, nameof(normalized));
        Check.Length(gamma, features, nameof(gamma));
        Check.Length(beta, features, nameof(beta));
        Check.Length(invStd, n, nameof(invStd));
        T eps = T.CreateTruncating(epsilon), invF = T.One / T.CreateTruncating(features);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> row = x.Slice(i * features, features);
            T mean = RowMath.Sum(row) * invF;
            T inv = T.One / T.Sqrt(RowMath.SquaredDeviations(row, mean) * invF + eps);
            invStd[i] = inv;
            for (int j = 0; j < features; j++)
            {
                T xhat = (row[j] - mean) * inv;
                normalized[i * features + j] = xhat;
                y[i * features + j] = gamma[j] * xhat + beta[j];
            }
        }
    }

    /// <summary>
    /// Backward: <c>dγ = Σ_i dy·x̂</c>, <c>dβ = Σ_i dy</c> (overwritten), and per sample with <c>g = dy·γ</c>,
    /// <c>dx = (1/√(σ²+ε))/F · (F·g − Σg − x̂·Σ(g·x̂))</c> (overwritten, or with <paramref name="accumulate"/> added to what
    /// dx holds, last).
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> normalized, ReadOnlySpan<T> gamma, ReadOnlySpan<T> invStd,
        Span<T> dgamma, Span<T> dbeta, Span<T> dx, int n, int features, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = Checked(dy, nameof(dy), n, features);
        Check.Length(normalized, count, nameof(normalized));
        Check.Length(dx, count, nameof(dx));
        Check.Length(gamma, features, nameof(gamma));
        Check.Length(invStd, n, nameof(invStd));
        Check.Length(dgamma, features, nameof(dgamma));
        Check.Length(dbeta, features, nameof(dbeta));
        dgamma.Slice(0, features).Clear();
        dbeta.Slice(0, features).Clear();
        T fT = T.CreateTruncating(features);
        for (int i = 0; i < n; i++)
        {
            T sumG = T.Zero, sumGXhat = T.Zero;
            for (int j = 0; j < features; j++)
            {
                int k = i * features + j;
                dgamma[j] += dy[k] * normalized[k];
                dbeta[j] += dy[k];
                T g = dy[k] * gamma[j];
                sumG += g;
                sumGXhat += g * normalized[k];
            }
            T scale = invStd[i] / fT;
            if (accumulate)
            {
                for (int j = 0; j < features; j++)
                {
                    int k = i * features + j;
                    dx[k] += scale * (fT * dy[k] * gamma[j] - sumG - normalized[k] * sumGXhat);
                }
                continue;
            }
            for (int j = 0; j < features; j++)
            {
                int k = i * features + j;
                dx[k] = scale * (fT * dy[k] * gamma[j] - sumG - normalized[k] * sumGXhat);
            }
        }
    }

    /// <summary>
    /// Checks the sizes (<c>n ≥ 0</c>, <c>features &gt; 0</c>) and that <paramref name="first"/> (<paramref name="name"/>)
    /// holds <c>n·features</c> values, a product computed in 64 bits; returns it.
    /// </summary>
    private static int Checked<T>(ReadOnlySpan<T> first, string name, int n, int features)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        long count = Check.Product(n, features);
        Check.Length(first, count, name);
        return (int)count;
    }
}
