using System;

namespace ModelGen.Kernels.Optimizers;

/// <summary>
/// The parameter tensors of a model as they lie back to back in its flat parameter array, each as rows of equal length:
/// its first dimension (a dense layer's output units, a convolution's output channels) by the rest. Given to an
/// optimizer's <c>Step</c>, it splits the pass by those rows in the shares the threads own
/// (<c>Parallelism.OwnedRange</c>): a dense layer's weights are then updated on the thread whose products computed those
/// outputs and their gradient rows, so that a row's weights, gradient and optimizer state stay in one core's cache from
/// step to step. Tensors with too few rows to share are updated on the calling thread when small, in even shares
/// otherwise. Generated models pass theirs; the result does not depend on it, only where each value is updated.
/// </summary>
public sealed class ParameterLayout
{
    /// <summary>
    /// A layout of <paramref name="tensors"/>, in storage order: each its number of rows and the values in a row
    /// (a <c>[128, 784]</c> weight is <c>(128, 784)</c>, a bias of 128 values <c>(128, 1)</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A tensor has no rows, a row no values, or all of them hold more than <see cref="int.MaxValue"/> values.</exception>
    public ParameterLayout(ReadOnlySpan<(int Rows, int RowLength)> tensors)
    {
        Rows = new int[tensors.Length];
        RowLengths = new int[tensors.Length];
        long count = 0;
        for (int t = 0; t < tensors.Length; t++)
        {
            (int rows, int length) = tensors[t];
            if (rows < 1 || length < 1)
                throw new ArgumentException($"Tensor {t} of the layout has {rows} rows of {length} values; both must be at least 1.", nameof(tensors));
            count += (long)rows * length;
            if (count > int.MaxValue)
                throw new ArgumentException($"The layout's tensors hold more than {int.MaxValue} values.", nameof(tensors));
            Rows[t] = rows;
            RowLengths[t] = length;
        }
        Count = (int)count;
    }

    /// <summary>Values in all the tensors: the length of the parameter array this layout describes.</summary>
    public int Count { get; }

    /// <summary>Rows of each tensor, in storage order.</summary>
    internal int[] Rows { get; }

    /// <summary>Values in a row of each tensor, in storage order.</summary>
    internal int[] RowLengths { get; }
}
