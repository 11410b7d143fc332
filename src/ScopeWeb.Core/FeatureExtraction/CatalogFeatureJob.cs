using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Jobs;

namespace ScopeWeb.Core.FeatureExtraction;

/// <summary>Section <c>Features</c>: the background job that keeps every source's features up to date.</summary>
public sealed class FeatureJobOptions
{
    public const string SectionName = "Features";

    /// <summary>Run the background job in the web app.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often to look for new or changed light curves once the catalog is up to date.</summary>
    [Range(1, 3600)]
    public int PollIntervalSeconds { get; set; } = 10;

    /// <summary>Sources read, computed and saved together.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>Worker threads; 0 = one per core.</summary>
    [Range(0, 256)]
    public int MaxDegreeOfParallelism { get; set; }

    /// <summary>How long a claim on a batch holds off other processes; a process that dies mid-batch frees it after this.</summary>
    [Range(1, 24 * 60)]
    public int LeaseMinutes { get; set; } = 10;
}

/// <summary>What one pass of a catalog job did: computed, quarantined (failed, with the reason stored), left to another process.</summary>
public readonly record struct CatalogJobPass(int Computed, int Quarantined, int ClaimedElsewhere);

/// <summary>Progress of the feature job, read by the pages.</summary>
public sealed class FeatureJobStatus : JobProgress;

/// <summary>
/// Computes features for sources that have none, or whose light curves changed since (new imports, re-imports),
/// using every core across sources. Runs after the first-start simulation, then polls.
/// </summary>
/// <remarks>
/// One source never stops the catalog: a source whose features throw is quarantined (its row keeps the reason, no values)
/// and the batch goes on; it is tried again only when its light curve changes. Several processes can run this job on one
/// catalog: each batch is claimed first (<see cref="JobLeases"/>), rechecked, computed and upserted, so every source is
/// computed once.
/// </remarks>
public sealed partial class CatalogFeatureJob(
    IDbContextFactory<CatalogDb> dbFactory,
    FeatureExtractor extractor,
    FeatureJobStatus status,
    CatalogSeeding seeding,
    JobLeases leases,
    IOptions<FeatureJobOptions> options,
    TimeProvider time,
    ILogger<CatalogFeatureJob> logger) : CatalogPollingJob(seeding, status, time, logger)
{
    /// <summary>The job's name in the lease table.</summary>
    public const string LeaseJob = "features";

    private readonly string _owner = JobLeases.NewOwner();

    private (int Sources, int Features, DateTime? LastLightCurveChangeUtc)? _upToDateAt;

    protected override TimeSpan PollInterval => TimeSpan.FromSeconds(options.Value.PollIntervalSeconds);

    /// <summary>What the last pass did.</summary>
    public CatalogJobPass LastPass { get; private set; }

    /// <summary>Brings every stale source up to date; returns how many were computed.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        LastPass = default;
        int pending;
        await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
        {
            // Three index lookups decide whether anything can be stale; the full stale query scans the catalog.
            var marker = (
                await db.Sources.CountAsync(ct).ConfigureAwait(false),
                await db.Features.CountAsync(ct).ConfigureAwait(false),
                await db.LightCurves.MaxAsync(l => (DateTime?)l.UpdatedAtUtc, ct).ConfigureAwait(false));
            if (marker == _upToDateAt)
            {
                return 0;
            }

            pending = await Stale(db).CountAsync(ct).ConfigureAwait(false);
            if (pending == 0)
            {
                _upToDateAt = marker;
                return 0;
            }
        }

        LogStarting(logger, pending);
        status.Start(pending);
        var clock = Stopwatch.StartNew();
        var (done, quarantined, elsewhere) = (0, 0, 0);
        var lastId = 0L;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var batchStartUtc = Time.GetUtcNow().UtcDateTime;
            List<long> candidates;
            await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
            {
                // Keyset paging by id: rows computed in this run drop out of Stale(), so offsets would skip sources.
                var from = lastId;
                candidates = await Stale(db).Where(s => s.Id > from).OrderBy(s => s.Id).Select(s => s.Id).Take(o.BatchSize)
                    .ToListAsync(ct).ConfigureAwait(false);
            }

            if (candidates.Count == 0)
            {
                break;
            }

            lastId = candidates[^1];
            var claimed = await leases.ClaimAsync(LeaseJob, _owner, candidates, TimeSpan.FromMinutes(o.LeaseMinutes), ct).ConfigureAwait(false);
            try
            {
                List<Source> batch;
                await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
                {
                    // Rechecked under the claim: another process may have saved some of them since the candidates were read.
                    batch = await Stale(db).Where(s => claimed.Contains(s.Id)).OrderBy(s => s.Id)
                        .Include(s => s.LightCurves).AsNoTracking().AsSplitQuery()
                        .ToListAsync(ct).ConfigureAwait(false);
                }

                var rows = Compute(batch, batchStartUtc, o.MaxDegreeOfParallelism, ct);
                await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
                {
                    await CatalogUpserts.UpsertFeaturesAsync(db, rows, ct).ConfigureAwait(false);
                }

                var failed = rows.Count(r => r.Error is not null);
                done += batch.Count;
                quarantined += failed;
                elsewhere += candidates.Count - batch.Count;
                status.CountItems(batch.Count - failed, failed, candidates.Count - batch.Count);
            }
            finally
            {
                await leases.ReleaseAsync(LeaseJob, _owner, claimed, CancellationToken.None).ConfigureAwait(false);
            }

            status.Report(Math.Min(done + elsewhere, pending), done / Math.Max(clock.Elapsed.TotalSeconds, 1e-3));
        }

        LastPass = new CatalogJobPass(done - quarantined, quarantined, elsewhere);
        status.Finish(Time.GetUtcNow().UtcDateTime);
        LogFinished(logger, done, quarantined, elsewhere, clock.Elapsed.TotalSeconds);
        return done;
    }

    private static IQueryable<Source> Stale(CatalogDb db) =>
        db.Sources.Where(s => s.Features == null || s.LightCurves.Any(l => l.UpdatedAtUtc > s.Features.ComputedAtUtc));

    private SourceFeatures[] Compute(List<Source> batch, DateTime computedAtUtc, int maxThreads, CancellationToken ct)
    {
        var rows = new SourceFeatures[batch.Count];
        var parallel = new ParallelOptions
        {
            CancellationToken = ct,
            MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount,
        };
        Parallel.For(0, batch.Count, parallel, i =>
        {
            var source = batch[i];
            try
            {
                var bands = source.LightCurves.ToDictionary(l => l.Band, l => l.ReadPhotometry(), StringComparer.Ordinal);
                rows[i] = ToRow(source.Id, extractor.Extract(bands), computedAtUtc);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogQuarantined(logger, source.ObjId, ex.Message);
                rows[i] = Quarantine(source.Id, "features: " + ex.Message, computedAtUtc);
            }
        });
        return rows;
    }

    /// <summary>The stored form of a feature set; a source with too few clean points gets an empty row so it is not retried.</summary>
    public static SourceFeatures ToRow(long sourceId, FeatureSet? features, DateTime computedAtUtc) => new()
    {
        SourceId = sourceId,
        ComputedAtUtc = computedAtUtc,
        ValuesJson = features is null ? "{}" : ToJson(features.Values),
        Band = features?.Band,
        PeriodDays = features?.PeriodDays,
        PeriodSignificance = features is null || !double.IsFinite(features.Significance) ? null : features.Significance,
        PeriodAlgorithm = features?.PeriodAlgorithm,
        Dmdt = features?.Dmdt is { } image ? MemoryMarshal.AsBytes(image.AsSpan()).ToArray() : null,
    };

    /// <summary>The stored form of a source whose features failed: no values, the reason, the time (it is retried once its light curve is newer).</summary>
    public static SourceFeatures Quarantine(long sourceId, string reason, DateTime atUtc) => new()
    {
        SourceId = sourceId,
        ComputedAtUtc = atUtc,
        Error = CatalogUpserts.Truncate(reason, 2000),
    };

    public static string ToJson(IEnumerable<KeyValuePair<string, double>> values) =>
        JsonSerializer.Serialize(values.ToDictionary(v => v.Key, v => double.IsFinite(v.Value) ? v.Value : (double?)null, StringComparer.Ordinal));

    [LoggerMessage(LogLevel.Information, "Computing features for {Count} sources")]
    private static partial void LogStarting(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Features of {Count} sources computed in {Seconds:F1} s ({Quarantined} quarantined, {Elsewhere} left to another process)")]
    private static partial void LogFinished(ILogger logger, int count, int quarantined, int elsewhere, double seconds);

    [LoggerMessage(LogLevel.Warning, "Source {ObjId} quarantined: its features failed ({Reason}); it is retried when its light curve changes")]
    private static partial void LogQuarantined(ILogger logger, string objId, string reason);

}
