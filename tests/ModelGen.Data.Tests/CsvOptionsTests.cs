using System;
using System.IO;
using Xunit;

namespace ModelGen.Data.Tests;

/// <summary>CsvOptions: skipping lines at the top of a file, the header present, absent or detected, the separator.</summary>
public sealed class CsvOptionsTests : IDisposable
{
    /// <summary>Laid out as scikit-learn's wine_data.csv: a line "samples,features,class names", then 5 features and a label.</summary>
    private static readonly string WineStyle = Path.Combine(AppContext.BaseDirectory, "Fixtures", "wine_style.csv");

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_wine_style_file_loads_once_its_count_line_is_skipped()
    {
        Dataset<double> data = Csv.Load<double>(WineStyle, 5, new CsvOptions { SkipLines = 1, Header = CsvHeader.Absent });
        Assert.Equal(6, data.Count);
        Assert.Equal(5, data.FeatureCount);
        Assert.Equal(new[] { 0, 0, 1, 1, 2, 2 }, data.Labels);
        Assert.Equal(new[] { 13.5, 1.25, 2.5, 16, 1000 }, data.FeatureData[..5]);
        Assert.Equal(new[] { 12.5, 0.75, 1.5, 10, 500 }, data.FeatureData[10..15]);

        // Auto finds no header in the first line after the skipped one (all numbers): the same data.
        Dataset<double> auto = Csv.Load<double>(WineStyle, 5, new CsvOptions { SkipLines = 1, Header = CsvHeader.Auto });
        Assert.Equal(data.FeatureData, auto.FeatureData);
        Assert.Equal(data.Labels, auto.Labels);
    }

    [Fact]
    public void Without_SkipLines_the_count_line_is_refused_with_the_fix_named()
    {
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(WineStyle, 5));
        Assert.Contains("line 1", e.Message);
        Assert.Contains("no column of index 5", e.Message);
        Assert.Contains("CsvOptions.SkipLines = 1", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(WineStyle, 0, hasHeader: false));
        Assert.Contains("line 1, column 3 (index 2): expected a finite number, found 'class_0'", e.Message);
        Assert.Contains("CsvOptions.SkipLines = 1", e.Message);

        // A first row of the right width read as data: the wrong width shows on the next line.
        string counts = _folder.Text("counts.csv", "2,1\n0.5,7,1\n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(counts, 0, hasHeader: false));
        Assert.Contains("line 2: found 3 cells, but the first row (line 1) has 2", e.Message);
        Assert.Contains("CsvOptions.SkipLines = 1", e.Message);
    }

    [Fact]
    public void Line_numbers_in_errors_count_the_skipped_lines()
    {
        string path = _folder.Text("notes.csv", "# exported 2026-11-30\n\"unclosed quote, never parsed\n1,2,0\n3,abc,1\n");
        var options = new CsvOptions { SkipLines = 2, Header = CsvHeader.Absent };
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(path, 2, options));
        Assert.Contains("line 4, column 2 (index 1)", e.Message);
        Assert.Contains("found 'abc'", e.Message);

        string ragged = _folder.Text("ragged.csv", "title\n\nx,y,label\n1,2,0\n3,4\n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(ragged, "label", new CsvOptions { SkipLines = 1 }));
        Assert.Contains("line 5: found 2 cells, but the header (line 3) has 3", e.Message);
        Assert.DoesNotContain("SkipLines", e.Message); // rows were read already: the table started where it should
    }

    [Fact]
    public void Auto_detects_a_header_by_its_non_numeric_feature_cells_and_ignores_text_labels()
    {
        string withHeader = _folder.Text("named.csv", "width,height,label\n1,2,cat\n3,4,dog\n");
        Dataset<float> named = Csv.Load<float>(withHeader, 2, new CsvOptions { Header = CsvHeader.Auto });
        Assert.Equal(2, named.Count);
        Assert.Equal(new[] { "cat", "dog" }, named.ClassNames);

        string plain = _folder.Text("plain.csv", "1,2,cat\n3,4,dog\n5,6,cat\n");
        Dataset<float> data = Csv.Load<float>(plain, 2, new CsvOptions { Header = CsvHeader.Auto });
        Assert.Equal(3, data.Count);
        Assert.Equal(new[] { 1f, 2, 3, 4, 5, 6 }, data.FeatureData);

        // In a regression set every column is numeric, targets included.
        Assert.Equal(1, Csv.LoadRegression<float>(_folder.Text("r1.csv", "x,y\n1,2\n"), [1], new CsvOptions { Header = CsvHeader.Auto }).Count);
        Assert.Equal(2, Csv.LoadRegression<float>(_folder.Text("r2.csv", "1,2\n3,4\n"), [1], new CsvOptions { Header = CsvHeader.Auto }).Count);

        // Named columns need a header: Auto reads one, and the header's names appear in errors.
        string bad = _folder.Text("bad.csv", "x;label\n1;0\nzz;1\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(bad, "label", new CsvOptions { Header = CsvHeader.Auto, Separator = ';' }));
        Assert.Contains("line 3, column 1 'x' (index 0)", e.Message);
    }

    [Fact]
    public void Present_reads_the_first_line_after_the_skipped_ones_as_the_header()
    {
        string path = _folder.Text("titled.csv", "Measurements of 2 samples\n\na,b,label\n1,2,0\n3,4,1\n");
        Dataset<float> data = Csv.Load<float>(path, "label", new CsvOptions { SkipLines = 1 });
        Assert.Equal(2, data.Count);
        Assert.Equal(new[] { 1f, 2, 3, 4 }, data.FeatureData);
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        string path = _folder.Text("ok.csv", "x,y\n1,0\n");
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvOptions { SkipLines = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvOptions { Header = (CsvHeader)5 });
        Assert.Throws<ArgumentException>(() => new CsvOptions { Separator = '"' });
        Assert.Throws<ArgumentException>(() => Csv.Load<float>(path, "y", new CsvOptions { Header = CsvHeader.Absent }));
        Assert.Throws<ArgumentNullException>(() => Csv.Load<float>(path, 1, (CsvOptions)null!));

        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(path, 1, new CsvOptions { SkipLines = 5 }));
        Assert.Contains("after the 5 skipped line(s)", e.Message);
    }
}
