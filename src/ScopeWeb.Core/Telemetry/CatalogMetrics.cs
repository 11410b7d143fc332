using System.Diagnostics;
using System.Diagnostics.Metrics;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.Jobs;

namespace ScopeWeb.Core.Telemetry;

/// <summary>
/// The catalog's instruments: the background jobs' sources and passes, the model registry, scoring time per model.
/// Job and registry values are read when a reader collects (observable instruments over <see cref="JobProgress"/> and
/// the registry), so the jobs pay nothing for them; scoring records one duration per model and batch.
/// </summary>
public sealed class CatalogMetrics
{
    // Scoring a batch with one model takes from well under a millisecond (a tree model, a few rows) to seconds (a
    // ScopeNet with dmdt over 1,024 rows; docs/benchmarks.md): the default buckets (0–10,000) are for milliseconds.
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Histogram<double> _scoringDuration;
    private readonly Counter<long> _scoredRows;

    public CatalogMetrics(IMeterFactory meters, FeatureJobStatus features, ScoringJobStatus scores, ModelRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(registry);
        var jobs = new (string Name, JobProgress Progress)[] { (CatalogFeatureJob.LeaseJob, features), (CatalogScoringJob.LeaseJob, scores) };
        var meter = meters.Create(ScopeWebInstruments.MeterName);

        meter.CreateObservableCounter(
            "scopeweb.job.sources",
            () => jobs.SelectMany(j => ItemMeasurements(j.Name, j.Progress)),
            "{source}",
            "Sources a catalog job finished in this process, by outcome: computed, quarantined (failed; the reason is stored), claimed_elsewhere (another process was computing them).");
        meter.CreateObservableGauge(
            "scopeweb.job.pending",
            () => jobs.Select(j => new Measurement<int>(j.Progress.Remaining, Tag(ScopeWebInstruments.JobName, j.Name))),
            "{source}",
            "Sources left in the catalog job's current pass (0 between passes).");
        meter.CreateObservableCounter(
            "scopeweb.job.passes",
            () => jobs.SelectMany(j => PassMeasurements(j.Name, j.Progress)),
            "{pass}",
            "Passes of a catalog job over the catalog, by outcome: success or failure (retried at the next poll).");

        meter.CreateObservableGauge<int>(
            "scopeweb.registry.models",
            () =>
            {
                var set = registry.Current;
                return (Measurement<int>[])
                [
                    new Measurement<int>(set.Models.Count, Tag(ScopeWebInstruments.ModelState, "loaded")),
                    new Measurement<int>(set.Errors.Count, Tag(ScopeWebInstruments.ModelState, "failed")),
                ];
            },
            "{model}",
            "Model cards in the registry folder, by state: loaded (serving) or failed (refused; see /healthz).");
        meter.CreateObservableGauge(
            "scopeweb.registry.model.loaded",
            () => registry.Current.Models.Select(m => new Measurement<int>(
                1, Tag(ScopeWebInstruments.ModelName, m.ScoreColumn), Tag(ScopeWebInstruments.ModelVersion, m.Card.Version))),
            "{model}",
            "1 for every model this process serves, with its version: instances that serve different versions show it.");
        meter.CreateObservableCounter(
            "scopeweb.registry.reloads",
            () => registry.Reloads,
            "{reload}",
            "Times the registry read its folder again (a change seen by the watch or the periodic rescan).");

        _scoringDuration = meter.CreateHistogram(
            "scopeweb.scoring.duration",
            "s",
            "Time to prepare and score one batch of catalog sources with one model.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _scoredRows = meter.CreateCounter<long>(
            "scopeweb.scoring.rows",
            "{row}",
            "Catalog sources scored, per model.");
    }

    /// <summary>Records one model's batch: its rows and the time since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void RecordScoring(LoadedModel model, int rows, long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tag = Tag(ScopeWebInstruments.ModelName, model.ScoreColumn);
        _scoringDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tag);
        _scoredRows.Add(rows, tag);
    }

    private static IEnumerable<Measurement<long>> ItemMeasurements(string job, JobProgress progress)
    {
        var (computed, quarantined, elsewhere) = progress.ItemTotals;
        var name = Tag(ScopeWebInstruments.JobName, job);
        yield return new Measurement<long>(computed, name, Tag(ScopeWebInstruments.JobOutcome, "computed"));
        yield return new Measurement<long>(quarantined, name, Tag(ScopeWebInstruments.JobOutcome, "quarantined"));
        yield return new Measurement<long>(elsewhere, name, Tag(ScopeWebInstruments.JobOutcome, "claimed_elsewhere"));
    }

    private static IEnumerable<Measurement<long>> PassMeasurements(string job, JobProgress progress)
    {
        var (passes, failed) = progress.PassTotals;
        var name = Tag(ScopeWebInstruments.JobName, job);
        yield return new Measurement<long>(passes - failed, name, Tag(ScopeWebInstruments.JobOutcome, "success"));
        yield return new Measurement<long>(failed, name, Tag(ScopeWebInstruments.JobOutcome, "failure"));
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
