using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace ModelGen.IO;

/// <summary>One line of a <see cref="SvgPlot"/>: the value at x = 1, 2, ... (epochs, for example).</summary>
/// <param name="Name">The legend text.</param>
/// <param name="Values">The y values; NaN and infinite values are skipped (the line joins the neighbouring points).</param>
/// <param name="RightAxis">Plot against a separate right-hand y axis (for a series on another scale, such as accuracy beside a loss).</param>
public sealed record PlotSeries(string Name, IReadOnlyList<double> Values, bool RightAxis = false);

/// <summary>
/// Draws line charts of training curves as self-contained SVG files: a title, axes with ticks and tick labels, an x-axis
/// label, one polyline per series (dashed when on the right axis) with a legend, and an optional right y axis. Points
/// get markers while a series is short. Pure text in the invariant culture, with names XML-escaped; no dependencies.
/// </summary>
public static class SvgPlot
{
    private const double Width = 800, Height = 480;
    private const double MarginLeft = 72, MarginRightPlain = 28, MarginRightAxis = 72, MarginBottom = 56, TitleHeight = 38;
    private const double LegendRowHeight = 18, LegendSwatch = 22, CharWidth = 7;
    private const int MaxMarkedPoints = 60;
    private static readonly string[] Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>Writes the chart to <paramref name="path"/> (atomically, creating the folder if needed).</summary>
    /// <param name="path">The SVG file.</param>
    /// <param name="title">The title above the chart.</param>
    /// <param name="xLabel">The label of the x axis, such as <c>epoch</c>.</param>
    /// <param name="series">The lines; x runs from 1 to each series' length.</param>
    public static void Write(string path, string title, string xLabel, params PlotSeries[] series)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string svg = Render(title, xLabel, series);
        byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(svg);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The SVG text of the chart that <see cref="Write"/> saves.</summary>
    /// <param name="title">The title above the chart.</param>
    /// <param name="xLabel">The label of the x axis.</param>
    /// <param name="series">The lines; x runs from 1 to each series' length.</param>
    /// <returns>A complete SVG document.</returns>
    public static string Render(string title, string xLabel, params PlotSeries[] series)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(series);
        foreach (PlotSeries s in series)
        {
            if (s is null || s.Name is null || s.Values is null)
                throw new ArgumentException("Every series needs a name and values.", nameof(series));
        }

        bool anyLeft = false, anyRight = false;
        foreach (PlotSeries s in series)
        {
            if (s.RightAxis) anyRight = true;
            else anyLeft = true;
        }
        // With every series on the right there is nothing to pair with: draw them against the usual left axis.
        bool useRight = anyLeft && anyRight;
        bool OnRight(PlotSeries s) => useRight && s.RightAxis;

        // Legend layout first: it decides where the plot area starts.
        var legend = new List<(double X, int Row, PlotSeries Series, string Text, int Index)>();
        double plotLeft = MarginLeft, plotRight = Width - (useRight ? MarginRightAxis : MarginRightPlain);
        double cursor = plotLeft;
        int row = 0;
        for (int i = 0; i < series.Length; i++)
        {
            string text = series[i].Name + (OnRight(series[i]) ? " (right axis)" : "");
            double itemWidth = LegendSwatch + 6 + text.Length * CharWidth + 18;
            if (cursor > plotLeft && cursor + itemWidth > plotRight)
            {
                row++;
                cursor = plotLeft;
            }
            legend.Add((cursor, row, series[i], text, i));
            cursor += itemWidth;
        }
        int legendRows = series.Length == 0 ? 0 : row + 1;
        double plotTop = TitleHeight + legendRows * LegendRowHeight + 12;
        double plotBottom = Height - MarginBottom;

        int maxCount = 0;
        foreach (PlotSeries s in series) maxCount = Math.Max(maxCount, s.Values.Count);
        Axis x = maxCount <= 1 ? new Axis(0.5, 1.5, 1) : IntegerAxis(maxCount);
        Axis left = ValueAxis(series, s => !OnRight(s));
        Axis right = ValueAxis(series, OnRight);

        double Px(double value) => plotLeft + (value - x.Min) / (x.Max - x.Min) * (plotRight - plotLeft);
        double Py(Axis axis, double value) => plotBottom - (value - axis.Min) / (axis.Max - axis.Min) * (plotBottom - plotTop);

        var svg = new StringBuilder();
        svg.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(Width)}\" height=\"{F(Height)}\" viewBox=\"0 0 {F(Width)} {F(Height)}\" ")
           .Append("font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        svg.Append("<title>").Append(Escape(title)).Append("</title>\n");
        svg.Append($"<rect x=\"0\" y=\"0\" width=\"{F(Width)}\" height=\"{F(Height)}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{F(Width / 2)}\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">")
           .Append(Escape(title)).Append("</text>\n");

        // Grid lines at the x ticks and at the left axis' ticks.
        svg.Append("<g class=\"grid\" stroke=\"#e4e4e4\" stroke-width=\"1\">\n");
        foreach (double tick in x.Ticks())
            svg.Append($"<line x1=\"{F(Px(tick))}\" y1=\"{F(plotTop)}\" x2=\"{F(Px(tick))}\" y2=\"{F(plotBottom)}\"/>\n");
        foreach (double tick in left.Ticks())
            svg.Append($"<line x1=\"{F(plotLeft)}\" y1=\"{F(Py(left, tick))}\" x2=\"{F(plotRight)}\" y2=\"{F(Py(left, tick))}\"/>\n");
        svg.Append("</g>\n");

        // Axes, ticks and tick labels.
        svg.Append("<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">\n");
        svg.Append($"<rect x=\"{F(plotLeft)}\" y=\"{F(plotTop)}\" width=\"{F(plotRight - plotLeft)}\" height=\"{F(plotBottom - plotTop)}\" fill=\"none\"/>\n");
        foreach (double tick in x.Ticks())
            svg.Append($"<line x1=\"{F(Px(tick))}\" y1=\"{F(plotBottom)}\" x2=\"{F(Px(tick))}\" y2=\"{F(plotBottom + 5)}\"/>\n");
        foreach (double tick in left.Ticks())
            svg.Append($"<line x1=\"{F(plotLeft - 5)}\" y1=\"{F(Py(left, tick))}\" x2=\"{F(plotLeft)}\" y2=\"{F(Py(left, tick))}\"/>\n");
        if (useRight)
        {
            foreach (double tick in right.Ticks())
                svg.Append($"<line x1=\"{F(plotRight)}\" y1=\"{F(Py(right, tick))}\" x2=\"{F(plotRight + 5)}\" y2=\"{F(Py(right, tick))}\"/>\n");
        }
        svg.Append("</g>\n");
        svg.Append("<g class=\"tick-labels\" fill=\"#333333\">\n");
        foreach (double tick in x.Ticks())
            svg.Append($"<text x=\"{F(Px(tick))}\" y=\"{F(plotBottom + 19)}\" text-anchor=\"middle\">{x.Format(tick)}</text>\n");
        foreach (double tick in left.Ticks())
            svg.Append($"<text x=\"{F(plotLeft - 8)}\" y=\"{F(Py(left, tick) + 4)}\" text-anchor=\"end\">{left.Format(tick)}</text>\n");
        if (useRight)
        {
            foreach (double tick in right.Ticks())
                svg.Append($"<text x=\"{F(plotRight + 8)}\" y=\"{F(Py(right, tick) + 4)}\" text-anchor=\"start\">{right.Format(tick)}</text>\n");
        }
        svg.Append("</g>\n");
        svg.Append($"<text class=\"x-label\" x=\"{F((plotLeft + plotRight) / 2)}\" y=\"{F(Height - 14)}\" text-anchor=\"middle\">")
           .Append(Escape(xLabel)).Append("</text>\n");

        // One polyline per series, markers while the series is short.
        for (int i = 0; i < series.Length; i++)
        {
            PlotSeries s = series[i];
            Axis axis = OnRight(s) ? right : left;
            string color = Palette[i % Palette.Length];
            string dash = OnRight(s) ? " stroke-dasharray=\"7 4\"" : "";
            var points = new StringBuilder();
            var markers = new StringBuilder();
            int finite = 0;
            for (int k = 0; k < s.Values.Count; k++)
            {
                if (double.IsFinite(s.Values[k])) finite++;
            }
            for (int k = 0; k < s.Values.Count; k++)
            {
                double value = s.Values[k];
                if (!double.IsFinite(value)) continue;
                string px = F(Px(k + 1)), py = F(Py(axis, value));
                if (points.Length > 0) points.Append(' ');
                points.Append(px).Append(',').Append(py);
                if (finite <= MaxMarkedPoints) markers.Append($"<circle cx=\"{px}\" cy=\"{py}\" r=\"3\"/>\n");
            }
            svg.Append($"<g class=\"series\" fill=\"{color}\">\n<title>").Append(Escape(s.Name)).Append("</title>\n");
            svg.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"{dash} points=\"")
               .Append(points).Append("\"/>\n");
            svg.Append(markers).Append("</g>\n");
        }

        // Legend rows between the title and the plot.
        svg.Append("<g class=\"legend\">\n");
        foreach ((double lx, int lrow, PlotSeries s, string text, int index) in legend)
        {
            double ly = TitleHeight + lrow * LegendRowHeight + 8;
            string color = Palette[index % Palette.Length];
            string dash = OnRight(s) ? " stroke-dasharray=\"7 4\"" : "";
            svg.Append($"<line x1=\"{F(lx)}\" y1=\"{F(ly)}\" x2=\"{F(lx + LegendSwatch)}\" y2=\"{F(ly)}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>\n");
            svg.Append($"<text x=\"{F(lx + LegendSwatch + 6)}\" y=\"{F(ly + 4)}\">").Append(Escape(text)).Append("</text>\n");
        }
        svg.Append("</g>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The x axis for x = 1..<paramref name="count"/>: integer ticks, 2% margins so the ends stay off the frame.</summary>
    private static Axis IntegerAxis(int count)
    {
        double step = Math.Max(1, NiceStep(count - 1));
        double margin = (count - 1) * 0.02;
        return new Axis(1 - margin, count + margin, step);
    }

    private static Axis ValueAxis(PlotSeries[] series, Func<PlotSeries, bool> include)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (PlotSeries s in series)
        {
            if (!include(s)) continue;
            foreach (double value in s.Values)
            {
                if (!double.IsFinite(value)) continue;
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }
        }
        if (min > max) (min, max) = (0, 1);
        if (min == max)
        {
            // A flat line: span zero to the value, so that two flat series on two axes do not both sit in the middle.
            (min, max) = min > 0 ? (0.0, min * 1.2) : min < 0 ? (min * 1.2, 0.0) : (-1.0, 1.0);
        }
        else
        {
            // A little headroom so that the extreme points do not lie on the frame; never across zero.
            double pad = (max - min) * 0.03;
            (min, max) = (min >= 0 ? Math.Max(0, min - pad) : min - pad, max <= 0 ? Math.Min(0, max + pad) : max + pad);
        }
        double step = NiceStep(max - min);
        double lo = Math.Floor(min / step) * step, hi = Math.Ceiling(max / step) * step;
        if (!double.IsFinite(lo) || !double.IsFinite(hi) || !(hi > lo)) (lo, hi, step) = (min, max, max - min);
        return new Axis(lo, hi, step);
    }

    /// <summary>A step of 1, 2 or 5 times a power of ten giving about six intervals over <paramref name="range"/>.</summary>
    private static double NiceStep(double range)
    {
        if (!(range > 0) || !double.IsFinite(range)) return 1;
        double raw = range / 6;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / magnitude;
        double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        return nice * magnitude;
    }

    private readonly record struct Axis(double Min, double Max, double Step)
    {
        public IEnumerable<double> Ticks()
        {
            long first = (long)Math.Ceiling(Min / Step - 1e-9), last = (long)Math.Floor(Max / Step + 1e-9);
            for (long k = first; k <= last && k - first <= 100; k++) yield return k * Step + 0.0;
        }

        public string Format(double tick)
        {
            double magnitude = Math.Max(Math.Abs(Min), Math.Abs(Max));
            if (magnitude >= 1e6 || Step < 1e-4) return tick.ToString("0.###E+0", CultureInfo.InvariantCulture);
            int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(Step) + 1e-9));
            double rounded = Math.Round(tick, decimals) + 0.0;
            return rounded.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
    }

    private static string F(double value) => (Math.Round(value, 2) + 0.0).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Escapes text for XML content and attributes, replacing characters XML 1.0 forbids with U+FFFD.</summary>
    internal static string Escape(string text)
    {
        var result = new StringBuilder(text.Length);
        for (int k = 0; k < text.Length; k++)
        {
            char c = text[k];
            switch (c)
            {
                case '&': result.Append("&amp;"); break;
                case '<': result.Append("&lt;"); break;
                case '>': result.Append("&gt;"); break;
                case '"': result.Append("&quot;"); break;
                case '\'': result.Append("&apos;"); break;
                default:
                    if (char.IsHighSurrogate(c) && k + 1 < text.Length && char.IsLowSurrogate(text[k + 1]))
                    {
                        result.Append(c).Append(text[++k]);
                    }
                    else if ((c < ' ' && c != '\t' && c != '\n' && c != '\r') || char.IsSurrogate(c) || c == '\uFFFE' || c == '\uFFFF')
                    {
                        result.Append('\uFFFD');
                    }
                    else
                    {
                        result.Append(c);
                    }
                    break;
            }
        }
        return result.ToString();
    }
}
