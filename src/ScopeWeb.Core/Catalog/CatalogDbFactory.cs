using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScopeWeb.Core.Catalog;

/// <summary>
/// Creates a short-lived <see cref="CatalogDb"/> of the configured provider per unit of work
/// (the Blazor Server guidance: never hold a context in a long-lived circuit).
/// </summary>
public sealed class CatalogDbFactory : IDbContextFactory<CatalogDb>
{
    private readonly DbContextOptions<SqliteCatalogDb>? _sqlite;
    private readonly DbContextOptions<PostgresCatalogDb>? _postgres;

    public CatalogDbFactory(DatabaseProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        if (provider == DatabaseProvider.Sqlite)
        {
            _sqlite = new DbContextOptionsBuilder<SqliteCatalogDb>()
                .UseSqlite(connectionString, o => o.CommandTimeout(600))
                .AddInterceptors(SqlitePragmas.Instance)
                .Options;
        }
        else
        {
            _postgres = new DbContextOptionsBuilder<PostgresCatalogDb>()
                .UseNpgsql(connectionString, o => o.CommandTimeout(600))
                .Options;
        }
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    public CatalogDb CreateDbContext() =>
        _sqlite is not null ? new SqliteCatalogDb(_sqlite) : new PostgresCatalogDb(_postgres!);

    /// <summary>Per-connection SQLite settings: WAL so pages read while an import writes; a bigger page cache.</summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        private const string Sql = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA busy_timeout=30000;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = Sql;
            cmd.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = Sql;
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Design-time factories so <c>dotnet ef migrations add</c> can build each provider's model.</summary>
internal sealed class SqliteDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<SqliteCatalogDb>
{
    public SqliteCatalogDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCatalogDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<PostgresCatalogDb>
{
    public PostgresCatalogDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCatalogDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
