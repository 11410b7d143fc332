using System.ComponentModel.DataAnnotations;

namespace ScopeWeb.Core.Catalog;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Section <c>Database</c>: which store the catalog lives in.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Connection string; for SQLite defaults to <c>{DataDirectory}/scopeweb.db</c>. Required for PostgreSQL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for local state (the SQLite file). Relative paths are against the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    public string ResolveConnectionString()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        if (Provider == DatabaseProvider.Postgres)
        {
            throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.");
        }

        var dir = Path.GetFullPath(DataDirectory);
        Directory.CreateDirectory(dir);
        return $"Data Source={Path.Combine(dir, "scopeweb.db")}";
    }
}

/// <summary>Section <c>Catalog</c>: the embedded default catalog.</summary>
public sealed class CatalogOptions
{
    public const string SectionName = "Catalog";

    /// <summary>Simulated sources to create on first start when the catalog is empty (0 = none).</summary>
    [Range(0, 10_000_000)]
    public int SimulatedSourcesOnFirstStart { get; set; } = 3000;

    /// <summary>Seed of the first-start simulation, so every fresh install shows the same sky.</summary>
    public int SimulationSeed { get; set; } = 42;
}
