using System.Globalization;
using System.Text.Json;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Core.Classifiers;

/// <summary>
/// What an ONNX model was made for: the classifier tag, the algorithm, the feature names in input order and, for a
/// hierarchical model, the leaf classes in output order. ScopeWeb writes it into every registry model's
/// <c>metadata_props</c> (<see cref="TagKey"/>, <see cref="AlgorithmKey"/>, <see cref="FeaturesKey"/>,
/// <see cref="ClassesKey"/>) so that a card can be checked against the model it names: input width alone cannot tell a
/// reversed feature order, or another tag's model of the same width.
/// </summary>
/// <param name="Tag">Classifier tag.</param>
/// <param name="Algorithm">Algorithm.</param>
/// <param name="FeatureNames">Feature names in model input order.</param>
/// <param name="Classes">Leaf classes in output order (hierarchical models only).</param>
public sealed record ModelIdentity(string Tag, ModelAlgorithm Algorithm, IReadOnlyList<string> FeatureNames, IReadOnlyList<string>? Classes)
{
    /// <summary>metadata_props key of the classifier tag.</summary>
    public const string TagKey = "scopeweb.tag";

    /// <summary>metadata_props key of the algorithm (<c>dnn</c>, <c>xgb</c>, <c>hierarchical</c>).</summary>
    public const string AlgorithmKey = "scopeweb.algorithm";

    /// <summary>metadata_props key of the feature names in input order, as a JSON list of strings.</summary>
    public const string FeaturesKey = "scopeweb.features";

    /// <summary>metadata_props key of a hierarchical model's leaf classes in output order, as a JSON list of strings.</summary>
    public const string ClassesKey = "scopeweb.classes";

    /// <summary>The identity a card says its model has.</summary>
    public static ModelIdentity Of(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return new ModelIdentity(card.Tag, card.Algorithm, card.FeatureNames, card.Classes);
    }

    /// <summary>The metadata_props entries that record this identity in an ONNX file.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TagKey] = Tag,
            [AlgorithmKey] = ModelRegistry.AlgorithmName(Algorithm),
            [FeaturesKey] = JsonSerializer.Serialize(FeatureNames),
        };
        if (Classes is not null)
        {
            metadata[ClassesKey] = JsonSerializer.Serialize(Classes);
        }

        return metadata;
    }

    /// <summary>
    /// Reads the identity from an ONNX model's metadata_props: the <c>scopeweb.*</c> keys, else a valid model card under
    /// <see cref="OnnxModelWriter.ModelCardMetadataKey"/> (which <c>scope models import --xgb</c> wrote before the keys
    /// existed). Null when the model carries neither (made elsewhere, or by an older ScopeWeb).
    /// </summary>
    /// <exception cref="InvalidDataException">Some <c>scopeweb.*</c> keys are present but incomplete or malformed.</exception>
    public static ModelIdentity? FromMetadata(IReadOnlyDictionary<string, string> metadata, string onnxPath)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var tag = metadata.GetValueOrDefault(TagKey);
        var algorithm = metadata.GetValueOrDefault(AlgorithmKey);
        var features = metadata.GetValueOrDefault(FeaturesKey);
        if (tag is null && algorithm is null && features is null)
        {
            return FromEmbeddedCard(metadata);
        }

        void Fail(string key, string problem) => throw new InvalidDataException($"{onnxPath}: metadata '{key}' {problem}");
        if (string.IsNullOrWhiteSpace(tag))
        {
            Fail(TagKey, "is missing or empty; the file's ScopeWeb metadata is incomplete.");
        }

        if (algorithm is null || ParseAlgorithm(algorithm) is not { } parsed)
        {
            Fail(AlgorithmKey, $"must be dnn, xgb or hierarchical, not {(algorithm is null ? "missing" : $"'{algorithm}'")}.");
            return null;
        }

        var names = ReadNames(features, FeaturesKey, onnxPath, required: true)!;
        var classes = ReadNames(metadata.GetValueOrDefault(ClassesKey), ClassesKey, onnxPath, required: false);
        return new ModelIdentity(tag!, parsed, names, classes);
    }

    /// <summary>
    /// The first way a card (this identity) differs from its ONNX model's recorded identity, in words; null when they
    /// agree. Checked in the order tag, algorithm, features, classes.
    /// </summary>
    public string? FirstDifferenceFrom(ModelIdentity onnx)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        if (!string.Equals(Tag, onnx.Tag, StringComparison.Ordinal))
        {
            return $"tag is '{Tag}' in the card but '{onnx.Tag}' in the ONNX ({TagKey}): the card names another classifier's model";
        }

        if (Algorithm != onnx.Algorithm)
        {
            return $"algorithm is {ModelRegistry.AlgorithmName(Algorithm)} in the card but {ModelRegistry.AlgorithmName(onnx.Algorithm)} in the ONNX ({AlgorithmKey})";
        }

        return FirstListDifference("feature_names", FeatureNames, onnx.FeatureNames, FeaturesKey)
            ?? FirstListDifference("classes", Classes ?? [], onnx.Classes ?? [], ClassesKey);
    }

    private static string? FirstListDifference(string field, IReadOnlyList<string> card, IReadOnlyList<string> onnx, string key)
    {
        var common = Math.Min(card.Count, onnx.Count);
        for (var i = 0; i < common; i++)
        {
            if (!string.Equals(card[i], onnx[i], StringComparison.Ordinal))
            {
                var moved = onnx.Contains(card[i]) ? " (the same names in another order feed the model the wrong columns)" : "";
                return string.Create(CultureInfo.InvariantCulture,
                    $"{field}[{i}] is '{card[i]}' in the card but '{onnx[i]}' in the ONNX ({key}){moved}");
            }
        }

        if (card.Count == onnx.Count)
        {
            return null;
        }

        return card.Count > onnx.Count
            ? string.Create(CultureInfo.InvariantCulture,
                $"{field} lists {card.Count} names in the card but {onnx.Count} in the ONNX ({key}); the first extra one is {field}[{common}] '{card[common]}'")
            : string.Create(CultureInfo.InvariantCulture,
                $"{field} lists {card.Count} names in the card but {onnx.Count} in the ONNX ({key}); the first missing one is '{onnx[common]}' at [{common}]");
    }

    private static ModelAlgorithm? ParseAlgorithm(string name) => name switch
    {
        "dnn" => ModelAlgorithm.Dnn,
        "xgb" => ModelAlgorithm.Xgb,
        "hierarchical" => ModelAlgorithm.Hierarchical,
        _ => null,
    };

    private static string[]? ReadNames(string? json, string key, string onnxPath, bool required)
    {
        if (json is null)
        {
            return required ? throw new InvalidDataException($"{onnxPath}: metadata '{key}' is missing; the file's ScopeWeb metadata is incomplete.") : null;
        }

        string[]? names = null;
        try
        {
            names = JsonSerializer.Deserialize<string[]>(json);
        }
        catch (JsonException)
        {
            // Reported below with the value.
        }

        if (names is null || names.Length == 0 || names.Any(string.IsNullOrEmpty))
        {
            throw new InvalidDataException($"{onnxPath}: metadata '{key}' must be a JSON list of names, not '{Shorten(json)}'.");
        }

        return names;
    }

    private static ModelIdentity? FromEmbeddedCard(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(OnnxModelWriter.ModelCardMetadataKey, out var json))
        {
            return null;
        }

        try
        {
            return Of(ModelCard.Parse(json, OnnxModelWriter.ModelCardMetadataKey));
        }
        catch (InvalidDataException)
        {
            // Not a card this version can read: the file counts as unmarked (accepted with a notice), as before the keys.
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
