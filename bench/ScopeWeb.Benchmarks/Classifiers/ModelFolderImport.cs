using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.Classifiers.Xgboost;

namespace ScopeWeb.Benchmarks.Classifiers;

/// <summary>
/// Writes the inference bench's models into a ScopeWeb model folder as <c>scope models import</c> does
/// (src/ScopeWeb.Cli/Classifiers/ModelsCommand.cs), through the same Core calls, so the bench needs no CLI code:
/// an XGBoost JSON becomes an ONNX tree ensemble, a DNN's ONNX file is checked against its card and copied.
/// </summary>
internal static class ModelFolderImport
{
    private const string Version = "bench-inference";

    private static readonly JsonSerializerOptions StatsJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>SCoPe's feature_stats table ({feature: {min, max, median, mean, std}}) as make_inference_models.py writes it.</summary>
    public static Dictionary<string, FeatureStats> ReadStats(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, FeatureStats>>(File.ReadAllText(path), StatsJson)
                ?? throw new InvalidDataException($"{path}: the feature stats are JSON null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: invalid feature stats at '{ex.Path}': {ex.Message}", ex);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: file not found.");
        }
    }

    /// <summary>An XGBoost binary:logistic JSON model as an ONNX tree ensemble plus its card (min-max scaling, NaN routed by the trees).</summary>
    public static void Xgboost(string source, string tag, IReadOnlyList<string> features, IReadOnlyDictionary<string, FeatureStats> stats, string folder)
    {
        var model = XgboostJsonImporter.Load(source);
        if (model.FeatureNames.Count != features.Count)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: the model takes {model.FeatureNames.Count} features, but meta.json lists {features.Count}."));
        }

        var card = Card(source, tag, ModelAlgorithm.Xgb, features, stats, ImputationMethod.None, usesDmdt: false);
        var onnxPath = Path.Combine(folder, card.OnnxFile);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [OnnxModelWriter.ModelCardMetadataKey] = card.ToJson() };
        OnnxModelWriter.Write(OnnxModelWriter.BuildTreeEnsemble(model.Ensemble, metadata), onnxPath);
        SaveAndCheck(card, folder);
    }

    /// <summary>
    /// A ScopeNet DNN exported by torch (features + dmdt inputs), checked against its card and copied. SCoPe v1 fed the
    /// DNN missing values as 0 before scaling, so the card says zero imputation.
    /// </summary>
    public static void Dnn(string source, string tag, IReadOnlyList<string> features, IReadOnlyDictionary<string, FeatureStats> stats, string folder)
    {
        var card = Card(source, tag, ModelAlgorithm.Dnn, features, stats, ImputationMethod.Zero, usesDmdt: true);
        OnnxClassifier.CheckModel(card, source, $"model card for tag {tag}", "meta.json's features");
        File.Copy(source, Path.Combine(folder, card.OnnxFile), overwrite: true);
        SaveAndCheck(card, folder);
    }

    /// <summary>The card path of a tag and algorithm in <paramref name="folder"/> (<c>&lt;tag&gt;.&lt;algorithm&gt;.json</c>).</summary>
    public static string CardPath(string folder, string tag, ModelAlgorithm algorithm) =>
        Path.Combine(folder, $"{tag}.{ModelRegistry.AlgorithmName(algorithm)}.json");

    /// <summary>The card records the SHA-256 of the file it was imported from; a regenerated model has another.</summary>
    public static bool IsCurrent(string cardPath, string source)
    {
        try
        {
            return File.Exists(cardPath)
                && string.Equals(ModelCard.Load(cardPath).TrainingDataHash, Sha256(source), StringComparison.Ordinal);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static ModelCard Card(
        string source, string tag, ModelAlgorithm algorithm, IReadOnlyList<string> features, IReadOnlyDictionary<string, FeatureStats> stats,
        ImputationMethod imputation, bool usesDmdt)
    {
        var card = new ModelCard
        {
            Tag = tag,
            Algorithm = algorithm,
            FeatureNames = features,
            Scaling = new FeatureScaling { Method = ScalingMethod.MinMax, Stats = stats },
            Imputation = features.Distinct(StringComparer.Ordinal)
                .ToDictionary(name => name, _ => new FeatureImputation { Method = imputation }, StringComparer.Ordinal),
            UsesDmdt = usesDmdt,
            Threshold = 0.7,
            Version = Version,
            TrainingDataHash = Sha256(source),
            CreatedAtUtc = DateTimeOffset.UtcNow,
            OnnxFile = $"{tag}.{ModelRegistry.AlgorithmName(algorithm)}.onnx",
        };
        card.Validate($"model card for tag {tag}");
        return card;
    }

    /// <summary>Writes the card and loads the pair as the registry will.</summary>
    private static void SaveAndCheck(ModelCard card, string folder)
    {
        var cardPath = CardPath(folder, card.Tag, card.Algorithm);
        card.Save(cardPath);
        using var check = OnnxClassifier.Load(cardPath);
    }

    private static string Sha256(string path) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
