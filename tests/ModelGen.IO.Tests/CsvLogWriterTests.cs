using System;
using System.Globalization;
using System.IO;
using Xunit;

namespace ModelGen.IO.Tests;

/// <summary>CSV metrics logs: culture-independent round-trip numbers, a header row, rows flushed as written.</summary>
public class CsvLogWriterTests
{
    /// <summary>A culture that writes 1.5 as "1,5" (built by hand so the test does not depend on ICU data).</summary>
    private static CultureInfo CommaCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        return culture;
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [Fact]
    public void Numbers_are_written_in_the_invariant_culture_whatever_the_current_one()
    {
        using var folder = new TempFolder();
        string path = folder.File("log.csv");
        CultureInfo saved = CultureInfo.CurrentCulture;
        double[] row = [1.5, 0.1, 1e-20, -123456789.125, double.NaN, double.PositiveInfinity, 1.0 / 3.0];
        try
        {
            CultureInfo.CurrentCulture = CommaCulture();
            Assert.Equal("1,5", 1.5.ToString(CultureInfo.CurrentCulture)); // the culture really is a comma culture
            using var log = new CsvLogWriter(path, "epoch", "loss", "tiny", "big", "nan", "inf", "third");
            log.Write(row);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        string[] lines = File.ReadAllText(path).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("epoch,loss,tiny,big,nan,inf,third", lines[0]);
        Assert.Equal("1.5,0.1,1E-20,-123456789.125,NaN,Infinity,0.3333333333333333", lines[1]);
        Assert.Equal("", lines[2]);
        string[] cells = lines[1].Split(',');
        for (int k = 0; k < row.Length; k++) Assert.Equal(row[k], double.Parse(cells[k], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_values_is_an_ArgumentException()
    {
        using var folder = new TempFolder();
        string path = folder.File("log.csv");
        using var log = new CsvLogWriter(path, "epoch", "loss");
        Assert.Throws<ArgumentException>(() => log.Write(1));
        Assert.Throws<ArgumentException>(() => log.Write(1, 2, 3));
        log.Write(1, 0.5);
        Assert.Equal("epoch,loss\n1,0.5\n", ReadShared(path));
    }

    [Fact]
    public void Every_row_is_on_disk_before_the_writer_is_disposed()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "logs", "metrics.csv"); // the folder is created
        using var log = new CsvLogWriter(path, "step", "loss");
        Assert.Equal("step,loss\n", ReadShared(path));
        log.Write(1, 2.25);
        Assert.Equal("step,loss\n1,2.25\n", ReadShared(path));
        log.Write(2, 1.125);
        Assert.Equal("step,loss\n1,2.25\n2,1.125\n", ReadShared(path));
    }

    [Fact]
    public void Column_names_with_commas_or_quotes_are_quoted()
    {
        using var folder = new TempFolder();
        string path = folder.File("log.csv");
        using (new CsvLogWriter(path, "loss, train", "say \"hi\"", "plain"))
        {
        }
        Assert.Equal("\"loss, train\",\"say \"\"hi\"\"\",plain\n", File.ReadAllText(path));
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        using var folder = new TempFolder();
        Assert.Throws<ArgumentException>(() => new CsvLogWriter(folder.File("a.csv")));
        var log = new CsvLogWriter(folder.File("b.csv"), "x");
        log.Dispose();
        Assert.Throws<ObjectDisposedException>(() => log.Write(1));
    }
}
