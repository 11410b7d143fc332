using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScopeWeb.Core.Classifiers;

/// <summary>Which kind of model a card describes (SCoPe's <c>&lt;tag&gt;_dnn</c> / <c>&lt;tag&gt;_xgb</c>, plus hierarchical).</summary>
public enum ModelAlgorithm
{
    /// <summary>Neural network (ScopeNet-like), scored through ONNX.</summary>
    Dnn,

    /// <summary>Gradient-boosted trees (XGBoost), converted to an ONNX tree ensemble.</summary>
    Xgb,

    /// <summary>A classifier combined from a taxonomy of other classifiers.</summary>
    Hierarchical,
}

/// <summary>Feature scaling, as SCoPe's <c>scale_features</c>.</summary>
public enum ScalingMethod
{
    /// <summary>Features are passed unscaled.</summary>
    None,

    /// <summary>(x − min) / (max − min).</summary>
    MinMax,

    /// <summary>(x − median) / std.</summary>
    MedianStd,
}

/// <summary>How a missing (NaN or infinite) feature value is filled before scaling.</summary>
public enum ImputationMethod
{
    /// <summary>Left missing (NaN): tree models route it by their default direction.</summary>
    None,

    /// <summary>Filled with 0.</summary>
    Zero,

    /// <summary>Filled with the reference set's median (the card's value).</summary>
    Median,

    /// <summary>Filled with the reference set's mean (the card's value).</summary>
    Mean,
}

/// <summary>Reference-set statistics of one feature (SCoPe's feature_stats: nanmin, nanmax, nanmedian, nanmean, population nanstd).</summary>
public sealed record FeatureStats
{
    /// <summary>Minimum.</summary>
    public double? Min { get; init; }

    /// <summary>Maximum.</summary>
    public double? Max { get; init; }

    /// <summary>Median.</summary>
    public double? Median { get; init; }

    /// <summary>Mean.</summary>
    public double? Mean { get; init; }

    /// <summary>Population standard deviation.</summary>
    public double? Std { get; init; }
}

/// <summary>The scaling a model was trained with. Features without stats, or with std = 0, stay unscaled (as in SCoPe).</summary>
public sealed record FeatureScaling
{
    /// <summary>Scaling method.</summary>
    public required ScalingMethod Method { get; init; }

    /// <summary>Statistics per feature name.</summary>
    public IReadOnlyDictionary<string, FeatureStats> Stats { get; init; } = new Dictionary<string, FeatureStats>(StringComparer.Ordinal);
}

/// <summary>Imputation of one feature: the method and, for median/mean, the fill value in unscaled units.</summary>
public sealed record FeatureImputation
{
    /// <summary>Imputation method.</summary>
    public required ImputationMethod Method { get; init; }

    /// <summary>Fill value (unscaled); required for median and mean, 0 or absent for zero, absent for none.</summary>
    public double? Value { get; init; }

    /// <summary>The value that replaces a missing one: NaN for <see cref="ImputationMethod.None"/>.</summary>
    [JsonIgnore]
    public double FillValue => Method switch
    {
        ImputationMethod.None => double.NaN,
        ImputationMethod.Zero => 0.0,
        _ => Value ?? double.NaN,
    };
}

/// <summary>A top-level class of a hierarchical classifier and its leaf classes, in output order (ALeRCE: Periodic → RRL, CEP, …).</summary>
public sealed record ClassGroup
{
    /// <summary>Top-level class name (e.g. <c>Periodic</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Leaf class names of this group, in output order.</summary>
    public required IReadOnlyList<string> Classes { get; init; }
}

/// <summary>
/// The model card: everything needed to score a classifier exactly as it was trained. Stored as JSON with snake_case
/// property names next to the ONNX file it names (and optionally copied into the ONNX metadata_props).
/// </summary>
public sealed record ModelCard
{
    /// <summary>Classifier tag (e.g. <c>rrlyr</c>), one binary classifier per tag.</summary>
    public required string Tag { get; init; }

    /// <summary>Model kind.</summary>
    public required ModelAlgorithm Algorithm { get; init; }

    /// <summary>Feature names in model input order.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>Feature scaling.</summary>
    public required FeatureScaling Scaling { get; init; }

    /// <summary>Imputation per feature name; every input feature has an entry.</summary>
    public required IReadOnlyDictionary<string, FeatureImputation> Imputation { get; init; }

    /// <summary>Whether the model also takes a dmdt histogram.</summary>
    public required bool UsesDmdt { get; init; }

    /// <summary>Score above which a source counts as a member of the class (SCoPe uses 0.7).</summary>
    public required double Threshold { get; init; }

    /// <summary>Model version (free text, e.g. a date or a release number).</summary>
    public required string Version { get; init; }

    /// <summary>Hash of the training data (e.g. <c>sha256:…</c>), so results can be traced to their training set.</summary>
    public required string TrainingDataHash { get; init; }

    /// <summary>Evaluation metrics by name (auc, precision, recall, …).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>When the model was made, UTC.</summary>
    public required DateTimeOffset CreatedAtUtc { get; init; }

    /// <summary>ONNX file name in the card's folder (a plain file name: no directories, no <c>..</c>).</summary>
    public required string OnnxFile { get; init; }

    /// <summary>
    /// Hierarchical models only: leaf class names in the order of the model's <c>probabilities</c> output (the groups'
    /// classes concatenated). Absent (null) for binary models.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>
    /// Hierarchical models only: the top-level classes in the order of the model's <c>top</c> output, each with its leaf
    /// classes. Absent (null) for binary models.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ClassGroup>? Groups { get; init; }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        WriteIndented = true,
    };

    /// <summary>The card as JSON (snake_case).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Writes the card to <paramref name="path"/> after validating it.</summary>
    public void Save(string path)
    {
        Validate(path);
        File.WriteAllText(path, ToJson() + "\n");
    }

    /// <summary>Reads and validates a card file; errors name the file and the field.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid model card.</exception>
    public static ModelCard Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses and validates card JSON; <paramref name="source"/> names the origin in error messages.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a valid model card.</exception>
    public static ModelCard Parse(string json, string source)
    {
        ModelCard? card;
        try
        {
            card = JsonSerializer.Deserialize<ModelCard>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) ? string.Empty : $" at field '{ex.Path.TrimStart('$', '.')}'";
            throw new InvalidDataException($"{source}: invalid model card{field}: {ex.Message}", ex);
        }

        if (card is null)
        {
            throw new InvalidDataException($"{source}: the model card is JSON null.");
        }

        card.Validate(source);
        return card;
    }

    /// <summary>Checks the card's consistency; throws <see cref="InvalidDataException"/> naming <paramref name="source"/> and the field.</summary>
    public void Validate(string source)
    {
        void Fail(string field, string problem) => throw new InvalidDataException($"{source}: field '{field}': {problem}");

        if (string.IsNullOrWhiteSpace(Tag))
        {
            Fail("tag", "must not be empty.");
        }

        if (FeatureNames.Count == 0)
        {
            Fail("feature_names", "must list at least one feature.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < FeatureNames.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(FeatureNames[i]))
            {
                Fail($"feature_names[{i}]", "must not be empty.");
            }

            if (!names.Add(FeatureNames[i]))
            {
                Fail($"feature_names[{i}]", $"'{FeatureNames[i]}' is listed twice.");
            }
        }

        foreach (var (name, stats) in Scaling.Stats)
        {
            if (!names.Contains(name))
            {
                Fail($"scaling.stats.{name}", "is not one of feature_names.");
            }

            CheckFinite(stats.Min, $"scaling.stats.{name}.min");
            CheckFinite(stats.Max, $"scaling.stats.{name}.max");
            CheckFinite(stats.Median, $"scaling.stats.{name}.median");
            CheckFinite(stats.Mean, $"scaling.stats.{name}.mean");
            CheckFinite(stats.Std, $"scaling.stats.{name}.std");
            switch (Scaling.Method)
            {
                case ScalingMethod.MinMax when stats.Min is null || stats.Max is null:
                    Fail($"scaling.stats.{name}", "min_max scaling needs min and max.");
                    break;
                case ScalingMethod.MinMax when stats.Max < stats.Min:
                    Fail($"scaling.stats.{name}", $"max {F(stats.Max)} is below min {F(stats.Min)}.");
                    break;
                case ScalingMethod.MedianStd when stats.Median is null || stats.Std is null:
                    Fail($"scaling.stats.{name}", "median_std scaling needs median and std.");
                    break;
                case ScalingMethod.MedianStd when stats.Std < 0:
                    Fail($"scaling.stats.{name}.std", $"must not be negative ({F(stats.Std)}).");
                    break;
                default:
                    break;
            }
        }

        foreach (var name in Imputation.Keys)
        {
            if (!names.Contains(name))
            {
                Fail($"imputation.{name}", "is not one of feature_names.");
            }
        }

        foreach (var name in FeatureNames)
        {
            if (!Imputation.TryGetValue(name, out var imputation))
            {
                Fail($"imputation.{name}", "is missing: every feature needs an imputation entry (method none, zero, median or mean).");
                continue;
            }

            CheckFinite(imputation.Value, $"imputation.{name}.value");
            switch (imputation.Method)
            {
                case ImputationMethod.Median or ImputationMethod.Mean when imputation.Value is null:
                    Fail($"imputation.{name}.value", $"is required for method {JsonNamingPolicy.SnakeCaseLower.ConvertName(imputation.Method.ToString())}.");
                    break;
                case ImputationMethod.Zero when imputation.Value is not null and not 0.0:
                    Fail($"imputation.{name}.value", $"must be 0 or absent for method zero, not {F(imputation.Value)}.");
                    break;
                case ImputationMethod.None when imputation.Value is not null:
                    Fail($"imputation.{name}.value", "must be absent for method none.");
                    break;
                default:
                    break;
            }
        }

        if (!double.IsFinite(Threshold) || Threshold < 0 || Threshold > 1)
        {
            Fail("threshold", $"must be within [0, 1], not {F(Threshold)}.");
        }

        if (string.IsNullOrWhiteSpace(Version))
        {
            Fail("version", "must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(TrainingDataHash))
        {
            Fail("training_data_hash", "must not be empty.");
        }

        foreach (var (name, value) in Metrics)
        {
            CheckFinite(value, $"metrics.{name}");
        }

        if (CreatedAtUtc.Offset != TimeSpan.Zero)
        {
            Fail("created_at_utc", $"must be UTC (offset +00:00 or Z), not {CreatedAtUtc.Offset}.");
        }

        // The registry serves only what is in its folder: a path out of it (absolute, '..', a subfolder the folder watch
        // does not see) could score with a model nobody put there.
        if (!ModelFolder.IsPlainFileName(OnnxFile))
        {
            Fail("onnx_file", $"{ModelFolder.OnnxFileRule}, not '{OnnxFile}'.");
        }

        ValidateTaxonomy(Fail);

        void CheckFinite(double? value, string field)
        {
            if (value is { } v && !double.IsFinite(v))
            {
                Fail(field, "must be a finite number.");
            }
        }
    }

    /// <summary>Hierarchical cards need classes = their groups' classes concatenated (each once, ≥ 2 groups); others have neither.</summary>
    private void ValidateTaxonomy(Action<string, string> fail)
    {
        if (Algorithm != ModelAlgorithm.Hierarchical)
        {
            if (Classes is not null)
            {
                fail("classes", "is only for algorithm hierarchical.");
            }

            if (Groups is not null)
            {
                fail("groups", "is only for algorithm hierarchical.");
            }

            return;
        }

        if (UsesDmdt)
        {
            fail("uses_dmdt", "a hierarchical model takes features only.");
        }

        if (Groups is null || Groups.Count < 2)
        {
            fail("groups", $"a hierarchical model needs at least 2 top-level groups, not {Groups?.Count ?? 0}.");
            return;
        }

        if (Classes is null)
        {
            fail("classes", "is required for algorithm hierarchical (the leaf classes in output order).");
            return;
        }

        var groupNames = new HashSet<string>(StringComparer.Ordinal);
        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var leaves = new List<string>();
        for (var g = 0; g < Groups.Count; g++)
        {
            var group = Groups[g];
            if (string.IsNullOrWhiteSpace(group.Name))
            {
                fail($"groups[{g}].name", "must not be empty.");
            }

            if (!groupNames.Add(group.Name))
            {
                fail($"groups[{g}].name", $"'{group.Name}' is listed twice.");
            }

            if (group.Classes.Count == 0)
            {
                fail($"groups[{g}].classes", $"group '{group.Name}' has no classes.");
            }

            for (var c = 0; c < group.Classes.Count; c++)
            {
                var name = group.Classes[c];
                if (string.IsNullOrWhiteSpace(name))
                {
                    fail($"groups[{g}].classes[{c}]", "must not be empty.");
                }

                if (!groupOf.TryAdd(name, group.Name))
                {
                    fail($"groups[{g}].classes[{c}]", $"'{name}' is already in group '{groupOf[name]}'.");
                }

                leaves.Add(name);
            }
        }

        if (!Classes.SequenceEqual(leaves, StringComparer.Ordinal))
        {
            fail("classes", $"must be the groups' classes in order ({string.Join(", ", leaves)}), not ({string.Join(", ", Classes)}).");
        }
    }

    private static string F(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";
}
