using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Testing;

/// <summary>
/// A real, migrated, throwaway catalog: a SQLite file in a temp folder, or a fresh database on the PostgreSQL
/// server named by <c>SCOPEWEB_TEST_POSTGRES</c> (started by scripts/test.sh). Dropped on dispose.
/// </summary>
public sealed class TestCatalog : IAsyncDisposable
{
    public const string PostgresVariable = "SCOPEWEB_TEST_POSTGRES";

    private readonly Func<ValueTask> _cleanup;

    private TestCatalog(CatalogDbFactory factory, Func<ValueTask> cleanup)
    {
        Factory = factory;
        _cleanup = cleanup;
        Catalog = new SourceCatalog(factory);
        Writer = new CatalogWriter(factory);
    }

    public CatalogDbFactory Factory { get; }

    public SourceCatalog Catalog { get; }

    public CatalogWriter Writer { get; }

    /// <summary>The SQLite file (null for PostgreSQL).</summary>
    public string? SqlitePath { get; private init; }

    public static string? PostgresConnection => Environment.GetEnvironmentVariable(PostgresVariable);

    public static Task<TestCatalog> CreateAsync(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? SqliteAsync() : PostgresAsync();

    /// <summary>A migrated SQLite catalog, synchronously (for constructors such as bUnit contexts).</summary>
    public static TestCatalog Create() => SqliteAsync().GetAwaiter().GetResult();

    public static async Task<TestCatalog> SqliteAsync()
    {
        var dir = Directory.CreateTempSubdirectory("scopeweb-test-");
        var path = Path.Combine(dir.FullName, "catalog.db");
        var factory = new CatalogDbFactory(DatabaseProvider.Sqlite, $"Data Source={path};Pooling=False");
        await MigrateAsync(factory);
        return new TestCatalog(factory, () =>
        {
            SqliteConnection.ClearAllPools();
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless; never fail a test on cleanup.
            }

            return ValueTask.CompletedTask;
        })
        { SqlitePath = path };
    }

    public static async Task<TestCatalog> PostgresAsync()
    {
        var admin = PostgresConnection;
        Skip.If(string.IsNullOrEmpty(admin), $"{PostgresVariable} is not set: no PostgreSQL server to test against (scripts/test.sh starts one).");
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false };
        var factory = new CatalogDbFactory(DatabaseProvider.Postgres, builder.ConnectionString);
        await MigrateAsync(factory);
        return new TestCatalog(factory, async () =>
        {
            await using var conn = new NpgsqlConnection(admin);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        });
    }

    /// <summary>
    /// Writes sources with their light curves through the app's writer, then their scores, annotations and
    /// features (the writer handles only sources and light curves; those come from other parts of the app).
    /// </summary>
    public async Task AddAsync(params Source[] sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var extras = sources.Select(s => (Source: s, s.Classifications, s.Annotations, s.Features)).ToList();
        foreach (var s in sources)
        {
            s.Classifications = [];
            s.Annotations = [];
            s.Features = null;
        }

        await Writer.WriteAsync(sources, ExistingSourcePolicy.Reject, atomic: true);

        await using var db = Factory.CreateDbContext();
        var ids = sources.Select(s => s.ObjId).ToList();
        var idByObjId = await db.Sources.Where(s => ids.Contains(s.ObjId)).ToDictionaryAsync(s => s.ObjId, s => s.Id);
        foreach (var (source, classifications, annotations, features) in extras)
        {
            var id = idByObjId[source.ObjId];
            foreach (var c in classifications)
            {
                c.SourceId = id;
                db.Classifications.Add(c);
            }

            foreach (var a in annotations)
            {
                a.SourceId = id;
                db.Annotations.Add(a);
            }

            if (features is not null)
            {
                features.SourceId = id;
                db.Features.Add(features);
            }
        }

        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync() => _cleanup();

    private static async Task MigrateAsync(CatalogDbFactory factory)
    {
        await using var db = factory.CreateDbContext();
        await db.Database.MigrateAsync();
    }
}
