using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Training;

/// <summary>What an owner's heartbeat found.</summary>
public enum HeartbeatResult
{
    /// <summary>Written; nobody asked to stop.</summary>
    Beating,

    /// <summary>Written; someone asked to cancel the run (<see cref="TrainingRun.CancelRequestedAtUtc"/>).</summary>
    CancelRequested,

    /// <summary>Not written: the run is no longer running under this owner (another process failed it as interrupted).</summary>
    Lost,
}

/// <summary>A run failed because its owner stopped, and why.</summary>
public sealed record InterruptedRun(long Id, string Reason);

/// <summary>
/// The run history in the catalog database: every run, from the page or the CLI, with its parameters and outcome.
/// Whatever ends a run is a conditional update (docs/architecture.md, Training): an owner writes only to a run it still
/// owns, and a run is failed as interrupted only while it still shows what made it look abandoned, so two processes
/// never both write a run's end.
/// </summary>
public sealed class TrainingRunStore(IDbContextFactory<CatalogDb> dbFactory, TimeProvider time)
{
    private string? _databaseKey;

    internal IDbContextFactory<CatalogDb> DbFactory => dbFactory;

    internal TimeProvider Time => time;

    /// <summary>Names the catalog database this store writes to (runs of this process are tracked per database).</summary>
    internal string DatabaseKey
    {
        get
        {
            if (_databaseKey is null)
            {
                using var db = dbFactory.CreateDbContext();
                _databaseKey = db.Database.GetConnectionString() ?? "";
            }

            return _databaseKey;
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public Task<TrainingRun> CreateAsync(TrainingParameters parameters, string requestedBy, CancellationToken ct = default) =>
        CreateAsync(parameters, requestedBy, owner: null, saved: true, ct);

    /// <summary>
    /// Records a binary run. With <paramref name="owner"/> the run is reserved for that process, which trains it at once
    /// (<c>scope train</c>): no queue picks it up. <paramref name="saved"/> false: the model is not kept, nothing to promote.
    /// </summary>
    public Task<TrainingRun> CreateAsync(TrainingParameters parameters, string requestedBy, TrainingRunOwner? owner, bool saved, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return CreateAsync(
            parameters.Tag, parameters.ModelAlgorithm == ScopeWeb.Core.Classifiers.ModelAlgorithm.Dnn ? "dnn" : "xgb", parameters.Dataset, parameters.Seed,
            parameters.ToJson(), requestedBy, owner, saved, ct);
    }

    /// <summary>A run of any trainer (e.g. the hierarchical one), its parameters as that trainer's JSON.</summary>
    public Task<TrainingRun> CreateAsync(
        string tag, string algorithm, string dataset, int seed, string parametersJson, string requestedBy, CancellationToken ct = default) =>
        CreateAsync(tag, algorithm, dataset, seed, parametersJson, requestedBy, owner: null, saved: true, ct);

    /// <summary>A run of any trainer, optionally reserved for <paramref name="owner"/> (see the binary overload).</summary>
    public async Task<TrainingRun> CreateAsync(
        string tag, string algorithm, string dataset, int seed, string parametersJson, string requestedBy, TrainingRunOwner? owner, bool saved,
        CancellationToken ct = default)
    {
        var now = Now;
        var run = new TrainingRun
        {
            Tag = tag,
            Algorithm = algorithm,
            State = TrainingRunState.Queued,
            Dataset = dataset,
            Seed = seed,
            ParametersJson = parametersJson,
            RequestedBy = requestedBy,
            CreatedAtUtc = now,
            OwnerHost = owner?.Host,
            OwnerProcessId = owner?.ProcessId,
            HeartbeatUtc = owner is null ? null : now,
            Saved = saved,
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
                OwnerHost = r.OwnerHost,
                OwnerProcessId = r.OwnerProcessId,
                HeartbeatUtc = r.HeartbeatUtc,
                CancelRequestedAtUtc = r.CancelRequestedAtUtc,
                Saved = r.Saved,
            })
            .ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>How many runs the catalog holds in each state (states without runs are absent).</summary>
    public async Task<IReadOnlyDictionary<TrainingRunState, int>> CountByStateAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.TrainingRuns.GroupBy(r => r.State).Select(g => new { State = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.State, g => g.Count, ct).ConfigureAwait(false);
    }

    /// <summary>Queued runs nobody has reserved, oldest first (what a restarted worker picks up again).</summary>
    public async Task<IReadOnlyList<long>> QueuedAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.TrainingRuns.Where(r => r.State == TrainingRunState.Queued && r.OwnerProcessId == null)
            .OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Fails the runs whose owner stopped: running (or reserved) runs whose owner is this process but which this process
    /// is not training, whose owner is on this host and not alive, or whose heartbeat is older than
    /// <paramref name="staleAfter"/>; a running run without an owner (recorded before owners were) too. A run of a live,
    /// beating process is never touched. Returns the runs failed, with the reason written on each.
    /// </summary>
    /// <param name="self">The process looking (<see cref="TrainingRunOwner.Current"/>; tests look as another host).</param>
    /// <param name="staleAfter"></param>
    /// <param name="ct"></param>
    public async Task<IReadOnlyList<InterruptedRun>> FailInterruptedAsync(TrainingRunOwner self, TimeSpan staleAfter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(self);
        var now = Now;
        var cutoff = now - staleAfter;
        List<TrainingRun> candidates;
        await using (var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false))
        {
            candidates = await db.TrainingRuns.AsNoTracking()
                .Where(r => r.State == TrainingRunState.Running || (r.State == TrainingRunState.Queued && r.OwnerProcessId != null))
                .Select(r => new TrainingRun
                {
                    Id = r.Id,
                    Tag = r.Tag,
                    Algorithm = r.Algorithm,
                    Dataset = r.Dataset,
                    ParametersJson = "",
                    State = r.State,
                    OwnerHost = r.OwnerHost,
                    OwnerProcessId = r.OwnerProcessId,
                    HeartbeatUtc = r.HeartbeatUtc,
                })
                .ToListAsync(ct).ConfigureAwait(false);
        }

        var failed = new List<InterruptedRun>();
        foreach (var run in candidates)
        {
            string? reason;
            var onlyIfStale = false;
            if (run.OwnerProcessId is not { } pid || run.OwnerHost is not { } host)
            {
                reason = TrainingRunLifecycle.InterruptedReason + " Start it again to repeat it.";
            }
            else if (string.Equals(host, self.Host, StringComparison.Ordinal) && pid == self.ProcessId && run.State == TrainingRunState.Running)
            {
                reason = LiveRuns.Contains(DatabaseKey, run.Id) ? null : StoppedReason(host, pid);
            }
            else if (string.Equals(host, self.Host, StringComparison.Ordinal) && pid != self.ProcessId && !TrainingRunOwner.IsRunningHere(pid))
            {
                reason = StoppedReason(host, pid);
            }
            else if (run.HeartbeatUtc is not { } beat || beat <= cutoff)
            {
                var last = run.HeartbeatUtc is { } at ? at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "never";
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"Interrupted: its process ({host}/{pid}) stopped sending heartbeats (the last: {last}; none for more than {staleAfter.TotalSeconds:0.#} s). Start it again to repeat it.");
                onlyIfStale = true;
            }
            else
            {
                reason = null;
            }

            if (reason is not null && await FailIfUnchangedAsync(run, onlyIfStale ? cutoff : null, reason, now, ct).ConfigureAwait(false))
            {
                failed.Add(new InterruptedRun(run.Id, reason));
            }
        }

        return failed;
    }

    /// <summary>
    /// Marks a queued run running under <paramref name="owner"/>, with its first heartbeat; false when it is not queued any
    /// more (cancelled, or started by another process) or is reserved for another process.
    /// </summary>
    public async Task<bool> ClaimAsync(long id, TrainingRunOwner owner, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var now = Now;
        var (host, pid) = (owner.Host, owner.ProcessId);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.TrainingRuns
            .Where(r => r.Id == id && r.State == TrainingRunState.Queued && (r.OwnerProcessId == null || (r.OwnerHost == host && r.OwnerProcessId == pid)))
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.State, TrainingRunState.Running)
                .SetProperty(r => r.StartedAtUtc, now)
                .SetProperty(r => r.OwnerHost, host)
                .SetProperty(r => r.OwnerProcessId, pid)
                .SetProperty(r => r.HeartbeatUtc, now), ct)
            .ConfigureAwait(false) == 1;
    }

    /// <summary>Marks a run running, owned by this process (unconditionally; the lifecycle claims with <see cref="ClaimAsync"/>).</summary>
    public Task MarkRunningAsync(long id, CancellationToken ct = default) => UpdateAsync(id, r =>
    {
        r.State = TrainingRunState.Running;
        r.StartedAtUtc = Now;
        r.OwnerHost = TrainingRunOwner.Current.Host;
        r.OwnerProcessId = TrainingRunOwner.Current.ProcessId;
        r.HeartbeatUtc = Now;
    }, ct);

    /// <summary>The owner's sign of life; also tells it whether someone asked to cancel the run or took it over.</summary>
    public async Task<HeartbeatResult> BeatAsync(long id, TrainingRunOwner owner, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var written = await Owned(db, id, owner).ExecuteUpdateAsync(u => u.SetProperty(r => r.HeartbeatUtc, now), ct).ConfigureAwait(false);
        if (written == 0)
        {
            return HeartbeatResult.Lost;
        }

        var requested = await db.TrainingRuns.Where(r => r.Id == id).Select(r => r.CancelRequestedAtUtc).SingleAsync(ct).ConfigureAwait(false);
        return requested is null ? HeartbeatResult.Beating : HeartbeatResult.CancelRequested;
    }

    /// <summary>Asks the owner of a running run to cancel it (it sees the request with its next heartbeat); false when the run is not running.</summary>
    public async Task<bool> RequestCancelAsync(long id, CancellationToken ct = default)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.TrainingRuns.Where(r => r.Id == id && r.State == TrainingRunState.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.CancelRequestedAtUtc, r => r.CancelRequestedAtUtc ?? now), ct)
            .ConfigureAwait(false) == 1;
    }

    /// <summary>Cancels a run that has not started; false when it is not queued any more.</summary>
    public async Task<bool> CancelQueuedAsync(long id, string reason, CancellationToken ct = default)
    {
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.TrainingRuns.Where(r => r.Id == id && r.State == TrainingRunState.Queued)
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.State, TrainingRunState.Cancelled)
                .SetProperty(r => r.FinishedAtUtc, now)
                .SetProperty(r => r.CancelRequestedAtUtc, now)
                .SetProperty(r => r.Error, reason), ct)
            .ConfigureAwait(false) == 1;
    }

    public Task SaveHistoryAsync(long id, string dataHash, IReadOnlyList<TrainingStep> history, CancellationToken ct = default) => UpdateAsync(id, r =>
    {
        r.DataHash = dataHash;
        r.HistoryJson = JsonSerializer.Serialize(history, TrainingParameters.Json);
    }, ct);

    /// <summary>Records a run's success if <paramref name="owner"/> still owns it; false (nothing written) otherwise. An unsaved run keeps no card path.</summary>
    public async Task<bool> CompleteAsync(long id, TrainingRunOwner owner, TrainingOutcome outcome, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(outcome);
        var now = Now;
        var (dataHash, cardPath) = (outcome.Data.DataHash, outcome.CardPath);
        var history = JsonSerializer.Serialize(outcome.History, TrainingParameters.Json);
        var metrics = outcome.Metrics.ToJson();
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await Owned(db, id, owner).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.State, TrainingRunState.Succeeded)
                .SetProperty(r => r.FinishedAtUtc, now)
                .SetProperty(r => r.DataHash, dataHash)
                .SetProperty(r => r.HistoryJson, history)
                .SetProperty(r => r.MetricsJson, metrics)
                .SetProperty(r => r.CardPath, r => r.Saved ? cardPath : null), ct)
            .ConfigureAwait(false) == 1;
    }

    /// <summary>A finished run whose metrics live on its card (trainers without per-split binary metrics); conditional as the other overload.</summary>
    public async Task<bool> CompleteAsync(long id, TrainingRunOwner owner, string dataHash, string cardPath, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var now = Now;
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await Owned(db, id, owner).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.State, TrainingRunState.Succeeded)
                .SetProperty(r => r.FinishedAtUtc, now)
                .SetProperty(r => r.DataHash, dataHash)
                .SetProperty(r => r.CardPath, r => r.Saved ? cardPath : null), ct)
            .ConfigureAwait(false) == 1;
    }

    /// <summary>Records a run failed or cancelled if <paramref name="owner"/> still owns it; false (nothing written) otherwise.</summary>
    public async Task<bool> FailAsync(long id, TrainingRunOwner owner, string error, bool cancelled, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var now = Now;
        var state = cancelled ? TrainingRunState.Cancelled : TrainingRunState.Failed;
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await Owned(db, id, owner).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.State, state)
                .SetProperty(r => r.FinishedAtUtc, now)
                .SetProperty(r => r.Error, error), ct)
            .ConfigureAwait(false) == 1;
    }

    public Task MarkPromotedAsync(long id, CancellationToken ct = default) => UpdateAsync(id, r => r.PromotedAtUtc = Now, ct);

    /// <summary>The run's step history.</summary>
    public static IReadOnlyList<TrainingStep> History(TrainingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return JsonSerializer.Deserialize<List<TrainingStep>>(run.HistoryJson, TrainingParameters.Json) ?? [];
    }

    private static string StoppedReason(string host, int pid) => string.Create(CultureInfo.InvariantCulture,
        $"Interrupted: its process ({host}/{pid}) stopped before recording how the run ended. Start it again to repeat it.");

    private static IQueryable<TrainingRun> Owned(CatalogDb db, long id, TrainingRunOwner owner)
    {
        var (host, pid) = (owner.Host, owner.ProcessId);
        return db.TrainingRuns.Where(r => r.Id == id && r.State == TrainingRunState.Running && r.OwnerHost == host && r.OwnerProcessId == pid);
    }

    /// <summary>Fails a run as interrupted only if it is as it was read (same state and owner; still stale when <paramref name="staleCutoff"/> is given), so a late heartbeat wins.</summary>
    private async Task<bool> FailIfUnchangedAsync(TrainingRun seen, DateTime? staleCutoff, string reason, DateTime now, CancellationToken ct)
    {
        var (id, state, host, pid) = (seen.Id, seen.State, seen.OwnerHost, seen.OwnerProcessId);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var query = db.TrainingRuns.Where(r => r.Id == id && r.State == state);
        query = host is null || pid is null
            ? query.Where(r => r.OwnerHost == null && r.OwnerProcessId == null)
            : query.Where(r => r.OwnerHost == host && r.OwnerProcessId == pid);
        if (staleCutoff is { } cutoff)
        {
            query = query.Where(r => r.HeartbeatUtc == null || r.HeartbeatUtc <= cutoff);
        }

        return await query.ExecuteUpdateAsync(u => u
                .SetProperty(r => r.State, TrainingRunState.Failed)
                .SetProperty(r => r.FinishedAtUtc, now)
                .SetProperty(r => r.Error, reason), ct)
            .ConfigureAwait(false) == 1;
    }

    private async Task UpdateAsync(long id, Action<TrainingRun> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var run = await db.TrainingRuns.SingleAsync(r => r.Id == id, ct).ConfigureAwait(false);
        change(run);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }
}
