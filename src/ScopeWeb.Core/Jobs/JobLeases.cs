using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Jobs;

/// <summary>
/// Claims on sources per catalog job, in the catalog database, so several processes (the web app, <c>scope update-catalog</c>,
/// a second app instance) share one catalog and compute each source once. A claim is one upsert that succeeds only where
/// no live claim of someone else exists (the same SQL on SQLite and PostgreSQL), so two claimants can never both win.
/// </summary>
public sealed class JobLeases(IDbContextFactory<CatalogDb> dbFactory, TimeProvider time)
{
    /// <summary>This process's name in the lease table: host, process id and a per-instance suffix (two jobs in one process are two claimants).</summary>
    public static string NewOwner()
    {
        var owner = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}");
        return owner.Length <= 300 ? owner : owner[^300..];
    }

    /// <summary>
    /// Claims <paramref name="sourceIds"/> for <paramref name="job"/> until now + <paramref name="duration"/>; returns the ids this
    /// owner now holds (free, expired, or already its own). The rest are being worked on by someone else.
    /// </summary>
    public async Task<IReadOnlyList<long>> ClaimAsync(string job, string owner, IReadOnlyCollection<long> sourceIds, TimeSpan duration, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(sourceIds);
        if (sourceIds.Count == 0)
        {
            return [];
        }

        var now = time.GetUtcNow().UtcDateTime;
        var claimed = new List<long>(sourceIds.Count);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct).ConfigureAwait(false);
        foreach (var chunk in sourceIds.Chunk(2000))
        {
            await using var command = connection.CreateCommand();
            // Ids are longs written as invariant literals; job, owner and times are parameters.
            var values = new StringBuilder();
            foreach (var id in chunk)
            {
                values.Append(values.Length == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@job, {id}, @owner, @expires)");
            }

            command.CommandText =
                $"INSERT INTO job_leases (\"Job\", \"SourceId\", \"Owner\", \"ExpiresAtUtc\") VALUES {values} "
                + "ON CONFLICT (\"Job\", \"SourceId\") DO UPDATE SET \"Owner\" = excluded.\"Owner\", \"ExpiresAtUtc\" = excluded.\"ExpiresAtUtc\" "
                + "WHERE job_leases.\"ExpiresAtUtc\" < @now OR job_leases.\"Owner\" = excluded.\"Owner\" "
                + "RETURNING \"SourceId\"";
            Add(command, "@job", job);
            Add(command, "@owner", owner);
            Add(command, "@expires", now + duration);
            Add(command, "@now", now);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                claimed.Add(reader.GetInt64(0));
            }
        }

        return claimed;
    }

    /// <summary>Gives up this owner's claims on <paramref name="sourceIds"/> (after their results are saved).</summary>
    public async Task ReleaseAsync(string job, string owner, IReadOnlyCollection<long> sourceIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sourceIds);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        foreach (var chunk in sourceIds.Chunk(2000))
        {
            await db.JobLeases.Where(l => l.Job == job && l.Owner == owner && chunk.Contains(l.SourceId))
                .ExecuteDeleteAsync(ct).ConfigureAwait(false);
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
