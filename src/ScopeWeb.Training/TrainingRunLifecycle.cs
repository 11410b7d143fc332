using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Training.Data;
using ScopeWeb.Training.Hierarchical;

namespace ScopeWeb.Training;

/// <summary>
/// The one life of a training run, whoever starts it (the training page's queue, <c>scope train</c>,
/// <c>scope train-hierarchical</c>): recorded before it trains, marked running, trained on a thread of its own, its
/// training set written beside the card, then completed, failed with the reason, or cancelled, so the run history never
/// holds a run that silently stopped.
/// </summary>
public sealed class TrainingRunLifecycle(TrainingRunStore store, ModelPromoter promoter, IDbContextFactory<CatalogDb> dbFactory)
{
    /// <summary>What a run stopped by a server shutdown says (it is failed, not cancelled: nobody asked).</summary>
    public const string InterruptedReason = "Interrupted: the server stopped while this run was training.";

    public TrainingRunStore Store => store;

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

    /// <summary>Records a hierarchical run with what it takes to repeat it: the options, the data set, the seed.</summary>
    public Task<TrainingRun> CreateAsync(HierarchicalTrainingOptions options, string dataset, string requestedBy, CancellationToken ct = default)
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
        return store.CreateAsync(options.Tag, "hierarchical", dataset, options.Seed, parametersJson, requestedBy, ct);
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
            async token =>
            {
                var data = table ?? await LoadTableAsync(parameters.Dataset, token).ConfigureAwait(false);
                return ModelTraining.Train(parameters, data, outputDirectory, progress, ct: token);
            },
            async outcome =>
            {
                await promoter.RecordTrainingSetAsync(outcome, CancellationToken.None).ConfigureAwait(false);
                await store.CompleteAsync(runId, outcome, CancellationToken.None).ConfigureAwait(false);
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
            token => Task.FromResult(HierarchicalTraining.Train(table, options, outputDirectory, progress, ct: token)),
            outcome => store.CompleteAsync(runId, table.DataHash, outcome.CardPath, CancellationToken.None),
            cancelledReason,
            ct,
            CancellationToken.None);
    }

    /// <summary>Puts a finished run's model into the registry (<see cref="ModelPromoter.PromoteAsync"/>).</summary>
    public Task<string> PromoteAsync(long runId, CancellationToken ct = default) => promoter.PromoteAsync(runId, ct);

    private async Task<T> RunAsync<T>(
        long runId,
        Func<CancellationToken, Task<T>> train,
        Func<T, Task> complete,
        string cancelledReason,
        CancellationToken ct,
        CancellationToken stopping)
    {
        try
        {
            // Not cancellable itself: a cancel that comes first must still find the run and record it cancelled.
            await store.MarkRunningAsync(runId, CancellationToken.None).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            // Training holds a core for minutes: a thread of its own, not one of the pool's.
            var outcome = await Task.Factory.StartNew(() => train(ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .Unwrap().ConfigureAwait(false);
            await complete(outcome).ConfigureAwait(false);
            return outcome;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var shuttingDown = stopping.IsCancellationRequested;
            await store.FailAsync(runId, shuttingDown ? InterruptedReason : cancelledReason, cancelled: !shuttingDown, CancellationToken.None)
                .ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            await store.FailAsync(runId, ex.Message, cancelled: false, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}
