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
}

/// <summary>Progress of the feature job, read by the pages.</summary>
public sealed class FeatureJobStatus : JobProgress;

/// <summary>
/// Computes features for sources that have none, or whose light curves changed since (new imports, re-imports),
/// using every core across sources. Runs after the first-start simulation, then polls.
/// </summary>
public sealed partial class CatalogFeatureJob(
    IDbContextFactory<CatalogDb> dbFactory,
    FeatureExtractor extractor,
    FeatureJobStatus status,
    CatalogSeeding seeding,
    IOptions<FeatureJobOptions> options,
    TimeProvider time,
    ILogger<CatalogFeatureJob> logger) : CatalogPollingJob(seeding, status, time, logger)
{
    protected override TimeSpan PollInterval => TimeSpan.FromSeconds(options.Value.PollIntervalSeconds);

    private (int Sources, int Features, DateTime? LastLightCurveChangeUtc)? _upToDateAt;

    /// <summary>Brings every stale source up to date; returns how many were computed.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
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
        var done = 0;
        var lastId = 0L;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var batchStartUtc = Time.GetUtcNow().UtcDateTime;
            List<Source> batch;
            await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
            {
                // Keyset paging by id: rows computed in this run drop out of Stale(), so offsets would skip sources.
                var from = lastId;
                batch = await Stale(db).Where(s => s.Id > from).OrderBy(s => s.Id).Take(o.BatchSize)
                    .Include(s => s.LightCurves).AsNoTracking().AsSplitQuery()
                    .ToListAsync(ct).ConfigureAwait(false);
            }

            if (batch.Count == 0)
            {
                break;
            }

            lastId = batch[^1].Id;
            var rows = Compute(batch, batchStartUtc, o.MaxDegreeOfParallelism, ct);
            await SaveAsync(rows, ct).ConfigureAwait(false);
            done += batch.Count;
            status.Report(Math.Min(done, pending), done / Math.Max(clock.Elapsed.TotalSeconds, 1e-3));
        }

        status.Finish(Time.GetUtcNow().UtcDateTime);
        LogFinished(logger, done, clock.Elapsed.TotalSeconds);
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
            var bands = source.LightCurves.ToDictionary(l => l.Band, l => l.ReadPhotometry(), StringComparer.Ordinal);
            rows[i] = ToRow(source.Id, extractor.Extract(bands), computedAtUtc);
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

    public static string ToJson(IEnumerable<KeyValuePair<string, double>> values) =>
        JsonSerializer.Serialize(values.ToDictionary(v => v.Key, v => double.IsFinite(v.Value) ? v.Value : (double?)null, StringComparer.Ordinal));

    private async Task SaveAsync(SourceFeatures[] rows, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var ids = rows.Select(r => r.SourceId).ToArray();
        var existing = await db.Features.Where(f => ids.Contains(f.SourceId)).ToDictionaryAsync(f => f.SourceId, ct).ConfigureAwait(false);
        foreach (var row in rows)
        {
            if (existing.TryGetValue(row.SourceId, out var current))
            {
                db.Entry(current).CurrentValues.SetValues(row);
            }
            else
            {
                db.Features.Add(row);
            }
        }

        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    [LoggerMessage(LogLevel.Information, "Computing features for {Count} sources")]
    private static partial void LogStarting(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Features of {Count} sources computed in {Seconds:F1} s")]
    private static partial void LogFinished(ILogger logger, int count, double seconds);

}
