using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Tests.Catalog;

public class CatalogMigrationsTests
{
    [Fact]
    public void Sqlite_migrations_match_the_model()
    {
        using var db = new SqliteCatalogDb(new DbContextOptionsBuilder<SqliteCatalogDb>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a SQLite migration (dotnet ef migrations add … --context SqliteCatalogDb)");
    }

    [Fact]
    public void Postgres_migrations_match_the_model()
    {
        using var db = new PostgresCatalogDb(new DbContextOptionsBuilder<PostgresCatalogDb>().UseNpgsql("Host=localhost;Database=none").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a PostgreSQL migration (dotnet ef migrations add … --context PostgresCatalogDb)");
    }

    [Fact]
    public void Both_providers_have_the_same_migrations()
    {
        using var sqlite = new SqliteCatalogDb(new DbContextOptionsBuilder<SqliteCatalogDb>().UseSqlite("Data Source=:memory:").Options);
        using var pg = new PostgresCatalogDb(new DbContextOptionsBuilder<PostgresCatalogDb>().UseNpgsql("Host=localhost;Database=none").Options);
        static IEnumerable<string> Names(DbContext db) =>
            db.GetService<IMigrationsAssembly>().Migrations.Keys.Select(k => k[(k.IndexOf('_', StringComparison.Ordinal) + 1)..]);
        Assert.Equal(Names(sqlite), Names(pg));
    }

    [Fact]
    public async Task First_start_creates_the_sqlite_file_and_schema()
    {
        var dir = Directory.CreateTempSubdirectory("scopeweb-first-start-");
        try
        {
            var options = new DatabaseOptions { DataDirectory = Path.Combine(dir.FullName, "nested", "data") };
            var factory = new CatalogDbFactory(DatabaseProvider.Sqlite, options.ResolveConnectionString() + ";Pooling=False");
            await using (var db = factory.CreateDbContext())
            {
                await db.Database.MigrateAsync();
                Assert.Equal(0, await db.Sources.CountAsync());
            }

            Assert.True(File.Exists(Path.Combine(dir.FullName, "nested", "data", "scopeweb.db")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_a_clear_configuration_error()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new DatabaseOptions { Provider = DatabaseProvider.Postgres }.ResolveConnectionString());
        Assert.Contains("Database:ConnectionString", ex.Message, StringComparison.Ordinal);
    }
}
