using System.Globalization;

namespace ScopeWeb.Training.Dnn;

/// <summary>
/// Weights of the two classes in the training loss (Keras <c>class_weight</c>: each row's binary cross-entropy is
/// multiplied by its class's weight before the batch mean).
/// </summary>
public readonly record struct DnnClassWeights(double Negative, double Positive)
{
    /// <summary>Both classes weigh 1 (SCoPe without <c>weight_per_class</c>).</summary>
    public static DnnClassWeights Unweighted => new(1, 1);

    /// <summary>
    /// SCoPe's <c>weight_per_class</c> (docs/science.md "Training data"): w = (1/count)/‖1/count‖₂ per class, then w /= max(w), so the
    /// minority class weighs 1 and the majority minority/majority. Counts are the split's rows per class.
    /// </summary>
    /// <exception cref="ArgumentException">The split lacks one of the classes.</exception>
    public static DnnClassWeights FromBalance(TrainingSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        var positives = split.Positives;
        var negatives = split.Rows - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException(
                $"Class weights need both classes, but the split has {positives} positive and {negatives} negative rows.", nameof(split));
        }

        // The L2 normalisation cancels in the division by the maximum; what is left is the inverse counts over their maximum.
        double inverseNegative = 1.0 / negatives, inversePositive = 1.0 / positives;
        var max = Math.Max(inverseNegative, inversePositive);
        return new DnnClassWeights(inverseNegative / max, inversePositive / max);
    }
}

/// <summary>
/// Settings of a ScopeNet training run. The defaults are SCoPe's (docs/science.md "Training data"): batch 64, 100 epochs, Adam with a
/// learning rate of 3e-4 and AMSGrad on (the LR quirk makes both fixed in SCoPe), ε = 1e-7 (Keras), early stopping and
/// reduce-LR-on-plateau (×0.1) on the validation loss, best weights restored.
/// </summary>
public sealed record DnnTrainingOptions
{
    /// <summary>Rows per optimizer step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Most epochs; early stopping usually ends the run sooner.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Adam's initial learning rate.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Adam's ε (Keras' default; torch's is 1e-8).</summary>
    public double Epsilon { get; init; } = 1e-7;

    /// <summary>Early stopping: epochs without a lower validation loss before training stops (SCoPe's documented loop: 30).</summary>
    public int Patience { get; init; } = 30;

    /// <summary>
    /// Reduce-LR-on-plateau: epochs without a validation loss lower by more than <see cref="ReduceLrMinDelta"/> before the
    /// learning rate is multiplied by <see cref="ReduceLrFactor"/>. SCoPe passes the same <c>patience</c> to both callbacks.
    /// </summary>
    public int ReduceLrPatience { get; init; } = 30;

    /// <summary>Factor applied to the learning rate on a plateau.</summary>
    public double ReduceLrFactor { get; init; } = 0.1;

    /// <summary>Improvement the plateau detector requires (Keras' ReduceLROnPlateau default).</summary>
    public double ReduceLrMinDelta { get; init; } = 1e-4;

    /// <summary>Include the dmdt branch (<c>--conv_branch</c>); needs dmdt images in both splits.</summary>
    public bool ConvBranch { get; init; } = true;

    /// <summary>Include the features branch (<c>--dense_branch</c>).</summary>
    public bool DenseBranch { get; init; } = true;

    /// <summary>Seeds torch (initial weights, dropout) and the per-epoch shuffling: same seed and data give the same weights.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Loss weights per class; null = <see cref="DnnClassWeights.FromBalance"/> of the training split.</summary>
    public DnnClassWeights? ClassWeights { get; init; }

    /// <summary>torch intra-op threads; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>Rows per forward pass when scoring the validation split (no gradients, so larger than a training batch).</summary>
    public int EvaluationBatchSize { get; init; } = 1024;

    internal int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    internal void Validate()
    {
        static void Positive(string name, double value)
        {
            if (!(value > 0))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"DNN training option {name} must be positive, got {value}."));
            }
        }

        Positive(nameof(BatchSize), BatchSize);
        Positive(nameof(Epochs), Epochs);
        Positive(nameof(LearningRate), LearningRate);
        Positive(nameof(Epsilon), Epsilon);
        Positive(nameof(Patience), Patience);
        Positive(nameof(ReduceLrPatience), ReduceLrPatience);
        Positive(nameof(EvaluationBatchSize), EvaluationBatchSize);
        if (!(ReduceLrFactor > 0 && ReduceLrFactor < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"DNN training option {nameof(ReduceLrFactor)} must be in (0, 1), got {ReduceLrFactor}."));
        }

        if (ReduceLrMinDelta < 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"DNN training option {nameof(ReduceLrMinDelta)} must not be negative, got {ReduceLrMinDelta}."));
        }

        if (Threads < 0)
        {
            throw new ArgumentException($"DNN training option {nameof(Threads)} must be 0 (all cores) or positive, got {Threads}.");
        }

        if (!ConvBranch && !DenseBranch)
        {
            throw new ArgumentException("ScopeNet needs the dense branch, the conv branch or both; both are off.");
        }

        if (ClassWeights is { } weights && !(weights.Negative > 0 && weights.Positive > 0))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Class weights must be positive, got negative {weights.Negative}, positive {weights.Positive}."));
        }
    }
}
