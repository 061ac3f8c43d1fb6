using System;

namespace ModelGen.Data;

/// <summary>Whether a CSV file's first line (after <see cref="CsvOptions.SkipLines"/> and blank lines) names the columns.</summary>
public enum CsvHeader
{
    /// <summary>The first line is a header of column names (the default, as <c>hasHeader: true</c>).</summary>
    Present,

    /// <summary>Every line is data (as <c>hasHeader: false</c>); columns are chosen by 0-based index.</summary>
    Absent,

    /// <summary>
    /// The first line is a header when one of its feature or target cells is not a finite number (the label cell of a
    /// classification set may be text either way), and data otherwise. Named columns always need a header.
    /// </summary>
    Auto,
}

/// <summary>How <see cref="Csv"/> reads a file: lines to skip, the header, the separator.</summary>
/// <remarks>
/// For a file that starts with lines that are not part of the table, e.g. scikit-learn's <c>wine_data.csv</c>, whose
/// first line <c>178,13,class_0,class_1,class_2</c> gives the sample and feature counts and the class names:
/// <c>Csv.Load&lt;float&gt;(path, 13, new CsvOptions { SkipLines = 1, Header = CsvHeader.Absent })</c>. Error messages
/// count lines from the top of the file, skipped ones included.
/// </remarks>
public sealed record CsvOptions
{
    private readonly int _skipLines;
    private readonly CsvHeader _header = CsvHeader.Present;
    private readonly char _separator = ',';

    /// <summary>
    /// Lines at the top of the file to ignore whatever they hold (blank or not), before the header or the first row;
    /// 0 by default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int SkipLines
    {
        get => _skipLines;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(SkipLines));
            _skipLines = value;
        }
    }

    /// <summary>Whether the first line read is a header; <see cref="CsvHeader.Present"/> by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not one of <see cref="CsvHeader"/>'s.</exception>
    public CsvHeader Header
    {
        get => _header;
        init
        {
            if (value is not (CsvHeader.Present or CsvHeader.Absent or CsvHeader.Auto))
                throw new ArgumentOutOfRangeException(nameof(Header), value, "Expected CsvHeader.Present, Absent or Auto.");
            _header = value;
        }
    }

    /// <summary>The cell separator: ',' (the default), ';', '\t', ...; not '"' or a line break.</summary>
    /// <exception cref="ArgumentException">The value is '"', '\n' or '\r'.</exception>
    public char Separator
    {
        get => _separator;
        init
        {
            if (value is '"' or '\n' or '\r')
                throw new ArgumentException($"'{(value == '"' ? "\"" : value == '\n' ? "\\n" : "\\r")}' cannot separate cells.", nameof(Separator));
            _separator = value;
        }
    }
}
