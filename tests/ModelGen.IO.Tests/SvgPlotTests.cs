using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace ModelGen.IO.Tests;

/// <summary>SVG training plots: well-formed XML, one polyline per series, robust to NaN, infinities and single points.</summary>
public class SvgPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static (double X, double Y)[] Points(XElement polyline) =>
        polyline.Attribute("points")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split(','))
            .Select(xy =>
            {
                Assert.Equal(2, xy.Length);
                return (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture));
            })
            .ToArray();

    private static XDocument WriteAndParse(string title, string xLabel, params PlotSeries[] series)
    {
        using var folder = new TempFolder();
        string path = folder.File("plot.svg");
        SvgPlot.Write(path, title, xLabel, series);
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path)); // no temporary file left
        return XDocument.Load(path);
    }

    [Fact]
    public void Plot_is_well_formed_svg_with_one_polyline_per_series_and_a_legend()
    {
        var train = new PlotSeries("train loss", [2.3, 1.1, 0.7, 0.5, 0.42]);
        var test = new PlotSeries("test loss", [2.2, 1.2, 0.8, 0.65, 0.6]);
        var accuracy = new PlotSeries("test accuracy", [0.35, 0.71, 0.82, 0.86, 0.88], RightAxis: true);

        XDocument doc = WriteAndParse("FashionMlp", "epoch", train, test, accuracy);

        Assert.Equal(Svg + "svg", doc.Root!.Name);
        XElement[] polylines = doc.Descendants(Svg + "polyline").ToArray();
        Assert.Equal(3, polylines.Length);
        Assert.All(polylines, p => Assert.Equal(5, Points(p).Length));
        string[] texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("FashionMlp", texts);
        Assert.Contains("epoch", texts);
        Assert.Contains("train loss", texts);
        Assert.Contains("test loss", texts);
        Assert.Contains("test accuracy (right axis)", texts);
        Assert.Contains("1", texts); // x ticks run over the epochs
        Assert.Contains("5", texts);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Attribute("text-anchor")?.Value == "start"); // right-axis labels
        Assert.NotNull(polylines[2].Attribute("stroke-dasharray"));
        // x = 1..5 spread left to right; a falling loss climbs up the image (y grows downwards).
        (double X, double Y)[] trainPoints = Points(polylines[0]);
        Assert.True(trainPoints.Zip(trainPoints.Skip(1)).All(pair => pair.Second.X > pair.First.X && pair.Second.Y > pair.First.Y));
    }

    [Fact]
    public void NaN_and_infinite_values_are_skipped()
    {
        XDocument doc = WriteAndParse("diverged", "epoch",
            new PlotSeries("loss", [1.0, double.NaN, 3.0, double.PositiveInfinity, 2.0, double.NegativeInfinity]),
            new PlotSeries("all NaN", [double.NaN, double.NaN]));

        XElement[] polylines = doc.Descendants(Svg + "polyline").ToArray();
        Assert.Equal(2, polylines.Length);
        (double X, double Y)[] points = Points(polylines[0]);
        Assert.Equal(3, points.Length);
        Assert.All(points, p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y)));
        Assert.Empty(Points(polylines[1]));
        string svg = doc.ToString();
        Assert.DoesNotContain("NaN", svg.Replace("all NaN", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_point_is_drawn_as_a_visible_marker()
    {
        XDocument doc = WriteAndParse("one epoch", "epoch", new PlotSeries("loss", [0.7]));

        (double X, double Y) point = Assert.Single(Points(Assert.Single(doc.Descendants(Svg + "polyline"))));
        XElement marker = Assert.Single(doc.Descendants(Svg + "circle"));
        Assert.Equal(point.X, double.Parse(marker.Attribute("cx")!.Value, CultureInfo.InvariantCulture));
        Assert.Equal(point.Y, double.Parse(marker.Attribute("cy")!.Value, CultureInfo.InvariantCulture));
        XElement frame = doc.Descendants(Svg + "rect").Last();
        double left = double.Parse(frame.Attribute("x")!.Value, CultureInfo.InvariantCulture);
        double width = double.Parse(frame.Attribute("width")!.Value, CultureInfo.InvariantCulture);
        Assert.Equal(left + width / 2, point.X, 1e-9); // centred, not on the border
    }

    [Fact]
    public void Names_are_escaped_and_forbidden_characters_replaced()
    {
        const string name = "a<b & \"c\" 'd'";
        XDocument doc = WriteAndParse("Title </svg> & \u0001 control", "x & y", new PlotSeries(name, [1, 2, 3]));

        string[] texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains(name, texts);
        Assert.Contains("Title </svg> & \uFFFD control", texts);
        Assert.Contains("x & y", texts);
    }

    [Fact]
    public void Output_does_not_depend_on_the_current_culture()
    {
        var series = new[] { new PlotSeries("loss", [0.25, 0.125, 0.0625]), new PlotSeries("acc", [0.5, 0.75, 0.875], true) };
        string invariant = SvgPlot.Render("t", "epoch", series);
        CultureInfo saved = CultureInfo.CurrentCulture;
        string comma;
        try
        {
            var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            culture.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = culture;
            comma = SvgPlot.Render("t", "epoch", series);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
        Assert.Equal(invariant, comma);
        Assert.All(XDocument.Parse(comma).Descendants(Svg + "polyline"), p => Assert.Equal(3, Points(p).Length));
    }

    [Fact]
    public void Constant_series_and_an_empty_plot_still_make_valid_files()
    {
        XDocument constant = WriteAndParse("flat", "epoch", new PlotSeries("zero", [0, 0, 0]), new PlotSeries("right only", [5, 5], true));
        Assert.Equal(2, constant.Descendants(Svg + "polyline").Count());
        Assert.All(constant.Descendants(Svg + "polyline").SelectMany(Points), p => Assert.True(double.IsFinite(p.Y)));

        XDocument empty = WriteAndParse("nothing yet", "epoch");
        Assert.Empty(empty.Descendants(Svg + "polyline"));
        Assert.Contains(empty.Descendants(Svg + "text"), t => t.Value == "nothing yet");
    }

    [Fact]
    public void Series_only_on_the_right_use_the_left_axis()
    {
        XDocument doc = XDocument.Parse(SvgPlot.Render("acc", "epoch", new PlotSeries("accuracy", [0.5, 0.9], RightAxis: true)));
        Assert.DoesNotContain(doc.Descendants(Svg + "text"), t => t.Value.Contains("right axis", StringComparison.Ordinal));
        Assert.Null(Assert.Single(doc.Descendants(Svg + "polyline")).Attribute("stroke-dasharray"));
    }
}
