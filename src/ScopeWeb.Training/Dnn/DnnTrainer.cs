using System.Diagnostics;
using System.Globalization;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Training.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace ScopeWeb.Training.Dnn;

/// <summary>
/// Trains SCoPe's DNN (<see cref="ScopeNetModule"/>) with TorchSharp the way SCoPe's Keras <c>model.fit</c> does
/// (docs/science.md "Training data"): Adam with AMSGrad, class-weighted binary cross-entropy, the training split shuffled every epoch,
/// EarlyStopping and ReduceLROnPlateau on the validation loss, the best epoch's weights restored.
/// </summary>
/// <remarks>
/// Differences from SCoPe that do not change the method: every epoch uses every training row once (SCoPe's
/// <c>steps_per_epoch = n // batch − 1</c> drops up to two batches) and is a full shuffle rather than a 512-row shuffle
/// buffer; the validation AUC is exact rather than Keras' 200-threshold approximation.
/// torch's random generator and thread count are process-wide, so one training or torch scoring runs at a time per
/// process (others wait); that is what makes a seed reproducible.
/// </remarks>
public static class DnnTrainer
{
    // Serialises everything that touches torch's global generator and thread setting.
    private static readonly SemaphoreSlim TorchGate = new(1, 1);

    /// <summary>Trains a ScopeNet on <paramref name="train"/>, monitoring <paramref name="validation"/>.</summary>
    /// <param name="train">Training rows: scaled features (no NaN), dmdt images when the conv branch is on, labels 0/1, both classes.</param>
    /// <param name="validation">Validation rows of the same shape; its loss drives early stopping and the LR schedule.</param>
    /// <param name="options">Settings; null = SCoPe's defaults.</param>
    /// <param name="progress">Told after every epoch.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>The best epoch's weights with the run history; dispose it to free the torch module.</returns>
    /// <exception cref="ArgumentException">The splits do not fit the options (missing dmdt, width mismatch, NaN, labels not 0/1, one class).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static DnnTrainingResult Train(
        TrainingSplit train,
        TrainingSplit validation,
        DnnTrainingOptions? options = null,
        IProgress<TrainingStep>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        options ??= new DnnTrainingOptions();
        options.Validate();
        CheckSplit(train, "training", options, requireBothClasses: true);
        CheckSplit(validation, "validation", options, requireBothClasses: false);
        if (options.DenseBranch && validation.FeatureCount != train.FeatureCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The validation split has {validation.FeatureCount} features, the training split {train.FeatureCount}."), nameof(validation));
        }

        var classWeights = options.ClassWeights ?? DnnClassWeights.FromBalance(train);
        OpenMpWaitPolicy.EnsurePassive();
        TorchGate.Wait(cancellationToken);
        try
        {
            using var threads = new TorchThreads(options.EffectiveThreads);
            return Run(train, validation, options, classWeights, progress, cancellationToken);
        }
        finally
        {
            TorchGate.Release();
        }
    }

    /// <summary>Scores a split with a module in eval mode (dropout off, no gradients): sigmoid of the logits.</summary>
    internal static float[] Predict(ScopeNetModule module, TrainingSplit split, int threads, int batchSize)
    {
        TorchGate.Wait();
        try
        {
            using var torchThreads = new TorchThreads(threads);
            using var data = SplitTensors.Create(split, module.HasDenseBranch, module.HasConvBranch, default);
            var logits = Logits(module, data, batchSize);
            var scores = new float[logits.Length];
            for (var i = 0; i < logits.Length; i++)
            {
                scores[i] = 1f / (1f + MathF.Exp(-logits[i]));
            }

            return scores;
        }
        finally
        {
            TorchGate.Release();
        }
    }

    internal static void CheckSplit(TrainingSplit split, string name, DnnTrainingOptions options, bool requireBothClasses) =>
        CheckSplit(split, name, options.DenseBranch, options.ConvBranch, requireBothClasses);

    internal static void CheckSplit(TrainingSplit split, string name, bool denseBranch, bool convBranch, bool requireBothClasses)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (split.Rows == 0)
        {
            throw new ArgumentException($"The {name} split has no rows.");
        }

        if (denseBranch)
        {
            if (split.FeatureCount == 0)
            {
                throw new ArgumentException($"The {name} split has no features, but the dense branch is on (turn it off to train on dmdt alone).");
            }

            var index = split.Features.AsSpan().IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);
            if (index >= 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The {name} split's row {index / split.FeatureCount}, feature {index % split.FeatureCount} is {split.Features[index]}; the DNN needs imputed, finite features."));
            }
        }

        if (convBranch)
        {
            if (split.Dmdt is null)
            {
                throw new ArgumentException($"The {name} split has no dmdt images, but the conv branch is on (turn it off with conv_branch=false).");
            }

            var index = split.Dmdt.AsSpan().IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);
            if (index >= 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The {name} split's row {index / TrainingSplit.DmdtLength}, dmdt value {index % TrainingSplit.DmdtLength} is {split.Dmdt[index]}; dmdt images must be finite."));
            }
        }

        for (var row = 0; row < split.Rows; row++)
        {
            if (split.Labels[row] is not (0f or 1f))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The {name} split's row {row} has label {split.Labels[row]}; labels must be 0 or 1."));
            }
        }

        if (requireBothClasses && (split.Positives == 0 || split.Positives == split.Rows))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The {name} split needs both classes; it has {split.Positives} positive and {split.Rows - split.Positives} negative rows."));
        }
    }

    private static DnnTrainingResult Run(
        TrainingSplit train,
        TrainingSplit validation,
        DnnTrainingOptions options,
        DnnClassWeights classWeights,
        IProgress<TrainingStep>? progress,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        torch.random.manual_seed(options.Seed);
        var shuffle = new Random(options.Seed);
        var module = new ScopeNetModule(train.FeatureCount, options.DenseBranch, options.ConvBranch);
        var snapshot = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using var trainData = SplitTensors.Create(train, options.DenseBranch, options.ConvBranch, classWeights);
            using var validationData = SplitTensors.Create(validation, options.DenseBranch, options.ConvBranch, default);
            using var optimizer = torch.optim.Adam(
                module.parameters(), options.LearningRate, beta1: 0.9, beta2: 0.999, eps: options.Epsilon, weight_decay: 0, amsgrad: true);

            var steps = new List<TrainingStep>();
            var epochSeconds = new List<double>();
            var order = new long[train.Rows];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            var learningRate = options.LearningRate;
            double bestLoss = double.PositiveInfinity, plateauBest = double.PositiveInfinity;
            int bestEpoch = 0, stopWait = 0, plateauWait = 0;
            var stoppedEarly = false;
            for (var epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var epochStart = Stopwatch.GetTimestamp();
                var trainLoss = TrainEpoch(module, optimizer, trainData, order, shuffle, options.BatchSize, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                var (validationLoss, validationAuc) = Evaluate(module, validationData, options.EvaluationBatchSize);
                var step = new TrainingStep(epoch, options.Epochs, trainLoss, validationLoss, validationAuc, learningRate);
                steps.Add(step);
                epochSeconds.Add(Stopwatch.GetElapsedTime(epochStart).TotalSeconds);

                // Keras' callback order in SCoPe: ReduceLROnPlateau (min_delta 1e-4) first, then EarlyStopping (min_delta 0).
                if (validationLoss < plateauBest - options.ReduceLrMinDelta)
                {
                    plateauBest = validationLoss;
                    plateauWait = 0;
                }
                else if (++plateauWait >= options.ReduceLrPatience)
                {
                    learningRate *= options.ReduceLrFactor;
                    foreach (var group in optimizer.ParamGroups)
                    {
                        group.LearningRate = learningRate;
                    }

                    plateauWait = 0;
                }

                if (validationLoss < bestLoss)
                {
                    bestLoss = validationLoss;
                    bestEpoch = epoch;
                    stopWait = 0;
                    Snapshot(module, snapshot);
                }
                else if (++stopWait >= options.Patience)
                {
                    stoppedEarly = true;
                }

                progress?.Report(step);
                if (stoppedEarly)
                {
                    break;
                }
            }

            if (bestEpoch == 0)
            {
                // Every validation loss was NaN: the run diverged, and there is no best epoch to keep.
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"DNN training diverged: the validation loss was never a number in {steps.Count} epochs (last training loss {steps[^1].TrainLoss})."));
            }

            Restore(module, snapshot);
            module.eval();
            return new DnnTrainingResult(module, module.ToWeights(), bestEpoch, steps, epochSeconds, stoppedEarly, classWeights, options, stopwatch.Elapsed);
        }
        catch
        {
            module.Dispose();
            throw;
        }
        finally
        {
            foreach (var tensor in snapshot.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>One pass over the shuffled training rows; returns the mean (class-weighted) batch loss, weighted by batch size as Keras reports it.</summary>
    private static double TrainEpoch(
        ScopeNetModule module,
        torch.optim.Optimizer optimizer,
        SplitTensors data,
        long[] order,
        Random shuffle,
        int batchSize,
        CancellationToken cancellationToken)
    {
        module.train();
        shuffle.Shuffle(order);
        using var orderTensor = torch.tensor(order);
        var rows = order.Length;
        double lossSum = 0;
        for (var start = 0; start < rows; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, rows - start);

            // Every tensor made in the step (batch, activations, gradients' wrappers) is freed at the end of it.
            using var scope = torch.NewDisposeScope();
            var index = orderTensor.narrow(0, start, count);
            var features = data.Features?.index_select(0, index);
            var dmdt = data.Dmdt?.index_select(0, index);
            var labels = data.Labels.index_select(0, index);
            var weights = data.Weights!.index_select(0, index);
            optimizer.zero_grad();
            var logits = module.forward(features, dmdt);
            var loss = nn.functional.binary_cross_entropy_with_logits(logits, labels, weights);
            loss.backward();
            optimizer.step();
            lossSum += loss.item<float>() * count;
        }

        return lossSum / rows;
    }

    /// <summary>Mean unweighted binary cross-entropy (Keras applies class weights to training only) and ROC AUC of a split.</summary>
    private static (double Loss, double Auc) Evaluate(ScopeNetModule module, SplitTensors data, int batchSize)
    {
        var logits = Logits(module, data, batchSize);
        var labels = data.Split.Labels;
        double lossSum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            // log(1 + e^−|z|) + max(z, 0) − z·y: the stable form of −[y log σ(z) + (1 − y) log(1 − σ(z))].
            double z = logits[i];
            lossSum += Math.Max(z, 0) - (z * labels[i]) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
        }

        // The AUC only depends on the order of the scores; logits keep it where float sigmoids would tie near 0 and 1.
        return (lossSum / logits.Length, RocAuc.Compute(logits, labels));
    }

    private static float[] Logits(ScopeNetModule module, SplitTensors data, int batchSize)
    {
        module.eval();
        using var noGrad = torch.no_grad();
        var rows = data.Split.Rows;
        var logits = new float[rows];
        for (var start = 0; start < rows; start += batchSize)
        {
            var count = Math.Min(batchSize, rows - start);
            using var scope = torch.NewDisposeScope();
            var features = data.Features?.narrow(0, start, count);
            var dmdt = data.Dmdt?.narrow(0, start, count);
            var output = module.forward(features, dmdt).contiguous();
            output.data<float>().CopyTo(logits, start);
        }

        return logits;
    }

    private static void Snapshot(ScopeNetModule module, Dictionary<string, Tensor> snapshot)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in module.state_dict())
        {
            if (snapshot.TryGetValue(name, out var saved))
            {
                saved.copy_(tensor);
            }
            else
            {
                snapshot[name] = tensor.detach().clone().DetachFromDisposeScope();
            }
        }
    }

    private static void Restore(ScopeNetModule module, Dictionary<string, Tensor> snapshot)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in module.state_dict())
        {
            tensor.copy_(snapshot[name]);
        }
    }

    /// <summary>Sets torch's intra-op thread count for the current thread and puts the previous one back.</summary>
    private readonly struct TorchThreads : IDisposable
    {
        private readonly int _previous;

        public TorchThreads(int threads)
        {
            _previous = torch.get_num_threads();
            torch.set_num_threads(threads);
        }

        public void Dispose() => torch.set_num_threads(_previous);
    }

    /// <summary>A split as torch tensors: features <c>[N, F]</c>, dmdt <c>[N, 1, 26, 26]</c>, labels and loss weights <c>[N, 1]</c>.</summary>
    private sealed class SplitTensors : IDisposable
    {
        private SplitTensors(TrainingSplit split, Tensor? features, Tensor? dmdt, Tensor labels, Tensor? weights)
        {
            Split = split;
            Features = features;
            Dmdt = dmdt;
            Labels = labels;
            Weights = weights;
        }

        public TrainingSplit Split { get; }

        public Tensor? Features { get; }

        public Tensor? Dmdt { get; }

        public Tensor Labels { get; }

        /// <summary>Each row's class weight (training only).</summary>
        public Tensor? Weights { get; }

        public static SplitTensors Create(TrainingSplit split, bool denseBranch, bool convBranch, DnnClassWeights? classWeights)
        {
            long rows = split.Rows;
            var features = denseBranch ? torch.tensor(split.Features, [rows, split.FeatureCount]) : null;
            var dmdt = convBranch
                ? torch.tensor(split.Dmdt!, [rows, 1, ScopeNetWeights.DmdtSize, ScopeNetWeights.DmdtSize])
                : null;
            var labels = torch.tensor(split.Labels, [rows, 1]);
            Tensor? weights = null;
            if (classWeights is { } classes)
            {
                var perRow = new float[split.Rows];
                for (var i = 0; i < perRow.Length; i++)
                {
                    perRow[i] = (float)(split.Labels[i] > 0.5f ? classes.Positive : classes.Negative);
                }

                weights = torch.tensor(perRow, [rows, 1]);
            }

            return new SplitTensors(split, features, dmdt, labels, weights);
        }

        public void Dispose()
        {
            Features?.Dispose();
            Dmdt?.Dispose();
            Labels.Dispose();
            Weights?.Dispose();
        }
    }
}
