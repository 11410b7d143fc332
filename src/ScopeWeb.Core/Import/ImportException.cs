using System.Globalization;
using System.Text;

namespace ScopeWeb.Core.Import;

/// <summary>
/// Bad import input. The message names the file and, when known, the 1-based data row (the header is not
/// counted), the input line and the column, e.g. <c>light_curves.csv: row 1234 (line 1235), column "mag": "abc" is not a number</c>.
/// </summary>
public sealed class ImportException : Exception
{
    public ImportException()
        : this("", null, null, null, "bad import input")
    {
    }

    public ImportException(string message)
        : this("", null, null, null, message)
    {
    }

    public ImportException(string message, Exception innerException)
        : this("", null, null, null, message, innerException)
    {
    }

    public ImportException(string fileName, long? row, long? line, string? column, string problem, Exception? innerException = null)
        : base(Format(fileName, row, line, column, problem), innerException)
    {
        FileName = fileName;
        Row = row;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The file as the user named it (not a temporary copy).</summary>
    public string FileName { get; }

    /// <summary>1-based data row, the header not counted; null for problems of the whole file.</summary>
    public long? Row { get; }

    /// <summary>1-based line of the input where the row starts, counting the header.</summary>
    public long? Line { get; }

    /// <summary>The column header as written in the file.</summary>
    public string? Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Format(string fileName, long? row, long? line, string? column, string problem)
    {
        var sb = new StringBuilder();
        if (fileName.Length > 0)
        {
            sb.Append(fileName).Append(": ");
        }

        if (row is { } r)
        {
            sb.Append(CultureInfo.InvariantCulture, $"row {r}");
            if (line is { } l && l > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $" (line {l})");
            }

            sb.Append(column is null ? ": " : ", ");
        }

        if (column is not null)
        {
            sb.Append("column \"").Append(column).Append("\": ");
        }

        return sb.Append(problem).ToString();
    }
}
