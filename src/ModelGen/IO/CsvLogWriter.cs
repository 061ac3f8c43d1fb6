using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace ModelGen.IO;

/// <summary>
/// Writes a metrics log as CSV: a header row of column names, then one row per <see cref="Write"/>. Numbers use the
/// invariant culture and round-trip formatting (<c>"R"</c>: the shortest text that parses back to the same double;
/// <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> for the special values), so the file reads the same everywhere.
/// Each row is flushed to the operating system as soon as it is written, so a crash loses nothing. Lines end in
/// <c>\n</c>; names containing commas, quotes or line breaks are quoted as RFC 4180 says. Thread-safe.
/// </summary>
public sealed class CsvLogWriter : IDisposable
{
    private readonly object _gate = new();
    private readonly int _columnCount;
    private StreamWriter? _writer;

    /// <summary>Creates (or overwrites) the file, creating its folder if needed, and writes the header row.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="columns">The column names; at least one.</param>
    public CsvLogWriter(string path, params string[] columns)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0) throw new ArgumentException("A CSV log needs at least one column.", nameof(columns));
        foreach (string column in columns)
        {
            if (column is null) throw new ArgumentException("A column name is null.", nameof(columns));
        }
        string fullPath = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        _columnCount = columns.Length;
        var stream = new FileStream(fullPath, FileMode.Create, FileAccess.Write, FileShare.Read, 4096);
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        var header = new StringBuilder();
        for (int k = 0; k < columns.Length; k++)
        {
            if (k > 0) header.Append(',');
            header.Append(Quote(columns[k]));
        }
        WriteLine(header.ToString());
        Path = fullPath;
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>The number of columns; every row has exactly this many values.</summary>
    public int ColumnCount => _columnCount;

    /// <summary>Writes one row and flushes it.</summary>
    /// <param name="values">One value per column, in column order.</param>
    /// <exception cref="ArgumentException">The number of values is not <see cref="ColumnCount"/>.</exception>
    public void Write(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != _columnCount)
            throw new ArgumentException($"The log has {_columnCount} columns; {values.Length} values were given.", nameof(values));
        var row = new StringBuilder();
        for (int k = 0; k < values.Length; k++)
        {
            if (k > 0) row.Append(',');
            row.Append(values[k].ToString("R", CultureInfo.InvariantCulture));
        }
        WriteLine(row.ToString());
    }

    /// <summary>Flushes and closes the file. Further calls do nothing.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_writer is null) return;
            _writer.Dispose();
            _writer = null;
        }
    }

    private void WriteLine(string line)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_writer is null, this);
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    private static string Quote(string field)
    {
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0) return field;
        return "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
