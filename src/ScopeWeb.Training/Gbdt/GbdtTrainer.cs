using System.Diagnostics;
using System.Globalization;
using System.Text;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Training.Metrics;

namespace ScopeWeb.Training.Gbdt;

/// <summary>
/// Settings of a gradient-boosted trees run. The defaults are SCoPe's XGBoost starting parameters (docs/science.md "Gradient-boosted trees":
/// max_depth 3, min_child_weight 1, eta 0.3, subsample 0.6, colsample_bytree 0.6, binary:logistic, eval auc,
/// num_boost_round 999, early_stopping_rounds 10, seed) expressed in LightGBM's terms.
/// </summary>
public sealed record GbdtTrainingOptions
{
    /// <summary>Deepest split level (max_depth); LightGBM's num_leaves is set to 2^MaxDepth so depth alone limits a tree, as in XGBoost.</summary>
    public int MaxDepth { get; init; } = 3;

    /// <summary>XGBoost's min_child_weight: least hessian sum in a leaf (LightGBM min_sum_hessian_in_leaf).</summary>
    public double MinChildWeight { get; init; } = 1;

    /// <summary>
    /// Least rows in a leaf (LightGBM min_data_in_leaf). XGBoost has no such limit, only <see cref="MinChildWeight"/>, so the
    /// default 1 leaves the hessian rule in charge as in SCoPe (LightGBM's own default is 20).
    /// </summary>
    public int MinDataInLeaf { get; init; } = 1;

    /// <summary>
    /// L2 penalty on leaf values (XGBoost's <c>lambda</c>, default 1, which SCoPe leaves as is → LightGBM lambda_l2, whose own
    /// default is 0). Both libraries use it the same way: leaf = −G / (H + λ), and in the split gain.
    /// </summary>
    public double L2Regularization { get; init; } = 1;

    /// <summary>Shrinkage per round (eta).</summary>
    public double LearningRate { get; init; } = 0.3;

    /// <summary>Fraction of rows drawn for each tree (subsample → bagging_fraction with bagging_freq 1).</summary>
    public double Subsample { get; init; } = 0.6;

    /// <summary>Fraction of features drawn for each tree (colsample_bytree → feature_fraction).</summary>
    public double ColsampleByTree { get; init; } = 0.6;

    /// <summary>Most boosting rounds (num_boost_round).</summary>
    public int MaxRounds { get; init; } = 999;

    /// <summary>
    /// Stop when validation AUC has not improved for this many rounds and keep the best round (early_stopping_rounds);
    /// 0 trains all <see cref="MaxRounds"/> and keeps them all.
    /// </summary>
    public int EarlyStoppingRounds { get; init; } = 10;

    /// <summary>
    /// What early stopping watches on the validation split: AUC (SCoPe's eval_metric, the default) or the log-loss. AUC only
    /// ranks, so it saturates after a few rounds while the probabilities are still far from calibrated; the log-loss keeps
    /// improving until the probabilities are right, which matters when scores of several models are compared (arg-max).
    /// </summary>
    public GbdtStoppingMetric EarlyStoppingMetric { get; init; } = GbdtStoppingMetric.Auc;

    /// <summary>Weight of positive rows; null uses negatives / positives of the training split, as SCoPe does.</summary>
    public double? ScalePosWeight { get; init; }

    /// <summary>Seed of the row and feature sampling (LightGBM seed; SCoPe's random_state).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>LightGBM threads; 0 uses every core (OpenMP's default).</summary>
    public int Threads { get; init; }

    /// <summary>LightGBM's deterministic mode: the same data, options and seed give the same model text.</summary>
    public bool Deterministic { get; init; } = true;

    /// <summary>Most histogram bins per feature (LightGBM max_bin; XGBoost hist uses 256).</summary>
    public int MaxBin { get; init; } = 255;

    /// <summary>LightGBM's num_leaves for <see cref="MaxDepth"/>.</summary>
    public int NumLeaves => 1 << MaxDepth;

    internal void Validate()
    {
        static void Require(bool ok, string name, string rule, object value)
        {
            if (!ok)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"GBDT option {name} must be {rule}, got {value}."));
            }
        }

        Require(MaxDepth is >= 1 and <= 16, nameof(MaxDepth), "1..16", MaxDepth);
        Require(MinChildWeight >= 0 && double.IsFinite(MinChildWeight), nameof(MinChildWeight), "≥ 0", MinChildWeight);
        Require(MinDataInLeaf >= 1, nameof(MinDataInLeaf), "≥ 1", MinDataInLeaf);
        Require(L2Regularization >= 0 && double.IsFinite(L2Regularization), nameof(L2Regularization), "≥ 0", L2Regularization);
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), "> 0", LearningRate);
        Require(Subsample is > 0 and <= 1, nameof(Subsample), "in (0, 1]", Subsample);
        Require(ColsampleByTree is > 0 and <= 1, nameof(ColsampleByTree), "in (0, 1]", ColsampleByTree);
        Require(MaxRounds >= 1, nameof(MaxRounds), "≥ 1", MaxRounds);
        Require(EarlyStoppingRounds >= 0, nameof(EarlyStoppingRounds), "≥ 0 (0 = off)", EarlyStoppingRounds);
        Require(ScalePosWeight is null || (ScalePosWeight > 0 && double.IsFinite(ScalePosWeight.Value)), nameof(ScalePosWeight), "> 0 or null", ScalePosWeight ?? 0);
        Require(Threads >= 0, nameof(Threads), "≥ 0 (0 = all cores)", Threads);
        Require(MaxBin >= 2, nameof(MaxBin), "≥ 2", MaxBin);
    }
}

/// <summary>The validation metric early stopping watches.</summary>
public enum GbdtStoppingMetric
{
    /// <summary>Area under the ROC curve, higher is better (SCoPe).</summary>
    Auc,

    /// <summary>Binary log-loss, lower is better.</summary>
    LogLoss,
}

/// <summary>What a GBDT run produced: the best round's trees, LightGBM's own model, and the per-round history.</summary>
public sealed class GbdtTrainingResult
{
    internal GbdtTrainingResult(
        TreeEnsembleModel model, int bestRound, string nativeModelText, IReadOnlyList<TrainingStep> history,
        bool stoppedEarly, double scalePosWeight, GbdtTrainingOptions options, TimeSpan elapsed)
    {
        Model = model;
        BestRound = bestRound;
        NativeModelText = nativeModelText;
        History = history;
        StoppedEarly = stoppedEarly;
        ScalePosWeight = scalePosWeight;
        Options = options;
        Elapsed = elapsed;
    }

    /// <summary>Trees of rounds 1..<see cref="BestRound"/> only, ready for <see cref="OnnxModelWriter.BuildTreeEnsemble"/>.</summary>
    public TreeEnsembleModel Model { get; }

    /// <summary>The kept round count: the round with the best validation metric (or the last round without early stopping).</summary>
    public int BestRound { get; }

    /// <summary>Validation AUC after <see cref="BestRound"/>.</summary>
    public double BestValidationAuc => History[BestRound - 1].ValidationAuc;

    /// <summary>LightGBM's model text of the kept rounds (LGBM_BoosterSaveModelToString), to store next to the ONNX file.</summary>
    public string NativeModelText { get; }

    /// <summary>Every trained round, including the ones after the best that early stopping discarded.</summary>
    public IReadOnlyList<TrainingStep> History { get; }

    /// <summary>True when early stopping ended the run before <see cref="GbdtTrainingOptions.MaxRounds"/>.</summary>
    public bool StoppedEarly { get; }

    /// <summary>The positive-row weight used (given, or negatives / positives of the training split).</summary>
    public double ScalePosWeight { get; }

    public GbdtTrainingOptions Options { get; }

    /// <summary>Wall time of the run, data set construction included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>LightGBM's probabilities for <paramref name="split"/>'s rows from <see cref="NativeModelText"/> (the kept rounds).</summary>
    /// <exception cref="ArgumentException">The split's feature count differs from the model's.</exception>
    public float[] PredictWithLightGbm(TrainingSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (split.FeatureCount != Model.FeatureCount)
        {
            throw new ArgumentException($"The split has {split.FeatureCount} features, the model {Model.FeatureCount}.", nameof(split));
        }

        var (booster, _) = LightGbmBooster.Load(NativeModelText);
        using (booster)
        {
            var probabilities = booster.Predict(split.Features, split.Rows, split.FeatureCount, iterations: -1, raw: false, Options.Threads);
            return Array.ConvertAll(probabilities, p => (float)p);
        }
    }
}

/// <summary>
/// Gradient-boosted trees for one binary tag (SCoPe's XGB role) on the native LightGBM 4.7 library: early stopping on
/// validation AUC, the best round's trees as a <see cref="TreeEnsembleModel"/> for exact ONNX export.
/// </summary>
/// <remarks>
/// LightGBM is called through its C API rather than ML.NET, whose wrapper hides the missing-value directions an exact
/// export needs (docs/toolchain.md). Features are used as given (NaN allowed: LightGBM learns a default
/// direction for features with NaN in training and reads NaN as 0 for the others); no feature is categorical and
/// zero_as_missing is off, so every split converts to one ONNX BRANCH_LEQ node.
/// </remarks>
public static class GbdtTrainer
{
    /// <summary>Trains on <paramref name="train"/>, evaluating AUC on <paramref name="validation"/> after every round.</summary>
    /// <param name="train">Training rows (labels 0/1, both classes present).</param>
    /// <param name="validation">Validation rows for early stopping (both classes present).</param>
    /// <param name="options">Parameters; null uses SCoPe's defaults.</param>
    /// <param name="progress">Told after every round (synchronously, on the training thread).</param>
    /// <param name="cancellationToken">Checked between rounds.</param>
    /// <exception cref="ArgumentException">The splits are empty, disagree in width, have labels other than 0/1 or a missing class.</exception>
    /// <exception cref="LightGbmException">LightGBM refused the data or parameters (its message is included).</exception>
    /// <exception cref="OperationCanceledException">Cancelled between rounds.</exception>
    public static GbdtTrainingResult Train(
        TrainingSplit train,
        TrainingSplit validation,
        GbdtTrainingOptions? options = null,
        IProgress<TrainingStep>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        options ??= new GbdtTrainingOptions();
        options.Validate();
        var (negatives, positives) = CheckSplit(train, "training");
        CheckSplit(validation, "validation");
        if (validation.FeatureCount != train.FeatureCount)
        {
            throw new ArgumentException($"The validation split has {validation.FeatureCount} features, the training split {train.FeatureCount}.", nameof(validation));
        }

        var scalePosWeight = options.ScalePosWeight ?? (double)negatives / positives;
        var parameters = Parameters(options, scalePosWeight);
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();

        // Disposal runs in reverse: the booster (which points at both data sets) goes first.
        using var trainSet = LightGbmDataset.Create(train, parameters, reference: null);
        using var validationSet = LightGbmDataset.Create(validation, parameters, trainSet);
        using var booster = LightGbmBooster.Create(trainSet, parameters);
        booster.AddValidation(validationSet);
        var metrics = booster.EvaluationNames();
        var lossIndex = MetricIndex(metrics, "binary_logloss");

        var history = new List<TrainingStep>();
        var validationProbabilities = new double[validation.Rows];
        var validationScores = new float[validation.Rows];
        var bestRound = 0;
        var bestAuc = double.NegativeInfinity;
        var bestLoss = double.PositiveInfinity;
        var stoppedEarly = false;
        for (var round = 1; round <= options.MaxRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (booster.UpdateOneIteration())
            {
                // No leaf can be split any more; LightGBM dropped that empty round, further rounds would be the same.
                break;
            }

            // Losses from LightGBM's metric (training rows too: O(n), in parallel). AUC from the validation probabilities with
            // the project's RocAuc on float32 scores, so it is exactly the AUC of what PredictWithLightGbm and ONNX give.
            var trainLoss = booster.Evaluate(0, metrics.Count)[lossIndex];
            var validationLoss = booster.Evaluate(1, metrics.Count)[lossIndex];
            booster.PredictDataset(1, validationProbabilities);
            for (var i = 0; i < validationScores.Length; i++)
            {
                validationScores[i] = (float)validationProbabilities[i];
            }

            var step = new TrainingStep(
                round, options.MaxRounds, trainLoss, validationLoss, RocAuc.Compute(validationScores, validation.Labels), options.LearningRate);
            history.Add(step);
            progress?.Report(step);

            // Strictly better only, as XGBoost's and LightGBM's early stopping: a tie keeps the earlier, smaller model.
            var improved = options.EarlyStoppingMetric == GbdtStoppingMetric.LogLoss
                ? step.ValidationLoss < bestLoss
                : step.ValidationAuc > bestAuc;
            if (improved || options.EarlyStoppingRounds == 0)
            {
                bestAuc = step.ValidationAuc;
                bestLoss = step.ValidationLoss;
                bestRound = round;
            }
            else if (round - bestRound >= options.EarlyStoppingRounds)
            {
                stoppedEarly = true;
                break;
            }
        }

        if (bestRound == 0)
        {
            throw new InvalidOperationException(
                "LightGBM could not make a single split on the training split (constant features or too few rows for MinChildWeight / MinDataInLeaf).");
        }

        var modelText = booster.SaveModelToString(bestRound);
        var model = LightGbmTreeConverter.Convert(booster.DumpModel(bestRound), "LightGBM model dump");
        if (model.Trees.Count != bestRound)
        {
            throw new InvalidOperationException($"LightGBM dumped {model.Trees.Count} trees for {bestRound} rounds.");
        }

        clock.Stop();
        return new GbdtTrainingResult(model, bestRound, modelText, history, stoppedEarly, scalePosWeight, options, clock.Elapsed);
    }

    /// <summary>
    /// LightGBM's parameter string for <paramref name="options"/>; the same string serves data sets and booster so binning and
    /// training agree.
    /// </summary>
    internal static string Parameters(GbdtTrainingOptions options, double scalePosWeight)
    {
        var builder = new StringBuilder();
        void Add(string key, FormattableString value) => builder.Append(key).Append('=').Append(value.ToString(CultureInfo.InvariantCulture)).Append(' ');
        Add("objective", $"binary");
        Add("metric", $"binary_logloss");
        Add("max_depth", $"{options.MaxDepth}");
        Add("num_leaves", $"{options.NumLeaves}");
        Add("min_sum_hessian_in_leaf", $"{options.MinChildWeight:R}");
        Add("min_data_in_leaf", $"{options.MinDataInLeaf}");
        Add("lambda_l2", $"{options.L2Regularization:R}");
        Add("learning_rate", $"{options.LearningRate:R}");
        Add("bagging_fraction", $"{options.Subsample:R}");
        Add("bagging_freq", $"{(options.Subsample < 1 ? 1 : 0)}");
        Add("feature_fraction", $"{options.ColsampleByTree:R}");
        Add("scale_pos_weight", $"{scalePosWeight:R}");
        Add("seed", $"{options.Seed}");
        Add("num_threads", $"{options.Threads}");
        Add("deterministic", $"{(options.Deterministic ? "true" : "false")}");
        Add("force_row_wise", $"true");
        Add("max_bin", $"{options.MaxBin}");

        // Exact ONNX export needs NaN as the only missing value and numerical splits only.
        Add("use_missing", $"true");
        Add("zero_as_missing", $"false");
        Add("verbosity", $"-1");
        return builder.ToString().TrimEnd();
    }

    private static (int Negatives, int Positives) CheckSplit(TrainingSplit split, string name)
    {
        if (split.Rows == 0 || split.FeatureCount == 0)
        {
            throw new ArgumentException($"The {name} split is empty ({split.Rows} rows, {split.FeatureCount} features).");
        }

        var positives = 0;
        for (var row = 0; row < split.Rows; row++)
        {
            var label = split.Labels[row];
            if (label is not (0f or 1f))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {name} split's row {row} has label {label}; labels must be 0 or 1."));
            }

            positives += label == 1f ? 1 : 0;
        }

        if (positives == 0 || positives == split.Rows)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The {name} split has {positives} positive rows of {split.Rows}; both classes are needed (AUC and scale_pos_weight)."));
        }

        return (split.Rows - positives, positives);
    }

    private static int MetricIndex(IReadOnlyList<string> metrics, string name)
    {
        for (var i = 0; i < metrics.Count; i++)
        {
            if (string.Equals(metrics[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new LightGbmException($"LightGBM reports metrics [{string.Join(", ", metrics)}], without '{name}'.");
    }
}
