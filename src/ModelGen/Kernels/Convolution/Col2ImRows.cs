using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels;

internal static unsafe partial class Unfold
{
    /// <summary>
    /// Whether <see cref="Col2Im{T}"/> of these sizes folds row by row in registers (<see cref="Col2ImRows{T, TV, S}"/>):
    /// stride 1 and input rows of at most two vectors (32 floats with 512-bit vectors, 16 with 256-bit ones).
    /// </summary>
    internal static bool FoldsRows<T>(int stride, int width) where T : unmanaged, IFloatingPointIeee754<T> =>
        stride == 1 && ((Vector512.IsHardwareAccelerated && width <= 2 * Vector512<T>.Count)
                        || (Vector256.IsHardwareAccelerated && width <= 2 * Vector256<T>.Count));

    /// <summary>Col2im of stride 1 with the widest vectors whose two hold an input row (see <see cref="FoldsRows{T}"/>).</summary>
    private static void Col2ImRows<T>(T* columns, nint columnsLength, T* dx, nint dxLength, int channels, int height, int width,
        int kernel, int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated && width <= 2 * Vector512<T>.Count)
            Col2ImRows<T, Vector512<T>, Lanes512<T>>(columns, columnsLength, dx, dxLength, channels, height, width, kernel, padTop, padLeft, outHeight, outWidth);
        else
            Col2ImRows<T, Vector256<T>, Lanes256<T>>(columns, columnsLength, dx, dxLength, channels, height, width, kernel, padTop, padLeft, outHeight, outWidth);
    }

    /// <summary>
    /// <see cref="Col2Im{T}"/> for stride 1, one input row at a time: row <c>ih</c> of channel <c>c</c> is loaded into one
    /// or two vectors, every term it receives is added there, in the order (ki, kj) in which <see cref="Col2Im{T}"/> adds
    /// them, and it is stored once. Tap (ki, kj) gives the row one run of the column row <c>(c, ki, kj)</c>: the output
    /// row <c>oh = ih + padTop − ki</c>, read as vectors from <c>oh·outWidth + padLeft − kj</c> so that lane <c>iw</c> holds
    /// the term of input column <c>iw</c>, and the lanes outside the run replaced by −0, which adds nothing to any value
    /// (x + (−0) is x, −0 and +0 included): the same sums, bit for bit. Four channels' rows are built side by side, four
    /// independent chains of additions. Col2im by runs loaded, added to and stored each of the row's values once per term
    /// (LeNet's second layer: 4,000 runs of ten values per sample); here once per row.
    /// </summary>
    /// <remarks>
    /// A row's vectors reach past its end into the next row, whose values they load and store unchanged, as their lanes
    /// only receive −0; rows whose vectors would reach past <paramref name="dxLength"/>, and runs that would reach past
    /// the columns, go through copies on the stack instead (<see cref="FoldRow{T, TV, S}"/>).
    /// </remarks>
    private static void Col2ImRows<T, TV, S>(T* columns, nint columnsLength, T* dx, nint dxLength, int channels, int height, int width,
        int kernel, int padTop, int padLeft, int outHeight, int outWidth)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        int w = S.Width, lanes = width > w ? 2 * w : w;
        nint positions = (nint)outHeight * outWidth, plane = (nint)height * width, channelColumns = kernel * kernel * positions;
        // keep[kj·lanes + iw]: all bits set where input column iw receives a term of tap column kj.
        T* keep = stackalloc T[kernel * lanes];
        T* copy = stackalloc T[2 * lanes];
        T allBits;
        Unsafe.InitBlock(&allBits, 0xFF, (uint)sizeof(T));
        for (int kj = 0; kj < kernel; kj++)
        {
            int first = kj - padLeft, last = Math.Min(width, kj - padLeft + outWidth);
            for (int iw = 0; iw < lanes; iw++) keep[kj * lanes + iw] = iw >= first && iw < last ? allBits : T.Zero;
        }
        var fold = new RowFold<T> { Columns = columns, ColumnsEnd = columns + columnsLength, Keep = keep, Copy = copy, Lanes = lanes,
            Kernel = kernel, PadTop = padTop, PadLeft = padLeft, OutHeight = outHeight, OutWidth = outWidth, Positions = positions };
        T* dxEnd = dx + dxLength;
        // Each run of tap (ki, kj) starts positions − 1 values after tap (ki, kj − 1)'s.
        nint step = positions - 1;
        for (int c = 0; c < channels; c += 4)
            for (int ih = 0; ih < height; ih++)
            {
                T* row = dx + c * plane + (nint)ih * width;
                T* taps = columns + c * channelColumns;
                // Four channels at once when they are there, and their rows and runs are inside (the last channel's
                // reach furthest).
                bool four = c + 4 <= channels && row + 3 * plane + lanes <= dxEnd
                    && RunsInside(fold, taps + 3 * channelColumns, ih);
                if (!four)
                {
                    for (int g = c; g < Math.Min(channels, c + 4); g++)
                        FoldRow<T, TV, S>(fold, columns + g * channelColumns, dx + g * plane + (nint)ih * width, dxEnd, ih);
                    continue;
                }
                TV negativeZero = S.Splat(T.NegativeZero);
                T* row1 = row + plane, row2 = row1 + plane, row3 = row2 + plane;
                TV a0 = S.Load(ref *row, 0), b0 = S.Load(ref *row1, 0), c0 = S.Load(ref *row2, 0), d0 = S.Load(ref *row3, 0);
                TV a1 = S.Zero, b1 = S.Zero, c1 = S.Zero, d1 = S.Zero;
                if (lanes > w)
                {
                    a1 = S.Load(ref *row, (nuint)w); b1 = S.Load(ref *row1, (nuint)w);
                    c1 = S.Load(ref *row2, (nuint)w); d1 = S.Load(ref *row3, (nuint)w);
                }
                for (int ki = 0; ki < kernel; ki++)
                {
                    int oh = ih + padTop - ki;
                    if ((uint)oh >= (uint)outHeight) continue;
                    T* run = taps + (nint)ki * kernel * positions + (nint)oh * outWidth + padLeft;
                    T* mask = keep;
                    for (int kj = 0; kj < kernel; kj++, run += step, mask += lanes)
                    {
                        TV m = S.Load(ref *mask, 0);
                        a0 = S.Add(a0, S.Select(m, S.Load(ref *run, 0), negativeZero));
                        b0 = S.Add(b0, S.Select(m, S.Load(ref *(run + channelColumns), 0), negativeZero));
                        c0 = S.Add(c0, S.Select(m, S.Load(ref *(run + 2 * channelColumns), 0), negativeZero));
                        d0 = S.Add(d0, S.Select(m, S.Load(ref *(run + 3 * channelColumns), 0), negativeZero));
                        if (lanes > w)
                        {
                            m = S.Load(ref *mask, (nuint)w);
                            a1 = S.Add(a1, S.Select(m, S.Load(ref *run, (nuint)w), negativeZero));
                            b1 = S.Add(b1, S.Select(m, S.Load(ref *(run + channelColumns), (nuint)w), negativeZero));
                            c1 = S.Add(c1, S.Select(m, S.Load(ref *(run + 2 * channelColumns), (nuint)w), negativeZero));
                            d1 = S.Add(d1, S.Select(m, S.Load(ref *(run + 3 * channelColumns), (nuint)w), negativeZero));
                        }
                    }
                }
                S.Store(a0, ref *row, 0); S.Store(b0, ref *row1, 0); S.Store(c0, ref *row2, 0); S.Store(d0, ref *row3, 0);
                if (lanes > w)
                {
                    S.Store(a1, ref *row, (nuint)w); S.Store(b1, ref *row1, (nuint)w);
                    S.Store(c1, ref *row2, (nuint)w); S.Store(d1, ref *row3, (nuint)w);
                }
            }
    }

    /// <summary>What the rows of one <see cref="Col2ImRows{T, TV, S}"/> call share.</summary>
    private struct RowFold<T> where T : unmanaged
    {
        public T* Columns, ColumnsEnd, Keep, Copy;
        public int Lanes, Kernel, PadTop, PadLeft, OutHeight, OutWidth;
        public nint Positions;
    }

    /// <summary>Whether every run that input row <paramref name="ih"/> of the channel whose column rows start at <paramref name="taps"/> reads ends inside the columns.</summary>
    private static bool RunsInside<T>(in RowFold<T> f, T* taps, int ih) where T : unmanaged
    {
        // The last tap column's run of the last kernel row that reaches the input row ends furthest.
        for (int ki = f.Kernel - 1; ki >= 0; ki--)
        {
            int oh = ih + f.PadTop - ki;
            if ((uint)oh >= (uint)f.OutHeight) continue;
            T* run = taps + ((nint)ki * f.Kernel + f.Kernel - 1) * f.Positions + (nint)oh * f.OutWidth + f.PadLeft - (f.Kernel - 1);
            return run + f.Lanes <= f.ColumnsEnd;
        }
        return true;
    }

    /// <summary>
    /// Row <paramref name="ih"/> of one channel (<paramref name="row"/> in dx, its column rows from <paramref name="taps"/>),
    /// as in <see cref="Col2ImRows{T, TV, S}"/>, through copies where its vectors or runs would reach past the sample or the columns.
    /// </summary>
    private static void FoldRow<T, TV, S>(in RowFold<T> f, T* taps, T* row, T* dxEnd, int ih)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where S : struct, ILanes<TV, T>
    {
        int w = S.Width, lanes = f.Lanes;
        T* rowCopy = f.Copy, runCopy = f.Copy + lanes;
        bool inside = row + lanes <= dxEnd;
        T* at = row;
        if (!inside)
        {
            nint width = (nint)Math.Min(dxEnd - row, lanes);
            for (int iw = 0; iw < lanes; iw++) rowCopy[iw] = iw < width ? row[iw] : T.Zero;
            at = rowCopy;
        }
        TV negativeZero = S.Splat(T.NegativeZero);
        TV a0 = S.Load(ref *at, 0), a1 = lanes > w ? S.Load(ref *at, (nuint)w) : S.Zero;
        for (int ki = 0; ki < f.Kernel; ki++)
        {
            int oh = ih + f.PadTop - ki;
            if ((uint)oh >= (uint)f.OutHeight) continue;
            for (int kj = 0; kj < f.Kernel; kj++)
            {
                T* run = taps + ((nint)ki * f.Kernel + kj) * f.Positions + (nint)oh * f.OutWidth + f.PadLeft - kj;
                T* mask = f.Keep + kj * lanes;
                if (run < f.Columns || run + lanes > f.ColumnsEnd)
                {
                    // A run at the start or the end of the columns: only its own values (where the mask is all ones, a NaN).
                    for (int iw = 0; iw < lanes; iw++) runCopy[iw] = T.IsNaN(mask[iw]) ? run[iw] : T.Zero;
                    run = runCopy;
                }
                a0 = S.Add(a0, S.Select(S.Load(ref *mask, 0), S.Load(ref *run, 0), negativeZero));
                if (lanes > w) a1 = S.Add(a1, S.Select(S.Load(ref *mask, (nuint)w), S.Load(ref *run, (nuint)w), negativeZero));
            }
        }
        S.Store(a0, ref *at, 0);
        if (lanes > w) S.Store(a1, ref *at, (nuint)w);
        if (!inside)
            for (nint iw = 0, end = (nint)Math.Min(dxEnd - row, lanes); iw < end; iw++) row[iw] = rowCopy[iw];
    }
}
