using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Jobs;
using ScopeWeb.Core.Telemetry;

namespace ScopeWeb.Core.Classifiers;

/// <summary>Section <c>Scoring</c>: the background job that scores every source with every model in the registry.</summary>
public sealed class ScoringJobOptions
{
    public const string SectionName = "Scoring";

    /// <summary>Run the background job in the web app.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often to look for new features or new models once every score is current.</summary>
    [Range(1, 3600)]
    public int PollIntervalSeconds { get; set; } = 5;

    /// <summary>Sources read, scored (by every model) and saved together.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1024;

    /// <summary>Models scored at once; 0 = one per core (each ONNX Runtime session runs single-threaded).</summary>
    [Range(0, 256)]
    public int MaxDegreeOfParallelism { get; set; }

    /// <summary>How long a claim on a batch holds off other processes; a process that dies mid-batch frees it after this.</summary>
    [Range(1, 24 * 60)]
    public int LeaseMinutes { get; set; } = 10;
}

/// <summary>Progress of the scoring job, read by the pages.</summary>
public sealed class ScoringJobStatus : JobProgress;

/// <summary>
/// Scores every source that has features with every model of the <see cref="ModelRegistry"/>, and stores one
/// <see cref="Classification"/> per source, tag and algorithm with the model's version. A score is stale when it is
/// missing, was made by another model version, or predates the source's features; only stale sources are scored.
/// A model needing a feature the catalog does not compute is skipped with a notice (it can still score CSVs).
/// A hierarchical model stores one row per leaf class (tag = the class name, algorithm <c>hierarchical</c>), as ALeRCE
/// writes only the leaf probabilities.
/// </summary>
/// <remarks>
/// A source whose scoring throws or gives a non-finite score is quarantined (the reason on its features row) and the batch
/// goes on; new features (a changed light curve) clear it. Batches are claimed (<see cref="JobLeases"/>), rechecked and
/// upserted, so several processes on one catalog score each source once.
/// </remarks>
public sealed partial class CatalogScoringJob(
    IDbContextFactory<CatalogDb> dbFactory,
    ModelRegistry registry,
    ScoringJobStatus status,
    CatalogSeeding seeding,
    JobLeases leases,
    IOptions<ScoringJobOptions> options,
    TimeProvider time,
    ILogger<CatalogScoringJob> logger,
    CatalogMetrics? metrics = null) : CatalogPollingJob(seeding, status, time, logger)
{
    /// <summary>The job's name in the lease table.</summary>
    public const string LeaseJob = "scores";

    private readonly string _owner = JobLeases.NewOwner();

    private static readonly HashSet<string> CatalogFeatureNames = new(FeatureSet.FeatureNames, StringComparer.Ordinal);

    private (string Models, int Features, DateTime? LastFeaturesUtc, int Scores)? _upToDateAt;

    protected override TimeSpan PollInterval => TimeSpan.FromSeconds(options.Value.PollIntervalSeconds);

    /// <summary>What the last pass did.</summary>
    public CatalogJobPass LastPass { get; private set; }

    /// <summary>The models of <paramref name="set"/> the catalog can score, and a notice for each it cannot.</summary>
    public static (IReadOnlyList<LoadedModel> Usable, IReadOnlyList<string> Notices) UsableModels(ModelSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var usable = new List<LoadedModel>();
        var notices = new List<string>();
        var leafOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in set.Models)
        {
            var missing = model.Card.FeatureNames.Where(n => !CatalogFeatureNames.Contains(n)).ToList();
            if (missing.Count > 0)
            {
                notices.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{model.ScoreColumn} ({Path.GetFileName(model.CardPath)}) is not applied to the catalog: it needs "
                    + $"{(missing.Count == 1 ? "feature" : "features")} the catalog does not compute: {string.Join(", ", missing.Take(8))}{(missing.Count > 8 ? ", …" : "")}."));
                continue;
            }

            // Leaf rows are keyed by class name, so two hierarchical models sharing a class would overwrite each other.
            if (model.Classifier.Classes.FirstOrDefault(leafOwners.ContainsKey) is { } shared)
            {
                notices.Add($"{model.ScoreColumn} ({Path.GetFileName(model.CardPath)}) is not applied to the catalog: its class '{shared}' is already scored by {leafOwners[shared]}.");
                continue;
            }

            foreach (var leaf in model.Classifier.Classes)
            {
                leafOwners[leaf] = model.ScoreColumn;
            }

            usable.Add(model);
        }

        notices.AddRange(set.Errors.Select(e => $"{Path.GetFileName(e.File)} not loaded: {e.Message}"));
        return (usable, notices);
    }

    /// <summary>Scores every stale source; returns how many sources were scored.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        LastPass = default;
        using var lease = registry.Acquire();
        var (models, notices) = UsableModels(lease.Set);
        status.SetNotices(notices);
        if (models.Count == 0)
        {
            return 0;
        }

        var o = options.Value;
        var signature = string.Join('\n', models.Select(m => m.ScoreColumn + "@" + m.Card.Version));
        List<long> pendingIds;
        await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
        {
            // Cheap index lookups decide whether anything can be stale; the per-model stale queries scan the features.
            var marker = (
                signature,
                await db.Features.CountAsync(ct).ConfigureAwait(false),
                await db.Features.MaxAsync(f => (DateTime?)f.ComputedAtUtc, ct).ConfigureAwait(false),
                await db.Classifications.CountAsync(ct).ConfigureAwait(false));
            if (marker == _upToDateAt)
            {
                return 0;
            }

            var ids = new HashSet<long>();
            foreach (var model in models)
            {
                ids.UnionWith(await Stale(db, model).ToListAsync(ct).ConfigureAwait(false));
            }

            if (ids.Count == 0)
            {
                _upToDateAt = marker;
                return 0;
            }

            pendingIds = [.. ids.Order()];
        }

        LogStarting(logger, pendingIds.Count, models.Count);
        status.Start(pendingIds.Count);
        var clock = Stopwatch.StartNew();
        var (done, quarantined, elsewhere) = (0, 0, 0);
        foreach (var chunk in pendingIds.Chunk(o.BatchSize))
        {
            ct.ThrowIfCancellationRequested();
            var claimed = await leases.ClaimAsync(LeaseJob, _owner, chunk, TimeSpan.FromMinutes(o.LeaseMinutes), ct).ConfigureAwait(false);
            try
            {
                List<SourceFeatures> features;
                await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
                {
                    // Rechecked under the claim: another process may have scored some of them since they were listed.
                    var stale = new HashSet<long>();
                    foreach (var model in models)
                    {
                        stale.UnionWith(await Stale(db, model).Where(id => claimed.Contains(id)).ToListAsync(ct).ConfigureAwait(false));
                    }

                    features = await db.Features.AsNoTracking().Where(f => stale.Contains(f.SourceId))
                        .OrderBy(f => f.SourceId).ToListAsync(ct).ConfigureAwait(false);
                }

                var (scored, failures) = ScoreIsolated(models, features, o.MaxDegreeOfParallelism, ct);
                await SaveAsync(models, scored.Rows, scored.Scores, failures, ct).ConfigureAwait(false);
                done += features.Count;
                quarantined += failures.Count;
                elsewhere += chunk.Length - features.Count;
                status.CountItems(features.Count - failures.Count, failures.Count, chunk.Length - features.Count);
            }
            finally
            {
                await leases.ReleaseAsync(LeaseJob, _owner, claimed, CancellationToken.None).ConfigureAwait(false);
            }

            status.Report(done + elsewhere, done / Math.Max(clock.Elapsed.TotalSeconds, 1e-3));
        }

        LastPass = new CatalogJobPass(done - quarantined, quarantined, elsewhere);
        status.Finish(Time.GetUtcNow().UtcDateTime);
        LogFinished(logger, done, models.Count, clock.Elapsed.TotalSeconds);
        return done;
    }

    /// <summary>
    /// Scores the batch; if that throws, each row alone, so one source's failure is its own. A row with a non-finite score
    /// fails too (a NaN stored as a score would sort and filter as garbage). Returns the rows that scored and their scores,
    /// and the reason of each row that did not.
    /// </summary>
    internal (ScoredRows Scored, Dictionary<long, string> Failures) ScoreIsolated(
        IReadOnlyList<LoadedModel> models, List<SourceFeatures> rows, int maxThreads, CancellationToken ct)
    {
        var failures = new Dictionary<long, string>();
        float[][] scores;
        try
        {
            scores = Score(models, rows, maxThreads, ct, metrics);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && rows.Count > 1)
        {
            var kept = new List<SourceFeatures>(rows.Count);
            var keptScores = models.Select(_ => new List<float>()).ToArray();
            foreach (var row in rows)
            {
                try
                {
                    var alone = Score(models, [row], 1, ct, metrics);
                    kept.Add(row);
                    for (var m = 0; m < models.Count; m++)
                    {
                        keptScores[m].AddRange(alone[m]);
                    }
                }
                catch (Exception rowError) when (rowError is not OperationCanceledException)
                {
                    failures[row.SourceId] = "scores: " + rowError.Message;
                }
            }

            rows = kept;
            scores = [.. keptScores.Select(l => l.ToArray())];
        }

        // Non-finite scores: the row fails, naming the model.
        var good = new List<int>(rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var bad = Enumerable.Range(0, models.Count).FirstOrDefault(m => !AllFinite(Row(models[m], scores[m], r)), -1);
            if (bad >= 0)
            {
                failures[rows[r].SourceId] = $"scores: model {models[bad].ScoreColumn} gave a non-finite score";
            }
            else
            {
                good.Add(r);
            }
        }

        if (good.Count < rows.Count)
        {
            scores = [.. models.Select((model, m) => good.SelectMany(r => Row(model, scores[m], r).ToArray()).ToArray())];
            rows = [.. good.Select(r => rows[r])];
        }

        foreach (var (id, reason) in failures)
        {
            LogQuarantined(logger, id, reason);
        }

        return (new ScoredRows(rows, scores), failures);
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    private static ReadOnlySpan<float> Row(LoadedModel model, float[] scores, int row)
    {
        var stride = model.Classifier.IsHierarchical ? model.Classifier.Classes.Count : 1;
        return scores.AsSpan(row * stride, stride);
    }

    internal sealed record ScoredRows(List<SourceFeatures> Rows, float[][] Scores);

    /// <summary>Sources with features whose score by <paramref name="model"/> is missing, of another version, or older than the features.</summary>
    private static IQueryable<long> Stale(CatalogDb db, LoadedModel model)
    {
        var tag = model.Card.Tag;
        var algorithm = ModelRegistry.AlgorithmName(model.Card.Algorithm);
        var version = model.Card.Version;
        if (model.Classifier.IsHierarchical)
        {
            // Stale unless every leaf class has a current row.
            var classes = model.Classifier.Classes.ToList();
            return db.Features
                .Where(f => f.ValuesJson != "{}" && f.Error == null)
                .Where(f => db.Classifications.Count(c => c.SourceId == f.SourceId && classes.Contains(c.Tag) && c.Algorithm == algorithm
                    && c.ModelVersion == version && c.CreatedAtUtc >= f.ComputedAtUtc) < classes.Count)
                .Select(f => f.SourceId);
        }

        return db.Features
            .Where(f => f.ValuesJson != "{}" && f.Error == null)
            .Where(f => !db.Classifications.Any(c => c.SourceId == f.SourceId && c.Tag == tag && c.Algorithm == algorithm
                && c.ModelVersion == version && c.CreatedAtUtc >= f.ComputedAtUtc))
            .Select(f => f.SourceId);
    }

    /// <summary>
    /// Scores of each model (outer index) for each feature row (inner index), in the rows' order; a hierarchical model's
    /// are row-major <c>[rows × classes]</c>.
    /// </summary>
    /// <param name="models"></param>
    /// <param name="rows"></param>
    /// <param name="maxThreads"></param>
    /// <param name="ct"></param>
    /// <param name="metrics">Records each model's time on the batch (two timestamps per model and batch: inference speed is a measured target, docs/benchmarks.md).</param>
    internal static float[][] Score(
        IReadOnlyList<LoadedModel> models, IReadOnlyList<SourceFeatures> rows, int maxThreads, CancellationToken ct, CatalogMetrics? metrics = null)
    {
        var values = new Dictionary<string, double>[rows.Count];
        var images = new float[rows.Count * OnnxClassifier.DmdtLength];
        for (var r = 0; r < rows.Count; r++)
        {
            values[r] = ParseValues(rows[r].ValuesJson);
            if (rows[r].Dmdt is { Length: OnnxClassifier.DmdtLength * sizeof(float) } dmdt)
            {
                // A source without a dmdt image scores with an all-zero one, as SCoPe's empty histogram.
                MemoryMarshal.Cast<byte, float>(dmdt).CopyTo(images.AsSpan(r * OnnxClassifier.DmdtLength));
            }
        }

        var scores = new float[models.Count][];
        var parallel = new ParallelOptions
        {
            CancellationToken = ct,
            MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount,
        };
        Parallel.For(0, models.Count, parallel, m =>
        {
            var started = Stopwatch.GetTimestamp();
            ScoreModel(m);
            metrics?.RecordScoring(models[m], rows.Count, started);
        });
        return scores;

        void ScoreModel(int m)
        {
            var classifier = models[m].Classifier;
            var width = classifier.FeatureCount;
            var prepared = new float[rows.Count * width];
            for (var r = 0; r < rows.Count; r++)
            {
                classifier.Preprocessor.Prepare(values[r], prepared.AsSpan(r * width, width), $"source {rows[r].SourceId}");
            }

            if (classifier.IsHierarchical)
            {
                scores[m] = new float[rows.Count * classifier.Classes.Count];
                classifier.ScoreClassesPrepared(prepared, scores[m]);
                return;
            }

            scores[m] = new float[rows.Count];
            if (classifier.UsesDmdt)
            {
                classifier.ScorePrepared(prepared, images, scores[m]);
            }
            else
            {
                classifier.ScorePrepared(prepared, scores[m]);
            }
        }
    }

    /// <summary>Feature values as stored (null = NaN); a feature absent from an older row is missing (NaN) too.</summary>
    private static Dictionary<string, double> ParseValues(string json)
    {
        var stored = JsonSerializer.Deserialize<Dictionary<string, double?>>(json) ?? [];
        var values = new Dictionary<string, double>(CatalogFeatureNames.Count, StringComparer.Ordinal);
        foreach (var name in CatalogFeatureNames)
        {
            values[name] = stored.TryGetValue(name, out var v) && v is { } value ? value : double.NaN;
        }

        return values;
    }

    private async Task SaveAsync(
        IReadOnlyList<LoadedModel> models, List<SourceFeatures> rows, float[][] scores, Dictionary<long, string> failures, CancellationToken ct)
    {
        var nowUtc = Time.GetUtcNow().UtcDateTime;
        var written = new List<Classification>();
        // One stored score per (model, output): the tag's score, or each leaf class's probability.
        var outputs = models.SelectMany((model, m) => model.Classifier.IsHierarchical
            ? model.Classifier.Classes.Select((leaf, k) => (Model: m, Tag: leaf, Column: k, Stride: model.Classifier.Classes.Count))
            : [(Model: m, Tag: model.Card.Tag, Column: 0, Stride: 1)]);
        foreach (var (m, tag, column, stride) in outputs)
        {
            var algorithm = ModelRegistry.AlgorithmName(models[m].Card.Algorithm);
            var version = models[m].Card.Version;
            for (var r = 0; r < rows.Count; r++)
            {
                written.Add(new Classification
                {
                    SourceId = rows[r].SourceId,
                    Tag = tag,
                    Algorithm = algorithm,
                    Score = scores[m][(r * stride) + column],
                    ModelVersion = version,
                    // Never earlier than the features it scored, even if the clock stepped back, so it is not stale again.
                    CreatedAtUtc = nowUtc > rows[r].ComputedAtUtc ? nowUtc : rows[r].ComputedAtUtc,
                });
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
        await CatalogUpserts.UpsertClassificationsAsync(db, written, ct).ConfigureAwait(false);
        foreach (var (id, reason) in failures)
        {
            var text = CatalogUpserts.Truncate(reason, 2000);
            await db.Features.Where(f => f.SourceId == id).ExecuteUpdateAsync(u => u.SetProperty(f => f.Error, text), ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    [LoggerMessage(LogLevel.Information, "Scoring {Count} sources with {Models} models")]
    private static partial void LogStarting(ILogger logger, int count, int models);

    [LoggerMessage(LogLevel.Information, "Scored {Count} sources with {Models} models in {Seconds:F1} s")]
    private static partial void LogFinished(ILogger logger, int count, int models, double seconds);

    [LoggerMessage(LogLevel.Warning, "Source {SourceId} quarantined: {Reason}; it is retried when its light curve changes")]
    private static partial void LogQuarantined(ILogger logger, long sourceId, string reason);

}
