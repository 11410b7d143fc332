using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Jobs;

namespace ScopeWeb.Training;

/// <summary>
/// Runs training runs one at a time in the background, in the order asked. Runs live in the database, so they
/// survive closing the page; queued runs are picked up again at start-up, and every heartbeat interval the queue also
/// takes the runs queued by other instances (one whose training is off, or one busy with another run). Each run is
/// claimed queued → running with a conditional update, so among several instances exactly one trains it; the others
/// skip it. At start and then every heartbeat interval,
/// a run whose owning process stopped (its pid gone from this host, or no heartbeat for
/// <see cref="TrainingOptions.HeartbeatStaleAfter"/>) is marked failed, never lost silently; a run of a live process
/// (e.g. <c>scope train</c>) is never touched. A run can be cancelled while queued or while training, here or in
/// another process (through the catalog). The queue's own failures are logged and shown on <see cref="Progress"/>; it
/// goes on.
/// </summary>
public sealed partial class TrainingQueue(
    TrainingRunLifecycle lifecycle,
    TrainingProgress progress,
    CatalogSeeding seeding,
    IOptions<TrainingOptions> options,
    ILogger<TrainingQueue> logger) : BackgroundService, IJobWithProgress
{
    private readonly Channel<long> _queue = Channel.CreateUnbounded<long>();
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();
    private readonly ConcurrentDictionary<long, bool> _cancelledWhileQueued = new();

    // Runs in the channel and not yet done with, so the periodic look for queued runs does not add one twice.
    private readonly ConcurrentDictionary<long, bool> _offered = new();
    private readonly TrainingQueueStatus _status = new();

    /// <summary>The queue's last bookkeeping error (the health check shows the queue degraded while there is one).</summary>
    public JobProgress Progress => _status;

    private TimeProvider Time => lifecycle.Store.Time;

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    /// <summary>Queues a run; returns it as stored.</summary>
    public async Task<TrainingRun> EnqueueAsync(TrainingParameters parameters, string requestedBy, CancellationToken ct = default)
    {
        var run = await lifecycle.CreateAsync(parameters, requestedBy, ct).ConfigureAwait(false);
        await OfferAsync(run.Id, ct).ConfigureAwait(false);
        return run;
    }

    /// <summary>
    /// Cancels a queued or running run: one training here at once, a queued one before it starts, one training in
    /// another process by asking its owner through the catalog (it stops at its next heartbeat and records the run
    /// cancelled). False when the run is neither queued nor running.
    /// </summary>
    public async Task<bool> CancelAsync(long runId, CancellationToken ct = default)
    {
        if (_running.TryGetValue(runId, out var cts))
        {
            await cts.CancelAsync().ConfigureAwait(false);
            return true;
        }

        if (await lifecycle.Store.CancelQueuedAsync(runId, TrainingRunLifecycle.CancelledQueuedReason, ct).ConfigureAwait(false))
        {
            _cancelledWhileQueued[runId] = true;
            progress.End();
            return true;
        }

        return await lifecycle.Store.RequestCancelAsync(runId, ct).ConfigureAwait(false);
    }

    /// <summary>Fails the runs whose owner stopped (see the class summary); returns them. Called at start and every heartbeat interval.</summary>
    public async Task<IReadOnlyList<InterruptedRun>> FailInterruptedAsync(CancellationToken ct = default)
    {
        var failed = await lifecycle.Store.FailInterruptedAsync(TrainingRunOwner.Current, options.Value.HeartbeatStaleAfter, ct).ConfigureAwait(false);
        foreach (var run in failed)
        {
            LogInterrupted(logger, run.Id, run.Reason);
        }

        return failed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Until the catalog answers once: abandoned runs failed, queued runs picked up again.
        while (!await PassAsync(StartUpAsync, stoppingToken).ConfigureAwait(false))
        {
            await Task.Delay(options.Value.HeartbeatInterval, Time, stoppingToken).ConfigureAwait(false);
        }

        var watching = WatchAsync(stoppingToken);
        try
        {
            await seeding.Completion.WaitAsync(stoppingToken).ConfigureAwait(false);
            await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (!_cancelledWhileQueued.TryRemove(id, out _))
                    {
                        await RunAsync(id, stoppingToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _offered.TryRemove(id, out _);
                }
            }
        }
        finally
        {
            await watching.ConfigureAwait(false);
        }
    }

    private async Task StartUpAsync(CancellationToken ct)
    {
        await FailInterruptedAsync(ct).ConfigureAwait(false);
        await TakeQueuedAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Adds every queued run nobody has reserved to this queue (once): this instance's, and those queued elsewhere.</summary>
    private async Task TakeQueuedAsync(CancellationToken ct)
    {
        foreach (var id in await lifecycle.Store.QueuedAsync(ct).ConfigureAwait(false))
        {
            await OfferAsync(id, ct).ConfigureAwait(false);
        }
    }

    private async ValueTask OfferAsync(long id, CancellationToken ct)
    {
        if (_offered.TryAdd(id, true))
        {
            await _queue.Writer.WriteAsync(id, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Every heartbeat interval, until the host stops: fails runs whose owner stopped, takes runs queued elsewhere.</summary>
    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, Time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await PassAsync(async ct =>
                {
                    await FailInterruptedAsync(ct).ConfigureAwait(false);
                    await TakeQueuedAsync(ct).ConfigureAwait(false);
                }, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One piece of the queue's bookkeeping: a failure is logged and shown on <see cref="Progress"/>, never thrown.</summary>
    private async Task<bool> PassAsync(Func<CancellationToken, Task> pass, CancellationToken stoppingToken)
    {
        try
        {
            await pass(stoppingToken).ConfigureAwait(false);
            _status.Succeeded(Now);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            LogQueueFailed(logger, ex);
            _status.Failed(Now, ex.Message);
            return false;
        }
    }

    private async Task RunAsync(long id, CancellationToken stoppingToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var started = false;
        var training = false;
        _running[id] = cts;
        try
        {
            var run = await lifecycle.Store.GetAsync(id, stoppingToken).ConfigureAwait(false);
            if (run is null || run.State != TrainingRunState.Queued || run.OwnerProcessId is not null)
            {
                return;
            }

            progress.Start(id);
            started = true;
            var parameters = TrainingParameters.FromJson(run.ParametersJson) with { Threads = options.Value.Threads };
            LogStarting(logger, id, run.Tag, run.Algorithm);
            training = true;
            var outcome = await lifecycle.TrainAsync(
                id, parameters, table: null, options.Value.OutputDirectory, new SynchronousProgress<TrainingStep>(progress.Add),
                "Cancelled while training.", cts.Token, stoppingToken).ConfigureAwait(false);
            LogFinished(logger, id, outcome.Card.Version, outcome.Metrics.Test.RocAuc);
            _status.Succeeded(Now);
        }
        catch (TrainingRunLostException ex) when (ex.NotStartedHere)
        {
            // Another instance claimed it first (or it ended meanwhile): the claim is conditional, so it trains there only.
            LogTakenElsewhere(logger, id, ex.Message);
            _status.Succeeded(Now);
        }
        catch (TrainingRunRecordingException ex)
        {
            // The catalog did not take the run's end (the next look for abandoned runs fails it as interrupted) or its
            // start (it stays queued for the next start of the queue).
            LogNotRecorded(logger, id, ex);
            _status.Failed(Now, ex.Message);
        }
        catch (TrainingRunCancelledException ex)
        {
            LogCancelled(logger, id, ex.Reason);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Recorded by the lifecycle as cancelled, or interrupted when the server is stopping.
        }
        catch (Exception ex) when (training)
        {
            // Recorded by the lifecycle as failed with the message (or the run was taken over); the queue goes on with the next run.
            LogFailed(logger, id, ex);
            _status.Succeeded(Now);
        }
        catch (Exception ex)
        {
            // The queue's own step (reading the run, its parameters) failed: logged and shown; the queue goes on.
            LogQueueFailed(logger, ex);
            _status.Failed(Now, ex.Message);
        }
        finally
        {
            _running.TryRemove(id, out _);
            if (started)
            {
                progress.End();
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Training run {Id} is marked failed: {Reason}")]
    private static partial void LogInterrupted(ILogger logger, long id, string reason);

    [LoggerMessage(LogLevel.Debug, "Training run {Id} taken from the queue: {Tag} {Algorithm}")]
    private static partial void LogStarting(ILogger logger, long id, string tag, string algorithm);

    [LoggerMessage(LogLevel.Information, "Training run {Id} finished: model {Version}, test ROC AUC {Auc:F4}")]
    private static partial void LogFinished(ILogger logger, long id, string version, double auc);

    [LoggerMessage(LogLevel.Information, "Training run {Id} is not trained here: {Reason}")]
    private static partial void LogTakenElsewhere(ILogger logger, long id, string reason);

    [LoggerMessage(LogLevel.Information, "Training run {Id} cancelled: {Reason}")]
    private static partial void LogCancelled(ILogger logger, long id, string reason);

    [LoggerMessage(LogLevel.Error, "Training run {Id} failed")]
    private static partial void LogFailed(ILogger logger, long id, Exception ex);

    [LoggerMessage(LogLevel.Error, "Training run {Id}: the catalog could not record its start or end")]
    private static partial void LogNotRecorded(ILogger logger, long id, Exception ex);

    [LoggerMessage(LogLevel.Error, "The training queue's bookkeeping failed; it goes on")]
    private static partial void LogQueueFailed(ILogger logger, Exception ex);
}
