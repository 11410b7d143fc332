using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using ScopeWeb.Core.FeatureExtraction.Dmdt;
using ScopeWeb.Core.Files;

namespace ScopeWeb.Training.Data;

/// <summary>
/// A training table as SCoPe's datasets hold it: one row per light curve or source, an id column, feature columns,
/// float label columns (or a categorical class column), and an optional <c>dmdt</c> column (a 26×26 JSON list).
/// Cells are kept as text until a column is used, so a bad cell is reported with its file, row and column only if
/// the training needs it.
/// </summary>
public sealed class TrainingTable
{
    /// <summary>Id column spellings, in order of preference (SCoPe's tables use these).</summary>
    public static readonly IReadOnlyList<string> IdColumns = ["obj_id", "ztf_id", "_id", "object_id", "id", "LINEARobjectID"];

    public const string DmdtColumn = "dmdt";

    private readonly Dictionary<string, string[]> _columns;

    public TrainingTable(string sourceName, IReadOnlyList<string> columnNames, Dictionary<string, string[]> columns, string dataHash)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentNullException.ThrowIfNull(columns);
        SourceName = sourceName;
        ColumnNames = columnNames;
        _columns = columns;
        DataHash = dataHash;
        Rows = columns.Count == 0 ? 0 : columns.Values.First().Length;
        IdColumn = IdColumns.FirstOrDefault(columns.ContainsKey);
    }

    /// <summary>File path or <c>catalog</c>; used in error messages.</summary>
    public string SourceName { get; }

    public IReadOnlyList<string> ColumnNames { get; }

    public int Rows { get; }

    /// <summary><c>sha256:…</c> of the data, recorded on every model card trained from it.</summary>
    public string DataHash { get; }

    public string? IdColumn { get; }

    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>The ids of the rows (the id column, else the 1-based row numbers).</summary>
    public string[] Ids() => IdColumn is { } id ? _columns[id] : [.. Enumerable.Range(1, Rows).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Raw text of a column.</summary>
    public IReadOnlyList<string> Text(string column) => _columns.TryGetValue(column, out var values)
        ? values
        : throw new InvalidDataException($"{SourceName}: no column '{column}'; the columns are: {string.Join(", ", ColumnNames.Take(40))}{(ColumnNames.Count > 40 ? ", …" : "")}.");

    /// <summary>
    /// A numeric column. Empty cells and NaN/null/None are missing (NaN); anything else that is not a number is an
    /// error naming the file, row (1-based, the header is row 1) and column.
    /// </summary>
    public double[] Numbers(string column)
    {
        var text = Text(column);
        var values = new double[text.Count];
        for (var r = 0; r < values.Length; r++)
        {
            values[r] = ParseNumber(text[r], column, r);
        }

        return values;
    }

    private double ParseNumber(string cell, string column, int row)
    {
        var s = cell.AsSpan().Trim();
        if (s.Length == 0 || s.Equals("nan", StringComparison.OrdinalIgnoreCase) || s.Equals("null", StringComparison.OrdinalIgnoreCase)
            || s.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return double.NaN;
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        if (s.Equals("true", StringComparison.OrdinalIgnoreCase) || s.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return s.Equals("true", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        }

        throw new InvalidDataException(string.Create(
            CultureInfo.InvariantCulture, $"{SourceName}: row {row + 2}, column '{column}': '{cell}' is not a number."));
    }

    /// <summary>
    /// The dmdt images, row-major <c>[Rows × 676]</c>, or null without a dmdt column. As in SCoPe, an empty or scalar
    /// cell is an all-zero image; a list that is not 26×26 is an error naming the row.
    /// </summary>
    public float[]? DmdtImages()
    {
        if (!_columns.TryGetValue(DmdtColumn, out var cells))
        {
            return null;
        }

        var images = new float[cells.Length * TrainingSplit.DmdtLength];
        for (var r = 0; r < cells.Length; r++)
        {
            var cell = cells[r].AsSpan().Trim();
            // SCoPe's data sets hold a scalar (0, NaN) where a source has no image: the all-zero image.
            if (cell.Length == 0 || cell[0] != '[')
            {
                continue;
            }

            try
            {
                DmdtHistogram.ParseJson(Encoding.UTF8.GetBytes(cell.ToString()), images.AsSpan(r * TrainingSplit.DmdtLength, TrainingSplit.DmdtLength));
            }
            catch (FormatException ex)
            {
                throw DmdtHistogram.CellError(SourceName, r + 2, DmdtColumn, ex);
            }
        }

        return images;
    }

    /// <summary>The given rows as a table of their own (e.g. the training part of a held-out split); the hash covers the source and the rows.</summary>
    public TrainingTable Subset(IReadOnlyList<int> rows, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = _columns.ToDictionary(c => c.Key, c => rows.Select(r => c.Value[r]).ToArray(), StringComparer.Ordinal);
        var rowList = string.Join(',', rows.Select(r => r.ToString(CultureInfo.InvariantCulture)));
        var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DataHash + "|" + rowList)));
        return new TrainingTable(sourceName, ColumnNames, columns, hash);
    }

    /// <summary>Reads a CSV training table, plain or gzip (by its magic bytes); the data hash is the file's SHA-256.</summary>
    /// <exception cref="InvalidDataException">The file is empty, a row has the wrong number of cells, or a header repeats.</exception>
    public static TrainingTable ReadCsv(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: file not found.");
        }

        string hash;
        using (var file = File.OpenRead(path))
        {
            hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(file));
        }

        using var text = new StreamReader(DataFile.OpenRead(path), Encoding.UTF8);
        return Read(text, path, hash);
    }

    /// <summary>Reads CSV text; <paramref name="sourceName"/> names it in errors.</summary>
    public static TrainingTable Read(TextReader text, string sourceName, string dataHash)
    {
        ArgumentNullException.ThrowIfNull(text);
        var options = CsvReaderOptions.Default with { Separator = ',', TrimWhitespace = true, FormatProvider = CultureInfo.InvariantCulture };
        using var reader = CsvReader.Create(text, options, false);
        reader.ReadHeader();
        var names = Enumerable.Range(0, reader.Headers.Count).Select(i => reader.Headers[i]).ToArray();
        if (names.Length == 0 || (names.Length == 1 && names[0].Length == 0))
        {
            throw new InvalidDataException($"{sourceName}: the file is empty (no header row).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                throw new InvalidDataException($"{sourceName}: column '{name}' appears twice in the header.");
            }
        }

        var cells = names.Select(_ => new List<string>()).ToArray();
        var row = 1;
        while (reader.Read())
        {
            row++;
            if (reader.FieldCount != names.Length)
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture, $"{sourceName}: row {row} has {reader.FieldCount} cells, the header has {names.Length}."));
            }

            for (var c = 0; c < names.Length; c++)
            {
                cells[c].Add(reader.GetString(c));
            }
        }

        var columns = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var c = 0; c < names.Length; c++)
        {
            columns[names[c]] = [.. cells[c]];
        }

        return new TrainingTable(sourceName, names, columns, dataHash);
    }

    /// <summary>Writes the table as CSV (the SCoPe training format), in column order.</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, NewLine = "\n" }, leaveOpen: true);
        foreach (var name in ColumnNames)
        {
            csv.WriteField(name);
        }

        csv.EndRecord();
        for (var r = 0; r < Rows; r++)
        {
            foreach (var name in ColumnNames)
            {
                csv.WriteField(_columns[name][r]);
            }

            csv.EndRecord();
        }
    }
}
