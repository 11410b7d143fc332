using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Jobs;
using ScopeWeb.Core.LightCurves;
using ScopeWeb.Core.Simulation;

namespace ScopeWeb.Core.Tests.Hardening;

/// <summary>
/// Issue [6/12] case 1 and the concurrency part of case 5, inside one process: one bad source never stops the catalog's
/// jobs, and two claimants on one catalog compute each source once.
/// </summary>
public class CatalogJobHardeningTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static CatalogFeatureJob FeatureJob(TestCatalog c, int batchSize = 16) => new(
        c.Factory, new FeatureExtractor(), new FeatureJobStatus(), new CatalogSeeding(), new JobLeases(c.Factory, TimeProvider.System),
        Options.Create(new FeatureJobOptions { BatchSize = batchSize }), TimeProvider.System, NullLogger<CatalogFeatureJob>.Instance);

    private static CatalogScoringJob ScoringJob(TestCatalog c, ModelRegistry registry, int batchSize = 16) => new(
        c.Factory, registry, new ScoringJobStatus(), new CatalogSeeding(), new JobLeases(c.Factory, TimeProvider.System),
        Options.Create(new ScoringJobOptions { BatchSize = batchSize }), TimeProvider.System, NullLogger<CatalogScoringJob>.Instance);

    /// <summary>A source whose light curve has <c>mjd = -1e300</c> (finite, so it used to pass import): the period search throws on it.</summary>
    private static Source Absurd()
    {
        var source = SourceBuilder.Make(150.0, 2.0, "RRab", points: 80, bands: "g");
        var photometry = source.LightCurves[0].ReadPhotometry();
        var points = Enumerable.Range(0, photometry.Count).Select(i => new PhotometryPoint(photometry.Mjd[i], photometry.Mag[i], photometry.MagErr[i])).ToList();
        points[3] = points[3] with { Mjd = -1e300 };
        source.LightCurves[0] = LightCurve.From("g", Photometry.FromPoints(points), DateTime.UtcNow);
        return source;
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_source_whose_features_throw_is_quarantined_and_every_other_source_is_computed(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        var good = new LightCurveSimulator().Generate(50, 3).ToList();
        var bad = Absurd();
        await c.Writer.WriteAsync([bad, .. good], ExistingSourcePolicy.Reject, atomic: true);
        var job = FeatureJob(c);

        await job.RunOnceAsync(CancellationToken.None);

        Assert.Equal(new CatalogJobPass(50, 1, 0), job.LastPass);
        await using (var db = c.Factory.CreateDbContext())
        {
            var quarantined = await db.Features.Where(f => f.Error != null).Select(f => new { f.Source!.ObjId, f.Error, f.ValuesJson }).SingleAsync();
            Assert.Equal(bad.ObjId, quarantined.ObjId);
            Assert.StartsWith("features: ", quarantined.Error, StringComparison.Ordinal);
            Assert.Contains("frequenc", quarantined.Error, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("{}", quarantined.ValuesJson);
            Assert.Equal(51, await db.Features.CountAsync());
        }

        Assert.Equal(1, await c.Catalog.QuarantinedCountAsync());
        var listed = await c.Catalog.SearchAsync(new SourceQuery { Quarantined = true });
        Assert.Equal(bad.ObjId, Assert.Single(listed.Rows).ObjId);
        Assert.Equal(50, (await c.Catalog.SearchAsync(new SourceQuery { Quarantined = false })).TotalCount);
        // What the source page shows.
        Assert.StartsWith("features: ", (await c.Catalog.GetAsync(bad.ObjId))!.Source.Features!.Error, StringComparison.Ordinal);

        // Not retried while its light curve is the same …
        await job.RunOnceAsync(CancellationToken.None);
        Assert.Equal(default, job.LastPass);

        // … and retried (and cleared) once it changes.
        var fixedSource = SourceBuilder.Make(150.0, 2.0, "RRab", points: 80, bands: "g");
        await Task.Delay(20);
        await c.Writer.WriteAsync([fixedSource], ExistingSourcePolicy.ReplaceBands, atomic: true);
        await job.RunOnceAsync(CancellationToken.None);
        Assert.Equal(new CatalogJobPass(1, 0, 0), job.LastPass);
        Assert.Equal(0, await c.Catalog.QuarantinedCountAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_source_with_a_non_finite_score_is_quarantined_and_the_rest_are_scored(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        await c.Writer.WriteAsync([.. new LightCurveSimulator().Generate(30, 4)], ExistingSourcePolicy.Reject, atomic: true);
        await FeatureJob(c).RunOnceAsync(CancellationToken.None);
        long poisoned;
        await using (var db = c.Factory.CreateDbContext())
        {
            // Values no light curve gives, as a damaged or hand-edited row might hold: 1e300 is +inf as float32, and inf − inf is NaN.
            var row = await db.Features.Where(f => f.ValuesJson != "{}").OrderBy(f => f.SourceId).FirstAsync();
            poisoned = row.SourceId;
            row.ValuesJson = """{"median": 1e300, "stetson_j": 1e300}""";
            await db.SaveChangesAsync();
        }

        using var folder = new ScratchFolder();
        OnnxModelWriter.Write(OnnxModelWriter.BuildMlp([new DenseLayer(2, 1, [1f, -1f], [0f], DenseActivation.Sigmoid)]), folder.File("vnv_dnn.onnx"));
        ClassificationTestFiles.Card(["median", "stetson_j"], ModelAlgorithm.Dnn, ImputationMethod.Zero, "vnv_dnn.onnx").Save(folder.File("vnv_dnn.json"));
        using var registry = new ModelRegistry(folder.Path, watch: false);
        var job = ScoringJob(c, registry, batchSize: 8);

        await job.RunOnceAsync(CancellationToken.None);

        await using var check = c.Factory.CreateDbContext();
        var scorable = await check.Features.CountAsync(f => f.ValuesJson != "{}");
        Assert.Equal(scorable - 1, job.LastPass.Computed);
        Assert.Equal(1, job.LastPass.Quarantined);
        Assert.Equal(scorable - 1, await check.Classifications.CountAsync());
        Assert.All(await check.Classifications.Select(x => x.Score).ToListAsync(), s => Assert.True(double.IsFinite(s)));
        var reason = await check.Features.Where(f => f.SourceId == poisoned).Select(f => f.Error).SingleAsync();
        Assert.Equal("scores: model vnv_dnn gave a non-finite score", reason);

        // Nothing left to do: the quarantined source is not retried until its features change.
        await job.RunOnceAsync(CancellationToken.None);
        Assert.Equal(default, job.LastPass);
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Two_claimants_on_one_catalog_compute_each_source_once(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        await c.Writer.WriteAsync([.. new LightCurveSimulator().Generate(120, 6)], ExistingSourcePolicy.Reject, atomic: true);
        var first = FeatureJob(c, batchSize: 8);
        var second = FeatureJob(c, batchSize: 8);

        await Task.WhenAll(Task.Run(() => first.RunOnceAsync(CancellationToken.None)), Task.Run(() => second.RunOnceAsync(CancellationToken.None)));

        Assert.Equal(120, first.LastPass.Computed + first.LastPass.Quarantined + second.LastPass.Computed + second.LastPass.Quarantined);
        await using var db = c.Factory.CreateDbContext();
        Assert.Equal(120, await db.Features.CountAsync());
        Assert.Equal(0, await db.JobLeases.CountAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task A_claim_holds_off_others_until_it_expires_or_is_released(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        await c.Writer.WriteAsync([.. new LightCurveSimulator().Generate(6, 8)], ExistingSourcePolicy.Reject, atomic: true);
        await using var db = c.Factory.CreateDbContext();
        var ids = await db.Sources.OrderBy(s => s.Id).Select(s => s.Id).ToListAsync();
        var clock = new SteppingClock(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var leases = new JobLeases(c.Factory, clock);

        Assert.Equal(ids[..4], (await leases.ClaimAsync("features", "a", ids[..4], TimeSpan.FromMinutes(10), default)).Order());
        Assert.Equal(ids[4..], (await leases.ClaimAsync("features", "b", ids, TimeSpan.FromMinutes(10), default)).Order());
        // Another job's claims are separate.
        Assert.Equal(ids, (await leases.ClaimAsync("scores", "b", ids, TimeSpan.FromMinutes(10), default)).Order());
        // The holder may renew its own claim.
        Assert.Equal(ids[..4], (await leases.ClaimAsync("features", "a", ids[..4], TimeSpan.FromMinutes(10), default)).Order());

        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(ids[..4], (await leases.ClaimAsync("features", "c", ids[..4], TimeSpan.FromMinutes(10), default)).Order());

        await leases.ReleaseAsync("features", "c", ids[..2], default);
        Assert.Equal(ids[..2], (await leases.ClaimAsync("features", "d", ids[..4], TimeSpan.FromMinutes(10), default)).Order());
    }

    [SkippableTheory]
    [MemberData(nameof(Providers))]
    public async Task Upserts_replace_what_another_writer_saved_first(DatabaseProvider provider)
    {
        await using var c = await TestCatalog.CreateAsync(provider);
        await c.Writer.WriteAsync([.. new LightCurveSimulator().Generate(3, 9)], ExistingSourcePolicy.Reject, atomic: true);
        await using var db = c.Factory.CreateDbContext();
        var id = await db.Sources.Select(s => s.Id).FirstAsync();
        var at = new DateTime(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);

        await CatalogUpserts.UpsertClassificationsAsync(db, [new Classification { SourceId = id, Tag = "vnv", Algorithm = "dnn", Score = 0.25, ModelVersion = "a", CreatedAtUtc = at }], default);
        await CatalogUpserts.UpsertClassificationsAsync(db, [new Classification { SourceId = id, Tag = "vnv", Algorithm = "dnn", Score = 0.75, ModelVersion = "b", CreatedAtUtc = at.AddMinutes(1) }], default);
        await CatalogUpserts.UpsertFeaturesAsync(db, [CatalogFeatureJob.Quarantine(id, "features: boom", at)], default);
        await CatalogUpserts.UpsertFeaturesAsync(db, [new SourceFeatures { SourceId = id, ComputedAtUtc = at.AddMinutes(1), ValuesJson = """{"median":17.5}""", Dmdt = [1, 2, 3, 4] }], default);

        var score = await db.Classifications.AsNoTracking().SingleAsync();
        Assert.Equal((0.75, "b", at.AddMinutes(1)), (score.Score, score.ModelVersion, score.CreatedAtUtc));
        var features = await db.Features.AsNoTracking().SingleAsync();
        Assert.Null(features.Error);
        Assert.Equal("""{"median":17.5}""", features.ValuesJson);
        Assert.Equal([1, 2, 3, 4], features.Dmdt);
        Assert.Equal(at.AddMinutes(1), features.ComputedAtUtc);
    }

    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
