using System.ComponentModel.DataAnnotations;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Groups;
using ScopeWeb.Training.Data;

namespace ScopeWeb.Training;

/// <summary>Section <c>Training</c>: where runs write their models and uploaded data sets.</summary>
public sealed class TrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>Run the training worker in the web app.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder for trained models (not the registry: a model is served only once promoted).</summary>
    [Required]
    public string OutputDirectory { get; set; } = "models/trained";

    /// <summary>Folder for CSV data sets uploaded on the training page.</summary>
    [Required]
    public string DatasetsDirectory { get; set; } = "data/datasets";

    /// <summary>CPU threads per run; 0 = all cores.</summary>
    [Range(0, 256)]
    public int Threads { get; set; }
}

/// <summary>What the page shows of the run in progress: its steps so far, live.</summary>
public sealed class TrainingProgress
{
    private readonly Lock _gate = new();
    private List<TrainingStep> _steps = [];

    public long? RunId { get; private set; }

    public IReadOnlyList<TrainingStep> Steps
    {
        get
        {
            lock (_gate)
            {
                return [.. _steps];
            }
        }
    }

    /// <summary>Raised on the training thread after every step and when a run starts or ends.</summary>
    public event Action? Changed;

    internal void Start(long runId)
    {
        lock (_gate)
        {
            RunId = runId;
            _steps = [];
        }

        Changed?.Invoke();
    }

    internal void Add(TrainingStep step)
    {
        lock (_gate)
        {
            _steps.Add(step);
        }

        Changed?.Invoke();
    }

    internal void End()
    {
        lock (_gate)
        {
            RunId = null;
        }

        Changed?.Invoke();
    }
}

/// <summary>
/// Runs training runs one at a time in the background, in the order asked. Runs live in the database, so they
/// survive closing the page; at start-up a run the previous process left "running" is marked failed (never lost
/// silently) and queued runs are picked up again. A run can be cancelled while queued or while training.
/// </summary>
public sealed partial class TrainingQueue(
    TrainingRunStore store,
    TrainingProgress progress,
    ModelPromoter promoter,
    IDbContextFactory<CatalogDb> dbFactory,
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
        var run = await store.CreateAsync(parameters, requestedBy, ct).ConfigureAwait(false);
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

        var run = await store.GetAsync(runId, ct).ConfigureAwait(false);
        if (run?.State != TrainingRunState.Queued)
        {
            return false;
        }

        _cancelledWhileQueued[runId] = true;
        await store.FailAsync(runId, "Cancelled before it started.", cancelled: true, ct).ConfigureAwait(false);
        progress.End();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interrupted = await store.FailInterruptedAsync(stoppingToken).ConfigureAwait(false);
        if (interrupted > 0)
        {
            LogInterrupted(logger, interrupted);
        }

        foreach (var id in await store.QueuedAsync(stoppingToken).ConfigureAwait(false))
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
        var run = await store.GetAsync(id, stoppingToken).ConfigureAwait(false);
        if (run is null || run.State != TrainingRunState.Queued)
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _running[id] = cts;
        progress.Start(id);
        try
        {
            await store.MarkRunningAsync(id, stoppingToken).ConfigureAwait(false);
            var parameters = TrainingParameters.FromJson(run.ParametersJson) with { Threads = options.Value.Threads };
            var table = await LoadTableAsync(parameters, cts.Token).ConfigureAwait(false);
            var steps = new List<TrainingStep>();
            var reporter = new SynchronousProgress(step =>
            {
                steps.Add(step);
                progress.Add(step);
            });
            LogStarting(logger, id, run.Tag, run.Algorithm);
            var outcome = await Task.Factory.StartNew(
                () => ModelTraining.Train(parameters, table, options.Value.OutputDirectory, reporter, ct: cts.Token),
                cts.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            await promoter.RecordTrainingSetAsync(outcome, CancellationToken.None).ConfigureAwait(false);
            await store.CompleteAsync(id, outcome, CancellationToken.None).ConfigureAwait(false);
            LogFinished(logger, id, outcome.Card.Version, outcome.Metrics.Test.RocAuc);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            var shuttingDown = stoppingToken.IsCancellationRequested;
            await store.FailAsync(
                id,
                shuttingDown ? "Interrupted: the server stopped while this run was training." : "Cancelled while training.",
                cancelled: !shuttingDown,
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, id, ex);
            await store.FailAsync(id, ex.Message, cancelled: false, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(id, out _);
            progress.End();
        }
    }

    private async Task<TrainingTable> LoadTableAsync(TrainingParameters parameters, CancellationToken ct) =>
        string.Equals(parameters.Dataset, TrainingParameters.CatalogDataset, StringComparison.Ordinal)
            ? await CatalogTrainingSet.LoadAsync(dbFactory, ct).ConfigureAwait(false)
            : TrainingTable.ReadCsv(parameters.Dataset);

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the history must be in step order, so report inline.</summary>
    private sealed class SynchronousProgress(Action<TrainingStep> report) : IProgress<TrainingStep>
    {
        public void Report(TrainingStep value) => report(value);
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

/// <summary>
/// Promotion of a trained model into the registry (scoring picks it up without a restart) and the bookkeeping that
/// goes with it: the sources it was trained on join the <see cref="SourceGroups.TrainingSetName"/> group.
/// </summary>
public sealed class ModelPromoter(TrainingRunStore store, SourceGroups groups, IOptions<ModelRegistryOptions> registry)
{
    /// <summary>File beside a trained card listing the catalog ids of its labelled pool, one per line.</summary>
    public static string TrainingSetFile(string cardPath) => Path.ChangeExtension(cardPath, ".training-set.txt");

    /// <summary>Writes the catalog ids of the run's labelled pool beside its card (nothing for CSV data sets without ids).</summary>
    public Task RecordTrainingSetAsync(TrainingOutcome outcome, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var ids = new[] { outcome.Data.Train, outcome.Data.Validation, outcome.Data.Test }
            .SelectMany(s => s.SourceIds ?? []).Distinct().Order().ToArray();
        return ids.Length == 0
            ? Task.CompletedTask
            : File.WriteAllLinesAsync(TrainingSetFile(outcome.CardPath), ids.Select(i => i.ToString(CultureInfo.InvariantCulture)), ct);
    }

    /// <summary>Promotes a finished run's model; returns the card path in the registry.</summary>
    /// <exception cref="InvalidOperationException">The run has not succeeded or its files are gone.</exception>
    public async Task<string> PromoteAsync(long runId, CancellationToken ct = default)
    {
        var run = await store.GetAsync(runId, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No training run {runId}.");
        if (run.State != TrainingRunState.Succeeded || run.CardPath is null)
        {
            throw new InvalidOperationException($"Run {runId} has not produced a model ({run.State}).");
        }

        var promoted = await PromoteCardAsync(run.CardPath, ct).ConfigureAwait(false);
        await store.MarkPromotedAsync(runId, ct).ConfigureAwait(false);
        return promoted;
    }

    /// <summary>Promotes a card file (and records its training set) into the registry folder.</summary>
    public async Task<string> PromoteCardAsync(string cardPath, CancellationToken ct = default)
    {
        string promoted;
        try
        {
            promoted = ModelPromotion.Promote(cardPath, registry.Value.Directory);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }

        var idsFile = TrainingSetFile(cardPath);
        if (File.Exists(idsFile))
        {
            var ids = (await File.ReadAllLinesAsync(idsFile, ct).ConfigureAwait(false))
                .Where(l => l.Length > 0).Select(l => long.Parse(l, CultureInfo.InvariantCulture)).ToList();
            await using var db = await store.DbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
            // Sources deleted since training cannot be members; keep the ones that still exist.
            var existing = await db.Sources.Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct).ConfigureAwait(false);
            await groups.SaveAsync(SourceGroups.TrainingSetName, existing, "Sources the promoted classifiers were trained on", ct).ConfigureAwait(false);
        }

        return promoted;
    }
}

public static class TrainingServiceCollectionExtensions
{
    /// <summary>Training runs: the run history, promotion and, with <paramref name="backgroundWorker"/>, the queue the page uses.</summary>
    public static IHostApplicationBuilder AddTraining(this IHostApplicationBuilder builder, bool backgroundWorker = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TrainingOptions>()
            .BindConfiguration(TrainingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<TrainingRunStore>();
        builder.Services.AddSingleton<TrainingProgress>();
        builder.Services.AddSingleton<ModelPromoter>();
        if (backgroundWorker && builder.Configuration.GetValue(TrainingOptions.SectionName + ":" + nameof(TrainingOptions.Enabled), true))
        {
            builder.Services.AddSingleton<TrainingQueue>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<TrainingQueue>());
        }

        return builder;
    }
}
