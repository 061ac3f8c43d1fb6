using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Text;

namespace ModelGen.Data;

/// <summary>
/// Reader of delimited text files (CSV) into a <see cref="Dataset{T}"/>: one sample per line, one column (or several)
/// holding the label or targets, every other column a numeric feature in file order.
/// </summary>
/// <remarks>
/// <para>
/// Numbers are parsed with the invariant culture (<c>1.5</c>, <c>-2e-3</c>; never <c>1,5</c>), whatever the culture of
/// the machine, and must be finite. Cells may be quoted (<c>"a,b"</c>, with <c>""</c> for a quote inside); white space
/// around a cell is ignored; blank lines are skipped. A quoted cell cannot span lines.
/// </para>
/// <para>
/// The overloads that take a <see cref="CsvOptions"/> can skip lines at the top of the file
/// (<see cref="CsvOptions.SkipLines"/>, e.g. the count line of scikit-learn's <c>wine_data.csv</c>) and detect the
/// header (<see cref="CsvHeader.Auto"/>); the others read a header unless <c>hasHeader</c> is false.
/// </para>
/// <para>
/// Errors raise an <see cref="InvalidDataException"/> naming the file, the line (1-based, counting every line of the
/// file, skipped ones included), the column (1-based number, its 0-based index and, with a header, its name) and the
/// text found; a missing file raises a <see cref="FileNotFoundException"/>.
/// </para>
/// </remarks>
public static class Csv
{
    /// <summary>Reads a classification set whose label column is named <paramref name="labelColumn"/> in the header.</summary>
    /// <inheritdoc cref="Load{T}(string, int, bool, char)" path="/remarks"/>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">The header name of the label column (exact, case-sensitive).</param>
    /// <param name="hasHeader">Must be true: a column is found by name only in a header.</param>
    /// <param name="separator">The cell separator: ',' (the default), ';', '\t', ...</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, or has no column of that name.</exception>
    public static Dataset<T> Load<T>(string path, string labelColumn, bool hasHeader = true, char separator = ',')
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(labelColumn);
        return Read<T>(path, new Columns([labelColumn], null), Options(hasHeader, separator), classification: true);
    }

    /// <summary>Reads a classification set whose label column is named <paramref name="labelColumn"/> in the header.</summary>
    /// <inheritdoc cref="Load{T}(string, int, bool, char)" path="/remarks"/>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">The header name of the label column (exact, case-sensitive).</param>
    /// <param name="options">Lines to skip, the header (not <see cref="CsvHeader.Absent"/>: names need one), the separator.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, or has no column of that name.</exception>
    public static Dataset<T> Load<T>(string path, string labelColumn, CsvOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(labelColumn);
        ArgumentNullException.ThrowIfNull(options);
        return Read<T>(path, new Columns([labelColumn], null), options, classification: true);
    }

    /// <summary>Reads a classification set whose label column has the 0-based index <paramref name="labelColumn"/>.</summary>
    /// <remarks>
    /// If every label cell is a non-negative integer, those integers are the labels and <see cref="Dataset{T}.ClassCount"/>
    /// is the largest plus one. Otherwise each distinct text (after trimming) is a class, numbered 0..k−1 in order of
    /// first appearance, and <see cref="Dataset{T}.ClassNames"/> keeps the texts (index = label): map predictions back
    /// with it, and when loading another file of the same problem (e.g. a test file) pass the labels in the same order
    /// of appearance or remap them through these names.
    /// </remarks>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">The 0-based index of the label column.</param>
    /// <param name="hasHeader">Whether the first non-blank line is a header of column names (the default) or data.</param>
    /// <param name="separator">The cell separator: ',' (the default), ';', '\t', ...</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, or has no column of that index.</exception>
    public static Dataset<T> Load<T>(string path, int labelColumn, bool hasHeader = true, char separator = ',')
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Read<T>(path, new Columns(null, [labelColumn]), Options(hasHeader, separator), classification: true);

    /// <summary>Reads a classification set whose label column has the 0-based index <paramref name="labelColumn"/>.</summary>
    /// <inheritdoc cref="Load{T}(string, int, bool, char)" path="/remarks"/>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">The 0-based index of the label column.</param>
    /// <param name="options">Lines to skip, the header, the separator.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, or has no column of that index.</exception>
    public static Dataset<T> Load<T>(string path, int labelColumn, CsvOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        return Read<T>(path, new Columns(null, [labelColumn]), options, classification: true);
    }

    /// <summary>
    /// Reads a regression set whose targets are the columns named <paramref name="targetColumns"/> in the header, in
    /// that order (e.g. <c>["price"]</c>); every other column is a feature.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="targetColumns">The header names of the target columns (at least one; exact, case-sensitive).</param>
    /// <param name="hasHeader">Must be true: columns are found by name only in a header.</param>
    /// <param name="separator">The cell separator: ',' (the default), ';', '\t', ...</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, or lacks one of the columns.</exception>
    public static Dataset<T> LoadRegression<T>(string path, string[] targetColumns, bool hasHeader = true, char separator = ',')
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(targetColumns);
        return Read<T>(path, new Columns(targetColumns, null), Options(hasHeader, separator), classification: false);
    }

    /// <summary>
    /// Reads a regression set whose targets are the columns named <paramref name="targetColumns"/> in the header, in
    /// that order; every other column is a feature.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="targetColumns">The header names of the target columns (at least one; exact, case-sensitive).</param>
    /// <param name="options">Lines to skip, the header (not <see cref="CsvHeader.Absent"/>: names need one), the separator.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, or lacks one of the columns.</exception>
    public static Dataset<T> LoadRegression<T>(string path, string[] targetColumns, CsvOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(targetColumns);
        ArgumentNullException.ThrowIfNull(options);
        return Read<T>(path, new Columns(targetColumns, null), options, classification: false);
    }

    /// <summary>
    /// Reads a regression set whose targets are the columns of 0-based indices <paramref name="targetColumns"/>, in that
    /// order; every other column is a feature.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="targetColumns">The 0-based indices of the target columns (at least one).</param>
    /// <param name="hasHeader">Whether the first non-blank line is a header of column names (the default) or data.</param>
    /// <param name="separator">The cell separator: ',' (the default), ';', '\t', ...</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, or has no column of one of the indices.</exception>
    public static Dataset<T> LoadRegression<T>(string path, int[] targetColumns, bool hasHeader = true, char separator = ',')
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(targetColumns);
        return Read<T>(path, new Columns(null, targetColumns), Options(hasHeader, separator), classification: false);
    }

    /// <summary>
    /// Reads a regression set whose targets are the columns of 0-based indices <paramref name="targetColumns"/>, in that
    /// order; every other column is a feature.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="targetColumns">The 0-based indices of the target columns (at least one).</param>
    /// <param name="options">Lines to skip, the header, the separator.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, or has no column of one of the indices.</exception>
    public static Dataset<T> LoadRegression<T>(string path, int[] targetColumns, CsvOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(targetColumns);
        ArgumentNullException.ThrowIfNull(options);
        return Read<T>(path, new Columns(null, targetColumns), options, classification: false);
    }

    private readonly record struct Columns(string[]? Names, int[]? Indices);

    /// <summary>The options of the overloads that take <c>hasHeader</c> and <c>separator</c>.</summary>
    private static CsvOptions Options(bool hasHeader, char separator)
    {
        if (separator is '"' or '\n' or '\r')
            throw new ArgumentException($"'{Printable(separator)}' cannot separate cells.", nameof(separator));
        return new CsvOptions { Header = hasHeader ? CsvHeader.Present : CsvHeader.Absent, Separator = separator };
    }

    private static Dataset<T> Read<T>(string path, Columns wanted, CsvOptions options, bool classification)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        char separator = options.Separator;
        int requested = wanted.Names?.Length ?? wanted.Indices!.Length;
        if (requested == 0)
            throw new ArgumentException("At least one target column is needed.", nameof(wanted));
        if (wanted.Names is not null && options.Header == CsvHeader.Absent)
            throw new ArgumentException(
                "Columns can be named only when the file has a header (hasHeader: true, or CsvHeader.Present or Auto); pass 0-based column indices instead.",
                nameof(options));
        if (!File.Exists(path))
            throw new FileNotFoundException($"CSV file '{path}' not found (full path: '{Path.GetFullPath(path)}').", path);

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var cells = new List<string>();
        string? line;
        int lineNumber = 0;
        bool hasHeader = false;
        string[]? header = null;
        int firstLine = 0, columnCount = 0;
        int[] special = [];     // the label or target columns, by index
        bool[] isSpecial = [];
        var features = new List<T>();
        var targets = new List<T>();
        var labelTexts = new List<string>();
        var labelLines = new List<int>();
        int rows = 0;

        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (lineNumber <= options.SkipLines) continue;
            if (string.IsNullOrWhiteSpace(line)) continue;
            SplitLine(path, line, lineNumber, separator, cells);
            if (columnCount == 0)
            {
                firstLine = lineNumber;
                columnCount = cells.Count;
                hasHeader = options.Header == CsvHeader.Present || (wanted.Names is not null && options.Header == CsvHeader.Auto);
                if (hasHeader) header = cells.ToArray();
                special = Resolve(path, wanted, header, columnCount, firstLine, separator);
                isSpecial = new bool[columnCount];
                foreach (int c in special) isSpecial[c] = true;
                if (columnCount - special.Length < 1)
                    throw new InvalidDataException(
                        $"'{path}', line {firstLine}: no feature column is left: the line has {columnCount} column(s) " +
                        $"and {special.Length} of them {(classification ? "is the label" : "are targets")}.");
                if (options.Header == CsvHeader.Auto && !hasHeader)
                {
                    hasHeader = HasText<T>(cells, isSpecial, classification);
                    if (hasHeader) header = cells.ToArray();
                }
                if (hasHeader) continue;
            }
            if (cells.Count != columnCount)
                throw new InvalidDataException(
                    $"'{path}', line {lineNumber}: found {cells.Count} cells, but " +
                    (hasHeader ? $"the header (line {firstLine})" : $"the first row (line {firstLine})") +
                    $" has {columnCount}; every row must have the same number of cells, separated by '{Printable(separator)}'" +
                    (rows == (hasHeader ? 0 : 1) ? $" (if line {firstLine} is not part of the table, skip it: CsvOptions.SkipLines = {firstLine})." : "."));
            // A text in the first line of a file read without a header may be a line to skip (a title, counts, names).
            bool firstRow = rows == 0 && !hasHeader && lineNumber == firstLine;
            for (int c = 0; c < columnCount; c++)
            {
                if (isSpecial[c]) continue;
                features.Add(ParseNumber<T>(path, cells[c], lineNumber, c, header, firstRow));
            }
            if (classification)
            {
                string label = cells[special[0]].Trim();
                if (label.Length == 0)
                    throw new InvalidDataException(
                        $"'{path}', line {lineNumber}, {Describe(special[0], header)}: the label cell is empty; expected a class label.");
                labelTexts.Add(label);
                labelLines.Add(lineNumber);
            }
            else
            {
                foreach (int c in special) targets.Add(ParseNumber<T>(path, cells[c], lineNumber, c, header, firstRow));
            }
            rows++;
        }

        string skipped = options.SkipLines > 0 ? $" after the {options.SkipLines} skipped line(s)" : "";
        if (columnCount == 0)
            throw new InvalidDataException(
                $"'{path}' is empty (or holds only blank lines){skipped}: expected {(hasHeader || options.Header == CsvHeader.Present ? "a header line followed by data rows" : "data rows")}.");
        if (rows == 0)
            throw new InvalidDataException(
                $"'{path}' has a header (line {firstLine}) but no data rows: expected at least one line of values after it.");

        int featureCount = columnCount - special.Length;
        if (!classification)
            return new Dataset<T>(features.ToArray(), featureCount, targets.ToArray(), special.Length);
        var labels = new int[rows];
        bool integers = true;
        for (int i = 0; i < rows && integers; i++)
            integers = int.TryParse(labelTexts[i], NumberStyles.None, CultureInfo.InvariantCulture, out labels[i]);
        if (integers)
        {
            int large = Array.IndexOf(labels, int.MaxValue);
            if (large >= 0)
                throw new InvalidDataException(
                    $"'{path}', line {labelLines[large]}, {Describe(special[0], header)}: the label {int.MaxValue} is too large: " +
                    "the class count (the largest label + 1) would not fit an int; number the classes 0..k−1.");
            return new Dataset<T>(features.ToArray(), featureCount, labels);
        }
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        for (int i = 0; i < rows; i++)
        {
            if (!classes.TryGetValue(labelTexts[i], out int label))
            {
                label = names.Count;
                classes.Add(labelTexts[i], label);
                names.Add(labelTexts[i]);
            }
            labels[i] = label;
        }
        return new Dataset<T>(features.ToArray(), featureCount, labels, 0, names.AsReadOnly());
    }

    private static int[] Resolve(string path, Columns wanted, string[]? header, int columnCount, int line, char separator)
    {
        int[] result;
        if (wanted.Names is not null)
        {
            result = new int[wanted.Names.Length];
            for (int k = 0; k < result.Length; k++)
            {
                string name = wanted.Names[k] ?? throw new ArgumentNullException(nameof(wanted), "A column name is null.");
                int index = Array.IndexOf(header!, name);
                if (index < 0)
                {
                    int loose = Array.FindIndex(header!, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
                    string hint = loose >= 0 ? $" (column {loose + 1} is '{header![loose]}': names are case-sensitive)" :
                        header!.Length == 1 && separator != ';' && header[0].Contains(';') ? " (is the separator ';'?)" : "";
                    throw new InvalidDataException(
                        $"'{path}', line {line} (header): no column named '{name}'{hint}; the columns are: " +
                        string.Join(", ", Array.ConvertAll(header!, h => $"'{h}'")) + ".");
                }
                result[k] = index;
            }
        }
        else
        {
            result = wanted.Indices!;
            foreach (int index in result)
            {
                if ((uint)index >= (uint)columnCount)
                    throw new InvalidDataException(
                        $"'{path}', line {line}: there is no column of index {index}: the line has {columnCount} column(s), " +
                        $"of indices 0..{columnCount - 1} (if line {line} is not part of the table, skip it: CsvOptions.SkipLines = {line}).");
            }
        }
        for (int a = 0; a < result.Length; a++)
            for (int b = a + 1; b < result.Length; b++)
                if (result[a] == result[b])
                    throw new ArgumentException($"Column {Describe(result[a], header)} is requested twice.", nameof(wanted));
        return (int[])result.Clone();
    }

    /// <summary>
    /// Whether a first line is a header (for <see cref="CsvHeader.Auto"/>): one of its feature or target cells is not a
    /// finite number. The label cell of a classification set does not count, since labels may be texts.
    /// </summary>
    private static bool HasText<T>(List<string> cells, bool[] isSpecial, bool classification)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = 0; c < cells.Count; c++)
        {
            if (classification && isSpecial[c]) continue;
            if (!T.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out T value) || !T.IsFinite(value))
                return true;
        }
        return false;
    }

    private static T ParseNumber<T>(string path, string cell, int line, int column, string[]? header, bool firstRow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out T value) && T.IsFinite(value))
            return value;
        string found = cell.Trim().Length == 0 ? "an empty cell" : $"'{cell}'";
        string hint = cell.Contains(',') && double.TryParse(cell.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? " (numbers use '.' as the decimal separator, in the invariant culture)"
            : firstRow ? $" (if line {line} is a header, read it as one; if it is not part of the table, skip it: CsvOptions.SkipLines = {line})"
            : "";
        return Throw<T>(
            $"'{path}', line {line}, {Describe(column, header)}: expected a finite number, found {found}{hint}.");
    }

    private static T Throw<T>(string message) => throw new InvalidDataException(message);

    private static string Describe(int column, string[]? header) =>
        header is null ? $"column {column + 1} (index {column})" : $"column {column + 1} '{header[column]}' (index {column})";

    private static string Printable(char c) => c switch { '\t' => "\\t", '\n' => "\\n", '\r' => "\\r", _ => c.ToString() };

    /// <summary>Splits one line into cells: a cell is plain text up to the separator, or a quoted text.</summary>
    private static void SplitLine(string path, string line, int lineNumber, char separator, List<string> cells)
    {
        cells.Clear();
        var cell = new StringBuilder();
        int i = 0;
        while (true)
        {
            cell.Clear();
            int start = i;
            bool quoted = false;
            while (i < line.Length && line[i] == ' ') i++;
            if (i < line.Length && line[i] == '"')
            {
                quoted = true;
                i++;
                while (true)
                {
                    if (i >= line.Length)
                        throw new InvalidDataException(
                            $"'{path}', line {lineNumber}, column {cells.Count + 1}: a quoted cell opened at character {start + 1} " +
                            "is not closed on this line; expected a closing '\"'.");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    cell.Append(line[i++]);
                }
                while (i < line.Length && line[i] == ' ') i++;
                if (i < line.Length && line[i] != separator)
                    throw new InvalidDataException(
                        $"'{path}', line {lineNumber}, column {cells.Count + 1}: unexpected text after the closing quote at character {i + 1}; " +
                        $"expected '{Printable(separator)}' or the end of the line.");
            }
            else
            {
                i = start;
                while (i < line.Length && line[i] != separator) cell.Append(line[i++]);
            }
            cells.Add(quoted ? cell.ToString() : cell.ToString().Trim());
            if (i >= line.Length) return;
            i++; // the separator
        }
    }
}
