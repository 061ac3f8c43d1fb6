using System;
using System.Numerics;
using ModelGen.Initialization;

namespace ModelGen.Data;

/// <summary>
/// Random shifts and horizontal flips of images stored as [channels, height, width] (channel after channel, each
/// row-major), applied in place to a batch. Give one to a <see cref="BatchLoader{T}"/> to augment every training batch;
/// it owns no state, the randomness comes from the caller's <see cref="SplitMix64"/>, so the result is deterministic.
/// </summary>
/// <remarks>
/// For each sample, in batch order, exactly three values are drawn: <c>flip = NextDouble() &lt; FlipProbability</c>,
/// then the vertical shift <c>dy</c> and the horizontal shift <c>dx</c>, each uniform on −MaxShift..MaxShift. The
/// image is flipped left–right first, then moved by (dy, dx): pixel (y, x) takes the value of pixel (y − dy, x − dx),
/// or 0 where that lies outside the image. The same flip and shift apply to every channel of a sample. No allocation.
/// </remarks>
public sealed class ImageAugmentation
{
    /// <summary>Describes the augmentation of [<paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/>] images.</summary>
    /// <param name="channels">Channels of an image (1 for MNIST).</param>
    /// <param name="height">Rows of an image.</param>
    /// <param name="width">Columns of an image.</param>
    /// <param name="maxShift">The largest shift in pixels, vertically and horizontally (0: no shift).</param>
    /// <param name="flipProbability">The probability of a horizontal flip, in [0, 1] (0: never). Digits should not be flipped.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, the shift negative, or the probability outside [0, 1].</exception>
    public ImageAugmentation(int channels, int height, int width, int maxShift = 0, double flipProbability = 0.0)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "An image has at least one channel.");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, "An image has at least one row.");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "An image has at least one column.");
        if (maxShift < 0) throw new ArgumentOutOfRangeException(nameof(maxShift), maxShift, "The largest shift cannot be negative.");
        if (!(flipProbability >= 0 && flipProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(flipProbability), flipProbability, "The flip probability must lie in [0, 1].");
        if ((long)channels * height * width > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(width), "The image is too large.");
        Channels = channels;
        Height = height;
        Width = width;
        MaxShift = maxShift;
        FlipProbability = flipProbability;
    }

    /// <summary>Channels of an image.</summary>
    public int Channels { get; }

    /// <summary>Rows of an image.</summary>
    public int Height { get; }

    /// <summary>Columns of an image.</summary>
    public int Width { get; }

    /// <summary>The largest shift in pixels, in each direction.</summary>
    public int MaxShift { get; }

    /// <summary>The probability of a horizontal flip.</summary>
    public double FlipProbability { get; }

    /// <summary>The values of one image: <c>Channels × Height × Width</c> (must equal the data's FeatureCount).</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>
    /// Augments the first <paramref name="count"/> images of <paramref name="images"/> in place, drawing three values
    /// per image from <paramref name="random"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="images"/> holds fewer than <c>count × SampleSize</c> values.</exception>
    public void Apply<T>(Span<T> images, int count, ref SplitMix64 random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = SampleSize;
        if (count < 0 || (long)count * size > images.Length)
            throw new ArgumentException(
                $"images must hold count × {size} = {(long)count * size} values, but it holds {images.Length}.", nameof(images));
        int span = 2 * MaxShift + 1;
        for (int s = 0; s < count; s++)
        {
            bool flip = random.NextDouble() < FlipProbability;
            int dy = Permutation.NextInt(ref random, span) - MaxShift;
            int dx = Permutation.NextInt(ref random, span) - MaxShift;
            Span<T> image = images.Slice(s * size, size);
            for (int c = 0; c < Channels; c++)
            {
                Span<T> plane = image.Slice(c * Height * Width, Height * Width);
                if (flip)
                    for (int y = 0; y < Height; y++) plane.Slice(y * Width, Width).Reverse();
                if (dy != 0 || dx != 0) Shift(plane, dy, dx);
            }
        }
    }

    /// <summary>
    /// Moves a plane by (dy, dx) in place with zero fill. Rows are visited so that a source row is read before it is
    /// overwritten (bottom-up when moving down), and a row is moved within itself by an overlapping copy.
    /// </summary>
    private void Shift<T>(Span<T> plane, int dy, int dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = Height, w = Width;
        for (int k = 0; k < h; k++)
        {
            int y = dy > 0 ? h - 1 - k : k;
            int sy = y - dy;
            Span<T> row = plane.Slice(y * w, w);
            if (sy < 0 || sy >= h || Math.Abs(dx) >= w)
            {
                row.Clear();
                continue;
            }
            Span<T> source = plane.Slice(sy * w, w);
            if (dx >= 0)
            {
                source.Slice(0, w - dx).CopyTo(row.Slice(dx));
                row.Slice(0, dx).Clear();
            }
            else
            {
                source.Slice(-dx).CopyTo(row);
                row.Slice(w + dx).Clear();
            }
        }
    }
}
