using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Training.Dnn;

/// <summary>
/// A finished ScopeNet training run: the best epoch's weights (already loaded into the torch module) and the history.
/// Holds the native torch module; dispose it when done.
/// </summary>
public sealed class DnnTrainingResult : IDisposable
{
    private readonly ScopeNetModule _module;
    private bool _disposed;

    internal DnnTrainingResult(
        ScopeNetModule module,
        ScopeNetWeights weights,
        int bestEpoch,
        IReadOnlyList<TrainingStep> steps,
        IReadOnlyList<double> epochSeconds,
        bool stoppedEarly,
        DnnClassWeights classWeights,
        DnnTrainingOptions options,
        TimeSpan elapsed)
    {
        _module = module;
        Weights = weights;
        BestEpoch = bestEpoch;
        Steps = steps;
        EpochSeconds = epochSeconds;
        StoppedEarly = stoppedEarly;
        ClassWeights = classWeights;
        Options = options;
        Elapsed = elapsed;
    }

    /// <summary>The best epoch's parameters (torch layouts), for <see cref="OnnxModelWriter.BuildScopeNet"/>.</summary>
    public ScopeNetWeights Weights { get; }

    /// <summary>Epoch (from 1) with the lowest validation loss, whose weights these are.</summary>
    public int BestEpoch { get; }

    /// <summary>One entry per epoch run.</summary>
    public IReadOnlyList<TrainingStep> Steps { get; }

    /// <summary>Wall seconds of each epoch: the pass over the training rows plus the validation scoring.</summary>
    public IReadOnlyList<double> EpochSeconds { get; }

    /// <summary>Early stopping ended the run before <see cref="DnnTrainingOptions.Epochs"/>.</summary>
    public bool StoppedEarly { get; }

    /// <summary>The loss weights used.</summary>
    public DnnClassWeights ClassWeights { get; }

    public DnnTrainingOptions Options { get; }

    /// <summary>Wall time of the run, data conversion included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The step of <see cref="BestEpoch"/>.</summary>
    public TrainingStep Best => Steps[BestEpoch - 1];

    /// <summary>
    /// Scores rows with the trained torch module in eval mode (dropouts off, no gradients): one probability per row.
    /// The split must have what the network's branches take.
    /// </summary>
    /// <exception cref="ArgumentException">The split lacks dmdt images or has another feature count.</exception>
    public float[] PredictWithTorch(TrainingSplit split)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        DnnTrainer.CheckSplit(split, "scored", _module.HasDenseBranch, _module.HasConvBranch, requireBothClasses: false);
        if (_module.HasDenseBranch && split.FeatureCount != _module.FeatureCount)
        {
            throw new ArgumentException($"The network takes {_module.FeatureCount} features; the split has {split.FeatureCount}.", nameof(split));
        }

        return DnnTrainer.Predict(_module, split, Options.EffectiveThreads, Options.EvaluationBatchSize);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _module.Dispose();
        }
    }
}
