using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Training.Data;
using ScopeWeb.Training.Dnn;
using ScopeWeb.Training.Gbdt;
using ScopeWeb.Training.Metrics;

namespace ScopeWeb.Training;

/// <summary>The metrics of a trained model on each split, computed from the exported ONNX model's own scores.</summary>
public sealed record SplitMetrics(ClassificationMetrics Train, ClassificationMetrics Validation, ClassificationMetrics Test)
{
    public string ToJson() => JsonSerializer.Serialize(this, TrainingParameters.Json);

    public static SplitMetrics? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<SplitMetrics>(json, TrainingParameters.Json);
}

/// <summary>What a training run produced.</summary>
public sealed record TrainingOutcome(
    ModelCard Card,
    string CardPath,
    string OnnxPath,
    SplitMetrics Metrics,
    IReadOnlyList<TrainingStep> History,
    double OnnxMaxAbsDifference,
    PreparedDataset Data,
    TimeSpan Elapsed);

/// <summary>
/// One training run from table to registry-ready model: SCoPe's data preparation, the DNN (TorchSharp) or the
/// gradient-boosted trees (LightGBM), export to ONNX checked against the trainer's own output, metrics on every split
/// from the ONNX model (what will be served), and the model card. Same parameters, data and seed give the same model.
/// </summary>
public static class ModelTraining
{
    /// <summary>Trains and writes <c>&lt;tag&gt;_&lt;algorithm&gt;.&lt;version&gt;.{onnx,json}</c> into <paramref name="outputDirectory"/>.</summary>
    /// <param name="parameters"></param>
    /// <param name="table"></param>
    /// <param name="outputDirectory"></param>
    /// <param name="progress"></param>
    /// <param name="time"></param>
    /// <param name="ct"></param>
    /// <param name="files">Told every file before it is written, so a run that fails later can remove exactly its own.</param>
    /// <exception cref="InvalidDataException">Bad parameters or data (the message says which file, row, column or option).</exception>
    public static TrainingOutcome Train(
        TrainingParameters parameters,
        TrainingTable table,
        string outputDirectory,
        IProgress<TrainingStep>? progress = null,
        TimeProvider? time = null,
        CancellationToken ct = default,
        RunFiles? files = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(table);
        var problems = parameters.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidDataException(string.Join(" ", problems));
        }

        time ??= TimeProvider.System;
        var clock = Stopwatch.StartNew();
        var algorithm = parameters.ModelAlgorithm;
        var dnn = algorithm == ModelAlgorithm.Dnn;
        var usesDmdt = dnn && parameters.ConvBranch && table.HasColumn(TrainingTable.DmdtColumn);
        if (dnn && parameters.ConvBranch && !usesDmdt)
        {
            throw new InvalidDataException($"{table.SourceName}: --conv_branch=true needs a 'dmdt' column; add one or pass --conv_branch=false.");
        }

        var data = DatasetPreparation.Prepare(table, new DatasetOptions
        {
            Label = parameters.ResolveLabel(table),
            Features = parameters.ResolveFeatures(table),
            Threshold = parameters.Threshold,
            Balance = parameters.Balance,
            TestSize = parameters.TestSize,
            ValidationSize = parameters.ValidationSize,
            Seed = parameters.Seed,
            Stratify = parameters.Stratify,
            Scaling = parameters.Scaling,
            FeatureStats = parameters.LoadFeatureStats(),
            // The network needs numbers; trees route a missing value by the direction they learned for it.
            Imputation = dnn ? ImputationMethod.Median : ImputationMethod.None,
            UseDmdt = usesDmdt,
        });

        var now = time.GetUtcNow();
        var version = $"{PreparedVersion(now)}-s{parameters.Seed.ToString(CultureInfo.InvariantCulture)}";
        var column = $"{parameters.Tag}_{ModelRegistry.AlgorithmName(algorithm)}";
        Directory.CreateDirectory(outputDirectory);
        var onnxFile = $"{column}.{version}.onnx";
        var onnxPath = Path.Combine(outputDirectory, onnxFile);
        // Recorded in the ONNX file so a card can be checked against it wherever the file goes (ModelIdentity).
        var metadata = new ModelIdentity(parameters.Tag, algorithm, data.FeatureNames, Classes: null).ToMetadata();
        files?.Add(onnxPath);

        IReadOnlyList<TrainingStep> history;
        int bestStep;
        double maxDifference;
        if (dnn)
        {
            using var result = DnnTrainer.Train(data.Train, data.Validation, new DnnTrainingOptions
            {
                BatchSize = parameters.BatchSize,
                Epochs = parameters.Epochs,
                LearningRate = parameters.LearningRate,
                Patience = parameters.Patience,
                ReduceLrPatience = parameters.Patience,
                ConvBranch = parameters.ConvBranch,
                DenseBranch = parameters.DenseBranch,
                Seed = parameters.Seed,
                ClassWeights = parameters.WeightPerClass ? DnnClassWeights.FromBalance(data.Train) : DnnClassWeights.Unweighted,
                Threads = parameters.Threads,
            }, progress, ct);
            maxDifference = DnnOnnxExport.Export(result, data.Test, onnxPath, metadata);
            history = result.Steps;
            bestStep = result.BestEpoch;
        }
        else
        {
            var options = new GbdtTrainingOptions
            {
                MaxDepth = parameters.MaxDepth,
                LearningRate = parameters.Eta,
                Subsample = parameters.Subsample,
                ColsampleByTree = parameters.ColsampleByTree,
                MaxRounds = parameters.MaxRounds,
                EarlyStoppingRounds = parameters.EarlyStoppingRounds,
                EarlyStoppingMetric = parameters.StoppingMetric,
                ScalePosWeight = parameters.WeightPerClass ? null : 1.0,
                Seed = parameters.Seed,
                Threads = parameters.Threads,
            };
            var result = GbdtTrainer.Train(data.Train, data.Validation, options, progress, ct);
            if (parameters.RefitWithValidation)
            {
                // Same rounds, more rows; the validation split still reports (now optimistically) per round.
                var both = Concat(data.Train, data.Validation);
                result = GbdtTrainer.Train(both, data.Validation, options with { MaxRounds = result.BestRound, EarlyStoppingRounds = 0 }, null, ct);
            }

            maxDifference = GbdtOnnxExport.Export(result, data.Test, onnxPath, metadata);
            history = result.History;
            bestStep = result.BestRound;
            // LightGBM's own model next to the ONNX, so the trees can be inspected or re-loaded by LightGBM.
            var modelTextPath = Path.ChangeExtension(onnxPath, ".lgbm.txt");
            files?.Add(modelTextPath);
            File.WriteAllText(modelTextPath, result.NativeModelText);
        }

        ct.ThrowIfCancellationRequested();
        var card = new ModelCard
        {
            Tag = parameters.Tag,
            Algorithm = algorithm,
            FeatureNames = data.FeatureNames,
            Scaling = data.Scaling,
            Imputation = data.Imputation,
            UsesDmdt = usesDmdt,
            Threshold = parameters.Threshold,
            Version = version,
            TrainingDataHash = data.DataHash,
            CreatedAtUtc = new DateTimeOffset(now.UtcDateTime, TimeSpan.Zero),
            OnnxFile = onnxFile,
        };

        // Metrics from the ONNX model itself: what the registry will serve, not what the trainer believed.
        SplitMetrics metrics;
        using (var classifier = OnnxClassifier.Create(card, onnxPath, column))
        {
            ClassificationMetrics Evaluate(TrainingSplit split)
            {
                var scores = new float[split.Rows];
                if (usesDmdt)
                {
                    classifier.ScorePrepared(split.Features, split.Dmdt, scores);
                }
                else
                {
                    classifier.ScorePrepared(split.Features, scores);
                }

                return ClassificationMetrics.Compute(scores, split.Labels);
            }

            metrics = new SplitMetrics(Evaluate(data.Train), Evaluate(data.Validation), Evaluate(data.Test));
        }

        var summary = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (prefix, m) in new[] { ("train_", metrics.Train), ("val_", metrics.Validation), ("test_", metrics.Test) })
        {
            foreach (var (name, value) in m.Summary(prefix))
            {
                summary[name] = double.IsFinite(value) ? value : 0;
            }
        }

        summary["onnx_max_abs_diff"] = maxDifference;
        summary["best_step"] = bestStep;
        summary["train_rows"] = data.Train.Rows;
        summary["seed"] = parameters.Seed;
        card = card with { Metrics = summary };
        var cardPath = Path.Combine(outputDirectory, $"{column}.{version}.json");
        files?.Add(cardPath);
        card.Save(cardPath);
        return new TrainingOutcome(card, cardPath, onnxPath, metrics, history, maxDifference, data, clock.Elapsed);
    }

    private static TrainingSplit Concat(TrainingSplit a, TrainingSplit b) => new(
        a.FeatureCount,
        [.. a.Features, .. b.Features],
        [.. a.Labels, .. b.Labels],
        a.Dmdt is null || b.Dmdt is null ? null : [.. a.Dmdt, .. b.Dmdt],
        a.SourceIds is null || b.SourceIds is null ? null : [.. a.SourceIds, .. b.SourceIds]);

    /// <summary>SCoPe's time tag, which names a saved model.</summary>
    private static string PreparedVersion(DateTimeOffset now) => TrainingParameters.TimeTag(now);
}
