using ScopeWeb.Core.FeatureExtraction.Dmdt;

namespace ScopeWeb.Training;

/// <summary>
/// One part (train, validation or test) of a binary-classification data set, ready for a trainer: features already
/// imputed and scaled as the model card will say, row-major <c>[Rows × FeatureCount]</c> float32 (NaN allowed for
/// tree models, which route it by their default direction), optional dmdt images <c>[Rows × 676]</c>, labels 0/1.
/// </summary>
public sealed class TrainingSplit
{
    /// <summary>Values per dmdt image (26 × 26).</summary>
    public const int DmdtLength = DmdtHistogram.Length;

    public TrainingSplit(int featureCount, float[] features, float[] labels, float[]? dmdt = null, long[]? sourceIds = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 0);
        if (featureCount > 0 ? features.Length != labels.Length * featureCount : features.Length != 0)
        {
            throw new ArgumentException($"{features.Length} feature values are not {labels.Length} rows × {featureCount} features.", nameof(features));
        }

        if (dmdt is not null && dmdt.Length != labels.Length * DmdtLength)
        {
            throw new ArgumentException($"{dmdt.Length} dmdt values are not {labels.Length} rows × {DmdtLength}.", nameof(dmdt));
        }

        if (sourceIds is not null && sourceIds.Length != labels.Length)
        {
            throw new ArgumentException($"{sourceIds.Length} source ids for {labels.Length} rows.", nameof(sourceIds));
        }

        FeatureCount = featureCount;
        Features = features;
        Labels = labels;
        Dmdt = dmdt;
        SourceIds = sourceIds;
    }

    public int FeatureCount { get; }

    public int Rows => Labels.Length;

    /// <summary>Row-major <c>[Rows × FeatureCount]</c>.</summary>
    public float[] Features { get; }

    /// <summary>0 or 1 per row.</summary>
    public float[] Labels { get; }

    /// <summary>Row-major <c>[Rows × 676]</c> dmdt images (rows = dm bins), or null when the data set has none.</summary>
    public float[]? Dmdt { get; }

    /// <summary>Catalog ids of the rows, when the data set came from the catalog.</summary>
    public long[]? SourceIds { get; }

    public int Positives => Labels.Count(l => l > 0.5f);

    public ReadOnlySpan<float> Row(int row) => Features.AsSpan(row * FeatureCount, FeatureCount);

    public ReadOnlySpan<float> DmdtRow(int row) =>
        Dmdt is null ? throw new InvalidOperationException("This split has no dmdt images.") : Dmdt.AsSpan(row * DmdtLength, DmdtLength);
}

/// <summary>One epoch (DNN) or boosting round (trees) of a training run, as the progress display and the run history show it.</summary>
/// <param name="Step">Epoch or round, from 1.</param>
/// <param name="MaxSteps">The most steps the run may take (early stopping usually ends it sooner).</param>
/// <param name="TrainLoss">Mean binary cross-entropy on the training split (NaN when the trainer does not report it).</param>
/// <param name="ValidationLoss">Binary cross-entropy on the validation split.</param>
/// <param name="ValidationAuc">ROC AUC on the validation split.</param>
/// <param name="LearningRate">Learning rate in force for this step.</param>
public sealed record TrainingStep(int Step, int MaxSteps, double TrainLoss, double ValidationLoss, double ValidationAuc, double LearningRate);
