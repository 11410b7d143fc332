using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Core.Tests.Catalog;

public class CatalogWriterTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task ReplaceBands_updates_supplied_bands_and_keeps_the_rest(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        await c.Writer.WriteAsync([SourceBuilder.Make(1, 2, "RRab", 0.5)], ExistingSourcePolicy.Reject, atomic: true);

        var update = SourceBuilder.Make(1, 2, periodDays: 0.51, points: 50, bands: ["r", "i"]);
        await c.Writer.WriteAsync([update], ExistingSourcePolicy.ReplaceBands, atomic: true);

        await using var db = c.Factory.CreateDbContext();
        var source = await db.Sources.Include(s => s.LightCurves).SingleAsync();
        Assert.Equal(["g", "i", "r"], source.LightCurves.Select(l => l.Band).Order(StringComparer.Ordinal));
        Assert.Equal(51, source.LightCurves.Single(l => l.Band == "r").PointCount);
        Assert.Equal(21, source.LightCurves.Single(l => l.Band == "g").PointCount);
        Assert.Equal(0.51, source.PeriodDays);
        Assert.Equal("RRab", source.KnownClass);
        Assert.Equal(20 + 50 + 50, source.DetectionCount);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task An_atomic_write_that_fails_late_leaves_the_catalog_unchanged(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        await c.Writer.WriteAsync([SourceBuilder.Make(50, 50, "EW")], ExistingSourcePolicy.Reject, atomic: true);
        var writer = new CatalogWriter(c.Factory) { BatchSize = 2 };
        var batch = Enumerable.Range(0, 5).Select(i => SourceBuilder.Make(100 + i, 10, "RRc")).Append(SourceBuilder.Make(50, 50, "EW"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(batch, ExistingSourcePolicy.Reject, atomic: true));

        Assert.Equal(1, await c.Catalog.CountAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_batched_write_reports_progress_per_batch(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        var writer = new CatalogWriter(c.Factory) { BatchSize = 3 };
        var reports = new List<int>();

        var n = await writer.WriteAsync(
            Enumerable.Range(0, 7).Select(i => SourceBuilder.Make(i, 0)),
            ExistingSourcePolicy.Reject,
            atomic: false,
            new SyncProgress(reports.Add));

        Assert.Equal(7, n);
        Assert.Equal([3, 6, 7], reports);
        Assert.Equal(7, await c.Catalog.CountAsync());
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

public class CatalogWriterChildrenTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task New_sources_keep_their_scores_notes_and_features(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        var s = SourceBuilder.Make(33, 44, "RRc", 0.3);
        s.Classifications.Add(new Classification { Tag = "rrlyr", Algorithm = "dnn", Score = 0.9, ModelVersion = "v1", Source = s });
        s.Annotations.Add(new Annotation { Origin = "vetting", Key = "note", Value = "clean", Source = s });
        s.Features = new SourceFeatures { ValuesJson = """{"n":20}""", PeriodDays = 0.3, Source = s };

        await c.Writer.WriteAsync([s], ExistingSourcePolicy.Reject, atomic: true);

        await using var db = c.Factory.CreateDbContext();
        var back = await db.Sources.Include(x => x.Classifications).Include(x => x.Annotations).Include(x => x.Features).SingleAsync();
        Assert.Equal(0.9, back.Classifications.Single().Score);
        Assert.Equal("clean", back.Annotations.Single().Value);
        Assert.Equal(0.3, back.Features!.PeriodDays);
    }
}
