using System;
using System.Numerics;
using ModelGen.Kernels;
using Xunit;

namespace ModelGen.Tests.Kernels;

/// <summary>
/// The backward kernels' <c>accumulate</c> flag, which graph models use where a value is read by several layers: run on
/// an input gradient that already holds values, the kernel must leave <c>prefill + g</c>, where <c>g</c> is what it writes
/// without the flag (exactly, for the kernels that add their finished value; to within the rounding of a chain that
/// starts from the prefill, for the products and scatters that add into it), in float and double, leave every other
/// output as without the flag, give the same bits on one thread and on all, and allocate nothing.
/// </summary>
public class AccumulateKernelTests
{
    /// <summary>
    /// Runs <paramref name="run"/> on a gradient full of NaN without the flag (it must overwrite every value) and on a
    /// copy of random values with it, and compares the second with the sum of the prefill and the first: bit for bit when
    /// <paramref name="tolerance"/> is 0, otherwise within <c>tolerance·(1 + |prefill| + |g|)</c>.
    /// </summary>
    private static void AssertAccumulates<T>(int length, Action<T[], bool> run, double tolerance, string what, int seed = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] plain = new T[length];
        Array.Fill(plain, T.NaN);
        run(plain, false);
        T[] prefill = Values<T>(length, seed + 1000);
        T[] accumulated = (T[])prefill.Clone();
        run(accumulated, true);
        for (int i = 0; i < length; i++)
        {
            Assert.False(T.IsNaN(plain[i]), $"{what}: value {i} was not written without accumulate");
            T expected = prefill[i] + plain[i];
            if (tolerance == 0)
            {
                if (!expected.Equals(accumulated[i]))
                    Assert.Fail($"{what} ({typeof(T).Name})[{i}]: prefill {prefill[i]} + g {plain[i]} = {expected}, accumulated {accumulated[i]}");
                continue;
            }
            double e = double.CreateTruncating(expected), a = double.CreateTruncating(accumulated[i]);
            double bound = tolerance * (1 + Math.Abs(double.CreateTruncating(prefill[i])) + Math.Abs(double.CreateTruncating(plain[i])));
            Assert.True(Math.Abs(e - a) <= bound,
                $"{what} ({typeof(T).Name})[{i}]: prefill {prefill[i]} + g {plain[i]} = {expected}, accumulated {accumulated[i]} (error {Math.Abs(e - a):E2})");
        }
    }

    private static T[] Values<T>(int count, int seed, double scale = 1.0) where T : unmanaged, IFloatingPointIeee754<T> =>
        Array.ConvertAll(TestData.Doubles(count, seed, scale), v => T.CreateTruncating(v));

    /// <summary>The spacing of the type's values at 1 (twice the unit roundoff).</summary>
    private static double Eps<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? Math.Pow(2, -23) : Math.Pow(2, -52);

    private static void AssertSameBits<T>(T[] expected, T[] actual, string what)
    {
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{what} differs");
    }

    // ---- Activations and dropout: the gradient added as it is stored ----

    // Lengths around the vector widths: only a tail, one vector and a tail, several vectors and a tail.
    public static TheoryData<int> Lengths() => new() { 1, 3, 8, 37, 100, 257 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Activation_backward_passes_add_exactly(int length)
    {
        ActivationsAddExactly<float>(length);
        ActivationsAddExactly<double>(length);
    }

    private static void ActivationsAddExactly<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Values<T>(length, seed: 2, scale: 3);
        x[0] = T.Zero; // y = 0: no gradient through ReLU
        T[] dy = Values<T>(length, seed: 3);
        T alpha = T.CreateTruncating(0.1);
        T[] relu = new T[length], leaky = new T[length], tanh = new T[length], sigmoid = new T[length];
        Activations.ReluForward<T>(x, relu);
        Activations.LeakyReluForward<T>(x, leaky, alpha);
        Activations.TanhForward<T>(x, tanh);
        Activations.SigmoidForward<T>(x, sigmoid);

        AssertAccumulates<T>(length, (dx, acc) => Activations.ReluBackward<T>(relu, dy, dx, acc), 0, "ReLU");
        AssertAccumulates<T>(length, (dx, acc) => Activations.LeakyReluBackward<T>(leaky, dy, dx, alpha, acc), 0, "LeakyReLU");
        AssertAccumulates<T>(length, (dx, acc) => Activations.TanhBackward<T>(tanh, dy, dx, acc), 0, "tanh");
        AssertAccumulates<T>(length, (dx, acc) => Activations.SigmoidBackward<T>(sigmoid, dy, dx, acc), 0, "sigmoid");

        // Softmax over rows of 1, 5 and the whole span.
        foreach (int features in new[] { 1, 5, length })
        {
            int used = length / features * features;
            T[] y = new T[used];
            Activations.SoftmaxForward<T>(x.AsSpan(0, used), y, features);
            AssertAccumulates<T>(used, (dx, acc) => Activations.SoftmaxBackward<T>(y, dy.AsSpan(0, used), dx, features, acc), 0,
                $"softmax over {features}");
        }
    }

    [Fact]
    public void The_in_place_activation_forms_still_overwrite_the_output_gradient()
    {
        float[] x = Values<float>(19, seed: 4, scale: 3), y = new float[19], dy = Values<float>(19, seed: 5);
        Activations.TanhForward<float>(x, y);
        float[] separate = new float[19], inPlace = (float[])dy.Clone();
        Activations.TanhBackward<float>(y, dy, separate);
        Activations.TanhBackward<float>(y, inPlace);
        AssertSameBits(separate, inPlace, "in-place tanh backward");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dropout_backward_adds_exactly(int length)
    {
        DropoutAddsExactly<float>(length);
        DropoutAddsExactly<double>(length);
    }

    private static void DropoutAddsExactly<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] mask = Array.ConvertAll(TestData.Labels(length, 2, seed: 6), v => v == 0 ? T.Zero : T.CreateTruncating(1 / 0.7));
        T[] dy = Values<T>(length, seed: 7);
        AssertAccumulates<T>(length, (dx, acc) => Dropout.Backward<T>(dy, mask, dx, acc), 0, "dropout");
    }

    // ---- Normalization: the gradient added last, the parameters' gradients unchanged ----

    [Theory]
    [InlineData(4, 3, 1)]
    [InlineData(2, 5, 37)]
    [InlineData(3, 2, 64)]
    public void Batch_norm_backward_adds_exactly_and_still_overwrites_its_parameter_gradients(int n, int channels, int spatial)
    {
        BatchNormAddsExactly<float>(n, channels, spatial);
        BatchNormAddsExactly<double>(n, channels, spatial);
    }

    private static void BatchNormAddsExactly<T>(int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = n * channels * spatial;
        T[] x = Values<T>(count, seed: 8, scale: 2), gamma = Values<T>(channels, seed: 9), beta = Values<T>(channels, seed: 10);
        T[] y = new T[count], normalized = new T[count], invStd = new T[channels];
        T[] runningMean = new T[channels], runningVar = new T[channels];
        BatchNorm.ForwardTraining<T>(x, gamma, beta, y, normalized, invStd, runningMean, runningVar, n, channels, spatial, 0.1, 1e-5);
        T[] dy = Values<T>(count, seed: 11);
        T[] dgamma0 = new T[channels], dbeta0 = new T[channels], dgamma1 = new T[channels], dbeta1 = new T[channels];
        AssertAccumulates<T>(count, (dx, acc) => BatchNorm.Backward<T>(dy, normalized, gamma, invStd,
            acc ? dgamma1 : dgamma0, acc ? dbeta1 : dbeta0, dx, n, channels, spatial, acc), 0, "batch norm");
        AssertSameBits(dgamma0, dgamma1, "dgamma");
        AssertSameBits(dbeta0, dbeta1, "dbeta");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 7)]
    [InlineData(3, 40)]
    public void Layer_norm_backward_adds_exactly_and_still_overwrites_its_parameter_gradients(int n, int features)
    {
        LayerNormAddsExactly<float>(n, features);
        LayerNormAddsExactly<double>(n, features);
    }

    private static void LayerNormAddsExactly<T>(int n, int features) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = n * features;
        T[] x = Values<T>(count, seed: 12, scale: 2), gamma = Values<T>(features, seed: 13), beta = Values<T>(features, seed: 14);
        T[] y = new T[count], normalized = new T[count], invStd = new T[n];
        LayerNorm.Forward<T>(x, gamma, beta, y, normalized, invStd, n, features, 1e-5);
        T[] dy = Values<T>(count, seed: 15);
        T[] dgamma0 = new T[features], dbeta0 = new T[features], dgamma1 = new T[features], dbeta1 = new T[features];
        AssertAccumulates<T>(count, (dx, acc) => LayerNorm.Backward<T>(dy, normalized, gamma, invStd,
            acc ? dgamma1 : dgamma0, acc ? dbeta1 : dbeta0, dx, n, features, acc), 0, "layer norm");
        AssertSameBits(dgamma0, dgamma1, "dgamma");
        AssertSameBits(dbeta0, dbeta1, "dbeta");
    }

    // ---- Pooling: the scatter onto what dx holds instead of onto zeros ----

    [Theory]
    [InlineData(3, 2, 8, 10, 2, 2)]  // disjoint windows: one addition per value, exact
    [InlineData(2, 3, 7, 5, 2, 2)]   // floor mode: inputs no window reaches keep their value
    [InlineData(2, 2, 9, 7, 3, 2)]   // overlapping windows
    [InlineData(1, 3, 5, 6, 2, 1)]
    public void Pooling_backward_passes_add_onto_the_gradient(int n, int c, int h, int w, int pool, int stride)
    {
        PoolingAdds<float>(n, c, h, w, pool, stride);
        PoolingAdds<double>(n, c, h, w, pool, stride);
    }

    private static void PoolingAdds<T>(int n, int c, int h, int w, int pool, int stride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int oh = (h - pool) / stride + 1, ow = (w - pool) / stride + 1;
        T[] x = Values<T>(n * c * h * w, seed: 16), y = new T[n * c * oh * ow], dy = Values<T>(y.Length, seed: 17);
        int[] argmax = new int[y.Length];
        Pooling.MaxForward<T>(x, y, argmax, n, c, h, w, pool, stride, oh, ow);
        // Disjoint windows add one value to each input at most: exact. Overlapping ones add up to pool² in turn onto the
        // prefill instead of onto zero: a few roundings.
        double tolerance = stride >= pool ? 0 : 4 * pool * pool * Eps<T>();
        AssertAccumulates<T>(x.Length, (dx, acc) => Pooling.MaxBackward<T>(dy, argmax, dx, n, c, h, w, oh, ow, acc), tolerance, "max pooling");
        AssertAccumulates<T>(x.Length, (dx, acc) => Pooling.AvgBackward<T>(dy, dx, n, c, h, w, pool, stride, oh, ow, acc), tolerance, "average pooling");
    }

    // ---- Dense: the product's chains started from dx ----

    [Theory]
    [InlineData(1, 5, 3)]
    [InlineData(3, 17, 9)]     // fewer than four rows: the row kernels
    [InlineData(7, 33, 13)]    // tiles of six rows and a tail
    [InlineData(13, 80, 129)]
    [InlineData(2, 40, 300)]   // a depth over one block of the product
    public void Dense_backward_adds_its_input_gradient_and_leaves_the_rest(int n, int inputs, int outputs)
    {
        DenseAdds<float>(n, inputs, outputs);
        DenseAdds<double>(n, inputs, outputs);
    }

    private static void DenseAdds<T>(int n, int inputs, int outputs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Values<T>(n * inputs, seed: 18), w = Values<T>(outputs * inputs, seed: 19), dy = Values<T>(n * outputs, seed: 20);
        T[] dw0 = new T[w.Length], db0 = new T[outputs], dw1 = new T[w.Length], db1 = new T[outputs];
        // One chain of `outputs` fused multiply-adds from the prefill against one from zero and an addition.
        double tolerance = 2 * (outputs + 1) * Eps<T>();
        AssertAccumulates<T>(n * inputs, (dx, acc) => Dense.Backward<T>(x, w, dy, acc ? dw1 : dw0, acc ? db1 : db0, dx,
            n, inputs, outputs, accumulate: acc), tolerance, "dense dx");
        AssertSameBits(dw0, dw1, "dw");
        AssertSameBits(db0, db1, "db");
        AssertAccumulates<T>(n * inputs, (dx, acc) => Dense.InputGradient<T>(dy, w, dx, n, inputs, outputs, accumulate: acc),
            tolerance, "dense input gradient");

        // An empty dx still skips the input gradient.
        T[] dw2 = new T[w.Length];
        Dense.Backward<T>(x, w, dy, dw2, Span<T>.Empty, Span<T>.Empty, n, inputs, outputs, accumulate: true);
        AssertSameBits(dw0, dw2, "dw without dx");
    }

    [Fact]
    public void Dense_accumulation_gives_the_same_bits_on_one_thread_and_on_all()
    {
        // 64·300·200 = 3.84 M multiply-adds: split on any machine with two processors or more.
        const int n = 64, inputs = 300, outputs = 200;
        float[] x = TestData.Floats(n * inputs, seed: 21), w = TestData.Floats(outputs * inputs, seed: 22);
        float[] dy = TestData.Floats(n * outputs, seed: 23), prefill = TestData.Floats(n * inputs, seed: 24);
        float[] dx1 = (float[])prefill.Clone(), dxAll = (float[])prefill.Clone();
        Dense.Backward<float>(x, w, dy, new float[w.Length], new float[outputs], dx1, n, inputs, outputs, threads: 1, accumulate: true);
        Dense.Backward<float>(x, w, dy, new float[w.Length], new float[outputs], dxAll, n, inputs, outputs, threads: 0, accumulate: true);
        AssertSameBits(dx1, dxAll, "accumulated dx on all threads");
        Assert.False(dx1.AsSpan().SequenceEqual(prefill));
    }

    // ---- Convolution: added in the direct kernel's stores, or col2im onto dx ----

    /// <summary>A convolution; <see cref="Direct"/>: its input gradient takes the direct kernel (exact), else col2im.</summary>
    public sealed record Conv(int N, int C, int H, int W, int F, int K, int S, int Pad, int OutH, int OutW, bool Direct)
    {
        public int XLength => N * C * H * W;
        public int WLength => F * C * K * K;
        public int YLength => N * F * OutH * OutW;
    }

    private static readonly string[] ConvShapeNames = ["direct, row tiles", "direct, position tiles", "col2im, stride 2", "col2im, valid"];

    public static TheoryData<string> ConvNames() => new(ConvShapeNames);

    private static Conv ConvShape(string name) => name switch
    {
        // Stride 1, same padding, 16 channels: the direct input gradient. Rows of 30 (the last step of a row moved back)
        // and 16 channels (the last panel of six moved back) for tiles along the rows; 5×5 kernels over 32 filters for
        // tiles of positions (100 positions: the last tile moved back).
        "direct, row tiles" => new(2, 16, 9, 30, 2, 3, 1, 1, 9, 30, true),
        "direct, position tiles" => new(2, 16, 10, 10, 32, 5, 1, 2, 10, 10, true),
        "col2im, stride 2" => new(3, 3, 9, 8, 5, 3, 2, 1, 5, 4, false),
        "col2im, valid" => new(2, 2, 7, 6, 3, 3, 1, 0, 5, 4, false),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(ConvNames))]
    public void Convolution_backward_adds_its_input_gradient_and_leaves_the_rest(string shape)
    {
        ConvolutionAdds<float>(ConvShape(shape));
        ConvolutionAdds<double>(ConvShape(shape));
    }

    private static void ConvolutionAdds<T>(Conv s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Values<T>(s.XLength, seed: 25), w = Values<T>(s.WLength, seed: 26), dy = Values<T>(s.YLength, seed: 27);
        T[] columns = new T[Conv2D.ColumnsLength(s.C, s.K, s.OutH, s.OutW) * Conv2D.ScratchCopies(0)];
        T[] dw0 = new T[w.Length], db0 = new T[s.F], dw1 = new T[w.Length], db1 = new T[s.F];
        // Col2im adds up to K² columns in turn onto the prefill instead of onto zero.
        double tolerance = s.Direct ? 0 : 4 * s.K * s.K * Eps<T>();
        AssertAccumulates<T>(s.XLength, (dx, acc) => Conv2D.Backward<T>(x, w, dy, acc ? dw1 : dw0, acc ? db1 : db0, dx, columns,
            s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.Pad, s.Pad, s.OutH, s.OutW, accumulate: acc), tolerance, "convolution dx");
        AssertSameBits(dw0, dw1, "dw");
        AssertSameBits(db0, db1, "db");
    }

    [Fact]
    public void Convolution_accumulation_gives_the_same_bits_on_one_thread_and_on_all()
    {
        // Each split the input gradient has: by samples and, for one sample, by position tiles (5×5 over 32 filters, 400
        // positions: the last tile moved back across the parts' boundary) or by output rows (3×3 over 4 filters, rows
        // of 40); then col2im by samples (stride 2).
        var shapes = new Conv[]
        {
            new(1, 16, 20, 20, 32, 5, 1, 2, 20, 20, true),
            new(6, 16, 20, 20, 32, 5, 1, 2, 20, 20, true),
            new(1, 16, 48, 40, 4, 3, 1, 1, 48, 40, true),
            new(4, 16, 48, 40, 4, 3, 1, 1, 48, 40, true),
            new(24, 3, 21, 21, 12, 5, 2, 2, 11, 11, false),
        };
        foreach (Conv s in shapes)
        {
            float[] x = TestData.Floats(s.XLength, seed: 28), w = TestData.Floats(s.WLength, seed: 29);
            float[] dy = TestData.Floats(s.YLength, seed: 30), prefill = TestData.Floats(s.XLength, seed: 31);
            float[] columns = new float[Conv2D.ColumnsLength(s.C, s.K, s.OutH, s.OutW) * Conv2D.ScratchCopies(0)];
            float[] plain = new float[s.XLength], dx1 = (float[])prefill.Clone(), dxAll = (float[])prefill.Clone();
            float[] dw = new float[s.WLength];
            Conv2D.Backward<float>(x, w, dy, dw, Span<float>.Empty, plain, columns,
                s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.Pad, s.Pad, s.OutH, s.OutW, threads: 1);
            Conv2D.Backward<float>(x, w, dy, dw, Span<float>.Empty, dx1, columns,
                s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.Pad, s.Pad, s.OutH, s.OutW, threads: 1, accumulate: true);
            Conv2D.Backward<float>(x, w, dy, dw, Span<float>.Empty, dxAll, columns,
                s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.Pad, s.Pad, s.OutH, s.OutW, threads: 0, accumulate: true);
            AssertSameBits(dx1, dxAll, $"accumulated dx of {s} on all threads");
            for (int i = 0; i < s.XLength; i++)
            {
                if (s.Direct) Assert.Equal(prefill[i] + plain[i], dx1[i]);
                else Assert.True(Math.Abs(prefill[i] + plain[i] - dx1[i]) <= 1e-5 * (1 + Math.Abs(plain[i])), $"{s}: dx[{i}]");
            }
        }
    }

    // ---- Allocations ----

    [Fact]
    public void Accumulating_backward_passes_allocate_nothing()
    {
        float[] y = TestData.Floats(100, seed: 32), dy = TestData.Floats(100, seed: 33), dx = new float[100];
        Assert.Equal(0, Allocations.Steady(() => Activations.ReluBackward<float>(y, dy, dx, accumulate: true)));
        Assert.Equal(0, Allocations.Steady(() => Activations.TanhBackward<float>(y, dy, dx, accumulate: true)));
        Assert.Equal(0, Allocations.Steady(() => Activations.SoftmaxBackward<float>(y, dy, dx, 10, accumulate: true)));
        Assert.Equal(0, Allocations.Steady(() => Dropout.Backward<float>(dy, y, dx, accumulate: true)));
        float[] gamma = TestData.Floats(5, seed: 34), invStd = TestData.Floats(20, seed: 35), dgamma = new float[5], dbeta = new float[5];
        Assert.Equal(0, Allocations.Steady(() => BatchNorm.Backward<float>(dy, y, gamma, invStd, dgamma, dbeta, dx, 4, 5, 5, accumulate: true)));
        Assert.Equal(0, Allocations.Steady(() => LayerNorm.Backward<float>(dy, y, gamma, invStd, dgamma, dbeta, dx, 20, 5, accumulate: true)));

        int[] argmax = new int[25];
        Assert.Equal(0, Allocations.Steady(() => Pooling.MaxBackward<float>(dy.AsSpan(0, 25), argmax, dx, 1, 1, 10, 10, 5, 5, accumulate: true)));
        Assert.Equal(0, Allocations.Steady(() => Pooling.AvgBackward<float>(dy.AsSpan(0, 25), dx, 1, 1, 10, 10, 2, 2, 5, 5, accumulate: true)));

        float[] w = TestData.Floats(10 * 10, seed: 36), dw = new float[100], db = new float[10];
        Assert.Equal(0, Allocations.Steady(() => Dense.Backward<float>(y, w, dy, dw, db, dx, 10, 10, 10, accumulate: true)));

        foreach (string name in ConvShapeNames)
        {
            Conv s = ConvShape(name);
            float[] cx = TestData.Floats(s.XLength, seed: 37), cw = TestData.Floats(s.WLength, seed: 38), cdy = TestData.Floats(s.YLength, seed: 39);
            float[] cdw = new float[s.WLength], cdx = new float[s.XLength], columns = new float[Conv2D.ColumnsLength(s.C, s.K, s.OutH, s.OutW)];
            Assert.Equal(0, Allocations.Steady(() => Conv2D.Backward<float>(cx, cw, cdy, cdw, Span<float>.Empty, cdx, columns,
                s.N, s.C, s.H, s.W, s.F, s.K, s.S, s.Pad, s.Pad, s.OutH, s.OutW, accumulate: true)));
        }
    }
}
