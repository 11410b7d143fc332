using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Training;

/// <summary>The run history in the catalog database: every run, from the page or the CLI, with its parameters and outcome.</summary>
public sealed class TrainingRunStore(IDbContextFactory<CatalogDb> dbFactory, TimeProvider time)
{
    internal IDbContextFactory<CatalogDb> DbFactory => dbFactory;

    public Task<TrainingRun> CreateAsync(TrainingParameters parameters, string requestedBy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return CreateAsync(
            parameters.Tag, parameters.ModelAlgorithm == ScopeWeb.Core.Classifiers.ModelAlgorithm.Dnn ? "dnn" : "xgb", parameters.Dataset, parameters.Seed,
            parameters.ToJson(), requestedBy, ct);
    }

    /// <summary>A run of any trainer (e.g. the hierarchical one), its parameters as that trainer's JSON.</summary>
    public async Task<TrainingRun> CreateAsync(
        string tag, string algorithm, string dataset, int seed, string parametersJson, string requestedBy, CancellationToken ct = default)
    {
        var run = new TrainingRun
        {
            Tag = tag,
            Algorithm = algorithm,
            State = TrainingRunState.Queued,
            Dataset = dataset,
            Seed = seed,
            ParametersJson = parametersJson,
            RequestedBy = requestedBy,
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        db.TrainingRuns.Add(run);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return run;
    }

    public async Task<TrainingRun?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.TrainingRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct).ConfigureAwait(false);
    }

    /// <summary>Newest first, without the step histories (the page refreshes this list while a run trains; <see cref="GetAsync"/> has them).</summary>
    public async Task<IReadOnlyList<TrainingRun>> ListAsync(int limit = 200, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.TrainingRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(limit)
            .Select(r => new TrainingRun
            {
                Id = r.Id,
                Tag = r.Tag,
                Algorithm = r.Algorithm,
                State = r.State,
                Dataset = r.Dataset,
                DataHash = r.DataHash,
                Seed = r.Seed,
                ParametersJson = r.ParametersJson,
                MetricsJson = r.MetricsJson,
                CardPath = r.CardPath,
                Error = r.Error,
                RequestedBy = r.RequestedBy,
                CreatedAtUtc = r.CreatedAtUtc,
                StartedAtUtc = r.StartedAtUtc,
                FinishedAtUtc = r.FinishedAtUtc,
                PromotedAtUtc = r.PromotedAtUtc,
            })
            .ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Queued runs, oldest first (what a restarted worker picks up again).</summary>
    public async Task<IReadOnlyList<long>> QueuedAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.TrainingRuns.Where(r => r.State == TrainingRunState.Queued).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs left "running" by a process that stopped (a restart, a crash) are marked failed with the reason, so no run
    /// is ever silently lost. Returns how many.
    /// </summary>
    public async Task<int> FailInterruptedAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.TrainingRuns.Where(r => r.State == TrainingRunState.Running)
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.State, TrainingRunState.Failed)
                .SetProperty(r => r.FinishedAtUtc, now)
                .SetProperty(r => r.Error, "Interrupted: the server stopped while this run was training. Start it again to repeat it."), ct)
            .ConfigureAwait(false);
    }

    public Task MarkRunningAsync(long id, CancellationToken ct = default) => UpdateAsync(id, r =>
    {
        r.State = TrainingRunState.Running;
        r.StartedAtUtc = time.GetUtcNow().UtcDateTime;
    }, ct);

    public Task SaveHistoryAsync(long id, string dataHash, IReadOnlyList<TrainingStep> history, CancellationToken ct = default) => UpdateAsync(id, r =>
    {
        r.DataHash = dataHash;
        r.HistoryJson = JsonSerializer.Serialize(history, TrainingParameters.Json);
    }, ct);

    public Task CompleteAsync(long id, TrainingOutcome outcome, CancellationToken ct = default) => UpdateAsync(id, r =>
    {
        r.State = TrainingRunState.Succeeded;
        r.FinishedAtUtc = time.GetUtcNow().UtcDateTime;
        r.DataHash = outcome.Data.DataHash;
        r.HistoryJson = JsonSerializer.Serialize(outcome.History, TrainingParameters.Json);
        r.MetricsJson = outcome.Metrics.ToJson();
        r.CardPath = outcome.CardPath;
    }, ct);

    /// <summary>A finished run whose metrics live on its card (trainers without per-split binary metrics).</summary>
    public Task CompleteAsync(long id, string dataHash, string cardPath, CancellationToken ct = default) => UpdateAsync(id, r =>
    {
        r.State = TrainingRunState.Succeeded;
        r.FinishedAtUtc = time.GetUtcNow().UtcDateTime;
        r.DataHash = dataHash;
        r.CardPath = cardPath;
    }, ct);

    public Task FailAsync(long id, string error, bool cancelled, CancellationToken ct = default) => UpdateAsync(id, r =>
    {
        r.State = cancelled ? TrainingRunState.Cancelled : TrainingRunState.Failed;
        r.FinishedAtUtc = time.GetUtcNow().UtcDateTime;
        r.Error = error;
    }, ct);

    public Task MarkPromotedAsync(long id, CancellationToken ct = default) => UpdateAsync(id, r => r.PromotedAtUtc = time.GetUtcNow().UtcDateTime, ct);

    /// <summary>The run's step history.</summary>
    public static IReadOnlyList<TrainingStep> History(TrainingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return JsonSerializer.Deserialize<List<TrainingStep>>(run.HistoryJson, TrainingParameters.Json) ?? [];
    }

    private async Task UpdateAsync(long id, Action<TrainingRun> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var run = await db.TrainingRuns.SingleAsync(r => r.Id == id, ct).ConfigureAwait(false);
        change(run);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }
}
