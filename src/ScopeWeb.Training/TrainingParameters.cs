using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Training.Data;
using ScopeWeb.Training.Gbdt;

namespace ScopeWeb.Training;

/// <summary>
/// Everything a training run needs, with SCoPe's defaults (docs/science.md). Stored with the run as JSON so the run
/// can be repeated exactly: same parameters + same data hash + same seed = same model.
/// </summary>
public sealed record TrainingParameters
{
    public required string Tag { get; init; }

    /// <summary><c>dnn</c> or <c>xgb</c>.</summary>
    public string Algorithm { get; init; } = "dnn";

    /// <summary><c>catalog</c>, or the path of a SCoPe training CSV.</summary>
    public string Dataset { get; init; } = CatalogDataset;

    /// <summary>Label column (or <c>COLUMN=VALUE</c>); null = the tag's SCoPe label column.</summary>
    public string? Label { get; init; }

    /// <summary>Feature names in input order; null = <see cref="FeatureSet"/>.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>Feature set name (phenomenological, ontological, catalog); null = the tag's SCoPe set, or <c>catalog</c> for the catalog.</summary>
    public string? FeatureSet { get; init; }

    public double Threshold { get; init; } = 0.7;
    public double? Balance { get; init; }
    public double TestSize { get; init; } = 0.1;
    public double ValidationSize { get; init; } = 0.1;
    public int Seed { get; init; } = 42;

    /// <summary>Split each class separately (SCoPe does not; it helps rare classes).</summary>
    public bool Stratify { get; init; }

    /// <summary>
    /// A JSON file of scaling statistics per feature (<c>{"median": {"min": …, "max": …, "median": …, "mean": …, "std": …}}</c>,
    /// SCoPe's config <c>feature_stats</c> table); null = computed from the labelled pool, as SCoPe does by default.
    /// </summary>
    public string? FeatureStatsPath { get; init; }

    /// <summary><c>min_max</c>, <c>median_std</c> or <c>none</c>.</summary>
    public string ScaleFeatures { get; init; } = "min_max";

    /// <summary>SCoPe's <c>weight_per_class</c>: weight the loss (DNN) or scale_pos_weight (trees) by class frequency.</summary>
    public bool WeightPerClass { get; init; }

    // DNN (ScopeNet)
    public int BatchSize { get; init; } = 64;
    public int Epochs { get; init; } = 100;
    public int Patience { get; init; } = 20;
    public double LearningRate { get; init; } = 3e-4;
    public bool ConvBranch { get; init; } = true;
    public bool DenseBranch { get; init; } = true;

    // Gradient-boosted trees (the XGB role)
    public int MaxDepth { get; init; } = 3;
    public double Eta { get; init; } = 0.3;
    public double Subsample { get; init; } = 0.6;
    public double ColsampleByTree { get; init; } = 0.6;
    public int MaxRounds { get; init; } = 999;
    public int EarlyStoppingRounds { get; init; } = 10;

    /// <summary>Validation metric of the trees' early stopping: <c>auc</c> (SCoPe) or <c>logloss</c>.</summary>
    public string EarlyStoppingMetric { get; init; } = "auc";

    /// <summary>
    /// Trees only: after early stopping, train again on training + validation rows for the best number of rounds
    /// (SCoPe's xgb.py retrains with best_iteration + 1 rounds), so the validation rows also teach the model.
    /// </summary>
    public bool RefitWithValidation { get; init; }

    /// <summary>CPU threads for training; 0 = all cores.</summary>
    public int Threads { get; init; }

    public const string CatalogDataset = "catalog";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Histories carry NaN (a loss a trainer does not report) and the ROC curve starts at +∞.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainingParameters FromJson(string json) =>
        JsonSerializer.Deserialize<TrainingParameters>(json, Json) ?? throw new InvalidDataException("Training parameters are JSON null.");

    /// <summary>The algorithm as the card spells it; SCoPe's spellings (DNN, NN, XGB, XGBoost, …) are accepted.</summary>
    public ModelAlgorithm ModelAlgorithm => Algorithm.ToLowerInvariant() switch
    {
        "dnn" or "nn" => ModelAlgorithm.Dnn,
        "xgb" or "xgboost" or "gbdt" or "lightgbm" => ModelAlgorithm.Xgb,
        _ => throw new InvalidDataException($"Unknown algorithm '{Algorithm}': use dnn or xgb."),
    };

    /// <summary>The trees' early-stopping metric.</summary>
    [JsonIgnore]
    public GbdtStoppingMetric StoppingMetric => EarlyStoppingMetric.ToLowerInvariant() switch
    {
        "auc" => GbdtStoppingMetric.Auc,
        "logloss" or "log_loss" or "binary_logloss" => GbdtStoppingMetric.LogLoss,
        _ => throw new InvalidDataException($"Unknown early-stopping metric '{EarlyStoppingMetric}': use auc or logloss."),
    };

    public ScalingMethod Scaling => ScaleFeatures.ToLowerInvariant() switch
    {
        "min_max" or "minmax" => ScalingMethod.MinMax,
        "median_std" or "medianstd" => ScalingMethod.MedianStd,
        "none" or "" => ScalingMethod.None,
        _ => throw new InvalidDataException($"Unknown scaling '{ScaleFeatures}': use min_max, median_std or none."),
    };

    /// <summary>Problems a user can fix, empty when the parameters are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }

        Check(!string.IsNullOrWhiteSpace(Tag), "A tag is required (--tag).");
        try
        {
            _ = ModelAlgorithm;
            _ = Scaling;
            _ = StoppingMetric;
        }
        catch (InvalidDataException ex)
        {
            problems.Add(ex.Message);
        }

        Check(Threshold is >= 0 and < 1, "The threshold is in [0, 1).");
        Check(Balance is null or > 0, "Balance must be positive.");
        Check(TestSize is > 0 and < 0.5 && ValidationSize is > 0 and < 0.5, "Test and validation sizes are fractions in (0, 0.5).");
        Check(BatchSize is >= 1 and <= 65536, "The batch size is 1 to 65,536.");
        Check(Epochs is >= 1 and <= 100_000, "Epochs are 1 to 100,000.");
        Check(Patience >= 1, "Patience is at least 1.");
        Check(LearningRate is > 0 and < 1, "The learning rate is in (0, 1).");
        Check(ConvBranch || DenseBranch, "At least one of the dense and conv branches is needed.");
        Check(MaxDepth is >= 1 and <= 16, "max_depth is 1 to 16.");
        Check(Eta is > 0 and <= 1, "eta is in (0, 1].");
        Check(Subsample is > 0 and <= 1 && ColsampleByTree is > 0 and <= 1, "subsample and colsample_bytree are in (0, 1].");
        Check(MaxRounds >= 1 && EarlyStoppingRounds >= 0, "Rounds are at least 1, early-stopping rounds at least 0 (0 = off: all rounds are kept).");
        return problems;
    }

    /// <summary>The label column: the given one, else the tag's SCoPe label (or its older spelling if the table uses that).</summary>
    public string ResolveLabel(TrainingTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (Label is { } label)
        {
            return label;
        }

        var tag = ScopeTags.Find(Tag) ?? throw new InvalidDataException(
            $"'{Tag}' is not a SCoPe tag; give the label column with --label (e.g. --label variable or --label class_name=RRab).");
        return new[] { tag.LabelColumn }.Concat(tag.LabelAliases).FirstOrDefault(table.HasColumn)
            ?? throw new InvalidDataException($"{table.SourceName}: tag '{Tag}' needs the label column '{tag.LabelColumn}', which the table does not have.");
    }

    /// <summary>The features: the given list, else the named set, else the tag's set (the catalog's own set for the catalog).</summary>
    public IReadOnlyList<string> ResolveFeatures(TrainingTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (Features is { Count: > 0 } features)
        {
            return features;
        }

        var setName = FeatureSet
            ?? (string.Equals(Dataset, CatalogDataset, StringComparison.Ordinal) ? ScopeTags.Catalog : ScopeTags.Find(Tag)?.FeatureSet ?? ScopeTags.Phenomenological);
        return ScopeTags.FeatureSet(setName) ?? throw new InvalidDataException(
            $"Unknown feature set '{setName}': use {ScopeTags.Phenomenological}, {ScopeTags.Ontological}, {ScopeTags.Catalog} or --features a,b,c.");
    }

    /// <summary>The statistics of <see cref="FeatureStatsPath"/>, or null when none is given.</summary>
    /// <exception cref="InvalidDataException">The file is missing or not a feature → statistics map (file and field named).</exception>
    public IReadOnlyDictionary<string, FeatureStats>? LoadFeatureStats()
    {
        if (FeatureStatsPath is null)
        {
            return null;
        }

        if (!File.Exists(FeatureStatsPath))
        {
            throw new InvalidDataException($"{FeatureStatsPath}: file not found (--feature_stats).");
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, FeatureStats>>(File.ReadAllText(FeatureStatsPath), ModelCard.JsonOptions)
                ?? throw new InvalidDataException($"{FeatureStatsPath}: the feature statistics are JSON null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{FeatureStatsPath}: not a feature statistics table at '{ex.Path}': {ex.Message}", ex);
        }
    }

    /// <summary>The time tag SCoPe names saved models with (UTC <c>yyyyMMdd_HHmmss</c>).</summary>
    public static string TimeTag(DateTimeOffset utc) => utc.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
}
