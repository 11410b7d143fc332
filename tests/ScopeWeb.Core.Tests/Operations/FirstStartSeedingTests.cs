using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Tests.Operations;

/// <summary>
/// Issue [7/12]: instances starting together on an empty catalog seed it once (CatalogLock around the check and the
/// writes): one simulates, the others wait for it and find the catalog full; nobody fails on the other's rows.
/// </summary>
public sealed class FirstStartSeedingTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Three_initializers_starting_at_once_on_an_empty_catalog_seed_it_once(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        const int count = 40;
        var options = Options.Create(new CatalogOptions { SimulatedSourcesOnFirstStart = count, SimulationSeed = 7 });
        var seedings = Enumerable.Range(0, 3).Select(_ => new CatalogSeeding()).ToList();
        var initializers = seedings.Select(s => new CatalogInitializer(c.Factory, new CatalogWriter(c.Factory), s, options, NullLogger<CatalogInitializer>.Instance)).ToList();

        await Task.WhenAll(initializers.Select(i => i.StartAsync(CancellationToken.None)));
        await Task.WhenAll(seedings.Select(s => s.Completion)).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(seedings, s => Assert.Null(s.Error));
        // Exactly one of them simulated (it alone reported a total); the others found the catalog seeded.
        Assert.Single(seedings, s => s.Total == count);
        await using var db = c.Factory.CreateDbContext();
        Assert.Equal(count, await db.Sources.CountAsync());
        foreach (var initializer in initializers)
        {
            await initializer.StopAsync(CancellationToken.None);
            initializer.Dispose();
        }
    }
}
