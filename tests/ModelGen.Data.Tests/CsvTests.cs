using System;
using System.IO;
using Xunit;

namespace ModelGen.Data.Tests;

public sealed class CsvTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Integer_labels_by_name_leave_the_other_columns_as_features_in_order()
    {
        string path = _folder.Text("iris.csv", "a,label,b,c\n1.5,2,-3,4e2\n0.25,0,5,6\n");
        Dataset<double> data = Csv.Load<double>(path, "label");
        Assert.Equal(2, data.Count);
        Assert.Equal(3, data.FeatureCount);
        Assert.Equal(new[] { 1.5, -3, 400, 0.25, 5, 6 }, data.FeatureData);
        Assert.Equal(new[] { 2, 0 }, data.Labels);
        Assert.Equal(3, data.ClassCount);
        Assert.Null(data.ClassNames);
        Assert.True(data.HasLabels);
    }

    [Fact]
    public void Text_labels_map_to_classes_in_order_of_first_appearance()
    {
        string path = _folder.Text("flowers.csv",
            "x,species\n1,virginica\n2,setosa\n3,virginica\n4, versicolor \n5,setosa\n");
        Dataset<float> data = Csv.Load<float>(path, "species");
        Assert.Equal(new[] { 0, 1, 0, 2, 1 }, data.Labels);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(new[] { "virginica", "setosa", "versicolor" }, data.ClassNames);
    }

    [Fact]
    public void An_integer_label_of_int_MaxValue_is_refused_with_its_line()
    {
        string path = _folder.Text("huge.csv", "x,y\n1,0\n2,2147483647\n3,1\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(path, "y"));
        Assert.Contains("huge.csv", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("column 2 'y'", e.Message);
        Assert.Contains("2147483647", e.Message);
    }

    [Fact]
    public void A_negative_integer_makes_the_labels_texts()
    {
        string path = _folder.Text("signs.csv", "x,y\n1,-1\n2,1\n3,-1\n");
        Dataset<float> data = Csv.Load<float>(path, "y");
        Assert.Equal(new[] { 0, 1, 0 }, data.Labels);
        Assert.Equal(new[] { "-1", "1" }, data.ClassNames);
    }

    [Fact]
    public void Label_by_index_without_header_with_other_separators_and_quotes()
    {
        string path = _folder.Text("plain.tsv", "3\t0.5\t1\n\n1\t\"2.5\"\t0\n");
        Dataset<double> data = Csv.Load<double>(path, 0, hasHeader: false, separator: '\t');
        Assert.Equal(new[] { 3, 1 }, data.Labels);
        Assert.Equal(new[] { 0.5, 1, 2.5, 0 }, data.FeatureData);

        string semicolons = _folder.Text("semi.csv", "name;x;y\n\"Smith; John\";1;2\n\"say \"\"hi\"\"\";3;4\n");
        Dataset<double> quoted = Csv.Load<double>(semicolons, "name", separator: ';');
        Assert.Equal(new[] { "Smith; John", "say \"hi\"" }, quoted.ClassNames);
        Assert.Equal(new[] { 1.0, 2, 3, 4 }, quoted.FeatureData);
    }

    [Fact]
    public void Regression_targets_by_name_and_index_in_the_requested_order()
    {
        string path = _folder.Text("houses.csv", "rooms,price,area,tax\n3,250.5,80,1.25\n4,300,95,2\n");
        Dataset<double> byName = Csv.LoadRegression<double>(path, ["tax", "price"]);
        Assert.False(byName.HasLabels);
        Assert.Equal(2, byName.TargetCount);
        Assert.Equal(2, byName.FeatureCount);
        Assert.Equal(new[] { 3.0, 80, 4, 95 }, byName.FeatureData);
        Assert.Equal(new[] { 1.25, 250.5, 2, 300 }, byName.Targets);
        Assert.Equal(new[] { 2.0, 300 }, byName.Target(1).ToArray());

        Dataset<float> byIndex = Csv.LoadRegression<float>(path, [1]);
        Assert.Equal(1, byIndex.TargetCount);
        Assert.Equal(new[] { 250.5f, 300f }, byIndex.Targets);
        Assert.Equal(new[] { 3f, 80, 1.25f, 4, 95, 2 }, byIndex.FeatureData);
    }

    [Fact]
    public void Numbers_are_read_in_the_invariant_culture_whatever_the_current_one()
    {
        string path = _folder.Text("culture.csv", "x,y,label\n1.5,-2.25e1,0\n1000,0.001,1\n");
        TempFolder.InCulture(TempFolder.CommaCulture(), () =>
        {
            Assert.Equal("1,5", 1.5.ToString(System.Globalization.CultureInfo.CurrentCulture)); // the culture is in effect
            Dataset<double> data = Csv.Load<double>(path, "label");
            Assert.Equal(new[] { 1.5, -22.5, 1000, 0.001 }, data.FeatureData);
        });
    }

    [Fact]
    public void Non_numeric_cell_names_file_line_column_and_text()
    {
        string path = _folder.Text("bad.csv", "label,height,weight\n0,1.8,70\n1,abc,60\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(path, "label"));
        Assert.Contains("bad.csv", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("column 2 'height' (index 1)", e.Message);
        Assert.Contains("expected a finite number", e.Message);
        Assert.Contains("found 'abc'", e.Message);
    }

    [Fact]
    public void Decimal_commas_empty_cells_and_non_finite_values_are_rejected_with_hints()
    {
        string commas = _folder.Text("commas.csv", "x;label\n1,5;0\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(commas, "label", separator: ';'));
        Assert.Contains("found '1,5'", e.Message);
        Assert.Contains("'.' as the decimal separator", e.Message);

        string empty = _folder.Text("hole.csv", "x,y,label\n1,,0\n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(empty, "label"));
        Assert.Contains("line 2, column 2 'y'", e.Message);
        Assert.Contains("found an empty cell", e.Message);

        string nan = _folder.Text("nan.csv", "x,label\nNaN,0\n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(nan, "label"));
        Assert.Contains("found 'NaN'", e.Message);

        string noLabel = _folder.Text("nolabel.csv", "x,label\n1, \n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(noLabel, "label"));
        Assert.Contains("line 2, column 2 'label'", e.Message);
        Assert.Contains("label cell is empty", e.Message);
    }

    [Fact]
    public void Ragged_row_names_the_line_and_the_cell_counts()
    {
        // Line 4 is blank; physical line numbers still count it.
        string path = _folder.Text("ragged.csv", "a,b,label\n1,2,0\n3,4,1\n\n5,1\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(path, "label"));
        Assert.Contains("ragged.csv", e.Message);
        Assert.Contains("line 5", e.Message);
        Assert.Contains("found 2 cells", e.Message);
        Assert.Contains("header (line 1) has 3", e.Message);

        string noHeader = _folder.Text("ragged2.csv", "1,2,0\n3,4,1,9\n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(noHeader, 2, hasHeader: false));
        Assert.Contains("line 2: found 4 cells, but the first row (line 1) has 3", e.Message);
    }

    [Fact]
    public void Empty_file_and_header_without_rows_are_reported()
    {
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(_folder.Text("empty.csv", ""), "label"));
        Assert.Contains("empty.csv", e.Message);
        Assert.Contains("is empty", e.Message);
        Assert.Contains("expected a header line", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(_folder.Text("blank.csv", "\n  \n"), 0, hasHeader: false));
        Assert.Contains("is empty", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(_folder.Text("header.csv", "x,label\n"), "label"));
        Assert.Contains("header.csv", e.Message);
        Assert.Contains("no data rows", e.Message);
    }

    [Fact]
    public void Missing_label_column_lists_the_columns()
    {
        string path = _folder.Text("cols.csv", "x,y,Label\n1,2,0\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(path, "label"));
        Assert.Contains("cols.csv", e.Message);
        Assert.Contains("line 1", e.Message);
        Assert.Contains("no column named 'label'", e.Message);
        Assert.Contains("'x', 'y', 'Label'", e.Message);
        Assert.Contains("case-sensitive", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Csv.LoadRegression<float>(path, ["y", "price"]));
        Assert.Contains("no column named 'price'", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(path, 3));
        Assert.Contains("no column of index 3", e.Message);
        Assert.Contains("indices 0..2", e.Message);

        string semicolons = _folder.Text("semi.csv", "x;label\n1;0\n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(semicolons, "label"));
        Assert.Contains("is the separator ';'?", e.Message);
    }

    [Fact]
    public void Argument_misuse_and_missing_files_are_reported()
    {
        string path = _folder.Text("ok.csv", "x,y\n1,0\n");
        Assert.Throws<ArgumentException>(() => Csv.Load<float>(path, "y", hasHeader: false));
        Assert.Throws<ArgumentException>(() => Csv.LoadRegression<float>(path, Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => Csv.LoadRegression<float>(path, [1, 1]));
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(_folder.Text("one.csv", "label\n1\n"), "label"));
        Assert.Contains("no feature column is left", e.Message);

        string missing = Path.Combine(_folder.Path, "missing.csv");
        var notFound = Assert.Throws<FileNotFoundException>(() => Csv.Load<float>(missing, "label"));
        Assert.Equal(missing, notFound.FileName);

        string unclosed = _folder.Text("quote.csv", "x,label\n\"1,0\n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load<float>(unclosed, "label"));
        Assert.Contains("line 2, column 1", e.Message);
        Assert.Contains("not closed", e.Message);
    }
}
