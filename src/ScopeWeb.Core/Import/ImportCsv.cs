using System.Globalization;
using System.Text;
using CsvHelper;
using ScopeWeb.Core.Files;

namespace ScopeWeb.Core.Import;

/// <summary>
/// One import file open for reading with CsvHelper's span API: gzip detected by its magic bytes, invariant culture,
/// the header resolved to <see cref="ImportColumn"/>s, and typed field readers whose failures are
/// <see cref="ImportException"/>s naming the file, row, line and column.
/// </summary>
internal sealed class ImportCsv : IDisposable
{
    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        Separator = ',',
        TrimWhitespace = true,
        CommentPrefix = '#',
        TrackLineNumbers = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    private readonly CsvReader _reader;

    private ImportCsv(string fileName, CsvReader reader, ResolvedColumns columns)
    {
        FileName = fileName;
        _reader = reader;
        Columns = columns;
    }

    public string FileName { get; }
    public ResolvedColumns Columns { get; }
    public CsvReader Reader => _reader;

    /// <summary>The current data row, 1-based, the header not counted.</summary>
    public long RowNumber => _reader.RowNumber;

    /// <param name="file">The file to read.</param>
    /// <param name="budget">The import's allowance of CSV text, shared by its files; every byte read counts against it.</param>
    public static ImportCsv Open(ImportFile file, ImportTextBudget budget)
    {
        Stream stream;
        try
        {
            stream = DataFile.OpenRead(file.Path, file.Name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImportException(file.Name, null, null, null, ex is FileNotFoundException or DirectoryNotFoundException ? "file not found" : ex.Message, ex);
        }

        CsvReader? reader = null;
        try
        {
            stream = budget.Meter(stream, file.Name);
            reader = CsvReader.Create(stream, Options, false);
            reader.ReadHeader();
            var headers = reader.Headers;
            if (headers.Count == 0 || (headers.Count == 1 && headers[0].Length == 0))
            {
                throw new ImportException(file.Name, null, null, null, "the file is empty (no header row)");
            }

            return new ImportCsv(file.Name, reader, ImportColumns.Resolve(headers));
        }
        catch (InvalidDataException ex) when (DataFile.Damage(ex) is { } damage)
        {
            reader?.Dispose();
            stream.Dispose();
            throw new ImportException(file.Name, null, null, null, damage, ex);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or CsvFormatException)
        {
            reader?.Dispose();
            stream.Dispose();
            throw new ImportException(file.Name, null, null, null, $"cannot read the header: {ex.Message}", ex);
        }
        catch
        {
            reader?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Fails unless every column in <paramref name="required"/> is present, listing the accepted spellings.</summary>
    public void Require(params ReadOnlySpan<ImportColumn> required)
    {
        foreach (var column in required)
        {
            if (!Columns.Has(column))
            {
                throw new ImportException(
                    FileName, null, null, null,
                    $"no {Describe(column)} column; accepted headers (any case): {ImportColumns.Describe(column)}");
            }
        }
    }

    /// <summary>Advances to the next data row; a row with more or fewer fields than the header is an error.</summary>
    public bool Read()
    {
        bool more;
        try
        {
            more = _reader.Read();
        }
        catch (InvalidDataException ex) when (DataFile.Damage(ex) is { } damage)
        {
            // Damage to the whole file (gzip cut short, a bad trailer): not the fault of the row being read.
            throw new ImportException(FileName, null, null, null, damage, ex);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or CsvFormatException)
        {
            throw new ImportException(FileName, _reader.RowNumber + 1, null, null, $"cannot read the file: {ex.Message}", ex);
        }

        if (more && _reader.FieldCount != Columns.FieldCount)
        {
            throw Error(null, string.Create(CultureInfo.InvariantCulture, $"the row has {_reader.FieldCount} fields, the header {Columns.FieldCount}"));
        }

        return more;
    }

    public bool IsEmpty(ImportColumn column) => Columns[column] < 0 || _reader.IsEmpty(Columns[column]);

    public ReadOnlySpan<byte> Span(ImportColumn column) => _reader.GetSpan(Columns[column]);

    public string Text(ImportColumn column) => _reader.GetString(Columns[column]);

    /// <summary>A required, finite number.</summary>
    public double Double(ImportColumn column)
    {
        var i = Columns[column];
        if (_reader.IsEmpty(i))
        {
            throw Error(column, "empty value, a number is required");
        }

        if (!_reader.TryParse<double>(i, out var value) || !double.IsFinite(value))
        {
            throw Error(column, $"\"{Shorten(_reader.GetSpan(i))}\" is not a number");
        }

        return value;
    }

    /// <summary>A finite number, or null when the column is absent or the field empty.</summary>
    public double? OptionalDouble(ImportColumn column) => IsEmpty(column) ? null : Double(column);

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], or null when absent or empty.</summary>
    public int? OptionalInt(ImportColumn column, int min, int max)
    {
        if (IsEmpty(column))
        {
            return null;
        }

        var i = Columns[column];
        if (!_reader.TryParse<int>(i, out var value))
        {
            // Some exports write integer columns as floats ("586.0").
            if (!_reader.TryParse<double>(i, out var d) || d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue)
            {
                throw Error(column, $"\"{Shorten(_reader.GetSpan(i))}\" is not an integer");
            }

            value = (int)d;
        }

        if (value < min || value > max)
        {
            throw Error(column, string.Create(CultureInfo.InvariantCulture, $"{value} is outside {min}..{max}"));
        }

        return value;
    }

    /// <summary>A boolean (true/false, yes/no, t/f, 1/0), false when absent or empty.</summary>
    public bool Flag(ImportColumn column)
    {
        if (IsEmpty(column))
        {
            return false;
        }

        var i = Columns[column];
        if (!_reader.TryParse<bool>(i, out var value))
        {
            throw Error(column, $"\"{Shorten(_reader.GetSpan(i))}\" is not a boolean (true/false, 1/0)");
        }

        return value;
    }

    /// <summary>The trimmed text, or null when absent or empty.</summary>
    public string? OptionalText(ImportColumn column, int maxLength)
    {
        if (IsEmpty(column))
        {
            return null;
        }

        var text = _reader.GetString(Columns[column]).Trim();
        if (text.Length > maxLength)
        {
            throw Error(column, string.Create(CultureInfo.InvariantCulture, $"\"{Shorten(text)}\" is longer than {maxLength} characters"));
        }

        return text.Length == 0 ? null : text;
    }

    public ImportException Error(ImportColumn? column, string problem) =>
        new(FileName, _reader.RowNumber, _reader.LineNumber, column is { } c ? Columns.Header(c) : null, problem);

    public static string Shorten(ReadOnlySpan<byte> utf8) => Shorten(Encoding.UTF8.GetString(utf8));

    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Describe(ImportColumn column) => column switch
    {
        ImportColumn.ObjectId => "object id",
        ImportColumn.Time => "time",
        ImportColumn.Band => "band",
        ImportColumn.Mag => "magnitude",
        ImportColumn.MagErr => "magnitude error",
        _ => column.ToString(),
    };

    public void Dispose() => _reader.Dispose();
}
