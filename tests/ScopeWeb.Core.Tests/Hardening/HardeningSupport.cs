using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Import;
using ScopeWeb.Core.Tests.Import;
using static ScopeWeb.Core.Tests.Import.ImportTestFiles;

namespace ScopeWeb.Core.Tests.Hardening;

/// <summary>A catalog with one earlier import in it, to show that a refused import leaves every stored value as it was.</summary>
internal sealed class CatalogWithPriorImport : IAsyncDisposable
{
    private CatalogWithPriorImport(TestCatalog catalog, string snapshot)
    {
        Catalog = catalog;
        Snapshot = snapshot;
    }

    public TestCatalog Catalog { get; }

    /// <summary>Every stored value after the earlier import.</summary>
    public string Snapshot { get; }

    public ScratchFolder Folder { get; } = new();

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    /// <summary>prior_good.csv imported: source bad-1 with two g points, which the hostile files would touch.</summary>
    public static async Task<CatalogWithPriorImport> CreateAsync(DatabaseProvider provider)
    {
        var catalog = await TestCatalog.CreateAsync(provider);
        await ImportTestFiles.Importer(catalog).ImportAsync([Fixture("prior_good.csv")]);
        return new CatalogWithPriorImport(catalog, await SnapshotAsync(catalog));
    }

    public LightCurveImporter Importer(ImportOptions? options = null) =>
        new(Catalog.Factory, Catalog.Writer, options: options is null ? null : Options.Create(options));

    public ImportFile Write(string name, string text)
    {
        var path = Folder.File(name);
        File.WriteAllText(path, text);
        return new ImportFile(path, name);
    }

    public ImportFile Write(string name, byte[] bytes)
    {
        var path = Folder.File(name);
        File.WriteAllBytes(path, bytes);
        return new ImportFile(path, name);
    }

    public async Task AssertUnchangedAsync() => Assert.Equal(Snapshot, await SnapshotAsync(Catalog));

    public async ValueTask DisposeAsync()
    {
        Folder.Dispose();
        await Catalog.DisposeAsync();
    }
}
