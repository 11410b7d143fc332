using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Jobs;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Core.Tests.FeatureExtraction.Catalog;

public class CatalogFeatureJobTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static CatalogFeatureJob Job(TestCatalog c, FeatureJobStatus status) => new(
        c.Factory,
        new FeatureExtractor(),
        status,
        new CatalogSeeding(),
        new JobLeases(c.Factory, TimeProvider.System),
        Options.Create(new FeatureJobOptions { BatchSize = 7 }),
        TimeProvider.System,
        NullLogger<CatalogFeatureJob>.Instance);

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Computes_every_source_once_and_again_when_its_light_curve_changes(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        var sources = new LightCurveSimulator().Generate(20, 5).ToList();
        var sparse = SourceBuilder.Make(12.5, -3.25, "Constant", points: 12);
        await c.Writer.WriteAsync([.. sources, sparse], ExistingSourcePolicy.Reject, atomic: true);
        var status = new FeatureJobStatus();
        var job = Job(c, status);

        Assert.Equal(21, await job.RunOnceAsync(CancellationToken.None));
        Assert.Equal(21, status.Done);
        Assert.False(status.IsRunning);
        Assert.Equal(0, await job.RunOnceAsync(CancellationToken.None));

        await using (var db = c.Factory.CreateDbContext())
        {
            var rows = await db.Features.Include(f => f.Source).ToListAsync();
            Assert.Equal(21, rows.Count);
            var empty = rows.Single(r => r.Source!.ObjId == sparse.ObjId);
            Assert.Equal("{}", empty.ValuesJson);
            Assert.Null(empty.PeriodDays);
            var rr = rows.First(r => r.Source!.KnownClass == "RRab");
            Assert.Equal(rr.Source!.PeriodDays!.Value, rr.PeriodDays!.Value, rr.Source.PeriodDays.Value * 0.01);
            Assert.Equal(26 * 26 * 4, rr.Dmdt!.Length);
            Assert.Contains("\"stetson_j\":", rr.ValuesJson, StringComparison.Ordinal);
        }

        // A re-import of one band marks that source stale, and only that source.
        await Task.Delay(20);
        var changed = sources[3];
        var update = new Source { ObjId = changed.ObjId, Origin = "test" };
        update.LightCurves.Add(LightCurve.From("r", changed.LightCurves.First(l => l.Band == "r").ReadPhotometry(), DateTime.UtcNow));
        await c.Writer.WriteAsync([update], ExistingSourcePolicy.ReplaceBands, atomic: true);
        Assert.Equal(1, await job.RunOnceAsync(CancellationToken.None));
    }
}
