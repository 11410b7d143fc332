using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Tests.TestSupport;

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
    }

    public CatalogDbFactory Factory { get; }

    public SourceCatalog Catalog => new(Factory);

    public CatalogWriter Writer => new(Factory);

    public static string? PostgresConnection => Environment.GetEnvironmentVariable(PostgresVariable);

    public static Task<TestCatalog> CreateAsync(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? SqliteAsync() : PostgresAsync();

    public static async Task<TestCatalog> SqliteAsync()
    {
        var dir = Directory.CreateTempSubdirectory("scopeweb-test-");
        var factory = new CatalogDbFactory(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(dir.FullName, "catalog.db")};Pooling=False");
        await MigrateAsync(factory);
        return new TestCatalog(factory, () =>
        {
            dir.Delete(recursive: true);
            return ValueTask.CompletedTask;
        });
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

    public ValueTask DisposeAsync() => _cleanup();

    private static async Task MigrateAsync(CatalogDbFactory factory)
    {
        await using var db = factory.CreateDbContext();
        await db.Database.MigrateAsync();
    }
}
