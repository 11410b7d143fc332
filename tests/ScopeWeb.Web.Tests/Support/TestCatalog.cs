using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Web.Tests.Support;

/// <summary>A real, migrated SQLite catalog in a temporary file, with the app's reader and writer on top.</summary>
public sealed class TestCatalog : IAsyncDisposable
{
    private readonly string _directory;

    private TestCatalog(string directory, CatalogDbFactory factory)
    {
        _directory = directory;
        Factory = factory;
        Reader = new SourceCatalog(factory);
        Writer = new CatalogWriter(factory);
    }

    public CatalogDbFactory Factory { get; }
    public SourceCatalog Reader { get; }
    public CatalogWriter Writer { get; }

    /// <summary>Creates the file and applies the SQLite migrations, as the app does at start-up.</summary>
    public static TestCatalog Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), "scopeweb-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var factory = new CatalogDbFactory(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory, "catalog.db")}");
        using (var db = factory.CreateDbContext())
        {
            db.Database.Migrate();
        }

        return new TestCatalog(directory, factory);
    }

    /// <summary>
    /// Writes sources with their light curves through the app's writer, then their scores, annotations and
    /// features (the writer handles only sources and light curves; those come from other parts of the app).
    /// </summary>
    public async Task AddAsync(params Source[] sources)
    {
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

    public ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them before deleting it.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test on cleanup.
        }

        return ValueTask.CompletedTask;
    }
}
