using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Groups;

namespace ScopeWeb.Training;

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
    /// <exception cref="InvalidOperationException">The run was not saved, has not succeeded or its files are gone.</exception>
    public async Task<string> PromoteAsync(long runId, CancellationToken ct = default)
    {
        var run = await store.GetAsync(runId, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No training run {runId}.");
        if (!run.Saved)
        {
            throw new InvalidOperationException(NotSavedMessage(runId));
        }

        if (run.State != TrainingRunState.Succeeded || run.CardPath is null)
        {
            throw new InvalidOperationException($"Run {runId} has not produced a model ({run.State}).");
        }

        var promoted = await PromoteCardAsync(run.CardPath, ct).ConfigureAwait(false);
        await store.MarkPromotedAsync(runId, ct).ConfigureAwait(false);
        return promoted;
    }

    /// <summary>Why a run that did not keep its model cannot be promoted.</summary>
    public static string NotSavedMessage(long runId) => string.Create(CultureInfo.InvariantCulture,
        $"Run {runId} was not saved (scope train without --save): it kept no model to promote. Train it again with --save, or with --promote.");

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
