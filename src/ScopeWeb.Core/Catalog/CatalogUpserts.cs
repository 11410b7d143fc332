using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScopeWeb.Core.Catalog;

/// <summary>
/// Multi-row <c>INSERT … ON CONFLICT … DO UPDATE</c> for the rows the catalog jobs write, the same SQL on SQLite (3.24+) and
/// PostgreSQL: a row another process wrote first is updated, never a unique-constraint failure, and no read precedes the
/// write. Identifiers are quoted because PostgreSQL folds unquoted names and the columns are EF's PascalCase.
/// </summary>
public static class CatalogUpserts
{
    // Parameters per statement stay far below SQLite's (32,766) and PostgreSQL's (65,535) limits.
    private const int MaxParametersPerStatement = 4000;

    private static readonly string[] FeatureColumns =
        ["SourceId", "ComputedAtUtc", "ValuesJson", "Band", "PeriodDays", "PeriodSignificance", "PeriodAlgorithm", "Dmdt", "Error"];

    private static readonly string[] ClassificationColumns = ["SourceId", "Tag", "Algorithm", "Score", "ModelVersion", "CreatedAtUtc"];

    /// <summary>Writes each source's features row, replacing the one there (values, quarantine reason, time).</summary>
    public static Task UpsertFeaturesAsync(CatalogDb db, IReadOnlyList<SourceFeatures> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return UpsertAsync(db, "features", FeatureColumns, ["SourceId"], rows, r =>
            [r.SourceId, r.ComputedAtUtc, r.ValuesJson, r.Band, r.PeriodDays, r.PeriodSignificance, r.PeriodAlgorithm, r.Dmdt, Truncate(r.Error, 2000)], ct);
    }

    /// <summary>Writes one score per (source, tag, algorithm), replacing the score, model version and time there.</summary>
    public static Task UpsertClassificationsAsync(CatalogDb db, IReadOnlyList<Classification> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return UpsertAsync(db, "classifications", ClassificationColumns, ["SourceId", "Tag", "Algorithm"], rows, r =>
            [r.SourceId, r.Tag, r.Algorithm, r.Score, r.ModelVersion, r.CreatedAtUtc], ct);
    }

    internal static string? Truncate(string? text, int length) => text is null || text.Length <= length ? text : text[..(length - 1)] + "…";

    private static async Task UpsertAsync<T>(
        CatalogDb db, string table, string[] columns, string[] key, IReadOnlyList<T> rows, Func<T, object?[]> values, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (rows.Count == 0)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
        }

        try
        {
            var rowsPerStatement = Math.Max(1, MaxParametersPerStatement / columns.Length);
            var update = string.Join(", ", columns.Except(key).Select(c => $"\"{c}\" = excluded.\"{c}\""));
            var head = $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ";
            var tail = $" ON CONFLICT ({string.Join(", ", key.Select(c => $"\"{c}\""))}) DO UPDATE SET {update}";
            for (var start = 0; start < rows.Count; start += rowsPerStatement)
            {
                var count = Math.Min(rowsPerStatement, rows.Count - start);
                await using var command = connection.CreateCommand();
                command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
                var sql = new StringBuilder(head);
                for (var r = 0; r < count; r++)
                {
                    sql.Append(r == 0 ? "(" : ", (");
                    var row = values(rows[start + r]);
                    for (var c = 0; c < row.Length; c++)
                    {
                        var name = string.Create(CultureInfo.InvariantCulture, $"@p{r}_{c}");
                        sql.Append(c == 0 ? name : ", " + name);
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = name;
                        parameter.Value = row[c] ?? DBNull.Value;
                        command.Parameters.Add(parameter);
                    }

                    sql.Append(')');
                }

                command.CommandText = sql.Append(tail).ToString();
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
        }
    }
}
