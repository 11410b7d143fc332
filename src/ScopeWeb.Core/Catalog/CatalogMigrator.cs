using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ScopeWeb.Core.Catalog;

/// <summary>
/// Applies the catalog's migrations, safely when several processes start on one catalog and when one died mid-migration.
/// </summary>
/// <remarks>
/// EF Core serialises SQLite migrations with a row in <c>__EFMigrationsLock</c> that a killed process never deletes; every
/// later migration then waits for it forever. So every ScopeWeb process first takes an operating-system lock on a file
/// beside the catalog (released by the kernel when its holder dies, however it dies). Holding it, no ScopeWeb process is
/// migrating, and a row in EF's lock table can only be a dead process's: it is removed, with a warning. On PostgreSQL,
/// two instances starting together on an empty database both created the first tables (42P07 "relation already
/// exists", seen with two app processes): every process takes a session advisory lock (<see cref="CatalogLock"/>) around
/// the migration, which the server releases when the session ends, however the process ends.
/// </remarks>
public static partial class CatalogMigrator
{
    private const string EfLockTable = "__EFMigrationsLock";

    /// <summary>The PostgreSQL advisory lock key of migrations ("ScopeMig" in ASCII).</summary>
    private const long MigrationKey = 0x53636F70654D6967;

    /// <summary>Migrates the catalog; waits up to <paramref name="wait"/> (default 2 minutes) for another process that is migrating it.</summary>
    /// <exception cref="TimeoutException">Another process kept migrating longer than <paramref name="wait"/>; the message names it.</exception>
    public static async Task MigrateAsync(IDbContextFactory<CatalogDb> factory, ILogger? logger, CancellationToken ct, TimeSpan? wait = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await using var db = await factory.CreateDbContextAsync(ct).ConfigureAwait(false);
        if (db.Database.IsSqlite() && SqliteFile(db.Database.GetConnectionString()) is { } path)
        {
            await using var guard = await AcquireGuardAsync(path + ".migrating", wait ?? TimeSpan.FromMinutes(2), logger, ct).ConfigureAwait(false);
            await ClearDeadLockAsync(db, path, logger, ct).ConfigureAwait(false);
            await db.Database.MigrateAsync(ct).ConfigureAwait(false);
            return;
        }

        await using (await CatalogLock.AcquireAsync(factory, "migrating", MigrationKey, ct).ConfigureAwait(false))
        {
            await db.Database.MigrateAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>The file of a SQLite connection string, or null for an in-memory or shared-cache database.</summary>
    internal static string? SqliteFile(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return null;
        }

        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? null
            : Path.GetFullPath(source);
    }

    private static async Task<FileStream> AcquireGuardAsync(string guardPath, TimeSpan wait, ILogger? logger, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + wait;
        var announced = false;
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(guardPath)!);
                // FileShare.None is an exclusive flock on Linux: held until this stream is closed or the process ends.
                return new FileStream(guardPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                if (!announced && logger is not null)
                {
                    LogWaiting(logger, guardPath);
                    announced = true;
                }

                await Task.Delay(200, ct).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"Another process has been migrating the catalog for over {wait.TotalSeconds:F0} s (it holds {guardPath}); wait for it to finish, or stop it and start again."),
                    ex);
            }
        }
    }

    private static async Task ClearDeadLockAsync(CatalogDb db, string path, ILogger? logger, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            await using var exists = connection.CreateCommand();
            exists.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{EfLockTable}'";
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
            {
                return;
            }

            await using var clear = connection.CreateCommand();
            clear.CommandText = $"DELETE FROM \"{EfLockTable}\" RETURNING \"Timestamp\"";
            var since = await clear.ExecuteScalarAsync(ct).ConfigureAwait(false);
            if (since is not null && logger is not null)
            {
                LogCleared(logger, path, Convert.ToString(since, CultureInfo.InvariantCulture) ?? "");
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(LogLevel.Information, "Another process is migrating the catalog ({Guard}); waiting for it")]
    private static partial void LogWaiting(ILogger logger, string guard);

    [LoggerMessage(LogLevel.Warning, "Cleared a migration lock on {Catalog} left since {Since} by a process that stopped while migrating")]
    private static partial void LogCleared(ILogger logger, string catalog, string since);
}
