using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Training.Data;
using ScopeWeb.Training.Hierarchical;

namespace ScopeWeb.Training;

/// <summary>
/// The one life of a training run, whoever starts it (the training page's queue, <c>scope train</c>,
/// <c>scope train-hierarchical</c>): recorded before it trains, claimed by this process (owner and heartbeat), trained
/// on a thread of its own while a heartbeat says it is alive and listens for a cancel request through the catalog, its
/// training set written beside the card, then completed, failed with the reason, or cancelled, so the run history never
/// holds a run that silently stopped. Every end is written only while this process still owns the run; a failed or
/// cancelled run removes the files it wrote.
/// </summary>
public sealed partial class TrainingRunLifecycle(
    TrainingRunStore store,
    ModelPromoter promoter,
    IDbContextFactory<CatalogDb> dbFactory,
    IOptions<TrainingOptions>? options = null,
    ILogger<TrainingRunLifecycle>? logger = null)
{
    /// <summary>What a run stopped by a server shutdown says (it is failed, not cancelled: nobody asked).</summary>
    public const string InterruptedReason = "Interrupted: the server stopped while this run was training.";

    /// <summary>What a run cancelled through the catalog says (the training page asked while another process trained it).</summary>
    public const string CancelRequestedReason = "Cancelled on request while training.";

    /// <summary>What a run cancelled while it was queued says.</summary>
    public const string CancelledQueuedReason = "Cancelled before it started.";

    private readonly ILogger _logger = logger ?? NullLogger<TrainingRunLifecycle>.Instance;

    // Runs recorded for this process to train at once (CreateOwnedAsync), live until their training ends.
    private readonly ConcurrentDictionary<long, IDisposable> _reserved = new();

    public TrainingRunStore Store => store;

    private TimeSpan HeartbeatInterval => (options?.Value ?? new TrainingOptions()).HeartbeatInterval;

    /// <summary>The training table of a data set: <c>catalog</c> (its labelled sources) or a CSV file, plain or gzip.</summary>
    /// <exception cref="InvalidDataException">The file is missing or malformed (the message names file, row and column).</exception>
    public async Task<TrainingTable> LoadTableAsync(string dataset, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        return string.Equals(dataset, TrainingParameters.CatalogDataset, StringComparison.Ordinal)
            ? await CatalogTrainingSet.LoadAsync(dbFactory, ct).ConfigureAwait(false)
            : TrainingTable.ReadCsv(dataset);
    }

    /// <summary>Records a binary (DNN or XGB) run, queued.</summary>
    public Task<TrainingRun> CreateAsync(TrainingParameters parameters, string requestedBy, CancellationToken ct = default) =>
        store.CreateAsync(parameters, requestedBy, ct);

    /// <summary>
    /// Records a binary run this process trains at once (<c>scope train</c>): reserved for it, so no queue starts it.
    /// <paramref name="saved"/> false: the model is not kept (nothing to promote).
    /// </summary>
    public async Task<TrainingRun> CreateOwnedAsync(TrainingParameters parameters, string requestedBy, bool saved, CancellationToken ct = default)
    {
        var run = await store.CreateAsync(parameters, requestedBy, TrainingRunOwner.Current, saved, ct).ConfigureAwait(false);
        _reserved[run.Id] = LiveRuns.Enter(store.DatabaseKey, run.Id);
        return run;
    }

    /// <summary>Records a hierarchical run with what it takes to repeat it: the options, the data set, the seed.</summary>
    public Task<TrainingRun> CreateAsync(HierarchicalTrainingOptions options, string dataset, string requestedBy, CancellationToken ct = default) =>
        CreateHierarchicalAsync(options, dataset, requestedBy, owner: null, ct);

    /// <summary>Records a hierarchical run this process trains at once (<c>scope train-hierarchical</c>), as <see cref="CreateOwnedAsync(TrainingParameters, string, bool, CancellationToken)"/>.</summary>
    public async Task<TrainingRun> CreateOwnedAsync(HierarchicalTrainingOptions options, string dataset, string requestedBy, CancellationToken ct = default)
    {
        var run = await CreateHierarchicalAsync(options, dataset, requestedBy, TrainingRunOwner.Current, ct).ConfigureAwait(false);
        _reserved[run.Id] = LiveRuns.Enter(store.DatabaseKey, run.Id);
        return run;
    }

    /// <summary>
    /// Trains a recorded binary run. <paramref name="table"/> null loads the run's data set first (its errors fail the run).
    /// </summary>
    /// <param name="runId"></param>
    /// <param name="parameters"></param>
    /// <param name="table"></param>
    /// <param name="outputDirectory"></param>
    /// <param name="progress"></param>
    /// <param name="cancelledReason"></param>
    /// <param name="ct"></param>
    /// <param name="stopping">Cancelled when the host shuts down: the run is then marked interrupted (failed), not cancelled.</param>
    /// <exception cref="OperationCanceledException">Cancelled; the run is recorded as cancelled or interrupted.</exception>
    /// <exception cref="TrainingRunCancelledException">Cancelled through the catalog; recorded as cancelled.</exception>
    /// <exception cref="TrainingRunLostException">Another process failed the run as interrupted; nothing was written.</exception>
    /// <exception cref="TrainingRunRecordingException">The catalog could not record the run's start or end.</exception>
    /// <exception cref="Exception">Anything else the training throws, after the run is recorded as failed with its message.</exception>
    public Task<TrainingOutcome> TrainAsync(
        long runId,
        TrainingParameters parameters,
        TrainingTable? table,
        string outputDirectory,
        IProgress<TrainingStep>? progress,
        string cancelledReason,
        CancellationToken ct,
        CancellationToken stopping = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return RunAsync(
            runId,
            async (token, files) =>
            {
                var data = table ?? await LoadTableAsync(parameters.Dataset, token).ConfigureAwait(false);
                return ModelTraining.Train(parameters, data, outputDirectory, progress, store.Time, token, files);
            },
            async (outcome, owner, files) =>
            {
                files.Add(ModelPromoter.TrainingSetFile(outcome.CardPath));
                await promoter.RecordTrainingSetAsync(outcome, CancellationToken.None).ConfigureAwait(false);
                return await store.CompleteAsync(runId, owner, outcome, CancellationToken.None).ConfigureAwait(false);
            },
            cancelledReason,
            ct,
            stopping);
    }

    /// <summary>Trains a recorded hierarchical run on <paramref name="table"/>; recorded as <see cref="TrainAsync"/> records binary runs.</summary>
    public Task<HierarchicalOutcome> TrainHierarchicalAsync(
        long runId,
        HierarchicalTrainingOptions options,
        TrainingTable table,
        string outputDirectory,
        IProgress<HierarchicalBinaryModel>? progress,
        string cancelledReason,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(table);
        return RunAsync(
            runId,
            (token, files) => Task.FromResult(HierarchicalTraining.Train(table, options, outputDirectory, progress, store.Time, token, files)),
            (outcome, owner, _) => store.CompleteAsync(runId, owner, table.DataHash, outcome.CardPath, CancellationToken.None),
            cancelledReason,
            ct,
            CancellationToken.None);
    }

    /// <summary>Puts a finished run's model into the registry (<see cref="ModelPromoter.PromoteAsync"/>).</summary>
    public Task<string> PromoteAsync(long runId, CancellationToken ct = default) => promoter.PromoteAsync(runId, ct);

    private Task<TrainingRun> CreateHierarchicalAsync(
        HierarchicalTrainingOptions options, string dataset, string requestedBy, TrainingRunOwner? owner, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var parametersJson = JsonSerializer.Serialize(new
        {
            dataset,
            tag = options.Tag,
            class_column = options.ClassColumn,
            taxonomy = HierarchicalTaxonomy.Format(options.Taxonomy),
            features = options.Features,
            random_state = options.Seed,
            test_size = options.TestSize,
            val_size = options.ValidationSize,
            scaling = options.Scaling.ToString(),
        });
        return store.CreateAsync(options.Tag, "hierarchical", dataset, options.Seed, parametersJson, requestedBy, owner, saved: true, ct);
    }

    private async Task<T> RunAsync<T>(
        long runId,
        Func<CancellationToken, RunFiles, Task<T>> train,
        Func<T, TrainingRunOwner, RunFiles, Task<bool>> complete,
        string cancelledReason,
        CancellationToken ct,
        CancellationToken stopping)
    {
        var owner = TrainingRunOwner.Current;
        var files = new RunFiles();
        // Live before the claim, so this process's own check for abandoned runs never takes a run it is claiming.
        using var live = LiveRuns.Enter(store.DatabaseKey, runId);
        using var reservation = _reserved.TryRemove(runId, out var reserved) ? reserved : null;

        // Not cancellable itself: a cancel that comes first must still find the run and record it cancelled.
        bool claimed;
        try
        {
            claimed = await store.ClaimAsync(runId, owner, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw new TrainingRunRecordingException(runId, "could not start: the catalog could not record it", ex);
        }

        if (!claimed)
        {
            throw await NotClaimedAsync(runId).ConfigureAwait(false);
        }

        LogStarted(_logger, runId, owner.Host, owner.ProcessId);

        using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var stopBeating = new CancellationTokenSource();
        var heartbeat = BeatAsync(runId, owner, run, stopBeating.Token);
        try
        {
            ct.ThrowIfCancellationRequested();
            // Training holds a core for minutes: a thread of its own, not one of the pool's.
            var outcome = await Task.Factory.StartNew(() => train(run.Token, files), run.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .Unwrap().ConfigureAwait(false);
            bool completed;
            try
            {
                completed = await complete(outcome, owner, files).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                files.DeleteAll();
                throw new TrainingRunRecordingException(runId, "succeeded, but the catalog could not record it", ex);
            }

            if (!completed)
            {
                throw await LostAsync(runId, files).ConfigureAwait(false);
            }

            return outcome;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            files.DeleteAll();
            var requested = !ct.IsCancellationRequested;
            var shuttingDown = !requested && stopping.IsCancellationRequested;
            var reason = requested ? CancelRequestedReason : shuttingDown ? InterruptedReason : cancelledReason;
            if (!await RecordEndAsync(runId, owner, reason, cancelled: !shuttingDown).ConfigureAwait(false))
            {
                throw await LostAsync(runId, files).ConfigureAwait(false);
            }

            if (requested)
            {
                throw new TrainingRunCancelledException(runId, reason);
            }

            throw;
        }
        catch (Exception ex) when (ex is not (TrainingRunLostException or TrainingRunRecordingException))
        {
            files.DeleteAll();
            if (!await RecordEndAsync(runId, owner, ex.Message, cancelled: false).ConfigureAwait(false))
            {
                throw await LostAsync(runId, files, ex).ConfigureAwait(false);
            }

            throw;
        }
        finally
        {
            await stopBeating.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
    }

    private async Task<bool> RecordEndAsync(long runId, TrainingRunOwner owner, string reason, bool cancelled)
    {
        try
        {
            return await store.FailAsync(runId, owner, reason, cancelled, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw new TrainingRunRecordingException(runId, $"{(cancelled ? "was cancelled" : "failed")} ({reason}), but the catalog could not record it", ex);
        }
    }

    /// <summary>
    /// Writes the heartbeat every <see cref="TrainingOptions.HeartbeatInterval"/> until stopped; cancels the training
    /// when the catalog asks for it or when the run is no longer this process's. Never throws: a missed beat (the
    /// database gone for a moment) only makes the run older in other processes' eyes.
    /// </summary>
    private async Task BeatAsync(long runId, TrainingRunOwner owner, CancellationTokenSource run, CancellationToken stop)
    {
        try
        {
            using var timer = new PeriodicTimer(HeartbeatInterval, store.Time);
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                HeartbeatResult beat;
                try
                {
                    beat = await store.BeatAsync(runId, owner, stop).ConfigureAwait(false);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    LogBeatFailed(_logger, runId, ex);
                    continue;
                }

                if (beat == HeartbeatResult.Beating || run.IsCancellationRequested)
                {
                    continue;
                }

                LogStopping(_logger, runId, beat);
                await run.CancelAsync().ConfigureAwait(false);
                if (beat == HeartbeatResult.Lost)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    private async Task<Exception> NotClaimedAsync(long runId)
    {
        var run = await store.GetAsync(runId, CancellationToken.None).ConfigureAwait(false);
        return run switch
        {
            null => new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"No training run {runId}.")),
            { State: TrainingRunState.Cancelled } => new TrainingRunCancelledException(runId, run.Error ?? CancelledQueuedReason),
            _ => new TrainingRunLostException(runId, string.Create(CultureInfo.InvariantCulture,
                $"Run {runId} was not started here: it is {run.State.ToString().ToLowerInvariant()} in {OwnerText(run)}."), notStartedHere: true),
        };
    }

    private async Task<TrainingRunLostException> LostAsync(long runId, RunFiles files, Exception? inner = null)
    {
        files.DeleteAll();
        string what;
        try
        {
            var run = await store.GetAsync(runId, CancellationToken.None).ConfigureAwait(false);
            what = run is null ? "it is gone" : $"it was marked {run.State.ToString().ToLowerInvariant()} by another process: {run.Error}";
        }
        catch (Exception ex)
        {
            what = "the catalog could not be read: " + ex.Message;
        }

        return new TrainingRunLostException(runId, string.Create(CultureInfo.InvariantCulture,
            $"Run {runId} is no longer this process's ({what}); nothing was recorded and its files were removed."), inner);
    }

    private static string OwnerText(TrainingRun run) =>
        run.OwnerHost is { } host && run.OwnerProcessId is { } pid ? new TrainingRunOwner(host, pid).ToString() : "no process";

    [LoggerMessage(LogLevel.Information, "Training run {Id} started in process {Host}/{ProcessId}")]
    private static partial void LogStarted(ILogger logger, long id, string host, int processId);

    [LoggerMessage(LogLevel.Warning, "Training run {Id}: the heartbeat could not be written; training goes on")]
    private static partial void LogBeatFailed(ILogger logger, long id, Exception ex);

    [LoggerMessage(LogLevel.Warning, "Training run {Id}: stopping it ({Beat})")]
    private static partial void LogStopping(ILogger logger, long id, HeartbeatResult beat);
}
