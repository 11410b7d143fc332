using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Classifiers.Onnx;
using ScopeWeb.Core.Classifiers.Onnx.Proto;

namespace ScopeWeb.Testing;

/// <summary>Small real models for registry tests: a one-layer sigmoid MLP per card, with or without ScopeWeb metadata.</summary>
public static class RegistryTestModels
{
    /// <summary>A valid DNN card for <paramref name="tag"/>: no scaling, the given imputation (with value 0.5 for median and mean).</summary>
    public static ModelCard Card(string tag, IReadOnlyList<string> features, ImputationMethod imputation = ImputationMethod.Zero, string version = "test-1") =>
        ClassificationTestFiles.Card(features, ModelAlgorithm.Dnn, imputation) with
        {
            Tag = tag,
            Version = version,
            Imputation = features.ToDictionary(
                name => name,
                _ => new FeatureImputation { Method = imputation, Value = imputation is ImputationMethod.Median or ImputationMethod.Mean ? 0.5 : null },
                StringComparer.Ordinal),
        };

    /// <summary>
    /// A sigmoid of a weighted sum whose weights differ per input (1, −2, 3, …, scaled by <paramref name="scale"/>), so a
    /// swapped feature order gives other scores.
    /// </summary>
    public static ModelProto Mlp(int width, IReadOnlyDictionary<string, string>? metadata, float scale = 0.5f)
    {
        var weights = Enumerable.Range(0, width).Select(i => scale * (i + 1) * (i % 2 == 0 ? 1f : -2f)).ToArray();
        return OnnxModelWriter.BuildMlp([new DenseLayer(width, 1, weights, [0.1f], DenseActivation.Sigmoid)], metadata);
    }

    /// <summary>Writes <paramref name="card"/>'s MLP with the card's <see cref="ModelIdentity"/> (or none) and the card, plainly (not through Install).</summary>
    public static string WritePair(string folder, ModelCard card, string cardFileName, bool withMetadata = true, float scale = 0.5f)
    {
        var metadata = withMetadata ? ModelIdentity.Of(card).ToMetadata() : null;
        OnnxModelWriter.Write(Mlp(card.FeatureNames.Count, metadata, scale), Path.Combine(folder, card.OnnxFile));
        var cardPath = Path.Combine(folder, cardFileName);
        card.Save(cardPath);
        return cardPath;
    }

    /// <summary>Installs <paramref name="card"/>'s MLP (with its metadata) through <see cref="ModelFolder.Install"/> as <c>&lt;tag&gt;.dnn.json</c>.</summary>
    public static ModelInstallation Install(string folder, ModelCard card, bool replace = false, float scale = 0.5f)
    {
        var model = Mlp(card.FeatureNames.Count, ModelIdentity.Of(card).ToMetadata(), scale);
        return ModelFolder.Install(folder, card, $"{card.Tag}.dnn.json", $"{card.Tag}.dnn.onnx", s => OnnxModelWriter.Write(model, s), "test model", replace);
    }

    /// <summary>The files of a folder with their bytes, to show a folder did not change.</summary>
    public static SortedDictionary<string, byte[]> Snapshot(string folder)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(folder))
        {
            files[Path.GetFileName(path)] = File.ReadAllBytes(path);
        }

        return files;
    }
}
