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
/// survive closing the page; at start-up a run the previous process left "running" is marked failed (never lost
/// silently) and queued runs are picked up again. A run can be cancelled while queued or while training.
/// </summary>
public sealed partial class TrainingQueue(
    TrainingRunLifecycle lifecycle,
    TrainingProgress progress,
    CatalogSeeding seeding,
    IOptions<TrainingOptions> options,
    ILogger<TrainingQueue> logger) : BackgroundService
{
    private readonly Channel<long> _queue = Channel.CreateUnbounded<long>();
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();
    private readonly ConcurrentDictionary<long, bool> _cancelledWhileQueued = new();

    /// <summary>Queues a run; returns it as stored.</summary>
    public async Task<TrainingRun> EnqueueAsync(TrainingParameters parameters, string requestedBy, CancellationToken ct = default)
    {
        var run = await lifecycle.CreateAsync(parameters, requestedBy, ct).ConfigureAwait(false);
        await _queue.Writer.WriteAsync(run.Id, ct).ConfigureAwait(false);
        return run;
    }

    /// <summary>Cancels a queued or running run; false when it is not waiting or running here.</summary>
    public async Task<bool> CancelAsync(long runId, CancellationToken ct = default)
    {
        if (_running.TryGetValue(runId, out var cts))
        {
            await cts.CancelAsync().ConfigureAwait(false);
            return true;
        }

        var run = await lifecycle.Store.GetAsync(runId, ct).ConfigureAwait(false);
        if (run?.State != TrainingRunState.Queued)
        {
            return false;
        }

        _cancelledWhileQueued[runId] = true;
        await lifecycle.Store.FailAsync(runId, "Cancelled before it started.", cancelled: true, ct).ConfigureAwait(false);
        progress.End();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interrupted = await lifecycle.Store.FailInterruptedAsync(stoppingToken).ConfigureAwait(false);
        if (interrupted > 0)
        {
            LogInterrupted(logger, interrupted);
        }

        foreach (var id in await lifecycle.Store.QueuedAsync(stoppingToken).ConfigureAwait(false))
        {
            await _queue.Writer.WriteAsync(id, stoppingToken).ConfigureAwait(false);
        }

        await seeding.Completion.WaitAsync(stoppingToken).ConfigureAwait(false);
        await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (_cancelledWhileQueued.TryRemove(id, out _))
            {
                continue;
            }

            await RunAsync(id, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(long id, CancellationToken stoppingToken)
    {
        var run = await lifecycle.Store.GetAsync(id, stoppingToken).ConfigureAwait(false);
        if (run is null || run.State != TrainingRunState.Queued)
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _running[id] = cts;
        progress.Start(id);
        try
        {
            var parameters = TrainingParameters.FromJson(run.ParametersJson) with { Threads = options.Value.Threads };
            LogStarting(logger, id, run.Tag, run.Algorithm);
            var outcome = await lifecycle.TrainAsync(
                id, parameters, table: null, options.Value.OutputDirectory, new SynchronousProgress<TrainingStep>(progress.Add),
                "Cancelled while training.", cts.Token, stoppingToken).ConfigureAwait(false);
            LogFinished(logger, id, outcome.Card.Version, outcome.Metrics.Test.RocAuc);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Recorded by the lifecycle as cancelled, or interrupted when the server is stopping.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Recorded by the lifecycle as failed with the message; the queue goes on with the next run.
            LogFailed(logger, id, ex);
        }
        finally
        {
            _running.TryRemove(id, out _);
            progress.End();
        }
    }

    [LoggerMessage(LogLevel.Warning, "{Count} training runs were interrupted by the last shutdown and are marked failed")]
    private static partial void LogInterrupted(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Training run {Id} started: {Tag} {Algorithm}")]
    private static partial void LogStarting(ILogger logger, long id, string tag, string algorithm);

    [LoggerMessage(LogLevel.Information, "Training run {Id} finished: model {Version}, test ROC AUC {Auc:F4}")]
    private static partial void LogFinished(ILogger logger, long id, string version, double auc);

    [LoggerMessage(LogLevel.Error, "Training run {Id} failed")]
    private static partial void LogFailed(ILogger logger, long id, Exception ex);
}
