using Microsoft.EntityFrameworkCore;

namespace ScopeWeb.Core.Catalog;

/// <summary>
/// A lock that every ScopeWeb process on one catalog sees, held across a check and the writes it decides (PostgreSQL
/// migrations, the first-start seeding: two instances starting at once on an empty catalog must not both create its
/// tables or both fill it). PostgreSQL: a session advisory
/// lock, which the server frees when the session ends however the process ends. SQLite: an operating-system lock on a
/// file beside the catalog, which the kernel frees likewise (as <see cref="CatalogMigrator"/>'s).
/// </summary>
public static class CatalogLock
{
    /// <summary>The advisory lock key of the first-start seeding ("ScopeSee" in ASCII; EF Core's migration lock uses another).</summary>
    public const long SeedingKey = 0x53636F7065536565;

    /// <summary>Waits until this process holds the lock named <paramref name="name"/> (PostgreSQL key <paramref name="key"/>); dispose to release it.</summary>
    public static async Task<IAsyncDisposable> AcquireAsync(IDbContextFactory<CatalogDb> factory, string name, long key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var db = await factory.CreateDbContextAsync(ct).ConfigureAwait(false);
        try
        {
            if (db.Database.IsNpgsql())
            {
                await db.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({key})", ct).ConfigureAwait(false);
                var held = new AdvisoryLock(db, key);
                db = null;
                return held;
            }

            if (CatalogMigrator.SqliteFile(db.Database.GetConnectionString()) is { } path)
            {
                return await FileLockAsync(path + "." + name, ct).ConfigureAwait(false);
            }

            // An in-memory catalog belongs to one process.
            return new Nothing();
        }
        finally
        {
            if (db is not null)
            {
                await db.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<IAsyncDisposable> FileLockAsync(string path, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // FileShare.None is an exclusive flock on Linux: held until this stream is closed or the process ends.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException)
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
        }
    }

    private sealed class AdvisoryLock(CatalogDb db, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({key})", CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                // Closing returns the connection to the pool, whose reset (DISCARD ALL) also drops a lock the unlock missed.
                await db.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
