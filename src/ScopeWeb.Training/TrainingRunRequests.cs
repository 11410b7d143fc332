using ScopeWeb.Core.Catalog;

namespace ScopeWeb.Training;

/// <summary>
/// What a page asks of training runs, on every instance, whether it trains or not (<c>Training:Enabled</c>): queuing
/// writes the run to the catalog, where this instance's queue (when it has one) or any instance that trains takes it
/// (docs/architecture.md, "Several instances"); cancelling goes through this instance's queue when it has one (a run it
/// trains stops at once), else through the catalog (a queued run is cancelled, a running one is asked to stop and its
/// owner sees that with its next heartbeat).
/// </summary>
public sealed class TrainingRunRequests(TrainingRunLifecycle lifecycle, TrainingQueue? queue = null)
{
    /// <summary>Whether this instance trains runs itself (its queue is registered).</summary>
    public bool TrainsHere => queue is not null;

    /// <summary>Records a run, queued; returns it as stored.</summary>
    public Task<TrainingRun> EnqueueAsync(TrainingParameters parameters, string requestedBy, CancellationToken ct = default) =>
        queue is not null ? queue.EnqueueAsync(parameters, requestedBy, ct) : lifecycle.CreateAsync(parameters, requestedBy, ct);

    /// <summary>Cancels a queued or running run wherever it trains; false when it is neither queued nor running.</summary>
    public async Task<bool> CancelAsync(long runId, CancellationToken ct = default)
    {
        if (queue is not null)
        {
            return await queue.CancelAsync(runId, ct).ConfigureAwait(false);
        }

        return await lifecycle.Store.CancelQueuedAsync(runId, TrainingRunLifecycle.CancelledQueuedReason, ct).ConfigureAwait(false)
            || await lifecycle.Store.RequestCancelAsync(runId, ct).ConfigureAwait(false);
    }
}
